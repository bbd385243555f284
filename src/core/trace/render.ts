/** Text, Markdown and JSON views of a trace summary and a trace diff (CLI, reports, MCP). */
import type { FieldValue, PathStats, TraceAggregate } from './aggregate';
import { FORMAT_NAMES } from './build';
import type { DiffRow, TraceDiff, Verdict } from './diff';
import { formatDuration } from './duration';
import type { DurationKind, Trace } from './model';

export const KIND_LABELS: Record<DurationKind, string> = {
  busy: 'busy time',
  'busy+idle': 'busy + idle time',
  wall: 'wall time (enter to exit)',
  sampled: 'sampled time',
};

export function formatPercent(x: number | null, digits = 1): string {
  if (x === null || !Number.isFinite(x)) return 'new';
  const s = (x * 100).toFixed(digits);
  return `${x > 0 ? '+' : ''}${s}%`;
}

function share(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function delta(ns: number): string {
  return `${ns > 0 ? '+' : ''}${formatDuration(ns)}`;
}

function count(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** The hottest paths by self time. */
export function hottest(agg: TraceAggregate, top: number): PathStats[] {
  return [...agg.paths].sort((a, b) => b.selfNs / Math.max(1, b.rootCount) - a.selfNs / Math.max(1, a.rootCount)).slice(0, top);
}

function rootsLine(agg: TraceAggregate): string {
  return agg.roots
    .map((r) => {
      const p = agg.byPath.get(r.name)!;
      const spreadText = p.spread ? `, spread ±${(p.spread.cv * 100).toFixed(1)}%` : '';
      return `${r.name} ×${r.count} (${formatDuration(p.perRootMeanNs)} per run${spreadText})`;
    })
    .join(', ');
}

export interface Table {
  headers: string[];
  rows: string[][];
}

export interface SummaryView {
  header: string[];
  hottest: Table;
  counters: Table;
  notes: string[];
}

/**
 * A field that is not a counter (`round`, `layer`): its value when it never changed, else its range
 * (`0..7`). Never a sum.
 */
export function fieldValue(v: FieldValue): string {
  const n = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));
  return v.min === v.max ? n(v.last) : `${n(v.min)}..${n(v.max)}`;
}

/** Text pieces of `trace summary`; the CLI lays the tables out. */
export function summaryView(trace: Trace, agg: TraceAggregate, top: number): SummaryView {
  const unparsed = trace.unparsedCount ?? trace.unparsed.length;
  const header = [
    `${trace.source ?? 'trace'}: ${FORMAT_NAMES[trace.format]}, ${KIND_LABELS[trace.durationKind]}`,
    `${trace.spanCount} spans in ${trace.roots.length} roots; ${unparsed} line(s) not understood${trace.foreignLines ? `; ${trace.foreignLines} line(s) of other output skipped` : ''}`,
    `Roots: ${rootsLine(agg)}`,
  ];
  const hot = hottest(agg, top);
  const hottestTable: Table = {
    headers: ['self/run', 'of root', 'total/run', 'calls/run', 'span'],
    rows: hot.map((p) => {
      const runs = Math.max(1, p.rootCount);
      return [formatDuration(p.selfNs / runs), share(p.selfShareOfRoot), formatDuration(p.perRootMeanNs), count(p.count / runs), p.path];
    }),
  };
  const withCounters = agg.paths.filter((p) => Object.keys(p.counters).length > 0 || p.fieldValues !== undefined);
  const counters: Table = {
    headers: ['counters/run', 'span'],
    rows: withCounters.map((p) => {
      const runs = Math.max(1, p.rootCount);
      const summed = Object.entries(p.counters).map(([k, v]) => `${k}=${count(v / runs)}`);
      return [[...summed, ...Object.entries(p.fieldValues ?? {}).map(([k, v]) => `${k}=${fieldValue(v)}`)].join(' '), p.path];
    }),
  };
  const notes: string[] = [...(trace.warnings ?? [])];
  if (agg.excludedIncomplete > 0) notes.push(`${agg.excludedIncomplete} root span(s) never closed and are left out of the figures.`);
  for (const u of trace.unparsed.slice(0, 10)) notes.push(`line ${u.line}: ${u.reason}: ${u.text}`);
  if (unparsed > 10) notes.push(`... and ${unparsed - 10} more line(s) not understood`);
  return { header, hottest: hottestTable, counters, notes };
}

