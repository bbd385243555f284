import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffRunSets, parseTrace } from '../../../src/core/trace/index';
import { describeFiles } from '../../../src/core/trace/render';
import { read } from './helpers';

/** A capture as `milestone-scope ab` writes one: its `$ command` line, the program's own lines, the tree. */
function capture(source: string, extra: string[]): ReturnType<typeof parseTrace> {
  const text = ['$ target/release/examples/keccakf   (working tree; A/B session ab-1, run 2)', ...extra, read('forest_single.txt')].join(
    '\n',
  );
  return parseTrace(text, { source });
}

test("a capture's first `$ command` line is known output, not a line that was not understood", () => {
  const t = capture('a.txt', []);
  assert.equal(t.unparsed.length, 0);
  assert.equal(t.foreignLines, 1);
  // Anywhere else, such a line is reported.
  const later = parseTrace(`${read('forest_single.txt')}\n$ not a header`);
  assert.deepEqual(
    later.unparsed.map((u) => u.text),
    ['$ not a header'],
  );
});

test('several files per side: lines not understood are one warning per side, with the first example', () => {
  const base = ['b1.txt', 'b2.txt', 'b3.txt'].map((f) => capture(f, ['keccakf: committed 64 permutations']));
  const after = [capture('a1.txt', []), capture('a2.txt', ['keccakf: committed 64 permutations', 'keccakf: verified'])];
  const w = diffRunSets(base, after).warnings.filter((x) => x.includes('not understood'));
  assert.deepEqual(w, [
    'All 3 baseline traces have line(s) that were not understood (1 each; first: b1.txt line 2: "keccakf: committed 64 permutations").',
    '1 of the 2 after traces has line(s) that were not understood (2 each; first: a2.txt line 2: "keccakf: committed 64 permutations").',
  ]);
  // One file per side keeps the plain form.
  const one = diffRunSets([base[0]!], [after[1]!]).warnings.filter((x) => x.includes('not understood'));
  assert.deepEqual(one, [
    'The baseline has 1 line(s) that were not understood (first: line 2).',
    'The after trace has 2 line(s) that were not understood (first: line 2).',
  ]);
});

test('several files of a side are named by their folder when they share one, else one by one', () => {
  assert.equal(describeFiles(['t/2/a.txt', 't/2/b.txt'], 'traces'), '2 traces in t/2/');
  assert.equal(describeFiles(['t/2/a.txt', 'u/b.txt']), '2 files: t/2/a.txt, u/b.txt');
  assert.equal(describeFiles(['a.txt', 'b.txt']), '2 files: a.txt, b.txt');
});
