import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowNotes } from '../../../src/core/trace/render';
import type { DiffRow } from '../../../src/core/trace/index';

function row(path: string, verdict: DiffRow['verdict'], base: number[], after: number[]): DiffRow {
  return {
    path,
    verdict,
    outliers: { base, after },
    severeOutliers: { base: [], after: [] },
    countersChanged: false,
  } as unknown as DiffRow;
}

test('outlier runs are detailed for called rows and counted for inconclusive ones, unless all are asked for', () => {
  const rows = [
    row('root', 'faster', [7], []),
    row('root > a', 'inherited', [], [2]),
    row('root > b', 'inconclusive', [0], [1]),
    row('root > c', 'inconclusive', [], [3]),
    row('root > d', 'inconclusive', [], []),
  ];
  assert.deepEqual(rowNotes(rows, false, '; --all lists them'), [
    'outliers (Tukey fences; kept): baseline run #8: root',
    'outliers (Tukey fences; kept): after run #3: root > a',
    'outlier runs (kept) also in 2 inconclusive span path(s); --all lists them',
  ]);
  const every = rowNotes(rows, true);
  assert.equal(every.length, 4);
  assert.equal(every[2], 'outliers (Tukey fences; kept): baseline run #1; after run #2: root > b');
  assert.ok(every.every((l) => !l.startsWith('outlier runs (kept) also')));
});
