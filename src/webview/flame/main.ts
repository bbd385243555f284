/**
 * The flame chart webview: receives a flattened trace from the extension host, draws it, and
 * reports user actions (open source) back. Entry point of `media/flame.js`.
 */
import type { FlameDocument, FlameView, FlameViewKind } from '../../core/flame/data';
import { baselineWidthView, leftHeavyView, proofCount, type DerivedView } from '../../core/flame/derived';
import { formatCount, formatPercent } from '../../core/flame/format';
import { fmtP } from '../../core/stats/format';
import { formatSpanTime } from '../../core/trace/duration';
import { matchesHighlight } from '../../core/flame/highlight';
import { FlameChart, type ChartModel } from './chart';
import { describeNode, rootOf, spanPath, type NodeDescription } from './describe';
import { Minimap } from './minimap';
import { SandwichView } from './sandwich';
import { clear, h } from './dom';
import { DeltaTable } from './deltaTable';
import { ancestry, layoutFlame, type FlameLayout } from '../../core/flame/layout';
import {
  assertNever,
  parseWebviewState,
  type ChartMode,
  type FromWebview,
  type SpanStat,
  type PanelSource,
  type ToWebview,
  type WebviewState,
} from './protocol';
import { reviveDocument } from './revive';
import { DocumentAssembler, DocumentFileReader } from '../../core/flame/transfer';
import type { PhaseMark } from '../../core/flame/phases';
import { markNames, searchView } from './search';
import { readTheme, watchTheme } from './theme';
import { Tooltip } from './tooltip';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const VIEW_LABELS: Record<ChartMode, string> = {
  timeline: 'Timeline',
  merged: 'Merged',
  leftHeavy: 'Left heavy',
  sandwich: 'Sandwich',
  compare: 'Compare',
  removed: 'Compare',
};
const VIEW_TITLES: Record<ChartMode, string> = {
  timeline: 'Every span where it ran, per thread (key 1)',
  merged: 'All runs merged by span path, children in the order they ran (key 2)',
  leftHeavy: 'All runs merged by span path, heaviest children first (key 3)',
  sandwich: 'Every span name with its self and total time; its callers and callees (key 4)',
  compare: 'After run, coloured by change against the baseline',
  removed: 'Baseline widths: what disappeared in the after run',
};
/** Keys that switch views, as speedscope has them. */
const MODE_KEYS: Record<string, ChartMode> = { '1': 'timeline', '2': 'merged', '3': 'leftHeavy', '4': 'sandwich' };

/** A chart model with where its nodes come from when it is derived in the webview. */
interface ModeModel extends ChartModel {
  /** The document's view the nodes stand for (for sources and tooltips). */
  sourceKind: FlameViewKind;
  /** Node of that view per node; absent when the model is the view itself. */
  origin?: Int32Array;
}

