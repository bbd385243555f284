import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffTraces, parseTrace, PATH_SEPARATOR } from '../../../src/core/trace/index';
import { forestSpans, read } from './helpers';

test('baseline vs after, one run each: rs_code_matrix ~40% faster, its ancestors follow it, the rest inconclusive', () => {
  const baseText = read('forest_baseline.txt');
  const afterText = read('forest_after.txt');
  const d = diffTraces(parseTrace(baseText, { source: 'forest_baseline.txt' }), parseTrace(afterText, { source: 'forest_after.txt' }));
  const changed = d.rows.filter((r) => r.verdict === 'faster' || r.verdict === 'slower' || r.verdict.startsWith('only'));
  assert.equal(changed.length, 1);
  const rs = changed[0]!;
  assert.equal(rs.name, 'rs_code_matrix');
  assert.equal(rs.verdict, 'faster');
  const before = forestSpans(baseText).find((l) => l.name === 'rs_code_matrix')!.durationNs;
  const after = forestSpans(afterText).find((l) => l.name === 'rs_code_matrix')!.durationNs;
  assert.equal(rs.deltaNs, after - before);
  assert.ok(Math.abs(rs.relative! - (after / before - 1)) < 1e-12);
  assert.ok(rs.relative! > -0.42 && rs.relative! < -0.38, `about 40% faster: ${rs.relative}`);
  // Its ancestors moved only because of it; every other span is noise.
  for (const r of d.rows) {
    if (r === rs) continue;
    if (RS_PATH.startsWith(r.path + PATH_SEPARATOR)) {
      assert.equal(r.verdict, 'inherited', r.path);
      assert.deepEqual(r.via, [RS_PATH]);
    } else {
      // One run per side: no spread to judge noise by, so nothing below ±25% is called.
      assert.equal(r.verdict, 'inconclusive', r.path);
      assert.match(r.reason, /one run/);
    }
  }
  assert.deepEqual(d.summary, { faster: 1, slower: 0, unchanged: 0, inconclusive: d.rows.length - 5, inherited: 4, 'only-base': 0, 'only-after': 0 });
  assert.deepEqual(d.warnings, []);
});

const RS_PATH = ['stark_prove_excluding_trace', 'prover.main_trace_commit', 'prover.commit', 'stacked_commit', 'rs_code_matrix'].join(PATH_SEPARATOR);

test('a trace against itself: no change called; different measures are warned about', () => {
  const forest = parseTrace(read('forest_multi.txt'));
  const same = diffTraces(forest, forest);
  // Eight runs with a few percent of spread cannot show a ±1% interval: unchanged or inconclusive, never a change.
  assert.ok(same.rows.every((r) => (r.verdict === 'unchanged' || r.verdict === 'inconclusive') && r.deltaNs === 0 && r.q === 1));
  assert.ok(same.rows.some((r) => r.verdict === 'unchanged'));
  const chrome = parseTrace(read('chrome_trace.json'));
  const mixed = diffTraces(forest, chrome);
  assert.match(mixed.warnings.join('\n'), /measure different things: the baseline has busy time .* the after trace wall time/);
  assert.ok(mixed.rows.every((r) => r.verdict === 'unchanged' || r.verdict === 'inconclusive'), 'the same run through two layers');
  // With the old 5% band as the practical threshold, every interval fits inside it.
  assert.ok(diffTraces(forest, chrome, { threshold: 0.05 }).rows.every((r) => r.verdict === 'unchanged'));
  const folded = parseTrace(read('folded.txt'));
  const sameKind = diffTraces(forest, folded);
  assert.ok(!sameKind.warnings.some((w) => w.includes('different things')));
  assert.match(sameKind.warnings.join('\n'), /round durations/);
});

test('spans only on one side, several runs, and run counts that differ', () => {
  const base = read('forest_multi.txt');
  // Drop every fractional_sumcheck_gpu line and make every stacked_reduction.round0 30% slower.
  const after = base
    .split('\n')
    .filter((l) => !l.includes('fractional_sumcheck_gpu'))
    .map((l) => l.replace(/(stacked_reduction\.round0 \[ )([\d.]+)ms/, (_, p: string, ms: string) => `${p}${(Number(ms) * 1.3).toPrecision(3)}ms`))
    .join('\n');
  const d = diffTraces(parseTrace(base), parseTrace(after));
  const gone = d.rows.find((r) => r.name === 'fractional_sumcheck_gpu')!;
  assert.equal(gone.verdict, 'only-base');
  assert.equal(gone.after, undefined);
  assert.ok(gone.deltaNs < 0);
  const whir = d.rows.find((r) => r.path.endsWith('stacked_reduction.round0'))!;
  assert.equal(whir.verdict, 'slower');
  assert.ok(Math.abs(whir.relative! - 0.3) < 0.01);
  assert.equal(whir.base!.runs, 8);
  assert.deepEqual(whir.runs, { base: 8, after: 8 });
  assert.ok(whir.ci95!.lo > 0.25 && whir.ci95!.hi < 0.35, JSON.stringify(whir.ci95));
  assert.ok(whir.q! < 0.05);
  assert.match(whir.reason, /\+30% \[/);
  const reversed = diffTraces(parseTrace(after), parseTrace(base));
  assert.equal(reversed.rows.find((r) => r.name === 'fractional_sumcheck_gpu')!.verdict, 'only-after');

  const single = parseTrace(read('forest_baseline.txt'));
  const perRun = diffTraces(single, parseTrace(base));
  assert.match(perRun.warnings.join('\n'), /ran 1 time\(s\) in the baseline and 8 in the after trace/);
  const root = perRun.rows.find((r) => r.path === 'stark_prove_excluding_trace')!;
  assert.ok(Math.abs(root.relative!) < 0.05, 'compared per run, not summed');
});
