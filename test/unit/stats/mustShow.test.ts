/**
 * The statistics on synthetic runs with a known truth (200 seeds; log-normal noise of 2% per span
 * and 1% per run shared by all spans of a run): unchanged span paths are called faster or slower
 * in at most 1% of rows; a true −5% is found in ≥ 95% of seeds with 10 runs per side and a true
 * −3% in ≥ 90% with 20. Fewer bootstrap resamples than the default keep it fast; the code path is
 * the one `trace diff` runs. `npm run bench stats` prints the same rates with the default resamples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHANGED_LEAF, CHANGED_PATHS, syntheticRuns } from '../../../src/core/stats/synthetic';
import { diffRunSets } from '../../../src/core/trace/diff';

const SEEDS = 200;
const RESAMPLES = 400;

function rates(runs: number, change: number): { found: number; falseCalls: number; unchangedRows: number } {
  let found = 0;
  let falseCalls = 0;
  let unchangedRows = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    const { base, after } = syntheticRuns({ seed, runs, change, filesPerSide: 2 });
    const d = diffRunSets(base, after, { resamples: RESAMPLES });
    for (const r of d.rows) {
      if (r.path === CHANGED_LEAF && r.verdict === (change < 0 ? 'faster' : 'slower')) found++;
      if (CHANGED_PATHS.has(r.path) && change !== 0) continue;
      unchangedRows++;
      if (r.verdict === 'faster' || r.verdict === 'slower') falseCalls++;
    }
  }
  return { found: found / SEEDS, falseCalls, unchangedRows };
}

let falseTotal = 0;
let rowsTotal = 0;

test('a true −5% change with 10 runs per side is found in at least 95% of seeds', () => {
  const r = rates(10, -0.05);
  falseTotal += r.falseCalls;
  rowsTotal += r.unchangedRows;
  assert.ok(r.found >= 0.95, `found in ${(r.found * 100).toFixed(1)}%`);
  assert.ok(r.falseCalls <= 0.01 * r.unchangedRows, `${r.falseCalls} false calls in ${r.unchangedRows} unchanged rows`);
});

test('a true −3% change with 20 runs per side is found in at least 90% of seeds', () => {
  const r = rates(20, -0.03);
  falseTotal += r.falseCalls;
  rowsTotal += r.unchangedRows;
  assert.ok(r.found >= 0.9, `found in ${(r.found * 100).toFixed(1)}%`);
  assert.ok(r.falseCalls <= 0.01 * r.unchangedRows, `${r.falseCalls} false calls in ${r.unchangedRows} unchanged rows`);
});

test('no change at all (A/A, 10 runs per side): at most 1% of rows called faster or slower', () => {
  const r = rates(10, 0);
  falseTotal += r.falseCalls;
  rowsTotal += r.unchangedRows;
  assert.ok(r.falseCalls <= 0.01 * r.unchangedRows, `${r.falseCalls} false calls in ${r.unchangedRows} rows`);
  assert.ok(rowsTotal > 5000);
  assert.ok(falseTotal <= 0.01 * rowsTotal, `${falseTotal} of ${rowsTotal} over all three`);
});
