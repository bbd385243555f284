/** Text, Markdown and JSON views of a trace summary and a trace diff (CLI, reports, MCP). */
import type { FieldValue, PathStats, TraceAggregate } from './aggregate';
import { FORMAT_NAMES } from './build';
import type { DiffRow, TraceDiff, Verdict } from './diff';
import { formatSpanTime, formatSpanTimeChange } from './duration';
import type { DurationKind, Trace } from './model';
import { fmtP } from '../stats/format';

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

export function share(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
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
      return `${r.name} ×${r.count} (${formatSpanTime(p.perRootMeanNs)} per run${spreadText})`;
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
      return [formatSpanTime(p.selfNs / runs), share(p.selfShareOfRoot), formatSpanTime(p.perRootMeanNs), count(p.count / runs), p.path];
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
  unchanged: 'unchanged',
  inconclusive: 'inconclusive',
  inherited: 'inherited',
  'only-base': 'removed',
  'only-after': 'new',
};

/**
 * Several files of one side, briefly: `5 files in .milestone-scope/traces/2/` when they share a
 * folder (recorded runs do), else every file named.
 */
export function describeFiles(files: readonly string[], noun = 'files'): string {
  const dirs = new Set(files.map((f) => f.slice(0, Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1)));
  const [dir] = dirs;
  return dirs.size === 1 && dir ? `${files.length} ${noun} in ${dir}` : `${files.length} ${noun}: ${files.join(', ')}`;
}

function sideText(label: string, s: TraceDiff['base']): string {
  const roots = s.roots.map((r) => `${r.name} ×${r.count}`).join(', ');
  const files = s.sources.length > 1 ? describeFiles(s.sources) : (s.source ?? '');
  return `${label}${files} (${FORMAT_NAMES[s.format]}, ${KIND_LABELS[s.durationKind]}; ${roots})`;
}

/** A relative change as `−3.1 %` (typographic minus, a space before the sign of percent). */
export function formatChange(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞' : x < 0 ? '−∞' : 'n/a';
  const v = x * 100;
  const s = Math.abs(v).toFixed(digits);
  const zero = Number(s) === 0;
  return `${zero ? '' : v < 0 ? '−' : '+'}${s} %`;
}

/** `−3.1 % [−3.8 %, −2.4 %]`: the change with its 95% interval (none with one run on a side). */
export function changeWithInterval(r: DiffRow): string {
  if (r.relative === null) return 'new';
  if (!r.ci95) return formatChange(r.relative);
  if (!Number.isFinite(r.ci95.lo) || !Number.isFinite(r.ci95.hi)) return `${formatChange(r.relative)} [no interval: 1 run]`;
  return `${formatChange(r.relative)} [${formatChange(r.ci95.lo)}, ${formatChange(r.ci95.hi)}]`;
}

/** p or q as printed in tables: the statistics' own format, `-` when there is none. */
export function formatP(p: number | null): string {
  return p === null || !Number.isFinite(p) ? '-' : fmtP(p);
}

function pText(r: DiffRow): string {
  return r.runs.base < 2 || r.runs.after < 2 ? '-' : formatP(r.p);
}

/** q where it means something: not with one run on a side (the rank test cannot reach significance). */
function qText(r: DiffRow): string {
  return r.runs.base < 2 || r.runs.after < 2 ? '-' : formatP(r.q);
}

function runsText(r: DiffRow): string {
  return `${r.runs.base}/${r.runs.after}`;
}

function cells(r: DiffRow): string[] {
  return [
    VERDICT_TEXT[r.verdict],
    r.base ? formatSpanTime(r.base.perRunNs) : '-',
    r.after ? formatSpanTime(r.after.perRunNs) : '-',
    formatSpanTimeChange(r.deltaNs),
    changeWithInterval(r),
    pText(r),
    qText(r),
    runsText(r),
    r.path,
  ];
}

