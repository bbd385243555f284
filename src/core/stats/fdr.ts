/**
 * Benjamini–Hochberg (1995) adjustment: q-values for a family of p-values so that calling every
 * test with q < α significant keeps the expected share of false discoveries at or below α
 * (valid for independent or positively dependent tests, as the span paths of one trace are).
 */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p: Number.isNaN(p) ? 1 : p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const q = new Array<number>(m);
  let min = 1;
  for (let k = m - 1; k >= 0; k--) {
    const { p, i } = order[k]!;
    min = Math.min(min, (p * m) / (k + 1));
    q[i] = min;
  }
  return q;
}
