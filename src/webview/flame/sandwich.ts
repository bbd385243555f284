/**
 * The sandwich view: every span name with its self and total time per proof (sortable by any
 * column, filtered by the search box); the selected name's callers above it and callees below it
 * as two small flame graphs.
 */
import type { FlameDocument, FlameView } from '../../core/flame/data';
import {
  sandwichOf,
  sandwichRows,
  sortSandwichRows,
  type DerivedView,
  type SandwichColumn,
  type SandwichRow,
} from '../../core/flame/derived';
import { formatCount, formatPercent } from '../../core/flame/format';
import { formatSpanTime } from '../../core/trace/duration';
import { layoutFlame, type FlameLayout } from '../../core/flame/layout';
import { FlameChart, type ChartCallbacks } from './chart';
import { clear, h, sortableHeader } from './dom';
import type { Theme } from './theme';

const MAX_ROWS = 400;

export interface SandwichSort {
  column: SandwichColumn;
  descending: boolean;
}

export interface SandwichCallbacks {
  /** Hover/select/open-source of the small charts: `which` chart, its derived view and node. */
  onHover(which: DerivedView, node: number, x: number, y: number, source: 'pointer' | 'keyboard'): void;
  onOpenSource(which: DerivedView, node: number, toSide: boolean): void;
  onChange(): void;
}

export class SandwichView {
  readonly element = h('div', { className: 'sandwich', attrs: { hidden: '' } });
  private readonly table = h('table', { className: 'deltas sandwich-table' });
  private readonly head = h('thead');
  private readonly body = h('tbody');
  private readonly footer = h('div', { className: 'deltas-footer' });
  private readonly callersLabel = h('div', { className: 'sandwich-label' }, 'Callers');
  private readonly calleesLabel = h('div', { className: 'sandwich-label' }, 'Callees');
  private readonly callersHost = h('div', { className: 'chart sandwich-chart' });
  private readonly calleesHost = h('div', { className: 'chart sandwich-chart' });
  readonly callers: FlameChart;
  readonly callees: FlameChart;
  private doc: FlameDocument | undefined;
  private view: FlameView | undefined;
  private layout: FlameLayout | undefined;
  private proofs = 1;
  private rows: SandwichRow[] = [];
  private filter = '';
  sort: SandwichSort = { column: 'self', descending: true };
  /** Selected name (string index), -1 for none. */
  selectedName = -1;
  private derived: { callers: DerivedView; callees: DerivedView } | undefined;

  constructor(
    theme: Theme,
    private readonly callbacks: SandwichCallbacks,
  ) {
    this.table.append(this.head, this.body);
    const tableHost = h('div', { className: 'sandwich-list', attrs: { 'aria-label': 'Span names' } }, this.table, this.footer);
    const graphs = h('div', { className: 'sandwich-graphs' }, this.callersLabel, this.callersHost, this.calleesLabel, this.calleesHost);
    this.element.append(tableHost, graphs);
    const chartCallbacks = (which: () => DerivedView | undefined): ChartCallbacks => ({
      onHover: (node, x, y, source) => {
        const d = which();
        if (d) this.callbacks.onHover(d, node, x, y, source);
      },
      onSelect: () => undefined,
      onZoom: () => undefined,
      onViewChange: () => undefined,
      onOpenSource: (node, toSide) => {
        const d = which();
        if (d) this.callbacks.onOpenSource(d, node, toSide);
      },
      onDrawn: () => undefined,
    });
    this.callers = new FlameChart(
      this.callersHost,
      theme,
      chartCallbacks(() => this.derived?.callers),
    );
    this.callees = new FlameChart(
      this.calleesHost,
      theme,
      chartCallbacks(() => this.derived?.callees),
    );
    this.callers.canvas.setAttribute('aria-label', 'Callers of the selected span name: the name on top, its callers below');
    this.callees.canvas.setAttribute('aria-label', 'Callees of the selected span name');
  }

  setTheme(theme: Theme): void {
    this.callers.setTheme(theme);
    this.callees.setTheme(theme);
  }

  /** The merged view the table and graphs come from, and how many proofs it stands for. */
  setData(
    doc: FlameDocument,
    view: FlameView,
    layout: FlameLayout,
    proofs: number,
    restore?: { sort?: SandwichSort; name?: string },
  ): void {
    this.doc = doc;
    this.view = view;
    this.layout = layout;
    this.proofs = Math.max(1, proofs);
    this.rows = sandwichRows(view);
    if (restore?.sort) this.sort = restore.sort;
    const name = restore?.name !== undefined ? doc.strings.indexOf(restore.name) : -1;
    this.selectedName = -1;
    this.renderTable();
    const first = name >= 0 && this.rows.some((r) => r.name === name) ? name : (this.sorted()[0]?.name ?? -1);
    this.select(first);
  }

