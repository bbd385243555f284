import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, aggregateRuns, diffRunSets, diffTraces, parseTrace, type Trace } from '../../../src/core/trace/index';
import { read } from './helpers';

/** The runs of a multi-proof trace split into files of `per` proofs each (every root kept in run order). */
function split(t: Trace, per: number): Trace[] {
  const byName = new Map<string, number>();
  const files: Trace[] = [];
  for (const r of t.roots) {
    const k = byName.get(r.name) ?? 0;
    byName.set(r.name, k + 1);
    const f = Math.floor(k / per);
    files[f] ??= { ...t, roots: [], source: `part${f + 1}.txt` };
    files[f]!.roots.push(r);
  }
  return files;
}

test('several files per side pool their runs: the same per-run samples as one file holding them all', () => {
  const whole = parseTrace(read('forest_multi.txt'), { source: 'forest_multi.txt' });
  const parts = split(whole, 3);
  assert.equal(parts.length, 3);
  const merged = aggregateRuns(parts);
  const one = aggregate(whole);
  assert.deepEqual(merged.roots, one.roots);
  assert.deepEqual(merged.paths.map((p) => p.path), one.paths.map((p) => p.path));
  for (const p of one.paths) {
    const m = merged.byPath.get(p.path)!;
    assert.deepEqual(m.perRootNs, p.perRootNs, p.path);
    assert.equal(m.count, p.count);
    assert.ok(Math.abs(m.shareOfRoot - p.shareOfRoot) < 1e-12);
    assert.deepEqual(m.counters, p.counters);
  }
  const d = diffRunSets(parts, [whole]);
  assert.deepEqual(d.base.sources, ['part1.txt', 'part2.txt', 'part3.txt']);
  assert.equal(d.rows[0]!.runs.base, 8);
  assert.deepEqual(
    d.rows.map((r) => [r.path, r.verdict, r.ci95]),
    diffTraces(whole, whole).rows.map((r) => [r.path, r.verdict, r.ci95]),
    'the same samples give the same seeded numbers, whatever the files',
  );
});

test('a path missing from one file of a side counts 0 for that file\'s runs', () => {
  const whole = parseTrace(read('forest_multi.txt'));
  const [a, b] = split(whole, 4);
  const stripped = parseTrace(read('forest_multi.txt').split('\n').filter((l) => !l.includes('fractional_sumcheck_gpu')).join('\n'));
  const [, b2] = split(stripped, 4);
  const merged = aggregateRuns([a!, b2!]);
  const path = aggregate(whole).paths.find((p) => p.name === 'fractional_sumcheck_gpu')!.path;
  const m = merged.byPath.get(path)!;
  assert.equal(m.perRootNs.length, 8);
  assert.deepEqual(m.perRootNs.slice(4), [0, 0, 0, 0]);
  assert.deepEqual(m.perRootNs.slice(0, 4), aggregate(a!).byPath.get(path)!.perRootNs);
  assert.ok(b);
});

test('two-argument diff = one file per side; the same seed gives the same rows; another seed moves only the Monte Carlo figures', () => {
  const base = parseTrace(read('forest_multi.txt'));
  const after = parseTrace(read('chrome_trace.json'));
  const d1 = diffTraces(base, after);
  assert.deepEqual(JSON.stringify(d1), JSON.stringify(diffRunSets([base], [after])));
  const d2 = diffTraces(base, after, { seed: 7 });
  assert.equal(d2.options.seed, 7);
  assert.notDeepEqual(d1.rows.map((r) => r.ci95), d2.rows.map((r) => r.ci95));
  assert.deepEqual(d1.rows.map((r) => r.pRank), d2.rows.map((r) => r.pRank));
  assert.deepEqual(d1.rows.map((r) => r.relative), d2.rows.map((r) => r.relative));
  // Every row carries the statistics.
  for (const r of d1.rows) {
    assert.deepEqual(r.runs, { base: 8, after: 8 });
    assert.ok(r.ci95 && r.ci95.lo <= r.relative! && r.relative! <= r.ci95.hi, r.path);
    assert.ok(r.p !== null && r.q !== null && r.q >= r.p);
    assert.ok(Array.isArray(r.outliers.base) && Array.isArray(r.outliers.after));
    assert.equal(r.base!.summary.mean, r.base!.perRunNs);
  }
});

test('event counters are compared exactly, and their change is shown', () => {
  const text = read('forest_multi.txt');
  const after = text.replace(/kernel_count: 12/g, 'kernel_count: 10');
  assert.notEqual(after, text);
  const d = diffTraces(parseTrace(text), parseTrace(after));
  const changed = d.rows.filter((r) => r.countersChanged);
  assert.ok(changed.length > 0);
  for (const r of changed) {
    const k = r.counters!.find((c) => c.name === 'kernel_count')!;
    assert.equal(k.delta, k.after! - k.base!);
    assert.ok(k.delta < 0);
  }
  const same = diffTraces(parseTrace(text), parseTrace(text));
  assert.ok(same.rows.every((r) => !r.countersChanged));
  assert.ok(same.rows.some((r) => r.counters && r.counters.length > 0));
});

test('several runs per side: a real 30% slowdown is called with its interval; one run per side is inconclusive and says why', () => {
  const text = read('forest_multi.txt');
  const slower = text.replace(/(stacked_reduction\.round0 \[ )([\d.]+)ms/g, (_, p: string, ms: string) => `${p}${(Number(ms) * 1.3).toPrecision(3)}ms`);
  const multi = diffRunSets(split(parseTrace(text), 2), split(parseTrace(slower), 2));
  const row = multi.rows.find((r) => r.path.endsWith('stacked_reduction.round0'))!;
  assert.equal(row.verdict, 'slower');
  assert.ok(row.ci95!.lo < 0.3 && 0.3 < row.ci95!.hi + 0.005, JSON.stringify(row.ci95));
  const one = diffTraces(parseTrace(read('forest_single.txt')), parseTrace(read('forest_single.txt').replace(/rs_code_matrix \[ ([\d.]+)ms/, (_, ms: string) => `rs_code_matrix [ ${(Number(ms) * 0.9).toPrecision(3)}ms`)));
  const rs = one.rows.find((r) => r.name === 'rs_code_matrix')!;
  assert.equal(rs.verdict, 'inconclusive');
  assert.match(rs.reason, /one run on a side/);
  assert.equal(rs.ci95!.lo, -Infinity);
  assert.equal(JSON.parse(JSON.stringify(rs)).ci95.lo, null);
});
