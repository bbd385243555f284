/**
 * The flame chart webview: receives a flattened trace from the extension host, draws it, and
 * reports user actions (open source) back. Entry point of `media/flame.js`.
 */
import type { FlameDocument, FlameViewKind } from '../../core/flame/data';
import { formatDuration, formatPercent } from '../../core/flame/format';
import { matchesHighlight } from '../../core/flame/highlight';
import { FlameChart, type ChartModel } from './chart';
import { describeNode, spanPath } from './describe';
import { clear, h } from './dom';
import { DeltaTable } from './deltaTable';
import { ancestry, layoutFlame, type FlameLayout } from '../../core/flame/layout';
import {
  assertNever,
  parseWebviewState,
  type FromWebview,
  type PanelSource,
  type ToWebview,
  type WebviewState,
} from './protocol';
import { reviveDocument } from './revive';
import { DocumentAssembler, DocumentFileReader } from '../../core/flame/transfer';
import { markNames, searchView } from './search';
import { readTheme, watchTheme } from './theme';
import { Tooltip } from './tooltip';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const VIEW_LABELS: Record<FlameViewKind, string> = { timeline: 'Timeline', merged: 'Merged', compare: 'Compare' };

class App {
  private readonly vscode = acquireVsCodeApi();
  private state: WebviewState = parseWebviewState(this.vscode.getState());
  private doc: FlameDocument | undefined;
  /** A document arriving in pieces. */
  private incoming: { id: number; source: PanelSource; title: string; assembler: DocumentAssembler } | undefined;
  private source: PanelSource | undefined;
  private readonly models = new Map<FlameViewKind, ChartModel>();
  private kind: FlameViewKind = 'timeline';
  private highlight: { names: Set<string>; milestone?: string } = { names: new Set() };
  private lowerStrings: string[] = [];
  private awaitingFirstPaint = false;
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
  private readonly resetButton = h('button', { className: 'reset', title: 'Show the whole trace (Escape zooms out one level)' }, 'Reset zoom');
  private readonly notices = h('div', { className: 'notices' });
  private readonly crumbs = h('nav', { className: 'breadcrumbs', attrs: { 'aria-label': 'Zoom path' } });
  private readonly chartHost = h('div', { className: 'chart' });
  private readonly tableHost = h('aside', { className: 'delta-table', attrs: { hidden: '', 'aria-label': 'Span path deltas' } });
  private readonly statusText = h('span', { className: 'status-text' });
  private readonly sourceButton = h('button', { className: 'source', title: 'Open where this span is defined (Ctrl+Click a span)' }, 'Go to source');
  private readonly statusMessage = h('span', { className: 'status-message', attrs: { 'aria-live': 'polite' } });
  private readonly placeholder = h('div', { className: 'placeholder' }, 'Waiting for trace data…');
  private readonly tooltip = new Tooltip();
  private readonly chart: FlameChart;
  private readonly table: DeltaTable;

