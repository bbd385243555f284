import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseTrace } from '../../../src/core/trace';
import { analyseTraces, computeTiming, chooseRoot, isCounterName } from '../../../src/core/report';
import { aggregate } from '../../../src/core/trace/aggregate';
import { parseCatalog } from '../../../src/core/catalog/parse';
import { METAL, CATALOG } from '../core/helpers';
import { AFTER, BASELINE, TRACES, forestMs, readText } from './helpers';

const baseText = readText(BASELINE);
const afterText = readText(AFTER);
const multiText = readText(path.join(TRACES, 'forest_multi.txt'));
const catalog = parseCatalog(readText(path.join(METAL, CATALOG)), CATALOG);
const info = (file: string) => ({ file, source: 'option' as const });

function timing(b = baseText, a = afterText) {
  const r = computeTiming(parseTrace(b, { source: 'b' }), parseTrace(a, { source: 'a' }), { baseline: info('b.txt'), after: info('a.txt') });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.timing;
}

test('the root total and rs_code_matrix change as the trace text says (about 15% and 40% faster)', () => {
  const t = timing();
  const rootBase = forestMs(baseText, 'stark_prove_excluding_trace');
  const rootAfter = forestMs(afterText, 'stark_prove_excluding_trace');
  assert.equal(t.root.path, 'stark_prove_excluding_trace');
  assert.ok(Math.abs(t.root.baseNs! / 1e6 - rootBase) < 1e-6);
  assert.ok(Math.abs(t.root.afterNs! / 1e6 - rootAfter) < 1e-6);
  assert.ok(Math.abs(t.root.relative! - (rootAfter - rootBase) / rootBase) < 1e-9);
  assert.ok(t.root.relative! < -0.14 && t.root.relative! > -0.16, `root ${t.root.relative}`);

  const rsBase = forestMs(baseText, 'rs_code_matrix');
  const rsAfter = forestMs(afterText, 'rs_code_matrix');
  const top = t.changes[0]!;
  assert.equal(top.name, 'rs_code_matrix');
  assert.equal(top.relPath, 'prover.main_trace_commit > prover.commit > stacked_commit > rs_code_matrix');
  assert.equal(top.verdict, 'faster');
  assert.ok(Math.abs(top.relative! - (rsAfter - rsBase) / rsBase) < 1e-9);
  assert.ok(Math.abs(top.relative! + 0.4) < 0.01, `rs_code_matrix ${top.relative}`);
  // Only rs_code_matrix changed on its own; its ancestors follow it.
  assert.deepEqual(t.changes.map((c) => c.name), ['rs_code_matrix']);
  assert.deepEqual(t.inherited.map((c) => c.name), ['prover.main_trace_commit', 'prover.commit', 'stacked_commit']);
  assert.ok(t.inherited.every((c) => c.via?.some((v) => v.endsWith('rs_code_matrix'))));
  assert.equal(t.baseline.runs, 1);
  assert.equal(t.after.runs, 1);
  assert.equal(top.baseSpread, undefined, 'no spread with one proof');
});