class App {
  private readonly vscode = acquireVsCodeApi();
  private state: WebviewState = parseWebviewState(this.vscode.getState());
  private doc: FlameDocument | undefined;
  /** A document arriving in pieces. */
  private incoming: { id: number; source: PanelSource; title: string; assembler: DocumentAssembler } | undefined;
  private source: PanelSource | undefined;
  private readonly models = new Map<ChartMode, ModeModel>();
  private kind: ChartMode = 'timeline';
  /** Runs of the root the merged view stands for (proofs, in a prover's trace). */
  private proofs = 1;
  private highlight: { names: Set<string>; milestone?: string } = { names: new Set() };
  private lowerStrings: string[] = [];
  /** Compare: per span path, its verdict, interval and p (when the host has computed them). */
  private stats = new Map<string, SpanStat>();
  /** Whether the statistics carry intervals (several runs per side): then only significant changes are coloured. */
  private statsHaveIntervals = false;
  private awaitingFirstPaint = false;
  /** The placeholder stands for a view still on its way (see addViews). */
  private waitingForView = false;
  /** When the phases of the document being received and drawn ended, for the host's log (src/core/flame/phases.ts). */
  private marks: { id: number; marks: PhaseMark[] } | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly titleEl = h('span', { className: 'title' });
  private readonly viewTabs = h('div', { className: 'views', attrs: { role: 'tablist', 'aria-label': 'View' } });
  private readonly legend = h(
    'span',
    { className: 'legend', attrs: { hidden: '' } },
    h('span', { className: 'swatch faster' }),
    'faster',
    h('span', { className: 'swatch slower' }),
    'slower',
  );
  private readonly searchInput = h('input', {
    className: 'search',
    attrs: { type: 'search', placeholder: 'Search spans', 'aria-label': 'Search spans', spellcheck: 'false' },
  });
  private readonly searchSummary = h('span', { className: 'search-summary', attrs: { 'aria-live': 'polite' } });
  private readonly resetButton = h(
    'button',
    { className: 'reset', title: 'Show the whole trace (Escape zooms out one level)' },
    'Reset zoom',
  );
  private readonly removedToggle = h(
    'button',
    {
      className: 'removed-toggle',
      attrs: { hidden: '', 'aria-pressed': 'false' },
      title: 'Draw the baseline widths, so paths that disappeared in the after run show',
    },
    'Show removed',
  );
  private readonly notices = h('div', { className: 'notices' });
  private readonly minimapHost = h('div', { className: 'minimap', attrs: { hidden: '' } });
  private readonly crumbs = h('nav', { className: 'breadcrumbs', attrs: { 'aria-label': 'Zoom path' } });
  private readonly chartHost = h('div', { className: 'chart' });
  private readonly tableHost = h('aside', { className: 'delta-table', attrs: { hidden: '', 'aria-label': 'Span path deltas' } });
  private readonly statusText = h('span', { className: 'status-text' });
  private readonly sourceButton = h(
    'button',
    { className: 'source', title: 'Open where this span is defined (Ctrl+Click a span)' },
    'Go to source',
  );
  private readonly statusMessage = h('span', { className: 'status-message', attrs: { 'aria-live': 'polite' } });
  private readonly placeholder = h('div', { className: 'placeholder' }, 'Waiting for trace data…');
  private readonly tooltip = new Tooltip();
  private readonly chart: FlameChart;
  private readonly table: DeltaTable;
  private readonly minimap: Minimap;
  private readonly sandwich: SandwichView;

