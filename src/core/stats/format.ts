/** How p and q values are printed everywhere (CLI, reports, the flame chart): small, no imports. */
export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  if (p < 0.001) return '<0.001';
  // Three decimals up to 0.1, so a p just above the usual levels (0.01, 0.05) does not print as them.
  return p < 0.1 ? p.toFixed(3) : p.toFixed(2);
}
