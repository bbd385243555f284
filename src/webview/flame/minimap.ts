/**
 * The minimap above the chart: the whole trace drawn small (once per model, theme or search, into
 * an offscreen canvas), the chart's visible range marked as a window. Drag the window to pan, its
 * edges to zoom; a press outside it centres the window there.
 */
import { collectVisible, VisibleBoxes } from '../../core/flame/layout';
import { centreAt, dragRange, grabAt, toPx, type MinimapGrab, type Range } from '../../core/flame/minimap';
import type { ChartModel, FlameChart } from './chart';
import type { Theme } from './theme';
import { FrameRequest } from './dom';

export const MINIMAP_HEIGHT = 44;

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private overview: HTMLCanvasElement | undefined;
  private overviewKey = '';
  private model: ChartModel | undefined;
  private widthPx = 0;
  private dpr = 1;
  private drag: { pointerId: number; grab: MinimapGrab; startPx: number; start: Range } | undefined;
  private readonly frame = new FrameRequest(() => this.draw());
  private readonly visible = new VisibleBoxes();

  constructor(
    private readonly host: HTMLElement,
    private readonly chart: FlameChart,
    private theme: Theme,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap-canvas';
    this.canvas.setAttribute('role', 'slider');
    this.canvas.setAttribute('aria-label', 'Minimap: the whole trace; drag the window to pan, its edges to zoom');
    host.appendChild(this.canvas);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
    new ResizeObserver(() => this.resize()).observe(host);
    this.listen();
    this.resize();
  }

  setModel(model: ChartModel | undefined): void {
    this.model = model;
    this.overview = undefined;
    this.invalidate();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.overview = undefined;
    this.invalidate();
  }

  /** The chart's colours changed (search): redraw the overview. */
  recolour(): void {
    this.overview = undefined;
    this.invalidate();
  }

  invalidate(): void {
    this.frame.request();
  }

  private geometry() {
    const m = this.model!;
    return { domain: m.layout.domain, widthPx: this.widthPx };
  }

  private resize(): void {
    const w = Math.floor(this.host.getBoundingClientRect().width);
    const dpr = window.devicePixelRatio || 1;
    if (w === this.widthPx && dpr === this.dpr) return;
    this.widthPx = w;
    this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(MINIMAP_HEIGHT * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${MINIMAP_HEIGHT}px`;
    this.overview = undefined;
    this.draw();
  }

  /** The whole trace, every row squeezed into the minimap's height, in the chart's colours. */
  private renderOverview(m: ChartModel): HTMLCanvasElement {
    const c = document.createElement('canvas');
    const dpr = this.dpr;
    c.width = Math.max(1, Math.round(this.widthPx * dpr));
    c.height = Math.round(MINIMAP_HEIGHT * dpr);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const rows = Math.max(1, m.layout.rowCount);
    const rowH = Math.min(6, MINIMAP_HEIGHT / rows);
    const vis = this.visible;
    collectVisible(m.layout, { x0: m.layout.domain.start, x1: m.layout.domain.end, rowTop: 0, rows, widthPx: this.widthPx }, vis);
    const fills = this.chart.slotColors().fill;
    const slots = this.chart.slots;
    const paths = new Map<number, Path2D>();
    for (let k = 0; k < vis.count; k++) {
      const node = vis.node[k];
      const s = slots[node] ?? 0;
      let p = paths.get(s);
      if (!p) paths.set(s, (p = new Path2D()));
      p.rect(vis.px0[k], m.layout.row[node] * rowH, Math.max(1, vis.px1[k] - vis.px0[k]), Math.max(1, rowH - (rowH > 2 ? 0.5 : 0)));
    }
    for (const [s, p] of paths) {
      ctx.fillStyle = fills[s] ?? this.theme.neutral;
      ctx.fill(p);
    }
    return c;
  }

  private draw(): void {
    const ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.widthPx, MINIMAP_HEIGHT);
    const m = this.model;
    if (!m || this.widthPx <= 0 || m.layout.count === 0) return;
    const key = `${this.widthPx}:${this.dpr}`;
    if (!this.overview || key !== this.overviewKey) {
      this.overview = this.renderOverview(m);
      this.overviewKey = key;
    }
    ctx.drawImage(this.overview, 0, 0, this.widthPx, MINIMAP_HEIGHT);
    // Outside the window: veiled; the window: outlined.
    const g = this.geometry();
    const a = Math.max(0, toPx(g, this.chart.range.x0));
    const b = Math.min(this.widthPx, Math.max(a + 2, toPx(g, this.chart.range.x1)));
    ctx.fillStyle = this.theme.background;
    ctx.globalAlpha = 0.6;
    ctx.fillRect(0, 0, a, MINIMAP_HEIGHT);
    ctx.fillRect(b, 0, this.widthPx - b, MINIMAP_HEIGHT);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = this.theme.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(a + 1, 1, Math.max(1, b - a - 2), MINIMAP_HEIGHT - 2);
    this.canvas.setAttribute(
      'aria-valuetext',
      `${Math.round((100 * (this.chart.range.x1 - this.chart.range.x0)) / Math.max(1e-9, m.layout.domain.end - m.layout.domain.start))}% of the trace shown`,
    );
  }

  private listen(): void {
    const c = this.canvas;
    const px = (e: PointerEvent) => e.clientX - c.getBoundingClientRect().left;
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || !this.model) return;
      e.preventDefault();
      c.setPointerCapture(e.pointerId);
      const g = this.geometry();
      const x = px(e);
      const grab = grabAt(g, this.chart.range, x);
      if (grab === 'outside') this.chart.setRange(centreAt(g, this.chart.range, x));
      this.drag = { pointerId: e.pointerId, grab, startPx: x, start: { ...this.chart.range } };
    });
    c.addEventListener('pointermove', (e) => {
      const d = this.drag;
      if (!this.model) return;
      if (!d || d.pointerId !== e.pointerId) {
        const grab = grabAt(this.geometry(), this.chart.range, px(e));
        c.style.cursor = grab === 'left' || grab === 'right' ? 'ew-resize' : grab === 'window' ? 'grab' : 'pointer';
        return;
      }
      this.chart.setRange(dragRange(this.geometry(), d.grab, d.start, d.startPx, px(e)));
    });
    const end = (e: PointerEvent) => {
      if (this.drag?.pointerId === e.pointerId) this.drag = undefined;
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
  }
}
