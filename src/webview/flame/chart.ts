/**
 * The canvas icicle chart: drawing (device-pixel-ratio aware, visible boxes only, one redraw per
 * animation frame) and pointer/keyboard interaction. What to draw comes from the pure layout.
 */
import type { FlameDocument, FlameView } from '../../core/flame/data';
import { formatTick, niceTickStep } from '../../core/flame/format';
import { changeBucket, changeIntensity, nameHash } from './colors';
import { FrameRequest } from './dom';
import {
  clampRange,
  collectVisible,
  subsetIndex,
  hitTest,
  neighbour,
  panRange,
  rangeOf,
  VisibleBoxes,
  zoomRange,
  type Direction,
  type FlameLayout,
  type RowIndex,
} from '../../core/flame/layout';
import type { SearchResult } from './search';
import { LabelCache } from './textCache';
import { COMPARE_STEPS, type Theme } from './theme';

export const ROW_HEIGHT = 20;
export const AXIS_HEIGHT = 20;
const LABEL_PAD = 4;
const MIN_LABEL_WIDTH = 28;
/** Pointer travel below which a press is a click, not a drag. */
const CLICK_SLOP_PX = 4;

export interface ChartModel {
  doc: FlameDocument;
  view: FlameView;
  layout: FlameLayout;
  /**
   * Compare views drawn at baseline widths hold the baseline in `total` and the after values in
   * `baseTotal` (src/core/flame/derived.ts): colours swap the sides back.
   */
  negated?: boolean;
  /**
   * Compare views: per node, 1 when its change is statistically significant (a verdict of
   * faster/slower). Absent: every change beyond the noise band is coloured.
   */
  significant?: Uint8Array;
}

export interface ChartCallbacks {
  /** Hovered (or keyboard-focused) node and where to anchor its tooltip; node -1 hides it. */
  onHover(node: number, clientX: number, clientY: number, source: 'pointer' | 'keyboard'): void;
  onSelect(node: number): void;
  onZoom(zoomed: number): void;
  /** Range or scroll changed (to persist state). */
  onViewChange(): void;
  onOpenSource(node: number, toSide: boolean): void;
  /** After each drawn frame (first paint measurement). */
  onDrawn(): void;
}

interface Drag {
  pointerId: number;
  startX: number;
  startY: number;
  range: { x0: number; x1: number };
  scrollTop: number;
  moved: boolean;
}

export class FlameChart {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private model: ChartModel | undefined;
  private theme: Theme;
  private labels: LabelCache | undefined;
  /** Palette slot per string index (normal views) or per node (compare view). */
  private nodeSlot: Uint16Array = new Uint16Array(0);
  /** Spans drawn again over the slivers while colours carry meaning, and the slivers' colour. */
  private overlay: { index: RowIndex; runSlot: number } | undefined;
  private highlightNames: Uint8Array = new Uint8Array(0);
  private search: SearchResult | undefined;
  private readonly visible = new VisibleBoxes();
  private readonly visibleOverlay = new VisibleBoxes();
  private slotOf = new Uint16Array(1024);
  private order = new Uint32Array(1024);

  private widthPx = 0;
  private heightPx = 0;
  private dpr = 1;
  range = { x0: 0, x1: 1 };
  scrollTop = 0;
  zoomed = -1;
  selected = -1;
  hovered = -1;
  private drag: Drag | undefined;
  private readonly frame = new FrameRequest(() => this.draw());
  private lastPointer: { x: number; y: number } | undefined;

  constructor(
    private readonly container: HTMLElement,
    theme: Theme,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.theme = theme;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'flame-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'flame chart');
    this.canvas.setAttribute('aria-label', 'Flame chart. Arrow keys move between spans, Enter zooms, Escape zooms out.');
    container.appendChild(this.canvas);
    const ctx = this.canvas.getContext('2d', { alpha: true });
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
    this.warmFont();
    this.listen();
    new ResizeObserver(() => this.resize()).observe(container);
    this.watchPixelRatio();
    this.resize();
  }

