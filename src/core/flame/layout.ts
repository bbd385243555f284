/**
 * Pure box layout of a flame view: which row each span sits in, its horizontal extent, and the
 * queries the chart runs every frame (visible boxes, hit testing, keyboard neighbours). No DOM.
 *
 * Invariants the queries rely on, established here for any input:
 * - a child's extent lies within its parent's;
 * - boxes in one row do not overlap, so both x0 and x1 are sorted along a row.
 */

export interface LayoutInput {
  count: number;
  parent: Int32Array;
  depth: Uint16Array;
  start: Float64Array;
  total: Float64Array;
  thread: Uint32Array;
}

export interface Lane {
  /** Thread label (string index; 0 when the trace has none). */
  thread: number;
  /** Row of the lane's header, or -1 when lanes have no headers (single unnamed lane). */
  headerRow: number;
  /** First row of spans and number of span rows. */
  firstRow: number;
  rows: number;
}

export interface FlameLayout {
  count: number;
  x0: Float64Array;
  x1: Float64Array;
  row: Uint32Array;
  /** Index just past the node's last descendant (pre-order). */
  subtreeEnd: Uint32Array;
  /** The root node each node belongs to. */
  root: Uint32Array;
  rowCount: number;
  /** Nodes of row r are `rowNodes[rowStart[r] .. rowStart[r + 1])`, sorted by x. */
  rowStart: Uint32Array;
  rowNodes: Uint32Array;
  /** Position of each node within `rowNodes`. */
  rowPos: Uint32Array;
  lanes: Lane[];
  domain: { start: number; end: number };
}

export interface LayoutOptions {
  /** Timeline: group roots into lanes by thread (overlapping roots always get extra rows). */
  lanes: boolean;
}