export function summaryJson(trace: Trace, agg: TraceAggregate, top: number): unknown {
  return {
    source: trace.source,
    format: trace.format,
    durationKind: trace.durationKind,
    spanCount: trace.spanCount,
    rootCount: trace.roots.length,
    roots: agg.roots,
    foreignLines: trace.foreignLines,
    unparsedCount: trace.unparsedCount ?? trace.unparsed.length,
    unparsed: trace.unparsed.slice(0, 100),
    warnings: trace.warnings ?? [],
    excludedIncomplete: agg.excludedIncomplete,
    hottest: hottest(agg, top).map((p) => p.path),
    paths: agg.paths,
  };
}

const VERDICT_TEXT: Record<Verdict, string> = {
  faster: 'faster',
  slower: 'slower',
  unchanged: 'noise',
  inherited: 'inherited',
  'only-base': 'removed',
  'only-after': 'new',
};

function sideText(label: string, s: TraceDiff['base']): string {
  const roots = s.roots.map((r) => `${r.name} ×${r.count}`).join(', ');
  return `${label}${s.source ?? ''} (${FORMAT_NAMES[s.format]}, ${KIND_LABELS[s.durationKind]}; ${roots})`;
}

function cells(r: DiffRow): string[] {
  return [
    VERDICT_TEXT[r.verdict],
    r.base ? formatDuration(r.base.perRunNs) : '-',
    r.after ? formatDuration(r.after.perRunNs) : '-',
    delta(r.deltaNs),
    formatPercent(r.relative),
    r.path,
  ];
}

/** Rows worth showing: everything that is not plain noise (or all of them). */
export function notableRows(diff: TraceDiff, all = false): DiffRow[] {
  return all ? diff.rows : diff.rows.filter((r) => r.verdict !== 'unchanged');
}

export function summaryLine(diff: TraceDiff): string {
  const s = diff.summary;
  const parts = [`${s.faster} faster`, `${s.slower} slower`, `${s.inherited} moved with a descendant`, `${s.unchanged} within noise`];
  if (s['only-base']) parts.push(`${s['only-base']} only in the baseline`);
  if (s['only-after']) parts.push(`${s['only-after']} only in the after trace`);
  return `${diff.rows.length} span paths compared: ${parts.join(', ')}.`;
}

export interface DiffView {
  header: string[];
  table: Table;
  notes: string[];
}

export function diffView(diff: TraceDiff, all = false): DiffView {
  const rows = notableRows(diff, all);
  const o = diff.options;
  const notes = [summaryLine(diff)];
  notes.push(
    `Noise: a change counts beyond ±${(o.threshold * 100).toFixed(1)}% of the baseline (single run), or beyond ` +
      `±${(o.multiRunThreshold * 100).toFixed(1)}% and ${o.sigma} standard errors when both sides have several runs; ` +
      `never below ${(o.minShareOfRoot * 100).toFixed(1)}% of the root.`,
  );
  if (diff.summary.inherited > 0) notes.push('inherited: the span\'s own time is within noise; its total moved with the changed span(s) inside it.');
  return {
    header: [sideText('Baseline: ', diff.base), sideText('After:    ', diff.after), 'Values are per run of the root span (per proof).', ...diff.warnings.map((w) => `Warning: ${w}`)],
    table: { headers: ['verdict', 'baseline', 'after', 'change', 'change %', 'span'], rows: rows.map(cells) },
    notes,
  };
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** A Markdown section for a milestone report: changed spans, the rest summarised as noise. */
export function diffMarkdown(diff: TraceDiff, all = false): string {
  const out: string[] = [];
  out.push(`Baseline \`${diff.base.source ?? 'baseline'}\` vs after \`${diff.after.source ?? 'after'}\` (${KIND_LABELS[diff.after.durationKind]}, per run of the root span).`, '');
  for (const w of diff.warnings) out.push(`> **Warning:** ${mdEscape(w)}`, '');
  const rows = notableRows(diff, all);
  if (rows.length > 0) {
    out.push('| Span | Baseline | After | Change | Change % | Verdict |', '|---|---:|---:|---:|---:|---|');
    for (const r of rows) {
      const verdict = r.verdict === 'inherited' && r.via ? `follows ${r.via.map((v) => `\`${mdEscape(v.split(' > ').pop()!)}\``).join(', ')}` : VERDICT_TEXT[r.verdict];
      out.push(
        `| \`${mdEscape(r.path)}\` | ${r.base ? formatDuration(r.base.perRunNs) : '–'} | ${r.after ? formatDuration(r.after.perRunNs) : '–'} | ${delta(r.deltaNs)} | ${formatPercent(r.relative)} | ${verdict} |`,
      );
    }
    out.push('');
  }
  out.push(summaryLine(diff));
  return out.join('\n') + '\n';
}

export function diffJson(diff: TraceDiff): unknown {
  return diff;
}