/**
 * Rows worth showing: every called change (faster, slower, inherited, only on one side) and the
 * inconclusive rows whose estimate is at least the threshold when both sides have several runs
 * (possible changes that more runs would settle); everything with `all`.
 */
export function notableRows(diff: TraceDiff, all = false): DiffRow[] {
  if (all) return diff.rows;
  return diff.rows.filter((r) => {
    if (r.verdict === 'unchanged') return false;
    if (r.verdict !== 'inconclusive') return true;
    return r.runs.base >= 2 && r.runs.after >= 2 && r.relative !== null && Math.abs(r.relative) >= r.threshold;
  });
}

export function summaryLine(diff: TraceDiff): string {
  const s = diff.summary;
  const parts = [
    `${s.faster} faster`,
    `${s.slower} slower`,
    `${s.inherited} moved with a descendant`,
    `${s.unchanged} unchanged`,
    `${s.inconclusive} inconclusive`,
  ];
  if (s['only-base']) parts.push(`${s['only-base']} only in the baseline`);
  if (s['only-after']) parts.push(`${s['only-after']} only in the after trace`);
  return `${diff.rows.length} span paths compared: ${parts.join(', ')}.`;
}

function singleRun(diff: TraceDiff): boolean {
  return diff.rows.some((r) => r.base && r.after && (r.runs.base < 2 || r.runs.after < 2));
}

/** The lines that explain how verdicts were reached (text and Markdown). */
export function methodNotes(diff: TraceDiff): string[] {
  const o = diff.options;
  const thr = `±${(o.threshold * 100).toFixed(1)} %`;
  const notes = [
    `Change: relative change of the mean time per run with its 95 % bootstrap interval (seed ${o.seed}, ${o.resamples} resamples); ` +
      `p: two-sided permutation test of the means; q: p adjusted for ${diff.rows.filter((r) => r.q !== null).length} span paths (Benjamini–Hochberg).`,
    `Verdicts: faster/slower when the interval excludes 0, the change is at least ${thr} (and ${(o.minShareOfRoot * 100).toFixed(1)} % of the root) ` +
      `and p < ${o.alpha}${o.fdr > 0 ? ` and q < ${o.fdr}` : ''}; unchanged when the interval lies within ${thr}; inconclusive otherwise.`,
  ];
  if (singleRun(diff)) {
    notes.push(
      `One run on a side: there is no spread to judge noise by, so only changes beyond ±${(o.singleRunThreshold * 100).toFixed(0)} % are called; ` +
        'record 5 or more runs per side (several files per side with --base/--after) for intervals.',
    );
  }
  return notes;
}

/** Rows whose numbers a reader acts on: outliers are detailed for these (for every row with `all`). */
const CALLED: ReadonlySet<DiffRow['verdict']> = new Set(['faster', 'slower', 'inherited']);

/**
 * Notes on shown rows: changed event counters and outlier runs (flagged, kept). Outliers of
 * inconclusive rows are counted in one line unless `all`: on a noisy machine nearly every row has
 * some, and a line each buried the ones that matter. `more` ends that line (how to see them).
 */
export function rowNotes(rows: readonly DiffRow[], all = false, more = ''): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.countersChanged && r.counters) {
      const changed = r.counters
        .filter((c) => c.delta !== 0)
        .map((c) => `${c.name} ${count(c.base ?? 0)} → ${count(c.after ?? 0)} (${c.delta > 0 ? '+' : ''}${count(c.delta)})`);
      out.push(`counters per run: ${changed.join(', ')}: ${r.path}`);
    }
  }
  let untold = 0;
  for (const r of rows) {
    const ob = r.outliers.base.length;
    const oa = r.outliers.after.length;
    if (ob + oa === 0) continue;
    if (!all && !CALLED.has(r.verdict)) {
      untold++;
      continue;
    }
    const which = (idx: number[], sev: number[]) => idx.map((i) => `#${i + 1}${sev.includes(i) ? ' (severe)' : ''}`).join(', ');
    const parts: string[] = [];
    if (ob) parts.push(`baseline run ${which(r.outliers.base, r.severeOutliers.base)}`);
    if (oa) parts.push(`after run ${which(r.outliers.after, r.severeOutliers.after)}`);
    out.push(`outliers (Tukey fences; kept): ${parts.join('; ')}: ${r.path}`);
  }
  if (untold > 0) out.push(`outlier runs (kept) also in ${untold} inconclusive span path(s)${more}`);
  return out;
}

