/**
 * Statistics for timing comparisons: baseline runs against after runs of one quantity (a span
 * path's time per run). `compareSamples` gives both sides' summaries, the relative change of the
 * means with a seeded (expanded) percentile-bootstrap 95% interval, a two-sided permutation-test
 * p-value (and the Mann–Whitney rank test's, for reference) and the Tukey outliers of each side;
 * `judge` turns that into a verdict against a practical threshold.
 * See docs/statistics.md for the method and its defaults.
 */
import { bootstrapRelativeChange } from './bootstrap';
import { mannWhitney } from './mannWhitney';
import { permutationTest } from './permutation';
import { classifyOutliers } from './outliers';
import { DEFAULT_SEED } from './random';
import { summarize, type SampleSummary } from './summary';
import { fmtP } from './format';

export { createRandom, deriveSeed, DEFAULT_SEED, type Random } from './random';
export { mean, median, stddev, mad, quantile, quantileSorted, summarize, type SampleSummary } from './summary';
export { classifyOutliers, tukeyFences, type Fences, type OutlierClassification } from './outliers';
export { bootstrapRelativeChange, type BootstrapResult } from './bootstrap';
export { mannWhitney, normalCdf, erfc, type MannWhitneyResult } from './mannWhitney';
export { benjaminiHochberg } from './fdr';
export { fmtP } from './format';
export { permutationTest } from './permutation';

/** Bootstrap resamples by default. */
export const DEFAULT_RESAMPLES = 2000;
/** Practical threshold by default: changes smaller than 1% are not worth a verdict. */
export const DEFAULT_THRESHOLD = 0.01;
/**
 * Significance level of each comparison's p-value (permutation test): 1%, so that a path whose time
 * did not change is called faster or slower in at most 1% of comparisons (docs/statistics.md).
 */
export const DEFAULT_ALPHA = 0.01;
/**
 * With one run on a side there is no spread to judge noise by: only a change at least this big
 * (25%) is called, and then with a note. GPU phases vary by a few percent between runs and short
 * spans by much more.
 */
export const DEFAULT_SINGLE_RUN_THRESHOLD = 0.25;

export interface CompareOptions {
  /** Seed of the bootstrap; the same samples and seed give the same interval. */
  seed?: number;
  /** Bootstrap resamples, and permutations of the test (default 2000). */
  resamples?: number;
  /** Practical threshold for the verdict, a fraction (default 0.01). */
  threshold?: number;
}

export type ChangeVerdict = 'faster' | 'slower' | 'unchanged' | 'inconclusive';

export interface SampleComparison {
  n: { base: number; after: number };
  base: SampleSummary;
  after: SampleSummary;
  /** Relative change of the means, after / base - 1 (a fraction; -0.03 is 3% faster). */
  estimate: number;
  /** 95% percentile-bootstrap interval of the relative change; (−∞, +∞) with one run on a side. */
  ci95: { lo: number; hi: number };
  /** Two-sided permutation-test p-value of the difference of means (as many permutations as resamples). */
  p: number;
  /** Two-sided Mann–Whitney U p-value (rank-based; for reference, less affected by an outlier run). */
  pRank: number;
  /** Indices of Tukey outliers (mild or severe) per side. */
  outliers: { base: number[]; after: number[] };
  /** The severe ones among them (beyond 3 IQR). */
  severeOutliers: { base: number[]; after: number[] };
  /** Verdict from `p` and the threshold (see `judge`); a diff of many paths judges on q instead. */
  verdict: ChangeVerdict;
  reason: string;
  /** For `inconclusive`: runs per side to add that would likely settle it (when it can be told). */
  moreRuns?: number;
  seed: number;
  resamples: number;
  threshold: number;
}

export function compareSamples(base: number[], after: number[], opts: CompareOptions = {}): SampleComparison {
  const seed = opts.seed ?? DEFAULT_SEED;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const boot = bootstrapRelativeChange(base, after, seed, resamples);
  const mw = mannWhitney(base, after);
  const p = permutationTest(base, after, seed, resamples);
  const ob = classifyOutliers(base);
  const oa = classifyOutliers(after);
  const c = {
    n: { base: base.length, after: after.length },
    base: summarize(base),
    after: summarize(after),
    estimate: boot.estimate,
    ci95: { lo: boot.lo, hi: boot.hi },
    p,
    pRank: mw.p,
    outliers: { base: ob.all, after: oa.all },
    severeOutliers: { base: ob.severe, after: oa.severe },
    seed,
    resamples,
    threshold,
  };
  return { ...c, ...judge(c, { threshold, p }) };
}

export interface Judgement {
  verdict: ChangeVerdict;
  reason: string;
  moreRuns?: number;
}

export interface JudgeOptions {
  /** Practical threshold, a fraction. */
  threshold: number;
  /** The comparison's p-value, held against `alpha`. */
  p: number;
  /** Default 0.01. */
  alpha?: number;
  /** The Benjamini–Hochberg q of the comparison within its family, held against `fdr` when both are given. */
  q?: number;
  /** False discovery rate to require on top of `alpha` (off unless given and > 0). */
  fdr?: number;
  singleRunThreshold?: number;
}

