/**
 * Two-sided Mann–Whitney U test (Wilcoxon rank-sum): is one sample shifted against the other?
 * Rank-based, so an outlier run moves it little. Exact p-value (the null distribution of U by the
 * classic recurrence) when neither sample has ties and n1·n2 ≤ 625 (e.g. 25 runs per side);
 * otherwise the normal approximation with tie correction and continuity correction.
 */

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

const EXACT_MAX_PRODUCT = 625;

/** P(U ≤ u) tables by (m, n), built once per size. */
const cdfCache = new Map<string, Float64Array>();

/** Null distribution of U for sizes m, n: prob[u] = P(U = u), u in 0..m·n. */
function exactDistribution(m: number, n: number): Float64Array {
  // p(u; i, j) = i/(i+j) p(u - j; i-1, j) + j/(i+j) p(u; i, j-1), p(0; 0, j) = p(0; i, 0) = 1.
  let prev: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const d = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) d[0] = 1;
      else {
        const a = prev[j]!; // (i-1, j)
        const b = row[j - 1]!; // (i, j-1)
        const wa = i / (i + j);
        const wb = j / (i + j);
        for (let u = 0; u < d.length; u++) {
          let v = 0;
          if (u - j >= 0 && u - j < a.length) v += wa * a[u - j]!;
          if (u < b.length) v += wb * b[u]!;
          d[u] = v;
        }
      }
      row.push(d);
    }
    prev = row;
  }
  return prev[n]!;
}

function exactCdf(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  let cdf = cdfCache.get(key);
  if (!cdf) {
    const d = exactDistribution(m, n);
    cdf = new Float64Array(d.length);
    let s = 0;
    for (let u = 0; u < d.length; u++) cdf[u] = s += d[u]!;
    cdfCache.set(key, cdf);
  }
  return cdf;
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal cumulative distribution. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, p: 1, method: 'exact' };
  // Midranks of the pooled sample.
  const pooled = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort((a, b) => a.v - b.v);
  const N = pooled.length;
  let r1 = 0;
  let tieTerm = 0;
  for (let i = 0; i < N;) {
    let j = i;
    while (j + 1 < N && pooled[j + 1]!.v === pooled[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (pooled[k]!.g === 0) r1 += rank;
    i = j + 1;
  }
  const u = r1 - (n1 * (n1 + 1)) / 2;
  if (tieTerm === 0 && n1 * n2 <= EXACT_MAX_PRODUCT) {
    const cdf = exactCdf(n1, n2);
    const lower = cdf[Math.round(u)]!;
    const upper = 1 - (Math.round(u) > 0 ? cdf[Math.round(u) - 1]! : 0);
    return { u, p: Math.min(1, 2 * Math.min(lower, upper)), method: 'exact' };
  }
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return { u, p: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, erfc(z / Math.SQRT2)), method: 'normal' };
}
