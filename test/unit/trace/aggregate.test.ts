import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, parseTrace, PATH_SEPARATOR } from '../../../src/core/trace/index';
import { forestPaths, forestSpans, read } from './helpers';

const RS = ['stark_prove_excluding_trace', 'prover.main_trace_commit', 'prover.commit', 'stacked_commit', 'rs_code_matrix'].join(PATH_SEPARATOR);

test('forest_multi.txt: span paths merge to 8 proofs', () => {
  const text = read('forest_multi.txt');
  const agg = aggregate(parseTrace(text));
  assert.deepEqual(
    agg.roots.map((r) => [r.name, r.count]).sort(),
    [['generate_trace', 8], ['stark_prove_excluding_trace', 8], ['transport_pk_to_device', 8]],
  );
  assert.deepEqual(new Set(agg.byPath.keys()), forestPaths(text));
  const prover = agg.paths.filter((p) => p.root === 'stark_prove_excluding_trace');
  assert.equal(prover.length, [...forestPaths(text)].filter((p) => p.startsWith('stark_prove_excluding_trace')).length);
  for (const p of prover) {
    assert.equal(p.rootCount, 8, p.path);
    assert.equal(p.presentIn, 8, p.path);
    assert.equal(p.perRootNs.length, 8);
    assert.equal(Math.round(p.perRootNs.reduce((a, b) => a + b, 0)), Math.round(p.totalNs));
  }
  // Totals against the file: every rs_code_matrix line's duration, summed.
  const rsLines = forestSpans(text).filter((l) => l.name === 'rs_code_matrix');
  assert.equal(rsLines.length, 8);
  const rs = agg.byPath.get(RS)!;
  assert.equal(rs.count, 8);
  assert.equal(rs.totalNs, rsLines.reduce((a, l) => a + l.durationNs, 0));
  assert.equal(rs.minNs, Math.min(...rsLines.map((l) => l.durationNs)));
  assert.equal(rs.maxNs, Math.max(...rsLines.map((l) => l.durationNs)));
  assert.equal(rs.meanNs, rs.totalNs / 8);
  assert.equal(rs.selfNs, rs.totalNs, 'a leaf');
  // Each rs_code_matrix has one `dispatch stats | kernel_count: 12 | sync_count: 3` event.
  assert.deepEqual(rs.counters, { kernel_count: 96, sync_count: 24 });
  const root = agg.byPath.get('stark_prove_excluding_trace')!;
  assert.equal(root.shareOfRoot, 1);
  assert.ok(Math.abs(rs.shareOfRoot - rs.totalNs / root.totalNs) < 1e-12);
  assert.ok(rs.shareOfRoot > 0.35 && rs.shareOfRoot < 0.4, 'rs_code_matrix is ~37% of the prover');
  assert.ok(root.spread && root.spread.cv > 0 && root.spread.cv < 0.05);
  const batch = [...agg.byPath.values()].find((p) => p.name === 'LogupZerocheck::sumcheck_polys_batch_eval')!;
  assert.equal(batch.count, forestSpans(text).filter((l) => l.name === batch.name).length);
  assert.equal(batch.count, 96);
  const whirMerkle = [...agg.byPath.values()].find((p) => p.path.endsWith('prover.openings.whir > merkle_tree'))!;
  assert.equal(whirMerkle.count, 24, 'three calls per proof');
  assert.equal(whirMerkle.perRootMeanNs, whirMerkle.totalNs / 8);
});

test('the three layers of one run aggregate to the same paths and nearly the same times', () => {
  const forest = aggregate(parseTrace(read('forest_multi.txt')));
  const chrome = aggregate(parseTrace(read('chrome_trace.json')));
  const folded = aggregate(parseTrace(read('folded.txt')));
  assert.deepEqual([...chrome.byPath.keys()].sort(), [...forest.byPath.keys()].sort());
  assert.deepEqual([...folded.byPath.keys()].sort(), [...forest.byPath.keys()].sort());
  for (const p of forest.paths) {
    const c = chrome.byPath.get(p.path)!;
    const f = folded.byPath.get(p.path)!;
    assert.equal(c.count, p.count, p.path);
    assert.equal(f.count, p.count, p.path);
    // Forest text rounds to 3 significant digits; the other two are exact to 1 ns/µs.
    assert.ok(Math.abs(c.totalNs - p.totalNs) <= 0.006 * p.totalNs, `${p.path}: ${c.totalNs} vs ${p.totalNs}`);
    assert.ok(Math.abs(f.totalNs - c.totalNs) <= 0.001 * c.totalNs + 20_000, `${p.path}: ${f.totalNs} vs ${c.totalNs}`);
    assert.deepEqual(c.counters, p.counters, p.path);
  }
});

test('incomplete roots are left out unless asked for', () => {
  const text = read('chrome_trace.json');
  const cut = text.slice(0, text.lastIndexOf('"ph":"E"'));
  const trace = parseTrace(cut);
  const open = trace.roots.filter((r) => r.incomplete);
  assert.ok(open.length >= 1);
  const agg = aggregate(trace);
  assert.equal(agg.excludedIncomplete, open.length);
  const all = aggregate(trace, { includeIncomplete: true });
  assert.equal(all.excludedIncomplete, 0);
  const count = (a: typeof agg) => a.roots.reduce((n, r) => n + r.count, 0);
  assert.equal(count(all) - count(agg), open.length);
});

test('event fields: *_count and configured counters are summed; indices (round, layer) keep their value or range, never a sum', async () => {
  const proof = (n: number) => [
    `INFO     prove [ 10ms | 10.00% / 100.00% ] proof: ${n}`,
    `INFO     ┝━ ｉ [info]: round | round: 0 | layer: 3 | kernel_count: 2 | kernels: 5`,
    `INFO     ┝━ ｉ [info]: round | round: 1 | layer: 3 | kernel_count: 2 | kernels: 5`,
    `INFO     ┕━ ｉ [info]: round | round: 7 | layer: 3 | kernel_count: 2 | kernels: 5`,
  ];
  const trace = parseTrace([...proof(1), ...proof(2)].join('\n') + '\n');
  const plain = aggregate(trace).byPath.get('prove')!;
  assert.deepEqual(plain.counters, { kernel_count: 12 });
  assert.deepEqual(plain.fieldValues, { round: { last: 7, min: 0, max: 7 }, layer: { last: 3, min: 3, max: 3 }, kernels: { last: 5, min: 5, max: 5 } });
  const configured = aggregate(trace, { counterFields: ['kernels'] }).byPath.get('prove')!;
  assert.deepEqual(configured.counters, { kernel_count: 12, kernels: 30 });
  assert.deepEqual(Object.keys(configured.fieldValues ?? {}).sort(), ['layer', 'round']);
  const { summaryView } = await import('../../../src/core/trace/render');
  const row = summaryView(trace, aggregate(trace), 5).counters.rows.find((r) => r[1] === 'prove')!;
  assert.equal(row[0], 'kernel_count=6 round=0..7 layer=3 kernels=5', 'per run: summed counters, then values and ranges');
  assert.doesNotMatch(row[0]!, /round=8|round=16/);
});
