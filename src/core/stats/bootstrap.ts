/**
 * Percentile bootstrap (Efron & Tibshirani, 1993) of the relative change between two independent
 * samples: mean(after*) / mean(base*) - 1 over resamples drawn with replacement from each side.
 * Seeded, so the same inputs and seed give the same interval.
 */
import { createRandom } from './random';
import { quantileSorted } from './summary';

export interface BootstrapResult {
  /** The relative change of the samples themselves (not of the resamples). */
  estimate: number;
  lo: number;
  hi: number;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * `level` is the interval's coverage (0.95). With fewer than two values on a side the spread of
 * that side is unknown and the interval is unbounded (−∞, +∞).
 */
export function bootstrapRelativeChange(base: readonly number[], after: readonly number[], seed: number, resamples: number, level = 0.95): BootstrapResult {
  const nb = base.length;
  const na = after.length;
  const mb = sum(base) / nb;
  const estimate = mb > 0 ? sum(after) / na / mb - 1 : NaN;
  if (nb < 2 || na < 2 || !(mb > 0)) return { estimate, lo: -Infinity, hi: Infinity };
  const rng = createRandom(seed);
  const stats = new Float64Array(resamples);
  let k = 0;
  for (let r = 0; r < resamples; r++) {
    let sb = 0;
    for (let i = 0; i < nb; i++) sb += base[rng.int(nb)]!;
    let sa = 0;
    for (let i = 0; i < na; i++) sa += after[rng.int(na)]!;
    if (sb > 0) stats[k++] = (sa / na) / (sb / nb) - 1;
  }
  const s = stats.subarray(0, k).sort();
  const alpha = (1 - level) / 2;
  return { estimate, lo: quantileSorted(s, alpha), hi: quantileSorted(s, 1 - alpha) };
}
