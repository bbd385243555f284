import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance, splitKeepingEol } from '../../../src/core/text';

test('splitKeepingEol keeps each line terminator, so joining gives the text back', () => {
  assert.deepEqual(splitKeepingEol(''), []);
  assert.deepEqual(splitKeepingEol('a'), ['a']);
  assert.deepEqual(splitKeepingEol('a\n'), ['a\n']);
  assert.deepEqual(splitKeepingEol('a\r\nb\n\nc'), ['a\r\n', 'b\n', '\n', 'c']);
  for (const text of ['', '\n', 'x\r\n', 'one\ntwo\r\nthree', '\n\n\r\n']) assert.equal(splitKeepingEol(text).join(''), text);
});

test('editDistance counts insertions, deletions and substitutions', () => {
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('sitting', 'kitten'), 3);
  assert.equal(editDistance('catalog', 'catalgo'), 2);
  assert.equal(editDistance('flaw', 'lawn'), 2);
});

test('editDistance agrees with the textbook full-table recurrence on seeded random words', () => {
  const reference = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const word = () => Array.from({ length: next() % 9 }, () => 'abc'[next() % 3]).join('');
  for (let n = 0; n < 500; n++) {
    const a = word();
    const b = word();
    assert.equal(editDistance(a, b), reference(a, b), `${a} / ${b}`);
  }
});

test('closestName picks the nearest known name within the limit, else nothing', () => {
  const known = ['catalog', 'status', 'tracking', 'crate'];
  assert.equal(closestName('catalgo', known, { maxDistance: 2 }), 'catalog');
  assert.equal(closestName('crat', known, { maxDistance: 2 }), 'crate');
  assert.equal(closestName('Status', known, { maxDistance: 0 }), undefined);
  assert.equal(closestName('Status', known, { maxDistance: 0, ignoreCase: true }), 'status');
  assert.equal(closestName('zzzzzzzz', known, { maxDistance: 2 }), undefined);
  // The nearest wins over an earlier, farther one; equals keep the given order.
  assert.equal(closestName('tracks', ['stacks', 'tracked', 'track'], { maxDistance: 3 }), 'track');
  assert.equal(closestName('ab', ['ax', 'xb'], { maxDistance: 1 }), 'ax');
});