export function layoutFlame(view: LayoutInput, options: LayoutOptions): FlameLayout {
  const n = view.count;
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  const subtreeEnd = new Uint32Array(n);
  const root = new Uint32Array(n);
  const lastChildEnd = new Float64Array(n).fill(-Infinity);
  // Depth below the node's root (recomputed from parents: robust to an inconsistent `depth`).
  const relDepth = new Uint32Array(n);
  // Rows each root's tree needs (indexed by the root's node index).
  const height = new Uint32Array(n);
  const roots: number[] = [];

  // Extents, clamped into the parent and past the previous sibling.
  const { parent, start: starts, total } = view;
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    const s = starts[i];
    const w = total[i] > 0 ? total[i] : 0;
    if (p < 0 || p >= i) {
      roots.push(i);
      root[i] = i;
      x0[i] = Number.isFinite(s) ? s : 0;
      x1[i] = x0[i] + w;
      height[i] = 1;
    } else {
      const r = root[p];
      root[i] = r;
      const d = relDepth[p] + 1;
      relDepth[i] = d;
      if (d >= height[r]) height[r] = d + 1;
      let a = Number.isFinite(s) ? s : x0[p];
      const lo = x0[p] > lastChildEnd[p] ? x0[p] : lastChildEnd[p];
      if (a < lo) a = lo;
      if (a > x1[p]) a = x1[p];
      x0[i] = a;
      const b = a + w;
      x1[i] = b < x1[p] ? b : x1[p];
      lastChildEnd[p] = x1[i];
    }
  }

  // Subtree ends, walking backwards: a node's subtree ends where its last descendant's does.
  for (let i = n - 1; i >= 0; i--) {
    if (subtreeEnd[i] === 0) subtreeEnd[i] = i + 1;
    const p = parent[i];
    if (p >= 0 && p < i && subtreeEnd[p] < subtreeEnd[i]) subtreeEnd[p] = subtreeEnd[i];
  }

  // Rows: each root gets a base row; a node's row is base + depth below its root.
  const baseRow = new Uint32Array(n);
  const lanes: Lane[] = [];
  let rowCount = 0;
  const byThread = new Map<number, number[]>();
  for (const r of roots) {
    const t = options.lanes ? view.thread[r] : 0;
    let list = byThread.get(t);
    if (!list) byThread.set(t, (list = []));
    list.push(r);
  }
  const headers = options.lanes && (byThread.size > 1 || !byThread.has(0));
  for (const [thread, list] of byThread) {
    const headerRow = headers ? rowCount++ : -1;
    const firstRow = rowCount;
    // Interval packing: a root goes into a sub-lane that is free at its start (the one that
    // freed up earliest, from a min-heap), else into a new one. Sequential layouts (merged views,
    // untimed traces) need a single sub-lane.
    list.sort((a, b) => x0[a] - x0[b] || a - b);
    const subLanes: SubLane[] = [];
    const free = new MinHeap<SubLane>((l) => l.end);
    for (const r of list) {
      let sl = free.peek();
      if (sl && sl.end <= x0[r]) free.pop();
      else subLanes.push((sl = { end: -Infinity, height: 0, roots: [] }));
      sl.end = x1[r];
      sl.height = Math.max(sl.height, height[r]);
      sl.roots.push(r);
      free.push(sl);
    }
    for (const sl of subLanes) {
      for (const r of sl.roots) baseRow[r] = rowCount;
      rowCount += sl.height;
    }
    lanes.push({ thread, headerRow, firstRow, rows: rowCount - firstRow });
  }

  const row = new Uint32Array(n);
  for (let i = 0; i < n; i++) row[i] = baseRow[root[i]] + relDepth[i];

  // Row index (counting sort), then repair rows that are not in x order (unsorted root input).
  const rowStart = new Uint32Array(rowCount + 1);
  for (let i = 0; i < n; i++) rowStart[row[i] + 1]++;
  for (let r = 0; r < rowCount; r++) rowStart[r + 1] += rowStart[r];
  const fill = rowStart.slice(0, rowCount);
  const rowNodes = new Uint32Array(n);
  for (let i = 0; i < n; i++) rowNodes[fill[row[i]]++] = i;
  for (let r = 0; r < rowCount; r++) {
    const a = rowStart[r];
    const b = rowStart[r + 1];
    let sorted = true;
    for (let k = a + 1; k < b && sorted; k++) {
      const p = rowNodes[k - 1];
      const q = rowNodes[k];
      if (x0[q] < x0[p] || (x0[q] === x0[p] && x1[q] < x1[p])) sorted = false;
    }
    if (!sorted) {
      // By start, then end: an empty box sharing a start sorts before the box it touches.
      const part = Array.from(rowNodes.subarray(a, b)).sort((p, q) => x0[p] - x0[q] || x1[p] - x1[q] || p - q);
      rowNodes.set(part, a);
    }
  }
  const rowPos = new Uint32Array(n);
  for (let k = 0; k < n; k++) rowPos[rowNodes[k]] = k;

  let start = Infinity;
  let end = -Infinity;
  for (const r of roots) {
    start = Math.min(start, x0[r]);
    end = Math.max(end, x1[r]);
  }
  if (!Number.isFinite(start)) {
    start = 0;
    end = 1;
  } else if (end <= start) {
    end = start + 1;
  }

  return { count: n, x0, x1, row, subtreeEnd, root, rowCount, rowStart, rowNodes, rowPos, lanes, domain: { start, end } };
}