  constructor() {
    let theme = readTheme();
    this.sandwich = new SandwichView(theme, {
      onHover: (d, node, x, y, source) => this.onDerivedHover(d, node, x, y, source),
      onOpenSource: (d, node, toSide) => this.openSource(d.origin[node], toSide, 'merged'),
      onChange: () => this.scheduleSave(),
    });
    const body = h('main', { className: 'body' }, this.chartHost, this.sandwich.element, this.tableHost);
    document.body.append(
      h(
        'header',
        { className: 'toolbar' },
        this.titleEl,
        this.viewTabs,
        this.removedToggle,
        this.legend,
        h('span', { className: 'spacer' }),
        this.searchInput,
        this.searchSummary,
        this.resetButton,
      ),
      this.notices,
      this.minimapHost,
      this.crumbs,
      body,
      h('footer', { className: 'status' }, this.statusText, this.sourceButton, this.statusMessage),
      this.tooltip.element,
    );
    this.chartHost.appendChild(this.placeholder);
    this.sourceButton.disabled = true;

    this.chart = new FlameChart(this.chartHost, theme, {
      onHover: (node, x, y, source) => this.onHover(node, x, y, source),
      onSelect: (node) => this.onSelect(node),
      onZoom: () => this.renderCrumbs(),
      onViewChange: () => {
        this.minimap.invalidate();
        this.scheduleSave();
      },
      onOpenSource: (node, toSide) => this.openSource(node, toSide),
      onDrawn: () => this.onDrawn(),
    });
    this.minimap = new Minimap(this.minimapHost, this.chart, theme);
    this.table = new DeltaTable(
      this.tableHost,
      (node) => {
        // Rows name compare nodes; the baseline-width view has them in another order.
        const origin = this.models.get(this.kind)?.origin;
        const target = origin ? origin.indexOf(node) : node;
        this.chart.select(target, false);
        this.chart.zoomTo(target);
      },
      () => this.scheduleSave(),
    );
    watchTheme(() => {
      theme = readTheme();
      this.chart.setTheme(theme);
      this.minimap.setTheme(theme);
      this.sandwich.setTheme(theme);
    });
    this.removedToggle.addEventListener('click', () => this.switchView(this.kind === 'removed' ? 'compare' : 'removed'));

    this.searchInput.addEventListener('input', () => this.runSearch());
    this.searchInput.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.searchInput.value = '';
        this.runSearch();
        this.chart.canvas.focus();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        this.nextMatch(e.shiftKey ? -1 : 1);
      }
    });
    this.resetButton.addEventListener('click', () => this.chart.zoomTo(-1));
    this.sourceButton.addEventListener('click', (e) => {
      if (this.chart.selected >= 0) this.openSource(this.chart.selected, e.altKey);
    });
    window.addEventListener('keydown', (e) => {
      if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && document.activeElement !== this.searchInput)) {
        e.preventDefault();
        this.searchInput.focus();
        this.searchInput.select();
        return;
      }
      const mode = MODE_KEYS[e.key];
      if (
        mode &&
        !e.ctrlKey &&
        !e.metaKey &&
        !e.altKey &&
        !(document.activeElement instanceof HTMLInputElement) &&
        this.modes().includes(mode)
      ) {
        e.preventDefault();
        this.switchView(mode);
        (mode === 'sandwich' ? this.sandwich.element.querySelector<HTMLElement>('tr[aria-selected="true"]') : this.chart.canvas)?.focus();
      }
    });
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => this.onMessage(e.data));
    window.addEventListener('error', (e) => this.post({ type: 'error', message: `${e.message} (${e.filename}:${e.lineno})` }));
    this.post({ type: 'ready' });
  }

  private post(message: FromWebview): void {
    this.vscode.postMessage(message);
  }

  private onMessage(msg: ToWebview): void {
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'loading':
        this.placeholder.textContent = `Loading ${msg.title}…`;
        this.placeholder.hidden = false;
        return;
      case 'document':
        this.incoming = undefined;
        this.marks = msg.id === undefined ? undefined : { id: msg.id, marks: [['delivered', Date.now()]] };
        performance.mark('flame:data');
        this.showDocument(msg.source, msg.doc);
        return;
      case 'documentStart':
      case 'documentSlice':
      case 'documentEnd':
        this.receivePiece(msg);
        return;
      case 'documentFile':
        void this.receiveFile(msg);
        return;
      case 'highlight':
        this.highlight = { names: new Set(msg.names), milestone: msg.milestone };
        this.applyHighlight();
        return;
      case 'spanStats':
        this.applyStats(msg.rows);
        return;
      case 'error':
        this.placeholder.hidden = false;
        this.placeholder.textContent = '';
        this.placeholder.append(h('strong', {}, `Could not show ${msg.title}`), h('div', {}, msg.message));
        return;
      case 'sourceResult':
        this.statusMessage.textContent = msg.message;
        this.statusMessage.classList.toggle('error', !msg.ok);
        return;
      default:
        assertNever(msg);
    }
  }

  /**
   * A big document as a binary file: fetched and streamed into the assembler as it arrives (no
   * message carries the bytes, so nothing is serialised on the way). A failed fetch tells the host,
   * which then sends the document in slices.
   */
  private async receiveFile(msg: Extract<ToWebview, { type: 'documentFile' }>): Promise<void> {
    const title = msg.skeleton?.title ?? 'trace';
    let assembler: DocumentAssembler;
    try {
      assembler = new DocumentAssembler(msg.skeleton, msg.parts);
    } catch (err) {
      this.onMessage({ type: 'error', title, message: String(err) });
      return;
    }
    // A marker for this load: a newer document (in any form) replaces it.
    const incoming = (this.incoming = { id: msg.id, source: msg.source, title, assembler });
    const marks = (this.marks = { id: msg.id, marks: [['delivered', Date.now()]] });
    let doc: FlameDocument;
    try {
      const response = await fetch(msg.url);
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const reader = new DocumentFileReader(assembler, msg.parts);
      const stream = response.body.getReader();
      let shown = -1;
      for (let first = true; ; first = false) {
        const { done, value } = await stream.read();
        if (first) marks.marks.push(['first bytes', Date.now()]);
        if (done) break;
        if (this.incoming !== incoming) {
          void stream.cancel();
          return;
        }
        reader.push(value);
        const percent = Math.floor((100 * assembler.receivedBytes) / Math.max(1, assembler.totalBytes));
        if (!this.doc && percent !== shown) {
          shown = percent;
          this.placeholder.hidden = false;
          this.placeholder.textContent = `Receiving ${title}… ${percent}%`;
        }
      }
      marks.marks.push(['fetched', Date.now()]);
      doc = assembler.finish();
    } catch (err) {
      if (this.incoming === incoming) this.incoming = undefined;
      this.post({ type: 'documentFileDone', id: msg.id, ok: false });
      this.post({ type: 'error', message: `fetching the chart data failed (${String(err)}); sent in messages instead` });
      return;
    }
    if (this.incoming !== incoming) return;
    this.incoming = undefined;
    this.post({ type: 'documentFileDone', id: msg.id, ok: true });
    performance.mark('flame:data');
    this.showDocument(msg.source, doc);
  }

  /** A big document arriving in pieces (src/core/flame/transfer.ts). */
  private receivePiece(msg: Extract<ToWebview, { type: 'documentStart' | 'documentSlice' | 'documentEnd' }>): void {
    try {
      if (msg.type === 'documentStart') {
        this.marks = { id: msg.id, marks: [['delivered', Date.now()]] };
        this.incoming = {
          id: msg.id,
          source: msg.source,
          title: msg.skeleton?.title ?? 'trace',
          assembler: new DocumentAssembler(msg.skeleton, msg.parts),
        };
        return;
      }
      const incoming = this.incoming;
      if (!incoming || incoming.id !== msg.id) return; // replaced by a newer document
      if (msg.type === 'documentSlice') {
        incoming.assembler.add(msg);
        const percent = Math.floor((100 * incoming.assembler.receivedBytes) / Math.max(1, incoming.assembler.totalBytes));
        if (!this.doc) {
          this.placeholder.hidden = false;
          this.placeholder.textContent = `Receiving ${incoming.title}… ${percent}%`;
        }
        return;
      }
      this.incoming = undefined;
      this.marks?.marks.push(['received', Date.now()]);
      const doc = incoming.assembler.finish();
      performance.mark('flame:data');
      this.showDocument(incoming.source, doc);
    } catch (err) {
      const title = this.incoming?.title ?? 'trace';
      this.incoming = undefined;
      this.onMessage({ type: 'error', title, message: String(err) });
    }
  }

  private showDocument(source: PanelSource, raw: FlameDocument): void {
    if (raw?.adds) {
      this.addViews(source, raw);
      return;
    }
    this.tooltip.hide();
    let doc: FlameDocument;
    try {
      doc = reviveDocument(raw, (message) => this.post({ type: 'error', message }));
    } catch (err) {
      this.onMessage({ type: 'error', title: raw?.title ?? 'trace', message: String(err) });
      return;
    }
    this.marks?.marks.push(['revived', Date.now()]);
    const sameSource = JSON.stringify(this.state.source) === JSON.stringify(source);
    if (!sameSource) this.state = { version: 1, source };
    this.doc = doc;
    this.source = source;
    this.models.clear();
    this.lowerStrings = [];
    this.proofs = doc.views.merged ? proofCount(doc.views.merged) : 1;
    const kinds = this.modes();
    // Many proofs end to end are bands too thin to read on a timeline: open them merged, heaviest first.
    const fallback = doc.views.compare
      ? 'compare'
      : this.proofs > 1 && kinds.includes('leftHeavy')
        ? 'leftHeavy'
        : (kinds[0] ?? 'timeline');
    this.kind =
      this.state.view && (kinds.includes(this.state.view) || (this.state.view === 'removed' && doc.views.compare))
        ? this.state.view
        : fallback;
    this.titleEl.textContent = doc.title;
    this.titleEl.title = doc.compare ? `Baseline: ${doc.compare.baselineTitle}\nAfter: ${doc.compare.afterTitle}` : doc.title;
    this.renderTabs(kinds);
    this.removedToggle.hidden = !doc.compare;
    this.legend.hidden = !doc.compare;
    this.tableHost.hidden = !doc.compare;
    this.renderProblems();
    this.searchInput.value = this.state.search ?? '';
    this.placeholder.hidden = doc.spanCount > 0 || (['timeline', 'merged', 'compare'] as const).some((k) => (doc.views[k]?.count ?? 0) > 0);
    this.placeholder.textContent = this.placeholder.hidden ? '' : `${doc.title} contains no spans.`;
    this.awaitingFirstPaint = true;
    this.waitingForView = false;
    this.switchView(this.kind, true);
    if (doc.compare) this.table.setData(doc, doc.views.compare!, this.state.sort);
    this.marks?.marks.push([`${this.kind} laid out`, Date.now()]);
  }

  /**
   * The second part of a document sent in two (flatten.ts buildFlameDocument): its views join the
   * document shown, its string table (the first part's, extended) replaces the first part's. A
   * part for another document (the panel was reloaded in between) is dropped: the host sends the
   * whole document to a reloaded webview.
   */
  private addViews(source: PanelSource, raw: FlameDocument): void {
    const doc = this.doc;
    if (!doc?.pending || JSON.stringify(source) !== JSON.stringify(this.source)) {
      this.marks = undefined;
      return;
    }
    let rest: FlameDocument;
    try {
      rest = reviveDocument(raw, (message) => this.post({ type: 'error', message }));
      if (rest.strings.length < doc.strings.length)
        throw new Error('the rest of the document has a shorter string table than its first part');
    } catch (err) {
      this.onMessage({ type: 'error', title: raw?.title ?? 'trace', message: String(err) });
      return;
    }
    doc.strings = rest.strings;
    this.lowerStrings = [];
    Object.assign(doc.views, rest.views);
    doc.pending = undefined;
    this.marks?.marks.push(['added', Date.now()]);
    this.renderTabs(this.modes());
    this.markTabs();
    if (rest.views[this.kind as FlameViewKind]) {
      // The view on screen was waiting for this part.
      this.awaitingFirstPaint = true;
      this.switchView(this.kind, true);
    } else this.onDrawn(true);
  }

  /**
   * Per-path statistics of a compare chart: with intervals, only changes whose verdict is faster
   * or slower keep their colour (in the chart, the minimap and the table).
   */
  private applyStats(rows: readonly SpanStat[]): void {
    this.stats = new Map(rows.map((r) => [r.path, r]));
    this.statsHaveIntervals = rows.some((r) => r.lo !== undefined && r.hi !== undefined);
    for (const m of this.models.values()) this.markSignificant(m);
    const current = this.models.get(this.kind);
    if (current?.significant) {
      this.chart.recolour();
      this.minimap.recolour();
    }
    const doc = this.doc;
    if (doc?.views.compare) this.table.setStats(this.stats, this.statsHaveIntervals);
  }

  private markSignificant(m: ModeModel): void {
    const doc = this.doc;
    const compare = doc?.views.compare;
    if (!doc || !compare || m.sourceKind !== 'compare' || !this.statsHaveIntervals) return;
    const paths = comparePaths(doc, compare);
    const sig = new Uint8Array(m.view.count);
    for (let i = 0; i < m.view.count; i++) {
      const v = this.stats.get(paths[m.origin ? m.origin[i] : i])?.verdict;
      sig[i] = v === 'faster' || v === 'slower' ? 1 : 0;
    }
    m.significant = sig;
  }

  /** The views this document offers as tabs. */
  private modes(): ChartMode[] {
    const doc = this.doc;
    if (!doc) return [];
    if (doc.views.compare) return ['compare'];
    const out: ChartMode[] = [];
    if (doc.views.timeline || doc.pending?.includes('timeline')) out.push('timeline');
    if (doc.views.merged) out.push('merged', 'leftHeavy', 'sandwich');
    return out;
  }

  private model(kind: ChartMode): ModeModel | undefined {
    let m = this.models.get(kind);
    const doc = this.doc;
    if (m || !doc) return m;
    const derive = (d: DerivedView, sourceKind: FlameViewKind, negated = false): ModeModel => ({
      doc,
      view: d.view,
      layout: layoutFlame(d.view, { lanes: false }),
      sourceKind,
      origin: d.origin,
      negated,
    });
    if (kind === 'leftHeavy' && doc.views.merged) m = derive(leftHeavyView(doc.views.merged), 'merged');
    else if (kind === 'removed' && doc.views.compare) m = derive(baselineWidthView(doc.views.compare), 'compare', true);
    else if (kind === 'timeline' || kind === 'merged' || kind === 'compare') {
      const view = doc.views[kind];
      if (!view) return undefined;
      const layout: FlameLayout = view.layout ?? layoutFlame(view, { lanes: kind === 'timeline' });
      m = { doc, view, layout, sourceKind: kind };
    }
    if (m) {
      this.markSignificant(m);
      this.models.set(kind, m);
    }
    return m;
  }

  private switchView(kind: ChartMode, restoring = false): void {
    if (this.waitingForView) {
      this.waitingForView = false;
      this.placeholder.hidden = true;
    }
    if (kind === 'sandwich') {
      const merged = this.model('merged');
      if (!merged || !this.doc) return;
      this.kind = kind;
      this.chartHost.hidden = true;
      this.minimapHost.hidden = true;
      this.crumbs.hidden = true;
      this.sandwich.element.hidden = false;
      this.chart.setModel(undefined);
      this.minimap.setModel(undefined);
      this.sandwich.setData(this.doc, merged.view, merged.layout, this.proofs, {
        sort: this.state.sandwich,
        name: this.state.sandwich?.name,
      });
      this.markTabs();
      this.runSearch(false);
      this.statusText.textContent = 'Pick a span name to see its callers and callees; click a column to sort.';
      this.sourceButton.disabled = true;
      this.scheduleSave();
      return;
    }
    const m = this.model(kind);
    if (!m) {
      if (!this.doc?.pending?.includes(kind as FlameViewKind)) return;
      // A view still on its way: shown when it arrives (addViews).
      this.kind = kind;
      this.chart.setModel(undefined);
      this.minimap.setModel(undefined);
      this.sandwich.element.hidden = true;
      this.chartHost.hidden = true;
      this.placeholder.hidden = false;
      this.placeholder.textContent = `Receiving the ${kind} of ${this.doc.title}…`;
      this.waitingForView = true;
      this.markTabs();
      this.scheduleSave();
      return;
    }
    this.kind = kind;
    this.chartHost.hidden = false;
    this.minimapHost.hidden = false;
    this.crumbs.hidden = false;
    this.sandwich.element.hidden = true;
    this.markTabs();
    this.chart.setModel(
      m,
      restoring ? { range: this.state.ranges?.[kind], zoomed: this.state.zoomed?.[kind], scrollTop: this.state.scrollTop } : undefined,
    );
    this.minimap.setModel(m);
    this.applyHighlight();
    this.runSearch(false);
    this.renderCrumbs();
    this.onSelect(-1);
    this.scheduleSave();
  }

  private markTabs(): void {
    const tab = this.kind === 'removed' ? 'compare' : this.kind;
    this.viewTabs.querySelectorAll('button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.kind === tab)));
    this.removedToggle.setAttribute('aria-pressed', String(this.kind === 'removed'));
    this.removedToggle.textContent = this.kind === 'removed' ? 'Showing removed (baseline widths)' : 'Show removed';
  }

  private renderTabs(kinds: readonly ChartMode[]): void {
    clear(this.viewTabs);
    this.viewTabs.hidden = kinds.length < 2;
    for (const k of kinds) {
      const b = h('button', { attrs: { role: 'tab', 'data-kind': k, 'aria-selected': String(k === this.kind) } }, VIEW_LABELS[k]);
      b.title = VIEW_TITLES[k];
      b.addEventListener('click', () => this.switchView(k));
      this.viewTabs.appendChild(b);
    }
  }

  private renderProblems(): void {
    clear(this.notices);
    const doc = this.doc!;
    if (doc.unparsedCount > 0) {
      const list = h('ul');
      for (const u of doc.unparsed) list.appendChild(h('li', {}, `line ${u.line}: ${u.reason}: `, h('code', {}, u.text)));
      this.notices.appendChild(
        h(
          'details',
          { className: 'notice warning' },
          h('summary', {}, `${doc.unparsedCount} line${doc.unparsedCount === 1 ? ' was' : 's were'} not understood and left out`),
          list,
        ),
      );
    }
    if (this.proofs > 1 && doc.views.merged) {
      const merged = doc.views.merged;
      let root = 0;
      // The root that ran most often (the heaviest of those): the proof itself.
      for (let i = 0; i < merged.count; i++) {
        if (merged.parent[i] >= 0) continue;
        if (merged.calls[i] > merged.calls[root] || (merged.calls[i] === merged.calls[root] && merged.total[i] > merged.total[root]))
          root = i;
      }
      this.notices.appendChild(
        h(
          'div',
          { className: 'notice proofs' },
          `${formatCount(this.proofs)} proofs merged (runs of `,
          h('code', {}, doc.strings[merged.name[root]]),
          '). Merged, Left heavy and Sandwich show them together, tooltips and the sandwich per proof; key 1 shows the timeline.',
        ),
      );
    }
    const hl = h('div', { className: 'notice highlight', attrs: { hidden: '' } });
    this.notices.appendChild(hl);
    this.applyHighlight();
  }

  private applyHighlight(): void {
    const doc = this.doc;
    if (!doc) return;
    const names = this.highlight.names;
    const marks = names.size > 0 ? markNames(doc.strings, (s) => matchesHighlight(s, names)) : new Uint8Array(doc.strings.length);
    // Only names that are span names in this document count.
    const m = this.models.get(this.kind);
    const found = new Set<string>();
    if (m && names.size > 0) for (let i = 0; i < m.view.count; i++) if (marks[m.view.name[i]] === 1) found.add(doc.strings[m.view.name[i]]);
    this.chart.setHighlightNames(marks);
    const el = this.notices.querySelector<HTMLElement>('.notice.highlight');
    if (!el) return;
    el.hidden = found.size === 0;
    clear(el);
    if (found.size > 0) {
      el.append(
        h('span', { className: 'swatch milestone' }),
        `Outlined: spans of ${this.highlight.milestone ? `Milestone ${this.highlight.milestone}` : 'the active milestone'}: `,
      );
      [...found].forEach((n, i) => el.append(i > 0 ? ', ' : '', h('code', {}, n)));
    }
  }

  private runSearch(save = true): void {
    const q = this.searchInput.value;
    if (this.kind === 'sandwich') {
      this.sandwich.setFilter(q);
      this.searchSummary.textContent = '';
      this.state.search = q;
      if (save) this.scheduleSave();
      return;
    }
    const m = this.models.get(this.kind);
    if (!m || !this.doc) return;
    const t0 = performance.now();
    if (q.trim() === '') {
      this.chart.setSearch(undefined);
      this.minimap.recolour();
      this.searchSummary.textContent = '';
      this.table.setFilter('');
      this.state.search = q;
      if (save) this.scheduleSave();
      return;
    }
    if (this.lowerStrings.length !== this.doc.strings.length) this.lowerStrings = this.doc.strings.map((x) => x.toLowerCase());
    const result = searchView(m.view, m.layout.subtreeEnd, this.doc.strings, this.lowerStrings, q);
    this.chart.setSearch(result);
    this.minimap.recolour();
    performance.measure('flame:search', { start: t0, end: performance.now() });
    if (result.matchCount === 0) this.searchSummary.textContent = 'No matches';
    else {
      const share = result.rootTotalNs > 0 ? ` (${formatPercent(result.totalNs / result.rootTotalNs)})` : '';
      this.searchSummary.textContent = `${result.matchCount} match${result.matchCount === 1 ? '' : 'es'} · ${formatSpanTime(result.totalNs)}${share}`;
    }
    this.table.setFilter(q);
    this.state.search = q;
    if (save) this.scheduleSave();
  }

  private nextMatch(step: number): void {
    const m = this.models.get(this.kind);
    const q = this.searchInput.value.trim().toLowerCase();
    if (!m || !this.doc || q === '') return;
    if (this.lowerStrings.length !== this.doc.strings.length) this.lowerStrings = this.doc.strings.map((x) => x.toLowerCase());
    const n = m.view.count;
    let i = this.chart.selected;
    for (let tries = 0; tries < n; tries++) {
      i = (i + step + n) % n;
      if (this.lowerStrings[m.view.name[i]].includes(q) && m.layout.x1[i] > m.layout.x0[i]) {
        this.chart.select(i);
        return;
      }
    }
  }

  private renderCrumbs(): void {
    clear(this.crumbs);
    const m = this.chart.current;
    if (!m) return;
    const all = h('button', { title: 'Whole trace' }, 'All');
    all.addEventListener('click', () => this.chart.zoomTo(-1));
    this.crumbs.appendChild(all);
    if (this.chart.zoomed < 0) {
      all.setAttribute('aria-current', 'true');
      return;
    }
    const chain = ancestry(m.view.parent, this.chart.zoomed);
    chain.forEach((node, i) => {
      this.crumbs.appendChild(h('span', { className: 'sep', attrs: { 'aria-hidden': 'true' } }, '›'));
      const b = h('button', { title: spanPath(m.doc, m.view, node) }, m.doc.strings[m.view.name[node]]);
      if (i === chain.length - 1) b.setAttribute('aria-current', 'true');
      b.addEventListener('click', () => this.chart.zoomTo(node));
      this.crumbs.appendChild(b);
    });
  }

  private onHover(node: number, x: number, y: number, source: 'pointer' | 'keyboard'): void {
    const m = this.chart.current;
    if (node < 0 || !m) {
      if (source === 'pointer') this.tooltip.hide();
      return;
    }
    const mm = this.models.get(this.kind);
    const kind = this.kind;
    this.tooltip.show(`${kind}:${node}`, () => this.describe(mm && mm.view === m.view ? mm : m, node), x, y);
  }

  /** A node described through the document's view it stands for, with per-proof times. */
  private describe(m: ChartModel | ModeModel, node: number): NodeDescription {
    const mm = m as Partial<ModeModel>;
    const view: FlameView = mm.origin && mm.sourceKind ? this.doc!.views[mm.sourceKind]! : m.view;
    const at = mm.origin ? mm.origin[node] : node;
    const d = describeNode(m.doc, view, at);
    this.addPerProof(d, view, view.total[at]);
    if (view.kind === 'compare' && this.stats.size > 0) {
      const st = this.stats.get(spanPath(m.doc, view, at));
      if (st) {
        d.rows.splice(3, 0, ['Verdict', st.verdict]);
        if (st.lo !== undefined && st.hi !== undefined)
          d.rows.splice(4, 0, ['95% interval of the change', `${formatSignedPercent(st.lo)} … ${formatSignedPercent(st.hi)}`]);
        if (st.p !== undefined) d.rows.splice(5, 0, ['p', fmtP(st.p)]);
      }
    }
    return d;
  }

  private addPerProof(d: NodeDescription, view: FlameView, total: number): void {
    if (this.proofs > 1 && view.kind === 'merged')
      d.rows.splice(1, 0, [`Total per proof (${formatCount(this.proofs)} proofs)`, formatSpanTime(total / this.proofs)]);
  }

  /** Sandwich graphs: their own totals (merged over every call site), names and counts. */
  private onDerivedHover(d: DerivedView, node: number, x: number, y: number, source: 'pointer' | 'keyboard'): void {
    if (node < 0 || !this.doc) {
      if (source === 'pointer') this.tooltip.hide();
      return;
    }
    const doc = this.doc;
    let id = this.derivedIds.get(d.view);
    if (id === undefined) this.derivedIds.set(d.view, (id = ++this.derivedCount));
    this.tooltip.show(
      `sandwich:${id}:${node}`,
      () => {
        const desc = describeNode(doc, d.view, node);
        desc.rows = desc.rows.filter(([k]) => k !== 'Share of root');
        const rootTotal = d.view.total[rootOf(d.view, node)];
        desc.rows.push([`Share of ${doc.strings[d.view.name[0]]}`, rootTotal > 0 ? formatPercent(d.view.total[node] / rootTotal) : '–']);
        this.addPerProof(desc, d.view, d.view.total[node]);
        return desc;
      },
      x,
      y,
    );
  }
  /** Tooltip keys of the sandwich graphs: one id per graph shown. */
  private readonly derivedIds = new WeakMap<FlameView, number>();
  private derivedCount = 0;

  private onSelect(node: number): void {
    const m = this.chart.current;
    this.sourceButton.disabled = node < 0;
    this.statusMessage.textContent = '';
    if (node < 0 || !m) {
      this.statusText.textContent = m ? 'Click a span to zoom, Ctrl+Click to open its source; wheel zooms, drag pans.' : '';
      return;
    }
    const d = this.describe(this.models.get(this.kind) ?? m, node);
    this.statusText.textContent = `${d.name} — ${d.rows
      .slice(0, 3)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ')}`;
  }

  /** Opens a node's source; nodes of derived views go as the document's node they stand for. */
  private openSource(node: number, toSide: boolean, sourceKind?: FlameViewKind): void {
    let view: FlameViewKind;
    let at = node;
    if (sourceKind) view = sourceKind;
    else {
      const m = this.models.get(this.kind);
      if (!m) return;
      view = m.sourceKind;
      if (m.origin) at = m.origin[node];
    }
    if (at < 0) return;
    this.statusMessage.textContent = 'Looking for the source…';
    this.statusMessage.classList.remove('error');
    this.post({ type: 'openSource', view, node: at, toSide });
  }

  /** The chart has drawn a frame (or, `added`, a document's second part arrived for a view not on screen). */
  private onDrawn(added = false): void {
    if (!this.awaitingFirstPaint && !added) return;
    this.awaitingFirstPaint = false;
    performance.mark('flame:first-paint');
    performance.measure('flame:first-paint', 'flame:data', 'flame:first-paint');
    const m = this.marks;
    this.marks = undefined;
    if (m) this.post({ type: 'drawn', id: m.id, marks: [...m.marks, ['drawn', Date.now()]] });
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.state = {
        ...this.state,
        version: 1,
        source: this.source,
        view: this.kind,
        ranges: { ...this.state.ranges, [this.kind]: { ...this.chart.range } },
        zoomed: { ...this.state.zoomed, [this.kind]: this.chart.zoomed >= 0 ? this.chart.zoomed : undefined },
        scrollTop: this.chart.scrollTop,
        search: this.searchInput.value,
        sort: this.table.sort,
        sandwich: { ...this.sandwich.sort, name: this.sandwich.selectedLabel },
      };
      this.vscode.setState(this.state);
    }, 200);
  }
}

/** Span path of every node of the compare view (parents come first in pre-order). */
function comparePaths(doc: FlameDocument, view: FlameView): string[] {
  const out = new Array<string>(view.count);
  for (let i = 0; i < view.count; i++) {
    const p = view.parent[i];
    out[i] = p < 0 ? doc.strings[view.name[i]] : `${out[p]} > ${doc.strings[view.name[i]]}`;
  }
  return out;
}

function formatSignedPercent(x: number): string {
  return `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

new App();
