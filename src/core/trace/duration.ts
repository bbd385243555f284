/** Duration text as the Rust tracing libraries print it: `25.7ms`, `959µs`, `2.50µs`, `12ns`, `1.2s`. */

/** Set by parseDecimal: the index just past the number it read. */
let decimalEnd = 0;

/** The index just past the last number read by parseDecimal or parseDurationAt. */
export function lastEnd(): number {
  return decimalEnd;
}

/** Reads an unsigned decimal number at `i` (digits, optional fraction); NaN when there is none. */
export function parseDecimal(s: string, i: number, end = s.length): number {
  let v = 0;
  let digits = 0;
  let j = i;
  for (; j < end; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    digits++;
  }
  if (j < end && s.charCodeAt(j) === 46) {
    let scale = 1;
    let f = 0;
    for (j++; j < end; j++) {
      const c = s.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      f = f * 10 + c;
      scale *= 10;
      digits++;
    }
    v += f / scale;
  }
  decimalEnd = j;
  return digits === 0 ? NaN : v;
}

/** Nanoseconds per unit; `µ` may be U+00B5 (what Rust prints) or U+03BC, or plain `u`. */
function unitAt(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  const next = i + 1 < end ? s.charCodeAt(i + 1) : 0;
  if (c === 110 && next === 115) return ((decimalEnd = i + 2), 1); // ns
  if ((c === 0xb5 || c === 0x3bc || c === 117) && next === 115) return ((decimalEnd = i + 2), 1e3); // µs
  if (c === 0xc2 && next === 0xb5 && s.charCodeAt(i + 2) === 115) return ((decimalEnd = i + 3), 1e3); // µs as UTF-8 bytes
  if (c === 109 && next === 115) return ((decimalEnd = i + 2), 1e6); // ms
  if (c === 115) return ((decimalEnd = i + 1), 1e9); // s
  if (c === 109 && next === 105 && s.charCodeAt(i + 2) === 110) return ((decimalEnd = i + 3), 6e10); // min
  return NaN;
}

/** Reads `<number><unit>` at `i`, in ns (rounded); NaN when the text is not a duration. */
export function parseDurationAt(s: string, i: number, end = s.length): number {
  const v = parseDecimal(s, i, end);
  if (v !== v) return NaN;
  const unit = unitAt(s, decimalEnd, end);
  if (unit !== unit) return NaN;
  // Beyond 2^53 ns (104 days) the text is not a measured duration; reading it would give Infinity.
  const ns = Math.round(v * unit);
  return Number.isSafeInteger(ns) ? ns : NaN;
}

/** A whole string as a duration, in ns; NaN when it is not one. */
export function parseDuration(text: string): number {
  const t = text.trim();
  const ns = parseDurationAt(t, 0, t.length);
  return decimalEnd === t.length ? ns : NaN;
}

/**
 * A measured time in ns (a span's, a run's root) with 3 significant digits, as the tracing
 * libraries print it (`25.7ms`, `959µs`, `1.20s`); `0` for nothing, `–` when not a number.
 */
export function formatSpanTime(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns === 0) return '0';
  const sign = ns < 0 ? '-' : '';
  let t = Math.abs(ns);
  for (const unit of ['ns', 'µs', 'ms']) {
    if (t < 9.995) return `${sign}${t.toFixed(2)}${unit}`;
    if (t < 99.95) return `${sign}${t.toFixed(1)}${unit}`;
    if (t < 999.5) return `${sign}${t.toFixed(0)}${unit}`;
    t /= 1000;
  }
  if (t < 9.995) return `${sign}${t.toFixed(2)}s`;
  if (t < 99.95) return `${sign}${t.toFixed(1)}s`;
  return `${sign}${t.toFixed(0)}s`;
}

/** A change of a measured time, always signed: `+1.20ms`, `-56.0ms`, `±0`. */
export function formatSpanTimeChange(ns: number): string {
  if (ns === 0) return '±0';
  return ns > 0 ? `+${formatSpanTime(ns)}` : formatSpanTime(ns);
}
