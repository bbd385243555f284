/**
 * Chart colours from VS Code's theme variables (`--vscode-*` on the document element), re-read
 * whenever VS Code changes them (theme switch, high contrast).
 */
import { bestText, mix, parseColor, toCss, type Rgb } from './colors';

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  background: string;
  foreground: string;
  /** Lighter text for axes and secondary labels. */
  muted: string;
  gridLine: string;
  /** Flame colours by palette index, and the text colour readable on each. */
  palette: string[];
  paletteText: string[];
  /** Boxes that do not match the search. */
  dimmed: string;
  dimmedText: string;
  /** Compare ramp: index 0 is unchanged, 1..steps slower (red), -1..-steps faster (blue). */
  slower: string[];
  faster: string[];
  slowerText: string[];
  fasterText: string[];
  neutral: string;
  neutralText: string;
  focus: string;
  hover: string;
  /** Outline of spans the active milestone is about. */
  milestone: string;
  laneHeader: string;
  font: string;
  fontFamily: string;
}

export const COMPARE_STEPS = 6;

const FALLBACK_DARK = {
  bg: '#1e1e1e',
  fg: '#cccccc',
  red: '#f14c4c',
  blue: '#3794ff',
  yellow: '#cca700',
  orange: '#d18616',
  purple: '#b180d7',
  focus: '#007fd4',
};
const FALLBACK_LIGHT = {
  bg: '#ffffff',
  fg: '#616161',
  red: '#e51400',
  blue: '#1a85ff',
  yellow: '#bf8803',
  orange: '#d18616',
  purple: '#652d90',
  focus: '#0090f1',
};

function themeKind(): Theme['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  if (c.contains('vscode-dark')) return 'dark';
  // Outside VS Code (the benchmark harness), follow the browser.
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(`--vscode-${name}`).trim();
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const fb = light ? FALLBACK_LIGHT : FALLBACK_DARK;
  const color = (name: string, fallback: string): Rgb => parseColor(v(name)) ?? parseColor(fallback)!;

  const bg = color('editor-background', fb.bg);
  const fg = color('editor-foreground', fb.fg);
  const red = color('charts-red', fb.red);
  const blue = color('charts-blue', fb.blue);
  const yellow = color('charts-yellow', fb.yellow);
  const orange = color('charts-orange', fb.orange);
  const purple = color('charts-purple', fb.purple);
  const focus = color('focusBorder', fb.focus);
  const black: Rgb = { r: 0, g: 0, b: 0 };
  const white: Rgb = { r: 255, g: 255, b: 255 };
  const textChoices = [fg, bg, black, white];

  // Warm flame shades: each hue at three strengths against the editor background.
  const strengths = light ? [0.72, 0.56, 0.42] : [0.75, 0.6, 0.45];
  const shades: Rgb[] = [];
  for (const s of strengths) for (const hue of [orange, yellow, red]) shades.push(mix(bg, hue, s));
  const neutral = mix(bg, fg, light ? 0.16 : 0.22);
  const dimmed = mix(bg, fg, light ? 0.08 : 0.1);
  const ramp = (hue: Rgb) => {
    const out: Rgb[] = [];
    for (let k = 1; k <= COMPARE_STEPS; k++) out.push(mix(neutral, hue, 0.25 + (0.7 * k) / COMPARE_STEPS));
    return out;
  };
  const slower = ramp(red);
  const faster = ramp(blue);
  const text = (c: Rgb) => toCss(bestText(c, textChoices));

  const fontFamily = v('editor-font-family') || v('font-family') || 'monospace';
  return {
    kind,
    background: toCss(bg),
    foreground: toCss(fg),
    muted: toCss(mix(bg, fg, 0.65)),
    gridLine: toCss(mix(bg, fg, 0.15)),
    palette: shades.map(toCss),
    paletteText: shades.map(text),
    dimmed: toCss(dimmed),
    dimmedText: toCss(mix(bg, fg, 0.45)),
    slower: slower.map(toCss),
    faster: faster.map(toCss),
    slowerText: slower.map(text),
    fasterText: faster.map(text),
    neutral: toCss(neutral),
    neutralText: text(neutral),
    focus: toCss(focus),
    hover: toCss(fg),
    milestone: toCss(purple),
    laneHeader: toCss(mix(bg, fg, 0.06)),
    font: `12px ${fontFamily}`,
    fontFamily,
  };
}

/** Calls `onChange` when VS Code changes the theme (variables on <html>, classes on <body>). */
export function watchTheme(onChange: () => void): () => void {
  let pending = false;
  const fire = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  return () => observer.disconnect();
}
