import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCompareDocument } from '../../../src/core/flame/compare';
import type { FlameDocument } from '../../../src/core/flame/data';
import { loadTrace, s, trace } from './helpers';

function byPath(doc: FlameDocument): Map<string, { after: number; base: number; calls: number; baseCalls: number }> {
  const v = doc.views.compare!;
  const paths: string[] = [];
  const out = new Map<string, { after: number; base: number; calls: number; baseCalls: number }>();
  for (let i = 0; i < v.count; i++) {
    const name = doc.strings[v.name[i]];
    paths[i] = v.parent[i] >= 0 ? `${paths[v.parent[i]]} > ${name}` : name;
    out.set(paths[i], { after: v.total[i], base: v.baseTotal![i], calls: v.calls[i], baseCalls: v.baseCalls![i] });
  }
  return out;
}

const RS = 'stark_prove_excluding_trace > prover.main_trace_commit > prover.commit > stacked_commit > rs_code_matrix';

test('baseline vs after: rs_code_matrix is about 40% faster, other phases within noise', () => {
  const doc = buildCompareDocument(loadTrace('forest_baseline.txt'), loadTrace('forest_after.txt'), { baseline: 'baseline', after: 'after' });
  const rows = byPath(doc);
  const rs = rows.get(RS)!;
  assert.ok(rs, 'rs_code_matrix path present');
  const change = (rs.after - rs.base) / rs.base;
  assert.ok(change < -0.3 && change > -0.5, `rs_code_matrix change ${change}`);
  const round0 = rows.get('stark_prove_excluding_trace > prover.rap_constraints > prove_zerocheck_and_logup_gpu > prover.rap_constraints.round0')!;
  assert.ok(Math.abs(round0.after - round0.base) / round0.base < 0.1);
  assert.equal(doc.compare?.baselineRuns, 1);
  assert.equal(doc.compare?.afterRuns, 1);
  assert.match(doc.title, /baseline.*after/);
});

test('values are per run, so one proof compares with the mean of eight', () => {
  const single = loadTrace('forest_single.txt');
  const multi = loadTrace('forest_multi.txt');
  const doc = buildCompareDocument(single, multi, { baseline: 'single', after: 'multi' });
  const rs = byPath(doc).get(RS)!;
  const all: number[] = [];
  const walk = (sp: (typeof multi.roots)[number]) => {
    if (sp.name === 'rs_code_matrix') all.push(sp.durationNs);
    sp.children.forEach(walk);
  };
  multi.roots.forEach(walk);
  assert.equal(all.length, 8);
  const mean = all.reduce((a, b) => a + b, 0) / 8;
  assert.ok(Math.abs(rs.after - mean) < 1e-6);
  assert.equal(rs.calls, 8);
  assert.equal(rs.baseCalls, 1);
  assert.equal(doc.compare?.afterRuns, 8);
});

test('paths only in the baseline are kept with an after value of zero; new paths have a zero baseline', () => {
  const base = trace([s('root', 100, [s('gone', 30), s('same', 50)])]);
  const after = trace([s('root', 90, [s('same', 50), s('new', 20)])]);
  const rows = byPath(buildCompareDocument(base, after, { baseline: 'b', after: 'a' }));
  assert.deepEqual(rows.get('root > gone'), { after: 0, base: 30, calls: 0, baseCalls: 1 });
  assert.deepEqual(rows.get('root > new'), { after: 20, base: 0, calls: 1, baseCalls: 0 });
  assert.deepEqual(rows.get('root > same'), { after: 50, base: 50, calls: 1, baseCalls: 1 });
  // Pre-order with children after their parent.
  const doc = buildCompareDocument(base, after, { baseline: 'b', after: 'a' });
  const v = doc.views.compare!;
  for (let i = 0; i < v.count; i++) assert.ok(v.parent[i] < i);
});

test('deep compare trees do not overflow the call stack', () => {
  let a = s('leaf', 1);
  let b = s('leaf', 2);
  for (let d = 0; d < 5000; d++) {
    a = s('n', 1, [a]);
    b = s('n', 2, [b]);
  }
  const doc = buildCompareDocument(trace([b]), trace([a]), { baseline: 'b', after: 'a' });
  assert.equal(doc.views.compare!.count, 5001);
});
