/**
 * Timing deltas and residual bottlenecks from a baseline and an after trace, on top of the trace
 * core's aggregation (by span path, per run of the root) and diff (noise bands, inherited changes).
 */
import { aggregate, type PathStats, type TraceAggregate } from '../trace/aggregate';
import { diffAggregates, type DiffRow, type DiffOptions } from '../trace/diff';
import { mergeAggregates } from '../trace/runSet';
import { PATH_SEPARATOR, type Trace } from '../trace/model';
import type { Bottleneck, PhaseCounters, ResidualPart, SpanDelta, TimingPart, TraceInfo, WorkItemMatch } from './model';
import type { MatchableSpan } from './workItemMatch';

/** Event fields counted per phase: `kernel_count`, `sync_count` and other `*_count` fields. */
export function isCounterName(field: string): boolean {
  return /(^|_)count$/.test(field);
}

export const DEFAULT_MAX_CHANGES = 10;
export const DEFAULT_MAX_BOTTLENECKS = 5;

/** Per-run total of a root path. */
function perRun(p: PathStats): number {
  return p.totalNs / Math.max(1, p.rootCount);
}

/**
 * The root to compare: the root span present in both traces that takes the most time per run in
 * the baseline (the prover root, not the trace generation or the key transport).
 */
export function chooseRoot(base: TraceAggregate, after: TraceAggregate): string | undefined {
  let best: { name: string; ns: number } | undefined;
  for (const r of base.roots) {
    const b = base.byPath.get(r.name);
    if (!b || !after.byPath.has(r.name)) continue;
    const ns = perRun(b);
    if (!best || ns > best.ns) best = { name: r.name, ns };
  }
  return best?.name;
}

/** The largest root of one trace (for residual bottlenecks without a baseline). */
export function largestRoot(agg: TraceAggregate): string | undefined {
  let best: { name: string; ns: number } | undefined;
  for (const r of agg.roots) {
    const p = agg.byPath.get(r.name);
    if (p && (!best || perRun(p) > best.ns)) best = { name: r.name, ns: perRun(p) };
  }
  return best?.name;
}

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root + PATH_SEPARATOR);
}

function relPath(path: string, root: string): string {
  return path === root ? path : path.slice(root.length + PATH_SEPARATOR.length);
}

function spanDelta(row: DiffRow, root: string): SpanDelta {
  const d: SpanDelta = {
    path: row.path,
    relPath: relPath(row.path, root),
    name: row.name,
    baseNs: row.base?.perRunNs,
    afterNs: row.after?.perRunNs,
    deltaNs: row.deltaNs,
    relative: row.relative,
    verdict: row.verdict,
    runs: row.runs,
    ci95: row.ci95,
    p: row.p,
    q: row.q,
    reason: row.reason,
  };
  if (row.base?.spread) d.baseSpread = row.base.spread;
  if (row.after?.spread) d.afterSpread = row.after.spread;
  if (row.via) d.via = row.via.map((v) => relPath(v, root));
  if (row.total) d.total = row.total;
  return d;
}

/** Counters of every path in a phase's subtree, summed, per run of the root. */
function phaseCounters(agg: TraceAggregate, phase: string, names: readonly string[]): Record<string, number> | undefined {
  const own = agg.byPath.get(phase);
  if (!own) return undefined;
  const runs = Math.max(1, own.rootCount);
  const sums: Record<string, number> = {};
  for (const p of agg.paths) {
    if (!under(p.path, phase)) continue;
    for (const n of names) if (p.counters[n] !== undefined) sums[n] = (sums[n] ?? 0) + p.counters[n]!;
  }
  for (const n of Object.keys(sums)) sums[n] = sums[n]! / runs;
  return sums;
}

/** Counters of the root's own events (outside any phase), per run. */
function rootOwnCounters(agg: TraceAggregate, root: string, names: readonly string[]): Record<string, number> {
  const p = agg.byPath.get(root);
  const out: Record<string, number> = {};
  if (!p) return out;
  for (const n of names) if (p.counters[n] !== undefined) out[n] = p.counters[n]! / Math.max(1, p.rootCount);
  return out;
}

function counterNamesOf(agg: TraceAggregate, root: string): string[] {
  const out = new Set<string>();
  for (const p of agg.paths) if (under(p.path, root)) for (const k of Object.keys(p.counters)) if (isCounterName(k)) out.add(k);
  return [...out];
}

/** Phases: the root's direct children, in the order they appear (baseline first). */
function phases(base: TraceAggregate, after: TraceAggregate, root: string): PhaseCounters[] {
  const names = [...new Set([...counterNamesOf(base, root), ...counterNamesOf(after, root)])].sort();
  if (names.length === 0) return [];
  const paths: string[] = [];
  for (const agg of [base, after]) for (const p of agg.paths) if (p.parent === root && !paths.includes(p.path)) paths.push(p.path);
  const out: PhaseCounters[] = [];
  const add = (path: string, name: string, b: Record<string, number> | undefined, a: Record<string, number> | undefined) => {
    const counters: PhaseCounters['counters'] = {};
    for (const n of names) if (b?.[n] !== undefined || a?.[n] !== undefined) counters[n] = { base: b?.[n], after: a?.[n] };
    if (Object.keys(counters).length > 0) out.push({ path, name, counters });
  };
  const rb = rootOwnCounters(base, root, names);
  const ra = rootOwnCounters(after, root, names);
  if (Object.keys(rb).length + Object.keys(ra).length > 0) add(root, root, rb, ra);
  for (const path of paths) {
    const name = (base.byPath.get(path) ?? after.byPath.get(path))!.name;
    add(path, name, phaseCounters(base, path, names), phaseCounters(after, path, names));
  }
  return out;
}

