/** What the tooltip, status line and delta table say about a span. Pure; strings only. */
import type { FlameDocument, FlameView } from '../../core/flame/data';
import { formatChange, formatCount, formatPercent } from '../../core/flame/format';
import { formatSpanTime, formatSpanTimeChange } from '../../core/trace/duration';
import { PATH_SEPARATOR } from '../../core/trace/model';

export interface NodeDescription {
  name: string;
  /** Label/value rows: Total, Self, share, Calls, and in compare views Baseline/After/Change. */
  rows: Array<[string, string]>;
  fields: Array<[string, string]>;
  counters: Array<[string, string]>;
  location?: string;
}

/** The root a node belongs to (walks parents; views are shallow). */
export function rootOf(view: FlameView, node: number): number {
  let i = node;
  while (view.parent[i] >= 0) i = view.parent[i];
  return i;
}

export function spanPath(doc: FlameDocument, view: FlameView, node: number): string {
  const names: string[] = [];
  for (let i = node; i >= 0; i = view.parent[i]) names.push(doc.strings[view.name[i]]);
  return names.reverse().join(PATH_SEPARATOR);
}

export function describeNode(doc: FlameDocument, view: FlameView, node: number): NodeDescription {
  const s = doc.strings;
  const root = rootOf(view, node);
  const total = view.total[node];
  const rows: Array<[string, string]> = [];
  const perRun = view.kind === 'compare' ? ' per run' : '';
  if (view.kind === 'compare' && view.baseTotal) {
    const base = view.baseTotal[node];
    rows.push(['Baseline' + perRun, formatSpanTime(base)]);
    rows.push(['After' + perRun, formatSpanTime(total)]);
    rows.push(['Change', `${formatSpanTimeChange(total - base)} (${formatChange(base, total)})`]);
    rows.push(['Self (baseline → after)', `${formatSpanTime(view.baseSelf?.[node] ?? 0)} → ${formatSpanTime(view.self[node])}`]);
    const rootBase = view.baseTotal[root];
    const rootAfter = view.total[root];
    rows.push([
      'Share of root',
      `${rootBase > 0 ? formatPercent(base / rootBase) : '–'} → ${rootAfter > 0 ? formatPercent(total / rootAfter) : '–'}`,
    ]);
    rows.push(['Count (baseline → after)', `${formatCount(view.baseCalls?.[node] ?? 0)} → ${formatCount(view.calls[node])}`]);
  } else {
    rows.push(['Total', formatSpanTime(total)]);
    rows.push(['Self', formatSpanTime(view.self[node])]);
    const rootTotal = view.total[root];
    rows.push(['Share of root', rootTotal > 0 ? formatPercent(total / rootTotal) : '–']);
    rows.push(['Count', formatCount(view.calls[node])]);
    if (view.kind === 'timeline' && view.timed) rows.push(['Start', formatSpanTime(view.start[node])]);
  }
  const fields: Array<[string, string]> = [];
  for (let k = view.fieldStart[node]; k < view.fieldStart[node + 1]; k++) {
    fields.push([s[view.fieldData[2 * k]], s[view.fieldData[2 * k + 1]]]);
  }
  const counters: Array<[string, string]> = [];
  for (let k = view.counterStart[node]; k < view.counterStart[node + 1]; k++) {
    counters.push([s[view.counterName[k]], formatCount(view.counterValue[k])]);
  }
  const file = view.file[node];
  const location = file >= 0 ? `${s[file]}${view.line[node] > 0 ? `:${view.line[node]}` : ''}` : undefined;
  return { name: s[view.name[node]], rows, fields, counters, location };
}

/** One row of the compare table: a span path with both sides' values. */
export interface DeltaRow {
  node: number;
  path: string;
  name: string;
  baseline: number;
  after: number;
  delta: number;
  /** Relative change; +Infinity for new paths, -1 for removed ones. */
  change: number;
}

export function deltaRows(doc: FlameDocument, view: FlameView): DeltaRow[] {
  const rows: DeltaRow[] = [];
  if (!view.baseTotal) return rows;
  const paths: string[] = new Array(view.count);
  for (let i = 0; i < view.count; i++) {
    const name = doc.strings[view.name[i]];
    const p = view.parent[i];
    paths[i] = p >= 0 ? `${paths[p]}${PATH_SEPARATOR}${name}` : name;
    const baseline = view.baseTotal[i];
    const after = view.total[i];
    const change = baseline > 0 ? (after - baseline) / baseline : after > 0 ? Infinity : 0;
    rows.push({ node: i, path: paths[i], name, baseline, after, delta: after - baseline, change });
  }
  return rows;
}

export type DeltaColumn = 'path' | 'baseline' | 'after' | 'delta' | 'change';

export function sortDeltaRows(rows: DeltaRow[], column: DeltaColumn, descending: boolean): DeltaRow[] {
  const dir = descending ? -1 : 1;
  const cmp =
    column === 'path'
      ? (a: DeltaRow, b: DeltaRow) => a.path.localeCompare(b.path)
      : (a: DeltaRow, b: DeltaRow) => a[column] - b[column] || a.path.localeCompare(b.path);
  return [...rows].sort((a, b) => dir * cmp(a, b));
}