/** kernel_count / sync_count summed over the lines between a phase's line and the next phase. */
function phaseCountersFromText(text: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  let phase: string | undefined;
  for (const line of text.split('\n')) {
    const p = /^INFO {5}[┝┕]━ (prover\.[a-z_]+) \[/.exec(line);
    if (p) phase = p[1];
    // A root line, or the root's own event: outside every phase.
    else if (/^INFO {5}[^\s│┝┕]/.test(line) || /^INFO {5}[┝┕]━ /.test(line)) phase = undefined;
    if (!phase) continue;
    for (const m of line.matchAll(/(kernel_count|sync_count): (\d+)/g)) {
      const rec = out.get(phase) ?? {};
      rec[m[1]!] = (rec[m[1]!] ?? 0) + Number(m[2]);
      out.set(phase, rec);
    }
  }
  return out;
}

test('kernel and sync counters per phase, before and after', () => {
  const t = timing();
  assert.deepEqual(t.counterNames, ['kernel_count', 'sync_count']);
  const before = phaseCountersFromText(baseText);
  const after = phaseCountersFromText(afterText);
  assert.deepEqual(t.phases.map((p) => p.name), ['prover.main_trace_commit', 'prover.rap_constraints', 'prover.openings']);
  for (const p of t.phases) {
    for (const name of t.counterNames) {
      assert.equal(p.counters[name]!.base, before.get(p.name)![name], `${p.name} ${name} before`);
      assert.equal(p.counters[name]!.after, after.get(p.name)![name], `${p.name} ${name} after`);
    }
  }
  assert.ok(!isCounterName('num_airs_present') && !isCounterName('height') && isCounterName('kernel_count'));
});

test('multi-proof runs: values per proof with the spread across the proofs', () => {
  const t = timing(multiText, multiText);
  assert.equal(t.baseline.runs, 8);
  const roots = [...multiText.matchAll(/stark_prove_excluding_trace \[ ([0-9.]+)(ms|s) /g)].map((m) => Number(m[1]) * (m[2] === 's' ? 1000 : 1));
  assert.equal(roots.length, 8);
  const mean = roots.reduce((a, b) => a + b, 0) / roots.length;
  assert.ok(Math.abs(t.root.baseNs! / 1e6 - mean) < 1e-6);
  assert.ok(Math.abs(t.root.baseSpread!.min / 1e6 - Math.min(...roots)) < 1e-6);
  assert.ok(Math.abs(t.root.baseSpread!.max / 1e6 - Math.max(...roots)) < 1e-6);
  assert.equal(t.root.deltaNs, 0);
  assert.deepEqual(t.changes, [], 'a trace compared with itself has no change');
});

test('a multi-proof after trace compared with a single-proof baseline is compared per proof', () => {
  const t = timing(baseText, multiText);
  assert.equal(t.baseline.runs, 1);
  assert.equal(t.after.runs, 8);
  assert.ok(t.after.runs > 1 && t.root.afterSpread !== undefined);
  assert.ok(t.warnings.some((w) => /ran 1 time\(s\) in the baseline and 8/.test(w)), t.warnings.join('\n'));
});

test('the compared root is the largest one present in both traces', () => {
  const b = aggregate(parseTrace(baseText));
  assert.equal(chooseRoot(b, aggregate(parseTrace(afterText))), 'stark_prove_excluding_trace');
  const other = parseTrace('INFO     something_else [ 5.00ms | 100.00% ]\n');
  const r = computeTiming(parseTrace(baseText), other, { baseline: info('b'), after: info('a') });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /share no root span.*after: something_else/);
});

test('residual bottlenecks: largest self time of the after trace, led by round0, mapped to work items', () => {
  const base = { trace: parseTrace(baseText), info: info('b.txt') };
  const after = { trace: parseTrace(afterText), info: info('a.txt') };
  const m = analyseTraces(catalog, base, after, {});
  const res = m.residual!;
  assert.equal(res.root, 'stark_prove_excluding_trace');
  const first = res.bottlenecks[0]!;
  assert.equal(first.name, 'prover.rap_constraints.ple_round0');
  assert.match(first.relPath, /prover\.rap_constraints\.round0 > prover\.rap_constraints\.ple_round0$/);
  const root = forestMs(afterText, 'stark_prove_excluding_trace');
  const ple = forestMs(afterText, 'prover.rap_constraints.ple_round0');
  assert.ok(Math.abs(first.selfNs / 1e6 - ple) < 1e-6);
  assert.ok(Math.abs(first.shareOfRoot - ple / root) < 1e-9);
  // Self times never increase down the list.
  for (let i = 1; i < res.bottlenecks.length; i++) assert.ok(res.bottlenecks[i - 1]!.selfNs >= res.bottlenecks[i]!.selfNs);
  const rs = res.bottlenecks.find((b) => b.name === 'rs_code_matrix')!;
  assert.equal(rs.match?.workItem.id, '1');
  assert.deepEqual(rs.match?.milestones, ['2']);
  assert.match(rs.match!.via, /rs_code_matrix/);
  // Twelve sumcheck rounds under one path count as calls per proof.
  const sumcheck = res.bottlenecks.find((b) => b.name === 'LogupZerocheck::sumcheck_polys_batch_eval');
  assert.equal(sumcheck?.countPerRun, 12);
  assert.equal(sumcheck?.match, undefined, 'no work item names the sumcheck rounds');
});

test('without a baseline: no timing deltas but residual bottlenecks; without an after trace: neither', () => {
  const after = { trace: parseTrace(afterText), info: info('a.txt') };
  const onlyAfter = analyseTraces(catalog, undefined, after, { baseline: 'no baseline recorded' });
  assert.equal(onlyAfter.timing, undefined);
  assert.equal(onlyAfter.timingUnavailable, 'no baseline recorded');
  assert.equal(onlyAfter.residual?.bottlenecks[0]?.name, 'prover.rap_constraints.ple_round0');
  const none = analyseTraces(catalog, undefined, undefined, { after: 'no after run' });
  assert.equal(none.residual, undefined);
  assert.equal(none.residualUnavailable, 'no after run');
  assert.match(none.timingUnavailable!, /no baseline trace; no after run/);
});
