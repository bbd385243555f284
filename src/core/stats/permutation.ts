/**
 * Two-sided permutation test of the difference of means (Fisher–Pitman): how often does a random
 * relabelling of the pooled runs give a difference of means at least as large as the observed one?
 * Exact in level under the null hypothesis that both sides' runs come from one distribution
 * (no normality assumed), and as powerful as a t-test on the near-normal noise of repeated runs.
 * Monte Carlo with a seeded generator: p = (exceedances + 1) / (permutations + 1), so the same
 * samples and seed give the same p, and p is never 0.
 */
import { createRandom } from './random';

export function permutationTest(base: readonly number[], after: readonly number[], seed: number, permutations: number): number {
  const nb = base.length;
  const na = after.length;
  if (nb === 0 || na === 0) return 1;
  const pooled = Float64Array.from([...base, ...after]);
  const n = pooled.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += pooled[i]!;
  let sb = 0;
  for (let i = 0; i < nb; i++) sb += pooled[i]!;
  const observed = Math.abs((total - sb) / na - sb / nb);
  // Differences this close to the observed one count as equal (floating-point sums of the same values).
  const eps = 1e-9 * (Math.abs(total) / n);
  const rng = createRandom(seed ^ 0x2545f491);
  let exceed = 0;
  for (let r = 0; r < permutations; r++) {
    // Partial Fisher–Yates: the first nb slots become a random baseline.
    let s = 0;
    for (let i = 0; i < nb; i++) {
      const j = i + rng.int(n - i);
      const t = pooled[i]!;
      pooled[i] = pooled[j]!;
      pooled[j] = t;
      s += pooled[i]!;
    }
    if (Math.abs((total - s) / na - s / nb) >= observed - eps) exceed++;
  }
  return (exceed + 1) / (permutations + 1);
}