  setModel(model: ChartModel | undefined, restore?: { range?: { x0: number; x1: number }; zoomed?: number; scrollTop?: number }): void {
    this.model = model;
    // A search result belongs to the previous view's nodes; the app searches the new one.
    this.search = undefined;
    this.hovered = -1;
    this.selected = -1;
    this.zoomed = -1;
    this.scrollTop = 0;
    if (!model) {
      this.invalidate();
      return;
    }
    this.labels = new LabelCache(model.doc.strings);
    this.computeSlots();
    const { layout } = model;
    this.range = { x0: layout.domain.start, x1: layout.domain.end };
    if (restore?.zoomed !== undefined && restore.zoomed < layout.count) this.zoomed = restore.zoomed;
    if (restore?.range) this.range = clampRange(layout, restore.range);
    if (restore?.scrollTop !== undefined) this.scrollTop = restore.scrollTop;
    this.clampScroll();
    this.invalidate();
  }

  get current(): ChartModel | undefined {
    return this.model;
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.warmFont();
    this.computeSlots();
    this.invalidate();
  }

  /** Per string index: 1 when the name is one the active milestone is about. */
  setHighlightNames(marks: Uint8Array): void {
    this.highlightNames = marks;
    this.invalidate();
  }

  setSearch(result: SearchResult | undefined): void {
    this.search = result && result.query.trim() !== '' ? result : undefined;
    this.computeSlots();
    this.invalidate();
  }

  /** Zooms to a node's extent (-1: the whole trace) and scrolls its row into view. */
  zoomTo(node: number): void {
    const m = this.model;
    if (!m) return;
    this.zoomed = node >= 0 && node < m.layout.count ? node : -1;
    this.range = rangeOf(m.layout, this.zoomed);
    if (this.zoomed >= 0) this.revealRow(m.layout.row[this.zoomed]);
    this.callbacks.onZoom(this.zoomed);
    this.changed();
  }

  /** Escape: one level up from the zoomed span, then the whole trace. */
  zoomOut(): void {
    const m = this.model;
    if (!m) return;
    const whole = this.range.x0 <= m.layout.domain.start && this.range.x1 >= m.layout.domain.end;
    if (this.zoomed >= 0) this.zoomTo(m.view.parent[this.zoomed]);
    else if (!whole) this.zoomTo(-1);
  }

  select(node: number, announce = true): void {
    const m = this.model;
    if (!m) return;
    this.selected = node >= 0 && node < m.layout.count ? node : -1;
    if (this.selected >= 0) {
      this.revealNode(this.selected);
      if (announce) {
        const r = this.nodeRect(this.selected);
        const box = this.canvas.getBoundingClientRect();
        if (r) this.callbacks.onHover(this.selected, box.left + r.x + Math.min(r.w / 2, 40), box.top + r.y + ROW_HEIGHT, 'keyboard');
      }
    }
    this.callbacks.onSelect(this.selected);
    this.invalidate();
  }

  /** Box of a node in canvas CSS pixels, when it is on screen. */
  nodeRect(node: number): { x: number; y: number; w: number } | undefined {
    const m = this.model;
    if (!m || node < 0 || node >= m.layout.count) return undefined;
    const scale = this.widthPx / (this.range.x1 - this.range.x0);
    const x = (m.layout.x0[node] - this.range.x0) * scale;
    const w = Math.max(1, (m.layout.x1[node] - m.layout.x0[node]) * scale);
    const y = AXIS_HEIGHT + m.layout.row[node] * ROW_HEIGHT - this.scrollTop;
    if (x + w < 0 || x > this.widthPx || y + ROW_HEIGHT < AXIS_HEIGHT || y > this.heightPx) return undefined;
    return { x, y, w };
  }

