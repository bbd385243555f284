import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffTexts } from '../../../src/core/diff';
import { revertHunk, minimalReplacement } from '../../../src/core/scope';

test('reverting every hunk (last first) restores the base text', () => {
  const base = 'fn a() {\n    1\n}\n\nfn b() {\n    2\n}\n';
  const now = '// header\nfn a() {\n    10\n}\n\nfn b() {\n}\nfn c() {}';
  let text = now;
  for (const h of diffTexts(base, now).reverse()) text = revertHunk(text, h)!;
  assert.equal(text, base);
});

test('a hunk whose lines changed since is not reverted', () => {
  const base = 'a\nb\nc\n';
  const now = 'a\nB\nc\n';
  const [h] = diffTexts(base, now);
  assert.equal(revertHunk('a\nBB\nc\n', h), undefined);
  assert.equal(revertHunk('a\n', h), undefined);
  assert.equal(revertHunk(now, h), base);
});

test('CRLF documents keep CRLF', () => {
  const base = 'a\r\nb\r\nc\r\n';
  const now = 'a\r\nX\r\nY\r\nc\r\n';
  const [h] = diffTexts(base, now);
  assert.equal(revertHunk(now, h), base);
});

test('property: reverting every hunk, last first, gives back the base text', () => {
  const line = fc.constantFrom('a', 'b', 'c', 'fn x() {', '}', '');
  const doc = fc.tuple(fc.array(line, { maxLength: 12 }), fc.boolean()).map(([ls, eol]) => ls.join('\n') + (eol && ls.length ? '\n' : ''));
  fc.assert(
    fc.property(doc, doc, (base, now) => {
      const hunks = diffTexts(base, now);
      let text = now;
      for (const h of [...hunks].reverse()) {
        const next = revertHunk(text, h);
        assert.notEqual(next, undefined);
        text = next!;
      }
      assert.equal(text, base);
    }),
    { numRuns: 500 },
  );
});

test('minimal replacement covers only the difference', () => {
  assert.deepEqual(minimalReplacement('abcdef', 'abXYef'), { offset: 2, end: 4, text: 'XY' });
  assert.deepEqual(minimalReplacement('same', 'same'), { offset: 4, end: 4, text: '' });
});