  constructor() {
    const body = h('main', { className: 'body' }, this.chartHost, this.tableHost);
    document.body.append(
      h('header', { className: 'toolbar' }, this.titleEl, this.viewTabs, this.legend, h('span', { className: 'spacer' }), this.searchInput, this.searchSummary, this.resetButton),
      this.notices,
      this.crumbs,
      body,
      h('footer', { className: 'status' }, this.statusText, this.sourceButton, this.statusMessage),
      this.tooltip.element,
    );
    this.chartHost.appendChild(this.placeholder);
    this.sourceButton.disabled = true;

    let theme = readTheme();
    this.chart = new FlameChart(this.chartHost, theme, {
      onHover: (node, x, y, source) => this.onHover(node, x, y, source),
      onSelect: (node) => this.onSelect(node),
      onZoom: () => this.renderCrumbs(),
      onViewChange: () => this.scheduleSave(),
      onOpenSource: (node, toSide) => this.openSource(node, toSide),
      onDrawn: () => this.onDrawn(),
    });
    this.table = new DeltaTable(this.tableHost, (node) => {
      this.chart.select(node, false);
      this.chart.zoomTo(node);
    }, () => this.scheduleSave());
    watchTheme(() => {
      theme = readTheme();
      this.chart.setTheme(theme);
    });

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
    let doc: FlameDocument;
    try {
      const response = await fetch(msg.url);
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const reader = new DocumentFileReader(assembler, msg.parts);
      const stream = response.body.getReader();
      let shown = -1;
      for (;;) {
        const { done, value } = await stream.read();
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
        this.incoming = { id: msg.id, source: msg.source, title: msg.skeleton?.title ?? 'trace', assembler: new DocumentAssembler(msg.skeleton, msg.parts) };
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
    this.tooltip.hide();
    let doc: FlameDocument;
    try {
      doc = reviveDocument(raw, (message) => this.post({ type: 'error', message }));
    } catch (err) {
      this.onMessage({ type: 'error', title: raw?.title ?? 'trace', message: String(err) });
      return;
    }
    const sameSource = JSON.stringify(this.state.source) === JSON.stringify(source);
    if (!sameSource) this.state = { version: 1, source };
    this.doc = doc;
    this.source = source;
    this.models.clear();
    this.lowerStrings = [];
    const kinds = (['compare', 'timeline', 'merged'] as const).filter((k) => doc.views[k]);
    this.kind = this.state.view && doc.views[this.state.view] ? this.state.view : kinds[0] ?? 'timeline';
    this.titleEl.textContent = doc.title;
    this.titleEl.title = doc.compare ? `Baseline: ${doc.compare.baselineTitle}\nAfter: ${doc.compare.afterTitle}` : doc.title;
    this.renderTabs(kinds);
    this.legend.hidden = !doc.compare;
    this.tableHost.hidden = !doc.compare;
    this.renderProblems();
    this.searchInput.value = this.state.search ?? '';
    this.placeholder.hidden = doc.spanCount > 0 || kinds.some((k) => (doc.views[k]?.count ?? 0) > 0);
    this.placeholder.textContent = this.placeholder.hidden ? '' : `${doc.title} contains no spans.`;
    this.awaitingFirstPaint = true;
    this.switchView(this.kind, true);
    if (doc.compare) this.table.setData(doc, doc.views.compare!, this.state.sort);
  }

  private model(kind: FlameViewKind): ChartModel | undefined {
    let m = this.models.get(kind);
    const view = this.doc?.views[kind];
    if (!m && view && this.doc) {
      const layout: FlameLayout = view.layout ?? layoutFlame(view, { lanes: kind === 'timeline' });
      m = { doc: this.doc, view, layout };
      this.models.set(kind, m);
    }
    return m;
  }

  private switchView(kind: FlameViewKind, restoring = false): void {
    const m = this.model(kind);
    if (!m) return;
    this.kind = kind;
    this.viewTabs.querySelectorAll('button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.kind === kind)));
    this.chart.setModel(m, restoring ? { range: this.state.ranges?.[kind], zoomed: this.state.zoomed?.[kind], scrollTop: this.state.scrollTop } : undefined);
    this.applyHighlight();
    this.runSearch(false);
    this.renderCrumbs();
    this.onSelect(-1);
    this.scheduleSave();
  }

  private renderTabs(kinds: readonly FlameViewKind[]): void {
    clear(this.viewTabs);
    this.viewTabs.hidden = kinds.length < 2;
    for (const k of kinds) {
      const b = h('button', { attrs: { role: 'tab', 'data-kind': k, 'aria-selected': String(k === this.kind) } }, VIEW_LABELS[k]);
      b.title =
        k === 'timeline'
          ? 'Every span where it ran, per thread'
          : k === 'merged'
            ? 'All runs merged by span path'
            : 'After run, coloured by change against the baseline';
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
    const m = this.models.get(this.kind);
    const q = this.searchInput.value;
    if (!m || !this.doc) return;
    const t0 = performance.now();
    if (q.trim() === '') {
      this.chart.setSearch(undefined);
      this.searchSummary.textContent = '';
      this.table.setFilter('');
      this.state.search = q;
      if (save) this.scheduleSave();
      return;
    }
    if (this.lowerStrings.length !== this.doc.strings.length) this.lowerStrings = this.doc.strings.map((x) => x.toLowerCase());
    const result = searchView(m.view, m.layout.subtreeEnd, this.doc.strings, this.lowerStrings, q);
    this.chart.setSearch(result);
    performance.measure('flame:search', { start: t0, end: performance.now() });
    if (result.matchCount === 0) this.searchSummary.textContent = 'No matches';
    else {
      const share = result.rootTotalNs > 0 ? ` (${formatPercent(result.totalNs / result.rootTotalNs)})` : '';
      this.searchSummary.textContent = `${result.matchCount} match${result.matchCount === 1 ? '' : 'es'} · ${formatDuration(result.totalNs)}${share}`;
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
    this.tooltip.show(`${m.view.kind}:${node}`, () => describeNode(m.doc, m.view, node), x, y);
  }

  private onSelect(node: number): void {
    const m = this.chart.current;
    this.sourceButton.disabled = node < 0;
    this.statusMessage.textContent = '';
    if (node < 0 || !m) {
      this.statusText.textContent = m ? 'Click a span to zoom, Ctrl+Click to open its source; wheel zooms, drag pans.' : '';
      return;
    }
    const d = describeNode(m.doc, m.view, node);
    this.statusText.textContent = `${d.name} — ${d.rows.slice(0, 3).map(([k, v]) => `${k} ${v}`).join(' · ')}`;
  }

  private openSource(node: number, toSide: boolean): void {
    this.statusMessage.textContent = 'Looking for the source…';
    this.statusMessage.classList.remove('error');
    this.post({ type: 'openSource', view: this.kind, node, toSide });
  }

  private onDrawn(): void {
    if (!this.awaitingFirstPaint) return;
    this.awaitingFirstPaint = false;
    performance.mark('flame:first-paint');
    performance.measure('flame:first-paint', 'flame:data', 'flame:first-paint');
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
      };
      this.vscode.setState(this.state);
    }, 200);
  }
}

new App();