  /**
   * Resolving and rasterising a font the first time costs tens of milliseconds; do it while
   * waiting for data rather than in the first frame that draws it.
   */
  private warmFont(): void {
    const ctx = this.ctx;
    ctx.save();
    ctx.font = this.theme.font;
    ctx.measureText('stark_prove_excluding_trace…0123456789');
    ctx.fillText('stark_prove_excluding_trace…0123456789', -1000, -1000);
    ctx.restore();
  }

  /** Schedules one redraw for the next animation frame (many calls, one frame). */
  invalidate(): void {
    this.frame.request();
  }

  private changed(): void {
    this.invalidate();
    this.callbacks.onViewChange();
  }

  /**
   * Colour slot of every node, recomputed when the model, theme or search changes (not per
   * frame). Slots: palette shades, then dimmed, neutral, the slower ramp, the faster ramp.
   */
  private computeSlots(): void {
    const m = this.model;
    if (!m) return;
    const { strings } = m.doc;
    const v = m.view;
    const P = this.theme.palette.length;
    const slot = new Uint16Array(v.count);
    if (v.kind === 'compare' && v.baseTotal) {
      // The change bucket against the root's baseline total.
      const rootBase = new Float64Array(v.count);
      const [before, after] = m.negated ? [v.total, v.baseTotal] : [v.baseTotal, v.total];
      const sig = m.significant;
      for (let i = 0; i < v.count; i++) {
        rootBase[i] = v.parent[i] < 0 ? before[i] : rootBase[m.layout.root[i]];
        const b = sig && sig[i] !== 1 ? 0 : changeBucket(changeIntensity(before[i], after[i], rootBase[i]), COMPARE_STEPS);
        slot[i] = b === 0 ? P + 1 : b > 0 ? P + 1 + b : P + 1 + COMPARE_STEPS - b;
      }
    } else {
      const byName = new Uint16Array(strings.length);
      for (let k = 0; k < strings.length; k++) byName[k] = nameHash(strings[k]) % P;
      for (let i = 0; i < v.count; i++) slot[i] = byName[v.name[i]];
    }
    const match = this.search?.match;
    if (match) for (let i = 0; i < v.count; i++) if (match[i] === 0) slot[i] = P;
    this.nodeSlot = slot;
    // Search matches (over dimmed slivers) and changed spans (over neutral ones).
    if (match) this.overlay = { index: subsetIndex(m.layout, match), runSlot: P };
    else if (v.kind === 'compare')
      this.overlay = {
        index: subsetIndex(
          m.layout,
          slot.map((x) => (x === P + 1 ? 0 : 1)),
        ),
        runSlot: P + 1,
      };
    else this.overlay = undefined;
  }

  /** Recomputes the colours (the model's significance changed). */
  recolour(): void {
    this.computeSlots();
    this.invalidate();
  }

  /** Colour slot of each node (see computeSlots), for the minimap. */
  get slots(): Uint16Array {
    return this.nodeSlot;
  }

  /** Shows a range (the minimap's window), clamped to the trace. */
  setRange(range: { x0: number; x1: number }): void {
    const m = this.model;
    if (!m) return;
    this.range = clampRange(m.layout, range);
    this.changed();
  }

  // Colours by slot (see computeSlots).
  slotColors(): { fill: string[]; text: string[] } {
    const t = this.theme;
    return {
      fill: [...t.palette, t.dimmed, t.neutral, ...t.slower, ...t.faster],
      text: [...t.paletteText, t.dimmedText, t.neutralText, ...t.slowerText, ...t.fasterText],
    };
  }

  private draw(): void {
    const ctx = this.ctx;
    const dpr = this.dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    const m = this.model;
    if (!m || this.widthPx <= 0 || this.heightPx <= 0) return;
    const { layout, view } = m;
    const t = this.theme;
    ctx.font = t.font;
    this.labels!.setFont(t.font);

    const vp = {
      x0: this.range.x0,
      x1: this.range.x1,
      rowTop: this.scrollTop / ROW_HEIGHT,
      rows: (this.heightPx - AXIS_HEIGHT) / ROW_HEIGHT + 1,
      widthPx: this.widthPx,
    };
    const vis = this.visible;
    collectVisible(layout, vp, vis);
    const colors = this.slotColors();
    const yOf = (node: number) => AXIS_HEIGHT + layout.row[node] * ROW_HEIGHT - this.scrollTop;

    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_HEIGHT, this.widthPx, this.heightPx - AXIS_HEIGHT);
    ctx.clip();
    this.drawLaneHeaders(m);

