// The Compare view's host-side load with several trace files per side (an A/B session's runs):
// one chart per side over all their proofs, and the multi-trace diff of the runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadFlameDocument } from '../../../src/core/flame/load';
import { parsePanelSource } from '../../../src/webview/flame/protocol';

const TRACES = path.resolve(__dirname, '../../fixtures/traces');
const input = (name: string) => ({ title: name, path: path.join(TRACES, name) });

test('compare-runs: every run of each side in the chart, and a diff with the runs per side', async () => {
  const one = await loadFlameDocument({ kind: 'compare', baseline: input('forest_baseline.txt'), after: input('forest_after.txt') });
  const runs = await loadFlameDocument({
    kind: 'compare-runs',
    baseline: [input('forest_baseline.txt'), input('forest_baseline.txt')],
    after: [input('forest_after.txt'), input('forest_after.txt'), input('forest_after.txt')],
  });
  assert.ok(runs.doc.compare, 'a compare document');
  assert.equal(runs.notes.length, 5);
  // Identical runs: the per-run chart is the same as one run per side.
  assert.deepEqual(Array.from(runs.doc.views.compare!.total), Array.from(one.doc.views.compare!.total));
  assert.match(runs.doc.compare!.baselineTitle, /^2 baseline runs/);
  assert.match(runs.doc.compare!.afterTitle, /^3 after runs/);
  assert.ok(runs.runDiff, 'the multi-trace diff');
  const rs = runs.runDiff.rows.find((r) => r.name === 'rs_code_matrix')!;
  assert.deepEqual(rs.runs, { base: 2, after: 3 });
  assert.equal(one.runDiff, undefined);
  await assert.rejects(loadFlameDocument({ kind: 'compare-runs', baseline: [], after: [input('forest_after.txt')] }), /at least one trace per side/);
});

test('a panel of several runs per side survives a reload (its state names every file)', () => {
  const source = { kind: 'compare', baseline: 'file:///a/1.txt', after: 'file:///a/2.txt', runs: { baseline: ['file:///a/1.txt', 'file:///a/3.txt'], after: ['file:///a/2.txt'] } };
  assert.deepEqual(parsePanelSource(source), source);
  assert.deepEqual(parsePanelSource({ ...source, runs: { baseline: [], after: ['x'] } }), { kind: 'compare', baseline: source.baseline, after: source.after });
});