export interface DiffView {
  header: string[];
  table: Table;
  notes: string[];
}

export function diffView(diff: TraceDiff, all = false): DiffView {
  const rows = notableRows(diff, all);
  const notes = [summaryLine(diff), ...methodNotes(diff)];
  if (diff.summary.inherited > 0)
    notes.push("inherited: the span's own time shows no change; its total moved with the changed span(s) inside it.");
  const hidden = diff.rows.filter((r) => !rows.includes(r) && r.verdict === 'inconclusive').length;
  if (hidden > 0)
    notes.push(`${hidden} inconclusive row(s) not shown (change below the threshold, or one run on a side); --all lists them.`);
  notes.push(...rowNotes(rows, all, '; --all lists them'));
  for (const r of rows.filter((x) => x.verdict === 'inconclusive' && x.runs.base >= 2 && x.runs.after >= 2).slice(0, 10))
    notes.push(`inconclusive: ${r.reason}: ${r.path}`);
  return {
    header: [
      sideText('Baseline: ', diff.base),
      sideText('After:    ', diff.after),
      'Values are per run of the root span (per proof).',
      ...diff.warnings.map((w) => `Warning: ${w}`),
    ],
    table: {
      headers: ['verdict', 'baseline', 'after', 'change', 'change % [95 % interval]', 'p', 'q', 'runs', 'span'],
      rows: rows.map(cells),
    },
    notes,
  };
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function sideLabel(s: TraceDiff['base'], fallback: string): string {
  if (s.sources.length > 1) return `${s.sources.length} files (${s.sources.map((x) => `\`${x}\``).join(', ')})`;
  return `\`${s.source ?? fallback}\``;
}

/** A Markdown section for a milestone report: changed spans, the rest summarised. */
export function diffMarkdown(diff: TraceDiff, all = false): string {
  const out: string[] = [];
  out.push(
    `Baseline ${sideLabel(diff.base, 'baseline')} vs after ${sideLabel(diff.after, 'after')} (${KIND_LABELS[diff.after.durationKind]}, per run of the root span).`,
    '',
  );
  for (const w of diff.warnings) out.push(`> **Warning:** ${mdEscape(w)}`, '');
  const rows = notableRows(diff, all);
  if (rows.length > 0) {
    out.push(
      '| Span | Baseline | After | Change | Change % [95 % interval] | p | q | Runs | Verdict |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const r of rows) {
      const verdict =
        r.verdict === 'inherited' && r.via
          ? `follows ${r.via.map((v) => `\`${mdEscape(v.split(' > ').pop()!)}\``).join(', ')}`
          : VERDICT_TEXT[r.verdict];
      out.push(
        `| \`${mdEscape(r.path)}\` | ${r.base ? formatSpanTime(r.base.perRunNs) : '–'} | ${r.after ? formatSpanTime(r.after.perRunNs) : '–'} | ${formatSpanTimeChange(r.deltaNs)} | ${changeWithInterval(r)} | ${pText(r)} | ${qText(r)} | ${runsText(r)} | ${verdict} |`,
      );
    }
    out.push('');
  }
  out.push(summaryLine(diff), '');
  for (const n of methodNotes(diff)) out.push(`${n}`, '');
  const extra = rowNotes(rows, all);
  if (extra.length > 0) {
    for (const n of extra) out.push(`- ${mdEscape(n)}`);
    out.push('');
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** The diff as JSON: rows with their interval (unbounded ends as null), p and q. */
export function diffJson(diff: TraceDiff): unknown {
  return diff;
}
