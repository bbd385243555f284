/** The compare view's table of span-path deltas, sortable by any column. */
import type { FlameDocument, FlameView } from '../../core/flame/data';
import { formatChange } from '../../core/flame/format';
import { fmtP } from '../../core/stats/format';
import { formatSpanTime, formatSpanTimeChange } from '../../core/trace/duration';
import { deltaRows, sortDeltaRows, type DeltaColumn, type DeltaRow } from './describe';
import { clear, h, sortableHeader } from './dom';
import type { SpanStat } from './protocol';

/** Rows rendered at once; the rest are a sort or a search away. */
const MAX_ROWS = 400;

const COLUMNS: Array<{ key: DeltaColumn; label: string; numeric: boolean; title: string }> = [
  { key: 'path', label: 'Span path', numeric: false, title: 'Span path from the root' },
  { key: 'baseline', label: 'Baseline', numeric: true, title: 'Baseline total per run' },
  { key: 'after', label: 'After', numeric: true, title: 'After total per run' },
  { key: 'delta', label: 'Δ', numeric: true, title: 'After minus baseline' },
  { key: 'change', label: 'Δ%', numeric: true, title: 'Change relative to the baseline' },
];

export class DeltaTable {
  private rows: DeltaRow[] = [];
  private filter = '';
  /** Per-path statistics; with intervals, only significant changes are coloured. */
  private stats: ReadonlyMap<string, SpanStat> = new Map();
  private intervals = false;
  sort: { column: DeltaColumn; descending: boolean } = { column: 'delta', descending: false };
  private readonly table = h('table', { className: 'deltas' });
  private readonly head = h('thead');
  private readonly body = h('tbody');
  private readonly footer = h('div', { className: 'deltas-footer' });

  constructor(
    host: HTMLElement,
    private readonly onPick: (node: number) => void,
    private readonly onSortChange: () => void,
  ) {
    this.table.append(this.head, this.body);
    host.append(this.table, this.footer);
  }

  setData(doc: FlameDocument, view: FlameView, sort?: { column: DeltaColumn; descending: boolean }): void {
    // Zero-duration paths on both sides say nothing about the change.
    this.rows = deltaRows(doc, view).filter((r) => r.baseline > 0 || r.after > 0);
    if (sort) this.sort = sort;
    this.render();
  }

  setStats(stats: ReadonlyMap<string, SpanStat>, intervals: boolean): void {
    this.stats = stats;
    this.intervals = intervals;
    this.render();
  }

  setFilter(query: string): void {
    const q = query.trim().toLowerCase();
    if (q === this.filter) return;
    this.filter = q;
    this.render();
  }

  private render(): void {
    clear(this.head);
    const tr = h('tr');
    const columns = this.stats.size > 0 ? [...COLUMNS, ...STAT_COLUMNS] : COLUMNS;
    this.table.classList.toggle('with-stats', this.stats.size > 0);
    for (const c of columns) {
      if (STAT_COLUMNS.includes(c)) {
        tr.appendChild(h('th', { className: 'num stat', title: c.title, attrs: { scope: 'col' } }, c.label));
        continue;
      }
      tr.appendChild(
        sortableHeader(c, this.sort, c.numeric && c.key !== 'delta' && c.key !== 'change', (next) => {
          this.sort = next;
          this.render();
          this.onSortChange();
        }),
      );
    }
    this.head.appendChild(tr);

    clear(this.body);
    const visible = this.filter === '' ? this.rows : this.rows.filter((r) => r.name.toLowerCase().includes(this.filter));
    const sorted = sortDeltaRows(visible, this.sort.column, this.sort.descending);
    for (const r of sorted.slice(0, MAX_ROWS)) {
      const st = this.stats.get(r.path);
      const significant = !this.intervals || st?.verdict === 'faster' || st?.verdict === 'slower';
      const cls = !significant ? 'not-significant' : r.delta < 0 ? 'faster' : r.delta > 0 ? 'slower' : '';
      const row = h(
        'tr',
        { className: cls, attrs: { tabindex: '0', 'data-node': String(r.node) } },
        h('td', { className: 'path', title: r.path }, r.name, h('span', { className: 'parent-path' }, parentPath(r))),
        h('td', { className: 'num' }, formatSpanTime(r.baseline)),
        h('td', { className: 'num' }, formatSpanTime(r.after)),
        h('td', { className: 'num delta' }, formatSpanTimeChange(r.delta)),
        h('td', { className: 'num delta' }, formatChange(r.baseline, r.after)),
      );
      if (this.stats.size > 0) {
        const ci = st && st.lo !== undefined && st.hi !== undefined ? `${pct(st.lo)}…${pct(st.hi)}` : '–';
        row.append(
          h(
            'td',
            { className: 'num', title: st ? `${st.verdict}${st.lo !== undefined ? `; 95% interval of the change ${ci}` : ''}` : '' },
            ci,
          ),
          h('td', { className: 'num' }, st?.p === undefined ? '–' : fmtP(st.p)),
        );
      }
      const pick = () => this.onPick(r.node);
      row.addEventListener('click', pick);
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') pick();
      });
      this.body.appendChild(row);
    }
    this.footer.textContent =
      sorted.length > MAX_ROWS
        ? `Showing ${MAX_ROWS} of ${sorted.length} span paths; sort or search to see others.`
        : `${sorted.length} span paths`;
  }
}

const STAT_COLUMNS: Array<{ key: DeltaColumn; label: string; numeric: boolean; title: string }> = [
  { key: 'change', label: '95% CI', numeric: true, title: 'Bootstrap 95% interval of the relative change (several runs per side)' },
  { key: 'change', label: 'p', numeric: true, title: 'Permutation-test p value of the change' },
];

function pct(x: number): string {
  return `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

/** The path above the span, shown dimmed after its name. */
function parentPath(r: DeltaRow): string {
  const cut = r.path.length - r.name.length;
  return cut > 0 ? `  ${r.path.slice(0, cut).replace(/ > $/, '')}` : '';
}
