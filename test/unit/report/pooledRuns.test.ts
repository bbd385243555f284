import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { comparedRuns, type ProfileRun } from '../../../src/core/cargo/profileRuns';
import { computeTiming } from '../../../src/core/report/timing';
import { renderTiming } from '../../../src/core/report/render';
import { parseTrace, type Trace } from '../../../src/core/trace/index';
import type { MilestoneReport } from '../../../src/core/report/model';

const TRACES = path.join(__dirname, '..', '..', 'fixtures', 'traces');

function run(
  label: 'baseline' | 'after',
  time: string,
  outcome: 'passed' | 'failed' = 'passed',
  extra: Record<string, unknown> = {},
): ProfileRun {
  return {
    milestone: '1',
    label,
    time,
    file: `t/${time}-${label}.txt`,
    command: 'cargo run',
    outcome,
    durationMs: 1,
    ...extra,
  } as ProfileRun;
}

const times = (c: { baseline: ProfileRun[]; after: ProfileRun[] }) => ({
  baseline: c.baseline.map((r) => r.time),
  after: c.after.map((r) => r.time),
});

test('comparedRuns: every passed baseline, every passed after run since the latest baseline; an A/B session by itself', () => {
  const runs = [
    run('baseline', '01'),
    run('after', '02'),
    run('baseline', '03'),
    run('baseline', '04', 'failed'),
    run('after', '05'),
    run('after', '06', 'failed'),
    run('after', '07'),
  ];
  const c = comparedRuns(runs);
  assert.deepEqual(times(c), { baseline: ['01', '03'], after: ['05', '07'] });
  const session = [
    ...runs,
    run('baseline', '08', 'passed', { session: 's1' }),
    run('after', '09', 'passed', { session: 's1' }),
    run('after', '10', 'passed', { session: 's1' }),
    run('baseline', '11', 'passed', { session: 's1', source: 'worktree' }),
  ];
  const s = comparedRuns(session);
  assert.deepEqual(times(s), { baseline: ['08', '11'], after: ['09', '10'] });
  // Recorded before warm-ups were marked: nothing tells them apart, so all are kept, and said so.
  assert.equal(s.warmupsUnmarked, true);
  assert.deepEqual(comparedRuns([]), { baseline: [], after: [] });
});

test("comparedRuns: an A/B session's warm-up runs are left out, as the session left them out", () => {
  const ab = (label: 'baseline' | 'after', time: string, warmup: boolean) => run(label, time, 'passed', { session: 's2', warmup });
  const c = comparedRuns([
    run('baseline', '01'),
    ab('after', '02', true),
    ab('baseline', '03', true),
    ab('baseline', '04', false),
    ab('after', '05', false),
    ab('after', '06', false),
    ab('baseline', '07', false),
  ]);
  assert.deepEqual(times(c), { baseline: ['04', '07'], after: ['05', '06'] });
  assert.equal(c.session, 's2');
  assert.equal(c.warmups, 2);
  assert.equal(c.warmupsUnmarked, undefined);
});

function parts(file: string, per: number): Trace[] {
  const t = parseTrace(readFileSync(path.join(TRACES, file), 'utf8'));
  const out: Trace[] = [];
  const seen = new Map<string, number>();
  for (const r of t.roots) {
    const k = seen.get(r.name) ?? 0;
    seen.set(r.name, k + 1);
    const i = Math.floor(k / per);
    out[i] ??= { ...t, roots: [], source: `${file}#${i + 1}` };
    out[i]!.roots.push(r);
  }
  return out;
}

test('the report pools every run of each side: intervals, p and q per span, runs counted over the files', () => {
  const text = readFileSync(path.join(TRACES, 'forest_multi.txt'), 'utf8');
  const slower = text.replace(
    /(rs_code_matrix \[ )([\d.]+)ms/g,
    (_, p: string, ms: string) => `${p}${(Number(ms) * 0.8).toPrecision(3)}ms`,
  );
  const base = parts('forest_multi.txt', 2);
  const after = parts('forest_multi.txt', 2).map((_, i) => ({
    ...parseTrace(slower),
    roots: [] as Trace['roots'],
    source: `after#${i + 1}`,
  }));
  const whole = parseTrace(slower);
  const seen = new Map<string, number>();
  for (const r of whole.roots) {
    const k = seen.get(r.name) ?? 0;
    seen.set(r.name, k + 1);
    after[Math.floor(k / 2)]!.roots.push(r);
  }
  const info = { baseline: { file: 'base', source: 'recorded' as const }, after: { file: 'after', source: 'recorded' as const } };
  const r = computeTiming(base, after, info);
  assert.ok(r.ok);
  const t = r.timing;
  assert.equal(t.baseline.runs, 8);
  assert.equal(t.after.runs, 8);
  const rs = t.changes.find((c) => c.name === 'rs_code_matrix')!;
  assert.equal(rs.verdict, 'faster');
  assert.ok(rs.ci95 && rs.ci95.lo < -0.15 && rs.ci95.hi > -0.25 && rs.ci95.hi < 0, JSON.stringify(rs.ci95));
  assert.ok(rs.p! < 0.01);
  assert.deepEqual(rs.runs, { base: 8, after: 8 });
  const md = renderTiming({ timing: t } as MilestoneReport).join('\n');
  assert.match(md, /rs_code_matrix.*\[-?\d+\.\d%, -?\d+\.\d%\] \(\d+\.\d% faster\)/);
  assert.match(md, /permutation-test p is below 0\.01/);
  // The root's headline: its interval, and a direction only when its total's change is called.
  // Here only rs_code_matrix's own line was edited, so the root's total did not move.
  const root = t.root;
  assert.equal(root.verdict, 'unchanged');
  const headline = (r: typeof root) => renderTiming({ timing: { ...t, root: r } } as MilestoneReport).find((l) => l.startsWith('**'))!;
  assert.match(
    headline(root),
    /^\*\*`stark_prove_excluding_trace`: .* \([-+]?\d+\.\d% \[[-+]?\d+\.\d%, [-+]?\d+\.\d%\]\), unchanged \(within the practical threshold\)\.\*\*$/,
  );
  const moved = { ...root, relative: -0.06, verdict: 'inherited' as const };
  assert.match(headline({ ...moved, total: { verdict: 'faster', reason: '' } }), /\), 6\.0% faster\.\*\*$/);
  assert.match(
    headline({ ...moved, total: { verdict: 'inconclusive', reason: '-6.0% [-9.0%, +1.0%]: the interval is too wide for ±1%' } }),
    /\), not settled: the interval is too wide for ±1%\.\*\*$/,
  );
  // One trace per side still works (the array form and the single form agree).
  const one = computeTiming(base[0]!, after[0]!, info);
  const oneArr = computeTiming([base[0]!], [after[0]!], info);
  assert.ok(one.ok && oneArr.ok);
  assert.deepEqual(one.timing, oneArr.timing);
});