export interface TimingOptions {
  /** Most changed spans listed (default 10). */
  maxChanges?: number;
  diff?: DiffOptions;
}

export type TimingResult =
  { ok: true; timing: TimingPart; baseAgg: TraceAggregate; afterAgg: TraceAggregate } | { ok: false; reason: string };

/**
 * Root total and the spans whose change is called (faster, slower, or on one side only), counters
 * per phase before and after. Each side is one trace or several (their runs pooled). `info`
 * describes where each side came from.
 */
export function computeTiming(
  baseInput: Trace | readonly Trace[],
  afterInput: Trace | readonly Trace[],
  info: { baseline: Omit<TraceInfo, 'runs' | 'format' | 'durationKind'>; after: Omit<TraceInfo, 'runs' | 'format' | 'durationKind'> },
  opts: TimingOptions = {},
): TimingResult {
  const baseList: readonly Trace[] = Array.isArray(baseInput) ? baseInput : [baseInput as Trace];
  const afterList: readonly Trace[] = Array.isArray(afterInput) ? afterInput : [afterInput as Trace];
  const base = baseList[0]!;
  const after = afterList[0]!;
  const baseAggs = baseList.map((t) => aggregate(t));
  const afterAggs = afterList.map((t) => aggregate(t));
  const baseAgg = mergeAggregates(baseAggs);
  const afterAgg = mergeAggregates(afterAggs);
  const root = chooseRoot(baseAgg, afterAgg);
  if (!root) {
    const names = (a: TraceAggregate) => a.roots.map((r) => r.name).join(', ') || 'none';
    return { ok: false, reason: `the traces share no root span (baseline: ${names(baseAgg)}; after: ${names(afterAgg)})` };
  }
  const diff = diffAggregates(baseList, afterList, baseAggs, afterAggs, opts.diff);
  const rows = diff.rows.filter((r) => under(r.path, root));
  const rootRow = rows.find((r) => r.path === root)!;
  const own = rows.filter(
    (r) => r.path !== root && (r.verdict === 'faster' || r.verdict === 'slower' || r.verdict === 'only-base' || r.verdict === 'only-after'),
  );
  own.sort((a, b) => Math.abs(b.deltaNs) - Math.abs(a.deltaNs) || a.path.localeCompare(b.path));
  const inherited = rows.filter((r) => r.path !== root && r.verdict === 'inherited');
  const runs = (agg: TraceAggregate) => agg.byPath.get(root)?.rootCount ?? 0;
  const timing: TimingPart = {
    baseline: { ...info.baseline, format: base.format, durationKind: base.durationKind, runs: runs(baseAgg) },
    after: { ...info.after, format: after.format, durationKind: after.durationKind, runs: runs(afterAgg) },
    root: spanDelta(rootRow, root),
    changes: own.slice(0, opts.maxChanges ?? DEFAULT_MAX_CHANGES).map((r) => spanDelta(r, root)),
    inherited: inherited.map((r) => spanDelta(r, root)),
    counterNames: [...new Set([...counterNamesOf(baseAgg, root), ...counterNamesOf(afterAgg, root)])].sort(),
    phases: phases(baseAgg, afterAgg, root),
    warnings: diff.warnings,
    inconclusive: rows.filter((r) => r.verdict === 'inconclusive').length,
    method: { threshold: diff.options.threshold, alpha: diff.options.alpha, seed: diff.options.seed, resamples: diff.options.resamples },
  };
  return { ok: true, timing, baseAgg, afterAgg };
}

/**
 * The largest self-time spans under `root` in a trace, per run, with their share of the root and
 * the work item each belongs to.
 */
export function residualBottlenecks(
  agg: TraceAggregate,
  root: string,
  trace: TraceInfo,
  match: (span: MatchableSpan) => WorkItemMatch | undefined,
  max = DEFAULT_MAX_BOTTLENECKS,
): ResidualPart | undefined {
  const rootStats = agg.byPath.get(root);
  if (!rootStats) return undefined;
  const runs = Math.max(1, rootStats.rootCount);
  const ranked = agg.paths
    .filter((p) => under(p.path, root) && p.selfNs > 0)
    .sort((a, b) => b.selfNs - a.selfNs || a.path.localeCompare(b.path));
  const bottlenecks: Bottleneck[] = ranked.slice(0, max).map((p) => {
    const b: Bottleneck = {
      path: p.path,
      relPath: relPath(p.path, root),
      name: p.name,
      selfNs: p.selfNs / runs,
      shareOfRoot: p.selfShareOfRoot,
      totalNs: p.totalNs / runs,
      countPerRun: p.count / runs,
    };
    const m = match({ name: p.name, path: p.path, location: p.location });
    if (m) b.match = m;
    return b;
  });
  return { trace: { ...trace, runs: rootStats.rootCount }, root, rootNs: perRun(rootStats), bottlenecks };
}
