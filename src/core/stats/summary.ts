/** Descriptive statistics of a sample: mean, median, sample standard deviation, MAD, quantiles. */

export interface SampleSummary {
  median: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 with fewer than two values. */
  stddev: number;
  min: number;
  max: number;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (divides by n - 1); 0 with fewer than two values. */
export function stddev(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let sq = 0;
  for (const x of xs) sq += (x - m) ** 2;
  return Math.sqrt(sq / (n - 1));
}

function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/**
 * The q-quantile of sorted values with linear interpolation between closest ranks (type 7, as R's
 * default, NumPy's and criterion's percentiles).
 */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export function quantile(xs: readonly number[], q: number): number {
  return quantileSorted(sorted(xs), q);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Median absolute deviation from the median (unscaled; multiply by 1.4826 for a normal σ). */
export function mad(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

export function summarize(xs: readonly number[]): SampleSummary {
  if (xs.length === 0) return { median: NaN, mean: NaN, stddev: 0, min: NaN, max: NaN };
  const s = sorted(xs);
  return { median: quantileSorted(s, 0.5), mean: mean(xs), stddev: stddev(xs), min: s[0]!, max: s[s.length - 1]! };
}
