/**
 * The statistics on synthetic runs with a known truth (200 seeds; log-normal noise 2% per span and
 * 1% per run): how often unchanged span paths are called faster/slower, and how often a true −5%
 * (10 runs per side) and −3% (20 runs per side) change is found, by the statistics `trace diff`
 * uses (default 2000 resamples) next to the previous heuristic (a multi-run band of ±1% or 2
 * standard errors, never below 0.1% of the root) on the same runs; and the time per diff.
 */
import { CHANGED_LEAF, CHANGED_PATHS, syntheticRuns } from '../src/core/stats/synthetic';
import { diffRunSets } from '../src/core/trace/diff';
import { mergeAggregates } from '../src/core/trace/runSet';
import { aggregate, type PathStats } from '../src/core/trace/aggregate';
import type { Trace } from '../src/core/trace/model';

const SEEDS = 200;

function variance(xs: number[]): number {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

/** The previous multi-run noise band: ±1% of the baseline, or 2 standard errors if larger, never below 0.1% of the root. */
function oldVerdicts(base: Trace[], after: Trace[]): Map<string, string> {
  const ab = mergeAggregates(base.map((t) => aggregate(t)));
  const aa = mergeAggregates(after.map((t) => aggregate(t)));
  const out = new Map<string, string>();
  const band = (baseNs: number, b: number[], a: number[], floor: number) => Math.max(0.01 * baseNs, 2 * Math.sqrt(variance(b) / b.length + variance(a) / a.length), floor);
  for (const b of ab.paths) {
    const a = aa.byPath.get(b.path)!;
    const root: PathStats = ab.byPath.get(b.root)!;
    const floor = 0.001 * (root.totalNs / root.rootCount);
    const baseNs = b.totalNs / b.rootCount;
    const delta = a.totalNs / a.rootCount - baseNs;
    let v = Math.abs(delta) <= band(baseNs, b.perRootNs, a.perRootNs, floor) ? 'unchanged' : delta < 0 ? 'faster' : 'slower';
    const hasKids = ab.paths.some((p) => p.parent === b.path);
    if (v !== 'unchanged' && hasKids) {
      const selfDelta = a.selfNs / a.rootCount - b.selfNs / b.rootCount;
      if (Math.abs(selfDelta) <= band(b.selfNs / b.rootCount, b.perRootSelfNs, a.perRootSelfNs, floor)) v = 'inherited';
    }
    out.set(b.path, v);
  }
  return out;
}

export async function main(): Promise<void> {
  console.log(`${SEEDS} seeds per case; noise log-normal 2% per span, 1% per run; 2 files per side`);
  console.log('case                     method      false calls (unchanged rows)   change found   ms per diff');
  for (const c of [
    { runs: 10, change: -0.05 },
    { runs: 20, change: -0.03 },
    { runs: 10, change: 0 },
  ]) {
    const tally = { new: { fp: 0, found: 0, ms: 0 }, old: { fp: 0, found: 0, ms: 0 } };
    let rows = 0;
    for (let seed = 0; seed < SEEDS; seed++) {
      const { base, after } = syntheticRuns({ seed, runs: c.runs, change: c.change, filesPerSide: 2 });
      let t = performance.now();
      const d = diffRunSets(base, after);
      tally.new.ms += performance.now() - t;
      t = performance.now();
      const old = oldVerdicts(base, after);
      tally.old.ms += performance.now() - t;
      for (const r of d.rows) {
        const truthChanged = c.change !== 0 && CHANGED_PATHS.has(r.path);
        const o = old.get(r.path)!;
        if (r.path === CHANGED_LEAF && c.change !== 0) {
          if (r.verdict === 'faster') tally.new.found++;
          if (o === 'faster') tally.old.found++;
        }
        if (truthChanged) continue;
        rows++;
        if (r.verdict === 'faster' || r.verdict === 'slower') tally.new.fp++;
        if (o === 'faster' || o === 'slower') tally.old.fp++;
      }
    }
    const name = `${c.runs} runs, ${c.change === 0 ? 'no change' : `${c.change * 100}%`}`.padEnd(24);
    for (const [label, x] of [['statistics', tally.new], ['old band', tally.old]] as const) {
      const fp = `${((100 * x.fp) / rows).toFixed(2)}% (${x.fp}/${rows})`.padEnd(30);
      const found = c.change === 0 ? '-' : `${((100 * x.found) / SEEDS).toFixed(1)}%`;
      console.log(`${name} ${label.padEnd(11)} ${fp} ${found.padEnd(14)} ${(x.ms / SEEDS).toFixed(2)}`);
    }
  }
  console.log('targets: false calls <= 1% of unchanged rows; -5% found >= 95% (10 runs); -3% found >= 90% (20 runs)');
}