interface SubLane {
  end: number;
  height: number;
  roots: number[];
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly key: (item: T) => number) {}

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (this.key(a[p]) <= this.key(a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.key(a[l]) < this.key(a[m])) m = l;
        if (r < a.length && this.key(a[r]) < this.key(a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** The horizontal range shown and the rows shown. */
export interface Viewport {
  /** Visible x range in view units (ns). */
  x0: number;
  x1: number;
  /** First visible row (may be fractional while scrolling) and number of rows that fit. */
  rowTop: number;
  rows: number;
  /** Canvas width in CSS pixels. */
  widthPx: number;
}

/** Reusable output of `collectVisible`. */
export class VisibleBoxes {
  count = 0;
  node = new Uint32Array(1024);
  px0 = new Float32Array(1024);
  px1 = new Float32Array(1024);
  /** 1 for slivers and runs of spans narrower than the minimum width: drawn, never labelled. */
  tiny = new Uint8Array(1024);

  push(node: number, a: number, b: number, tiny: boolean): number {
    if (this.count === this.node.length) {
      const grow = <T extends Uint32Array | Float32Array | Uint8Array>(x: T): T => {
        const y = new (x.constructor as new (n: number) => T)(x.length * 2);
        y.set(x);
        return y;
      };
      this.node = grow(this.node);
      this.px0 = grow(this.px0);
      this.px1 = grow(this.px1);
      this.tiny = grow(this.tiny);
    }
    this.node[this.count] = node;
    this.px0[this.count] = a;
    this.px1[this.count] = b;
    this.tiny[this.count] = tiny ? 1 : 0;
    return this.count++;
  }
}

/** A row index over some of the nodes (see `subsetIndex`), or the layout's own. */
export interface RowIndex {
  rowStart: Uint32Array;
  rowNodes: Uint32Array;
}

export interface CollectOptions {
  /** Boxes narrower than this (CSS px) become one-pixel slivers. Default 1. */
  minWidthPx?: number;
  /** Only these nodes (an overlay of search matches, say); default all. */
  index?: RowIndex;
}

/**
 * The row index restricted to nodes with `mask[node] !== 0`, in the same order: for drawing the
 * important spans (search matches, changed spans) again on top, where slivers would hide them.
 */
export function subsetIndex(layout: FlameLayout, mask: ArrayLike<number>): RowIndex {
  const rowStart = new Uint32Array(layout.rowCount + 1);
  let n = 0;
  for (let r = 0; r < layout.rowCount; r++) {
    rowStart[r] = n;
    for (let k = layout.rowStart[r]; k < layout.rowStart[r + 1]; k++) if (mask[layout.rowNodes[k]] !== 0) n++;
  }
  rowStart[layout.rowCount] = n;
  const rowNodes = new Uint32Array(n);
  let j = 0;
  for (let k = 0; k < layout.count; k++) if (mask[layout.rowNodes[k]] !== 0) rowNodes[j++] = layout.rowNodes[k];
  return { rowStart, rowNodes };
}

/**
 * Collects the boxes to draw, in CSS pixels. Boxes narrower than the minimum width become
 * one-pixel slivers, at most one per pixel column per row, and adjacent slivers merge into runs
 * (drawn in the colour of their first span, never labelled); after each sliver the scan jumps
 * past every span that ends within that pixel. So the work per frame is bounded by rows × width,
 * however many spans there are.
 */
export function collectVisible(layout: FlameLayout, vp: Viewport, out: VisibleBoxes, options: CollectOptions = {}): void {
  out.count = 0;
  const span = vp.x1 - vp.x0;
  if (!(span > 0) || vp.widthPx <= 0) return;
  const minWidthPx = options.minWidthPx ?? 1;
  const { rowStart, rowNodes } = options.index ?? layout;
  const { x0, x1 } = layout;
  const scale = vp.widthPx / span;
  const first = Math.max(0, Math.floor(vp.rowTop));
  const last = Math.min(layout.rowCount, Math.ceil(vp.rowTop + vp.rows));
  for (let r = first; r < last; r++) {
    const end = rowStart[r + 1];
    let k = upperBoundX1(x1, rowNodes, rowStart[r], end, vp.x0);
    let covered = -Infinity;
    // The current run of slivers in this row (index in `out`), or -1.
    let run = -1;
    while (k < end) {
      const i = rowNodes[k];
      if (x0[i] >= vp.x1) break;
      const a = (x0[i] - vp.x0) * scale;
      const b = (x1[i] - vp.x0) * scale;
      if (b - a >= minWidthPx) {
        out.push(i, a, b, false);
        covered = b;
        run = -1;
        k++;
        continue;
      }
      if (b <= a) {
        k++;
        continue;
      }
      const px = Math.floor(a);
      if (px >= covered) {
        if (run >= 0 && out.px1[run] === px) out.px1[run] = px + 1;
        else run = out.push(i, px, px + 1, true);
        covered = px + 1;
      }
      // Jump past every span that ends within the covered pixel (usually a few places on).
      k = gallopX1(x1, rowNodes, k + 1, end, vp.x0 + covered / scale);
    }
  }
}

/** Like upperBoundX1, for a target expected near `lo`: doubling steps, then a binary search. */
function gallopX1(x1: Float64Array, rowNodes: Uint32Array, lo: number, hi: number, x: number): number {
  if (lo >= hi || x1[rowNodes[lo]] > x) return lo;
  let step = 1;
  let prev = lo;
  let probe = lo + 1;
  while (probe < hi && x1[rowNodes[probe]] <= x) {
    prev = probe;
    step *= 2;
    probe = lo + step;
  }
  return upperBoundX1(x1, rowNodes, prev + 1, Math.min(probe, hi), x);
}

/** First position in [lo, hi) of a row whose node ends after x. */
function upperBoundX1(x1: Float64Array, rowNodes: Uint32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x1[rowNodes[mid]] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The node at (x in view units, row), or -1. `slop` (view units) also accepts a box that ends or
 * starts that close to x, so one-pixel slivers can be hovered.
 */
export function hitTest(layout: FlameLayout, row: number, x: number, slop = 0): number {
  if (!(row >= 0 && row < layout.rowCount)) return -1;
  const r = Math.floor(row);
  const lo = layout.rowStart[r];
  const hi = layout.rowStart[r + 1];
  const k = upperBoundX1(layout.x1, layout.rowNodes, lo, hi, x);
  if (k < hi) {
    const i = layout.rowNodes[k];
    if (layout.x0[i] <= x && layout.x1[i] > layout.x0[i]) return i;
    if (slop > 0 && layout.x0[i] - x <= slop) return i;
  }
  if (slop > 0 && k - 1 >= lo) {
    const i = layout.rowNodes[k - 1];
    if (x - layout.x1[i] <= slop) return i;
  }
  return -1;
}

export type Direction = 'parent' | 'child' | 'previous' | 'next';

/**
 * Keyboard neighbours: the parent, the first visible child, or the previous/next box in the same
 * row (siblings, or cousins at the same depth). Empty (zero-width) boxes are skipped.
 */
export function neighbour(layout: FlameLayout, parent: Int32Array, node: number, dir: Direction): number {
  if (node < 0 || node >= layout.count) return -1;
  switch (dir) {
    case 'parent':
      return parent[node];
    case 'child': {
      for (let c = node + 1; c < layout.subtreeEnd[node]; c = layout.subtreeEnd[c]) {
        if (layout.x1[c] > layout.x0[c]) return c;
      }
      return -1;
    }
    case 'previous':
    case 'next': {
      const step = dir === 'next' ? 1 : -1;
      const r = layout.row[node];
      for (let k = layout.rowPos[node] + step; k >= layout.rowStart[r] && k < layout.rowStart[r + 1]; k += step) {
        const i = layout.rowNodes[k];
        if (layout.x1[i] > layout.x0[i]) return i;
      }
      return -1;
    }
  }
}

/** The range to show when zooming to a node (the node's extent; the full domain for -1). */
export function rangeOf(layout: FlameLayout, node: number): { x0: number; x1: number } {
  if (node < 0 || node >= layout.count || !(layout.x1[node] > layout.x0[node])) {
    return { x0: layout.domain.start, x1: layout.domain.end };
  }
  return { x0: layout.x0[node], x1: layout.x1[node] };
}

/** Narrowest range the chart zooms to, in view units: a few ns, or a billionth of the domain. */
export function minRange(layout: FlameLayout): number {
  return Math.max(1, (layout.domain.end - layout.domain.start) * 1e-9);
}

/**
 * Zooms the range by `factor` (<1 zooms in) keeping the point at `anchor` (0..1 of the width)
 * fixed, then clamps it into the domain.
 */
export function zoomRange(
  layout: FlameLayout,
  range: { x0: number; x1: number },
  factor: number,
  anchor: number,
): { x0: number; x1: number } {
  const { start, end } = layout.domain;
  const full = end - start;
  const width = range.x1 - range.x0;
  const next = Math.min(full, Math.max(minRange(layout), width * factor));
  const at = range.x0 + width * Math.min(1, Math.max(0, anchor));
  return clampRange(layout, { x0: at - (at - range.x0) * (next / width), x1: at - (at - range.x0) * (next / width) + next });
}

/** Shifts the range by `dx` view units, clamped into the domain. */
export function panRange(layout: FlameLayout, range: { x0: number; x1: number }, dx: number): { x0: number; x1: number } {
  return clampRange(layout, { x0: range.x0 + dx, x1: range.x1 + dx });
}

export function clampRange(layout: FlameLayout, range: { x0: number; x1: number }): { x0: number; x1: number } {
  const { start, end } = layout.domain;
  let width = range.x1 - range.x0;
  if (!(width > 0)) width = end - start;
  width = Math.min(width, end - start);
  let x0 = Number.isFinite(range.x0) ? range.x0 : start;
  if (x0 < start) x0 = start;
  if (x0 + width > end) x0 = end - width;
  return { x0, x1: x0 + width };
}

/** The chain of nodes from the root down to `node` (inclusive). */
export function ancestry(parent: Int32Array, node: number): number[] {
  const out: number[] = [];
  for (let i = node; i >= 0 && out.length <= parent.length; i = parent[i]) out.push(i);
  return out.reverse();
}