    // While colours carry meaning (search, compare), runs of slivers take the background colour
    // and the important spans are drawn again on top, so none hides inside a run.
    const groups = this.fillBoxes(vis, colors.fill, yOf, this.overlay ? this.overlay.runSlot : -1, false);
    if (this.overlay) {
      collectVisible(layout, vp, this.visibleOverlay, { index: this.overlay.index });
      this.fillBoxes(this.visibleOverlay, colors.fill, yOf, -1, true);
    }

    // Labels, in the colour groups so the text colour changes rarely.
    ctx.textBaseline = 'middle';
    const labels = this.labels!;
    for (let s = 0; s < colors.fill.length; s++) {
      let styled = false;
      for (let o = groups[s]; o < groups[s + 1]; o++) {
        const k = this.order[o];
        const x = Math.max(0, vis.px0[k]);
        const w = Math.min(this.widthPx, vis.px1[k]) - x;
        if (w < MIN_LABEL_WIDTH || vis.tiny[k] === 1) continue;
        const node = vis.node[k];
        const label = labels.fit(ctx, view.name[node], w - 2 * LABEL_PAD);
        if (label === undefined) continue;
        if (!styled) {
          ctx.fillStyle = colors.text[s];
          styled = true;
        }
        // Whole pixels keep the glyphs crisp.
        ctx.fillText(label, Math.round(x + LABEL_PAD), yOf(node) + ROW_HEIGHT / 2);
      }
    }

    // Outlines: milestone spans, then hover and keyboard selection on top.
    ctx.lineWidth = 2;
    ctx.strokeStyle = t.milestone;
    const marks = this.highlightNames;
    if (marks.length > 0) {
      ctx.beginPath();
      for (let k = 0; k < vis.count; k++) {
        const node = vis.node[k];
        if (marks[view.name[node]] !== 1 || vis.tiny[k] === 1) continue;
        const w = Math.max(2, vis.px1[k] - vis.px0[k] - 1);
        ctx.rect(vis.px0[k] + 1, yOf(node) + 1, w - 1, ROW_HEIGHT - 3);
      }
      ctx.stroke();
    }
    this.outline(this.hovered, t.hover, 1);
    this.outline(this.selected, t.focus, 2);
    ctx.restore();

