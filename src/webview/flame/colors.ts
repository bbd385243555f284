/** Colour arithmetic for the flame chart. Pure: theme values come in as CSS colour strings. */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** Parses `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()` and `rgba()`; alpha is ignored. */
export function parseColor(text: string | undefined): Rgb | undefined {
  if (!text) return undefined;
  const s = text.trim();
  let m = /^#([0-9a-f]{3,4})$/i.exec(s);
  if (m) {
    const h = m[1];
    return { r: parseInt(h[0] + h[0], 16), g: parseInt(h[1] + h[1], 16), b: parseInt(h[2] + h[2], 16) };
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) {
    const h = m[1];
    return { r: parseInt(h.slice(0, 2), 16), g: parseInt(h.slice(2, 4), 16), b: parseInt(h.slice(4, 6), 16) };
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) return { r: clamp255(+m[1]), g: clamp255(+m[2]), b: clamp255(+m[3]) };
  return undefined;
}

function clamp255(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** `a` mixed toward `b` by t (0 = a, 1 = b). */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return { r: clamp255(a.r + (b.r - a.r) * t), g: clamp255(a.g + (b.g - a.g) * t), b: clamp255(a.b + (b.b - a.b) * t) };
}

export function toCss(c: Rgb): string {
  const h = (v: number) => v.toString(16).padStart(2, '0');
  return `#${h(c.r)}${h(c.g)}${h(c.b)}`;
}

/** WCAG relative luminance, 0 (black) .. 1 (white). */
export function luminance(c: Rgb): number {
  const ch = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Whichever of the candidates reads best on `background`. */
export function bestText(background: Rgb, candidates: readonly Rgb[]): Rgb {
  let best = candidates[0];
  for (const c of candidates) if (contrastRatio(background, c) > contrastRatio(background, best)) best = c;
  return best;
}

/** A stable small hash of a name, so a span keeps its colour across views and reloads. */
export function nameHash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Changes smaller than this fraction of the baseline are noise (traces jitter by a few %). */
export const NOISE_FRACTION = 0.03;
/** A change of this fraction of the root's baseline total is drawn at full intensity. */
export const FULL_INTENSITY_FRACTION = 0.1;

/**
 * How a compare node is coloured: -1 (much faster, full blue) .. 0 (unchanged) .. 1 (much slower,
 * full red). Intensity follows the size of the change relative to the root; changes within the
 * noise band of the span's own time are 0.
 */
export function changeIntensity(base: number, after: number, rootBase: number): number {
  const delta = after - base;
  if (delta === 0) return 0;
  if (base > 0 && Math.abs(delta) < base * NOISE_FRACTION) return 0;
  const scale = rootBase > 0 ? rootBase * FULL_INTENSITY_FRACTION : Math.max(base, after);
  const t = Math.min(1, Math.sqrt(Math.abs(delta) / scale));
  return delta > 0 ? t : -t;
}

/** Index of a change intensity in a ramp of `steps` colours per side (0 = neutral). */
export function changeBucket(intensity: number, steps: number): number {
  if (intensity === 0) return 0;
  const k = Math.max(1, Math.ceil(Math.abs(intensity) * steps));
  return intensity > 0 ? k : -k;
}
