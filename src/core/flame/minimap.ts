/**
 * The minimap's geometry: the whole trace across its width, the chart's visible range as a window
 * on it. Pure: what a press on the minimap grabs, and the range a drag makes.
 */

export interface Range {
  x0: number;
  x1: number;
}

/** Pixels either side of the window's edge that grab the edge rather than the window. */
export const EDGE_GRAB_PX = 5;
/** The window never gets narrower than this many pixels on the minimap by resizing. */
export const MIN_WINDOW_PX = 4;

export type MinimapGrab = 'left' | 'right' | 'window' | 'outside';

export interface MinimapGeometry {
  domain: { start: number; end: number };
  widthPx: number;
}

export function toPx(g: MinimapGeometry, x: number): number {
  const span = g.domain.end - g.domain.start;
  return span > 0 ? ((x - g.domain.start) / span) * g.widthPx : 0;
}

export function fromPx(g: MinimapGeometry, px: number): number {
  return g.domain.start + (px / Math.max(1, g.widthPx)) * (g.domain.end - g.domain.start);
}

/** What a press at `px` grabs: an edge of the window (resize), the window (pan), or outside it. */
export function grabAt(g: MinimapGeometry, window: Range, px: number): MinimapGrab {
  const a = toPx(g, window.x0);
  const b = toPx(g, window.x1);
  // A window narrower than two grab zones: its middle pans, its ends resize.
  const grab = Math.min(EDGE_GRAB_PX, Math.max(1, (b - a) / 3));
  if (Math.abs(px - a) <= grab) return 'left';
  if (Math.abs(px - b) <= grab) return 'right';
  if (px > a && px < b) return 'window';
  return 'outside';
}

/** The window centred on `px`, same width (a press outside the window jumps there). */
export function centreAt(g: MinimapGeometry, window: Range, px: number): Range {
  const w = window.x1 - window.x0;
  const c = fromPx(g, px);
  return clamp(g, { x0: c - w / 2, x1: c + w / 2 });
}

/** The range after dragging `grab` from `startPx` to `px`, starting from `start`. */
export function dragRange(g: MinimapGeometry, grab: MinimapGrab, start: Range, startPx: number, px: number): Range {
  const dx = fromPx(g, px) - fromPx(g, startPx);
  const minW = (MIN_WINDOW_PX / Math.max(1, g.widthPx)) * (g.domain.end - g.domain.start);
  switch (grab) {
    case 'window':
    case 'outside':
      return clamp(g, { x0: start.x0 + dx, x1: start.x1 + dx });
    case 'left': {
      const x0 = Math.min(Math.max(g.domain.start, start.x0 + dx), start.x1 - minW);
      return { x0, x1: start.x1 };
    }
    case 'right': {
      const x1 = Math.max(Math.min(g.domain.end, start.x1 + dx), start.x0 + minW);
      return { x0: start.x0, x1 };
    }
  }
}

function clamp(g: MinimapGeometry, r: Range): Range {
  const { start, end } = g.domain;
  const w = Math.min(r.x1 - r.x0, end - start);
  let x0 = Math.max(start, r.x0);
  if (x0 + w > end) x0 = end - w;
  return { x0, x1: x0 + w };
}