    this.drawAxis(m);
    this.callbacks.onDrawn();
  }

  /**
   * Fills boxes grouped by colour (a counting sort: one path and one fill per colour). Slivers
   * take `tinySlot` when it is set; `onlyTiny` draws just the slivers. Leaves the drawing order in
   * `this.order` and returns where each colour's group starts in it.
   */
  private fillBoxes(vis: VisibleBoxes, fills: string[], yOf: (node: number) => number, tinySlot: number, onlyTiny: boolean): Uint32Array {
    const ctx = this.ctx;
    const slots = fills.length;
    if (this.slotOf.length < vis.count) {
      this.slotOf = new Uint16Array(vis.count * 2);
      this.order = new Uint32Array(vis.count * 2);
    }
    const counts = new Uint32Array(slots + 1);
    const nodeSlot = this.nodeSlot;
    let n = 0;
    for (let k = 0; k < vis.count; k++) {
      const tiny = vis.tiny[k] === 1;
      if (onlyTiny && !tiny) {
        this.slotOf[k] = 0xffff;
        continue;
      }
      const s = tiny && tinySlot >= 0 ? tinySlot : nodeSlot[vis.node[k]];
      this.slotOf[k] = s;
      counts[s + 1]++;
      n++;
    }
    for (let s = 0; s < slots; s++) counts[s + 1] += counts[s];
    const groups = counts.slice();
    for (let k = 0; k < vis.count; k++) if (this.slotOf[k] !== 0xffff) this.order[counts[this.slotOf[k]]++] = k;
    if (n === 0) return groups;
    for (let s = 0; s < slots; s++) {
      const a = groups[s];
      const b = groups[s + 1];
      if (a === b) continue;
      ctx.fillStyle = fills[s];
      ctx.beginPath();
      for (let o = a; o < b; o++) {
        const k = this.order[o];
        const x = vis.px0[k];
        const w = vis.px1[k] - x;
        // A one-pixel gap separates neighbours once boxes are wide enough to afford it.
        ctx.rect(x, yOf(vis.node[k]), w > 3 ? w - 1 : w, ROW_HEIGHT - 1);
      }
      ctx.fill();
    }
    return groups;
  }

  private outline(node: number, color: string, width: number): void {
    if (node < 0) return;
    const r = this.nodeRect(node);
    if (!r) return;
    const ctx = this.ctx;
    ctx.lineWidth = width;
    ctx.strokeStyle = color;
    const inset = width / 2;
    ctx.strokeRect(r.x + inset, r.y + inset, Math.max(1, r.w - 1 - width), ROW_HEIGHT - 1 - width);
  }

  private drawLaneHeaders(m: ChartModel): void {
    const ctx = this.ctx;
    const t = this.theme;
    for (const lane of m.layout.lanes) {
      if (lane.headerRow < 0) continue;
      const y = AXIS_HEIGHT + lane.headerRow * ROW_HEIGHT - this.scrollTop;
      if (y + ROW_HEIGHT < AXIS_HEIGHT || y > this.heightPx) continue;
      ctx.fillStyle = t.laneHeader;
      ctx.fillRect(0, y, this.widthPx, ROW_HEIGHT - 1);
      ctx.fillStyle = t.muted;
      ctx.textBaseline = 'middle';
      const name = m.doc.strings[lane.thread] ?? '';
      ctx.fillText(name === '' ? 'thread (unknown)' : /^\d+$/.test(name) ? `thread ${name}` : name, LABEL_PAD, y + ROW_HEIGHT / 2);
    }
  }

  private drawAxis(m: ChartModel): void {
    const ctx = this.ctx;
    const t = this.theme;
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, this.widthPx, AXIS_HEIGHT);
    const span = this.range.x1 - this.range.x0;
    if (!(span > 0)) return;
    const step = niceTickStep(span, Math.max(1, Math.floor(this.widthPx / 90)));
    const scale = this.widthPx / span;
    const origin = m.layout.domain.start;
    ctx.strokeStyle = t.gridLine;
    ctx.lineWidth = 1;
    ctx.fillStyle = t.muted;
    ctx.textBaseline = 'middle';
    ctx.beginPath();
    const first = Math.ceil((this.range.x0 - origin) / step);
    for (let k = first; ; k++) {
      const v = origin + k * step;
      if (v > this.range.x1) break;
      const x = Math.round((v - this.range.x0) * scale) + 0.5;
      ctx.moveTo(x, AXIS_HEIGHT - 6);
      ctx.lineTo(x, AXIS_HEIGHT);
      ctx.fillText(formatTick(k * step, step), x + 3, AXIS_HEIGHT / 2 - 1);
      if (k - first > 200) break;
    }
    ctx.moveTo(0, AXIS_HEIGHT - 0.5);
    ctx.lineTo(this.widthPx, AXIS_HEIGHT - 0.5);
    ctx.stroke();
  }

  private resize(): void {
    const rect = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(0, Math.floor(rect.width));
    const h = Math.max(0, Math.floor(rect.height));
    if (w === this.widthPx && h === this.heightPx && dpr === this.dpr) return;
    this.widthPx = w;
    this.heightPx = h;
    this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    this.clampScroll();
    // Resizing clears the canvas; drawing now (before this frame paints) avoids a blank frame.
    this.draw();
  }

  /** Moving the window between screens changes the ratio without a resize event. */
  private watchPixelRatio(): void {
    const query = window.matchMedia?.(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    query?.addEventListener(
      'change',
      () => {
        this.resize();
        this.watchPixelRatio();
      },
      { once: true },
    );
  }

  private maxScroll(): number {
    const m = this.model;
    if (!m) return 0;
    return Math.max(0, AXIS_HEIGHT + (m.layout.rowCount + 1) * ROW_HEIGHT - this.heightPx);
  }

  private clampScroll(): void {
    this.scrollTop = Math.min(Math.max(0, this.scrollTop), this.maxScroll());
  }

  private revealRow(row: number): void {
    const y = row * ROW_HEIGHT;
    const visibleHeight = this.heightPx - AXIS_HEIGHT;
    if (y < this.scrollTop) this.scrollTop = Math.max(0, y - ROW_HEIGHT);
    else if (y + ROW_HEIGHT > this.scrollTop + visibleHeight) this.scrollTop = y + 2 * ROW_HEIGHT - visibleHeight;
    this.clampScroll();
  }

  /** Keeps a keyboard-selected node on screen, panning (not zooming) when it is outside. */
  private revealNode(node: number): void {
    const m = this.model!;
    this.revealRow(m.layout.row[node]);
    const a = m.layout.x0[node];
    const b = m.layout.x1[node];
    const span = this.range.x1 - this.range.x0;
    if (b - a > span) {
      this.range = rangeOf(m.layout, node);
    } else if (a < this.range.x0 || b > this.range.x1) {
      this.range = panRange(m.layout, this.range, a < this.range.x0 ? a - this.range.x0 - span * 0.05 : b - this.range.x1 + span * 0.05);
    }
    this.callbacks.onViewChange();
  }

  private nodeAt(clientX: number, clientY: number): number {
    const m = this.model;
    if (!m) return -1;
    const box = this.canvas.getBoundingClientRect();
    const px = clientX - box.left;
    const py = clientY - box.top;
    if (py < AXIS_HEIGHT || px < 0 || px > this.widthPx) return -1;
    const row = (py - AXIS_HEIGHT + this.scrollTop) / ROW_HEIGHT;
    const span = this.range.x1 - this.range.x0;
    const x = this.range.x0 + (px / this.widthPx) * span;
    return hitTest(m.layout, Math.floor(row), x, span / this.widthPx);
  }

  private setHovered(node: number, clientX: number, clientY: number): void {
    if (node !== this.hovered) {
      this.hovered = node;
      this.canvas.style.cursor = node >= 0 ? 'pointer' : 'default';
      this.invalidate();
    }
    this.callbacks.onHover(node, clientX, clientY, 'pointer');
  }

  private listen(): void {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || !this.model) return;
      c.setPointerCapture(e.pointerId);
      this.drag = {
        pointerId: e.pointerId,
        startX: e.clientX,
        startY: e.clientY,
        range: { ...this.range },
        scrollTop: this.scrollTop,
        moved: false,
      };
    });
    c.addEventListener('pointermove', (e) => {
      this.lastPointer = { x: e.clientX, y: e.clientY };
      const d = this.drag;
      if (d && d.pointerId === e.pointerId) {
        const dx = e.clientX - d.startX;
        const dy = e.clientY - d.startY;
        if (!d.moved && Math.hypot(dx, dy) < CLICK_SLOP_PX) return;
        if (!d.moved) {
          d.moved = true;
          this.setHovered(-1, 0, 0);
          c.style.cursor = 'grabbing';
        }
        const m = this.model!;
        const perPx = (d.range.x1 - d.range.x0) / this.widthPx;
        this.range = panRange(m.layout, d.range, -dx * perPx);
        this.scrollTop = d.scrollTop - dy;
        this.clampScroll();
        this.changed();
        return;
      }
      this.setHovered(this.nodeAt(e.clientX, e.clientY), e.clientX, e.clientY);
    });
    const end = (e: PointerEvent) => {
      const d = this.drag;
      if (!d || d.pointerId !== e.pointerId) return;
      this.drag = undefined;
      c.style.cursor = 'default';
      if (e.type === 'pointercancel' || d.moved) return;
      const node = this.nodeAt(e.clientX, e.clientY);
      if (node < 0) return;
      if (e.ctrlKey || e.metaKey) {
        this.select(node, false);
        this.callbacks.onOpenSource(node, e.altKey);
        return;
      }
      this.select(node, false);
      this.zoomTo(node);
      this.setHovered(this.nodeAt(e.clientX, e.clientY), e.clientX, e.clientY);
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('pointerleave', () => {
      this.lastPointer = undefined;
      if (!this.drag) this.setHovered(-1, 0, 0);
    });
    c.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    c.addEventListener('keydown', (e) => this.onKey(e));
    c.addEventListener('focus', () => {
      // Keyboard focus (Tab) starts navigation at the first visible root; a click selects itself.
      if (this.selected < 0 && this.model && this.model.layout.count > 0 && c.matches(':focus-visible')) {
        // Start keyboard navigation at the first visible root.
        const lay = this.model.layout;
        for (let k = lay.rowStart[0]; k < lay.rowStart[Math.min(1, lay.rowCount)]; k++) {
          const i = lay.rowNodes[k];
          if (lay.x1[i] > this.range.x0 && lay.x0[i] < this.range.x1) {
            this.selected = i;
            this.callbacks.onSelect(i);
            this.invalidate();
            break;
          }
        }
      }
    });
  }

  private onWheel(e: WheelEvent): void {
    const m = this.model;
    if (!m) return;
    e.preventDefault();
    const lineScale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.heightPx : 1;
    const dx = e.deltaX * lineScale;
    const dy = e.deltaY * lineScale;
    const box = this.canvas.getBoundingClientRect();
    if (e.altKey) {
      this.scrollTop += dy;
      this.clampScroll();
    } else if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
      const perPx = (this.range.x1 - this.range.x0) / this.widthPx;
      this.range = panRange(m.layout, this.range, (e.shiftKey && dx === 0 ? dy : dx) * perPx);
    } else {
      // Pinch gestures arrive as ctrl+wheel with small deltas: zoom faster per unit for them.
      const factor = Math.exp(dy / (e.ctrlKey || e.metaKey ? 40 : 200));
      const anchor = (e.clientX - box.left) / this.widthPx;
      this.range = zoomRange(m.layout, this.range, Math.min(10, Math.max(0.1, factor)), anchor);
    }
    if (this.lastPointer) this.setHovered(this.nodeAt(this.lastPointer.x, this.lastPointer.y), this.lastPointer.x, this.lastPointer.y);
    this.changed();
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.model;
    if (!m) return;
    const dirs: Record<string, Direction> = { ArrowUp: 'parent', ArrowDown: 'child', ArrowLeft: 'previous', ArrowRight: 'next' };
    const dir = dirs[e.key];
    if (dir) {
      e.preventDefault();
      if (this.selected < 0) return;
      const next = neighbour(m.layout, m.view.parent, this.selected, dir);
      if (next >= 0) this.select(next);
      return;
    }
    switch (e.key) {
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (this.selected < 0) return;
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) this.callbacks.onOpenSource(this.selected, e.altKey);
        else this.zoomTo(this.selected);
        return;
      case 'Escape':
        e.preventDefault();
        this.zoomOut();
        return;
      case 'Home':
      case '0':
        e.preventDefault();
        this.zoomTo(-1);
        return;
      case '+':
      case '=':
      case '-':
      case '_':
        e.preventDefault();
        this.range = zoomRange(m.layout, this.range, e.key === '+' || e.key === '=' ? 0.5 : 2, 0.5);
        this.changed();
        return;
    }
  }
}
