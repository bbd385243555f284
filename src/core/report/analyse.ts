/** The report's measured parts from whichever traces are available (pure). */
import type { Catalog, Milestone } from '../catalog/model';
import { aggregate } from '../trace/aggregate';
import { mergeAggregates } from '../trace/runSet';
import { describeFiles } from '../trace/render';
import type { Trace } from '../trace/model';
import type { MilestoneReport, ReportMilestone, ReportWorkItem, TraceInfo } from './model';
import { computeTiming, largestRoot, residualBottlenecks, type TimingOptions } from './timing';
import { workItemMatcher } from './workItemMatch';

export interface LoadedTrace {
  trace: Trace;
  info: Omit<TraceInfo, 'runs' | 'format' | 'durationKind'>;
}

export type MeasuredParts = Pick<MilestoneReport, 'timing' | 'timingUnavailable' | 'residual' | 'residualUnavailable'>;

/** Several loaded traces of one side as one: the first's details, every file named. */
function side(
  list: LoadedTrace | readonly LoadedTrace[] | undefined,
): { traces: Trace[]; info: LoadedTrace['info']; last: LoadedTrace } | undefined {
  const all: readonly LoadedTrace[] = list === undefined ? [] : Array.isArray(list) ? list : [list as LoadedTrace];
  if (all.length === 0) return undefined;
  const last = all[all.length - 1]!;
  if (all.length === 1) return { traces: [last.trace], info: last.info, last };
  const files = all.map((t) => t.info.file);
  const info: LoadedTrace['info'] = { ...last.info, file: describeFiles(files, 'traces'), files };
  return { traces: all.map((t) => t.trace), info, last };
}

/**
 * Timing deltas need both sides; residual bottlenecks need the after side (under the root the
 * timing compares, else its largest root). Each side is one trace or several recorded runs, whose
 * runs are pooled. `missing` explains an absent side.
 */
export function analyseTraces(
  catalog: Catalog,
  baseInput: LoadedTrace | readonly LoadedTrace[] | undefined,
  afterInput: LoadedTrace | readonly LoadedTrace[] | undefined,
  missing: { baseline?: string; after?: string },
  opts: TimingOptions & { maxBottlenecks?: number } = {},
): MeasuredParts {
  const out: MeasuredParts = {};
  const match = workItemMatcher(catalog);
  const base = side(baseInput);
  const after = side(afterInput);
  const info = (t: NonNullable<typeof after>): TraceInfo => ({
    ...t.info,
    format: t.last.trace.format,
    durationKind: t.last.trace.durationKind,
    runs: 0,
  });
  let root: string | undefined;
  let afterAgg;
  if (base && after) {
    const r = computeTiming(base.traces, after.traces, { baseline: base.info, after: after.info }, opts);
    if (r.ok) {
      out.timing = r.timing;
      root = r.timing.root.path;
      afterAgg = r.afterAgg;
    } else out.timingUnavailable = r.reason;
  } else {
    out.timingUnavailable = [
      !base ? (missing.baseline ?? 'no baseline trace') : undefined,
      !after ? (missing.after ?? 'no after trace') : undefined,
    ]
      .filter(Boolean)
      .join('; ');
  }
  if (!after) {
    out.residualUnavailable = missing.after ?? 'no after trace';
    return out;
  }
  afterAgg ??= mergeAggregates(after.traces.map((t) => aggregate(t)));
  root ??= largestRoot(afterAgg);
  const residual = root ? residualBottlenecks(afterAgg, root, info(after), match, opts.maxBottlenecks) : undefined;
  if (residual) out.residual = residual;
  else out.residualUnavailable = `the after trace ${after.info.file} has no complete span`;
  return out;
}

/** The milestone and its work items as the report shows them. */
export function reportHeader(catalog: Catalog, milestone: Milestone): { milestone: ReportMilestone; workItems: ReportWorkItem[] } {
  const m: ReportMilestone = { id: milestone.id, title: milestone.title, kind: milestone.scope.kind };
  if (milestone.scope.kind !== 'work-items') m.description = milestone.scope.description;
  const ids = milestone.scope.kind === 'work-items' ? milestone.scope.workItems : [];
  const workItems = ids
    .map((id) => catalog.workItems.find((w) => w.id === id))
    .filter((w): w is NonNullable<typeof w> => w !== undefined)
    .map((w) => ({
      id: w.id,
      title: w.title,
      problem: w.problem,
      target: w.target,
      hotspots: w.hotspots.map((h) => `${h.path}:${h.line}${h.endLine !== h.line ? `-${h.endLine}` : ''}`),
    }));
  return { milestone: m, workItems };
}