  setFilter(query: string): void {
    const q = query.trim().toLowerCase();
    if (q === this.filter) return;
    this.filter = q;
    this.renderTable();
  }

  get selectedLabel(): string | undefined {
    return this.doc && this.selectedName >= 0 ? this.doc.strings[this.selectedName] : undefined;
  }

  select(name: number): void {
    const doc = this.doc;
    const view = this.view;
    if (!doc || !view || !this.layout) return;
    this.selectedName = name;
    this.body.querySelectorAll('tr').forEach((tr) => tr.setAttribute('aria-selected', String(Number(tr.dataset.name) === name)));
    if (name < 0) {
      this.derived = undefined;
      this.callers.setModel(undefined);
      this.callees.setModel(undefined);
      return;
    }
    this.derived = sandwichOf(view, name, this.layout.subtreeEnd);
    const label = doc.strings[name];
    this.callersLabel.textContent = `Callers of ${label} (it on top, who called it below)`;
    this.calleesLabel.textContent = `Callees of ${label}${this.proofs > 1 ? ` (times summed over ${formatCount(this.proofs)} proofs)` : ''}`;
    for (const [chart, d] of [
      [this.callers, this.derived.callers],
      [this.callees, this.derived.callees],
    ] as const) {
      chart.setModel({ doc, view: d.view, layout: layoutFlame(d.view, { lanes: false }) });
    }
    this.callbacks.onChange();
  }

  private sorted(): SandwichRow[] {
    const s = this.doc!.strings;
    const visible = this.filter === '' ? this.rows : this.rows.filter((r) => s[r.name].toLowerCase().includes(this.filter));
    return sortSandwichRows(visible, s, this.sort.column, this.sort.descending);
  }

  private renderTable(): void {
    const doc = this.doc;
    if (!doc) return;
    const perProof = this.proofs > 1 ? ' per proof' : '';
    const columns: Array<{ key: SandwichColumn; label: string; numeric: boolean; title: string }> = [
      { key: 'name', label: 'Span', numeric: false, title: 'Span name' },
      { key: 'self', label: `Self${perProof}`, numeric: true, title: `Time in spans of this name outside their children${perProof}` },
      {
        key: 'total',
        label: `Total${perProof}`,
        numeric: true,
        title: `Time in spans of this name, children included (recursion once)${perProof}`,
      },
      { key: 'calls', label: 'Count', numeric: true, title: 'Number of spans of this name' },
    ];
    clear(this.head);
    const tr = h('tr');
    for (const c of columns) {
      tr.appendChild(
        sortableHeader(c, this.sort, c.numeric, (next) => {
          this.sort = next;
          this.renderTable();
          this.callbacks.onChange();
        }),
      );
    }
    this.head.appendChild(tr);
    clear(this.body);
    const sorted = this.sorted();
    let rootTotal = 0;
    const v = this.view!;
    for (let i = 0; i < v.count; i++) if (v.parent[i] < 0) rootTotal += v.total[i];
    const p = this.proofs;
    for (const r of sorted.slice(0, MAX_ROWS)) {
      const row = h(
        'tr',
        { attrs: { tabindex: '0', 'data-name': String(r.name), 'aria-selected': String(r.name === this.selectedName) } },
        h('td', { className: 'path', title: doc.strings[r.name] }, doc.strings[r.name]),
        h(
          'td',
          { className: 'num', title: rootTotal > 0 ? `${formatPercent(r.self / rootTotal)} of all roots` : '' },
          formatSpanTime(r.self / p),
        ),
        h(
          'td',
          { className: 'num', title: rootTotal > 0 ? `${formatPercent(r.total / rootTotal)} of all roots` : '' },
          formatSpanTime(r.total / p),
        ),
        h('td', { className: 'num' }, formatCount(r.calls)),
      );
      row.addEventListener('click', () => this.select(r.name));
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.select(r.name);
        } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const next = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
          next?.focus();
        }
      });
      this.body.appendChild(row);
    }
    this.footer.textContent =
      sorted.length > MAX_ROWS
        ? `Showing ${MAX_ROWS} of ${sorted.length} span names; sort or search to see others.`
        : `${sorted.length} span names${p > 1 ? `; times per proof (${formatCount(p)} proofs)` : ''}`;
  }
}