function pct(x: number): string {
  const v = x * 100;
  const digits = Math.abs(v) < 10 ? 1 : 0;
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)}%`;
}

function plainPct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

/**
 * The verdict on a relative change:
 * - `faster` / `slower`: the interval excludes 0, the change is at least the threshold, and the
 *   p-value is below alpha (and q below `fdr` when that is asked for);
 * - `unchanged`: the whole interval lies within ±threshold;
 * - `inconclusive`: anything else, with an estimate of the runs per side that would likely settle it.
 * With one run on a side nothing is known about noise: only a change of at least
 * `singleRunThreshold` is called, everything else is inconclusive.
 */
export function judge(c: Pick<SampleComparison, 'n' | 'estimate' | 'ci95'>, o: JudgeOptions): Judgement {
  const alpha = o.alpha ?? DEFAULT_ALPHA;
  const useQ = o.fdr !== undefined && o.fdr > 0 && o.q !== undefined;
  const thr = o.threshold;
  const est = c.estimate;
  const n = Math.min(c.n.base, c.n.after);
  if (!Number.isFinite(est)) return { verdict: 'inconclusive', reason: 'no baseline time to compare with' };
  const dir: ChangeVerdict = est < 0 ? 'faster' : 'slower';
  if (n < 2) {
    const single = o.singleRunThreshold ?? DEFAULT_SINGLE_RUN_THRESHOLD;
    if (Math.abs(est) >= single) {
      return { verdict: dir, reason: `one run per side: no interval, but the change (${pct(est)}) is beyond ±${plainPct(single)}` };
    }
    return {
      verdict: 'inconclusive',
      reason: `one run on a side: no spread to judge noise by (changes below ±${plainPct(single)} are not called); record 5 or more runs per side`,
      moreRuns: Math.max(0, 5 - n),
    };
  }
  const { lo, hi } = c.ci95;
  const ci = `[${pct(lo)}, ${pct(hi)}]`;
  const excludesZero = lo > 0 || hi < 0;
  const sig = o.p < alpha && (!useQ || o.q! < o.fdr!);
  const sigText = `p = ${fmtP(o.p)}${useQ ? `, q = ${fmtP(o.q!)}` : ''}`;
  if (excludesZero && Math.abs(est) >= thr && sig) {
    return { verdict: dir, reason: `${pct(est)} ${ci}, ${sigText}` };
  }
  if (lo >= -thr && hi <= thr) return { verdict: 'unchanged', reason: `${ci} lies within ±${plainPct(thr)}` };
  // Too few runs for the test to reach alpha at all, however clear the change: say so, and how many.
  const floorP = smallestP(c.n.base, c.n.after);
  if (excludesZero && Math.abs(est) >= thr && !sig && floorP >= alpha) {
    let k = n;
    while (smallestP(k, k) >= alpha) k++;
    return {
      verdict: 'inconclusive',
      reason:
        `${pct(est)} ${ci}: ${c.n.base} and ${c.n.after} runs cannot confirm it (the permutation test's smallest p with them is ` +
        `${fmtP(floorP)}; p < ${alpha} is needed); ${k} runs per side can`,
      moreRuns: k - n,
    };
  }
  // How much narrower the interval must get: to exclude 0 (a change beyond the threshold), or to
  // fit inside ±threshold (a change below it). Its width shrinks as 1/√n.
  const half = (hi - lo) / 2;
  const target = Math.abs(est) >= thr ? Math.abs(est) : thr - Math.abs(est);
  let why: string;
  if (excludesZero && Math.abs(est) < thr) why = `a real change, but below the ±${plainPct(thr)} threshold so far`;
  else if (excludesZero && !sig)
    why = `the permutation test does not confirm it (${sigText}; needs p < ${alpha}${useQ ? ` and q < ${o.fdr}` : ''})`;
  else why = `the interval is too wide for ±${plainPct(thr)}`;
  const factor = target > 0 && half > 0 ? (half / target) ** 2 : Infinity;
  const needed = Math.ceil(n * factor * 1.2);
  if (Number.isFinite(needed) && needed - n <= 20 * n + 100) {
    const more = Math.max(1, needed - n);
    return {
      verdict: 'inconclusive',
      reason: `${pct(est)} ${ci}: ${why}; about ${more} more run(s) per side would likely settle it`,
      moreRuns: more,
    };
  }
  // Too many runs to suggest: say which of the two makes it so.
  const close = Math.abs(Math.abs(est) - thr) < thr;
  return {
    verdict: 'inconclusive',
    reason: `${pct(est)} ${ci}: ${why}; ${close ? 'the change is too close to the threshold' : 'the span varies too much from run to run'} to settle with a few more runs`,
  };
}

/** The smallest two-sided p a permutation test of the means can give with samples of these sizes. */
export function smallestP(nBase: number, nAfter: number): number {
  let splits = 1; // C(nBase + nAfter, nBase), built up exactly enough for the sizes used
  for (let i = 1; i <= nBase; i++) splits = (splits * (nAfter + i)) / i;
  return Math.min(1, 2 / splits);
}
