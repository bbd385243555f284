/** Number formatting shared by the flame chart's tooltip, axis and delta table (times: `trace/duration`). */

/** `37.1%`, `0.05%`, `<0.01%`. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const p = fraction * 100;
  if (p !== 0 && Math.abs(p) < 0.01) return p > 0 ? '<0.01%' : '>-0.01%';
  if (Math.abs(p) >= 10) return `${p.toFixed(1)}%`;
  return `${p.toFixed(2)}%`;
}

/** Relative change of `after` against `before`: `-40.0%`, `+3.10%`, `new`, `removed`. */
export function formatChange(before: number, after: number): string {
  if (before === 0 && after === 0) return '±0';
  if (before === 0) return 'new';
  if (after === 0) return 'removed';
  const f = (after - before) / before;
  const s = formatPercent(f);
  return f > 0 ? `+${s}` : s;
}

/** Counter values: integers with thousands separators, others to 3 significant digits. */
export function formatCount(v: number): string {
  // Hand-rolled grouping: toLocaleString is slow enough to show up in hover updates.
  if (Number.isInteger(v)) return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return Number(v.toPrecision(3)).toString();
}

/**
 * Tick step for a time axis: the smallest "nice" step (1, 2, 5 × 10^k ns) giving at most
 * `maxTicks` ticks over `rangeNs`.
 */
export function niceTickStep(rangeNs: number, maxTicks: number): number {
  if (!(rangeNs > 0) || !(maxTicks >= 1)) return 1;
  const raw = rangeNs / maxTicks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/**
 * An axis label: the unit follows the tick step and the decimals are just enough to tell
 * neighbouring ticks apart (`47712ms`, `1.25s`, `300µs`).
 */
export function formatTick(valueNs: number, stepNs: number): string {
  if (valueNs === 0) return '0';
  const units: Array<[number, string]> = [
    [1e9, 's'],
    [1e6, 'ms'],
    [1e3, 'µs'],
    [1, 'ns'],
  ];
  let k = units.findIndex(([u]) => stepNs >= u);
  if (k < 0) k = units.length - 1;
  // Long labels deep into a trace (`47712500µs`) read better one unit up (`47712.5ms`).
  while (k > 0 && Math.abs(valueNs) / units[k][0] >= 1e5) k--;
  const [scale, unit] = units[k];
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(stepNs / scale) + 1e-9)));
  return `${(valueNs / scale).toFixed(decimals)}${unit}`;
}
