/**
 * Span timings for the editor: per span path, the figures `milestone-scope trace summary` prints
 * (total and self per run of the root, share of the root) and, for a baseline/after pair, the
 * change with its verdict from `trace diff`. Computed where the trace is parsed (the load worker)
 * and kept by the extension host for CodeLenses at span sites. Pure.
 */
import { aggregate } from '../trace/aggregate';
import { diffTraces, type DiffRow } from '../trace/diff';
import type { Trace } from '../trace/model';

export interface SpanChange {
  /** Baseline total per run (0 when the path is new). */
  basePerRunNs: number;
  /** After minus baseline, per run. */
  deltaNs: number;
  /** deltaNs / baseline; null for a new path. */
  relative: number | null;
  /** trace diff's verdict: faster, slower, unchanged, inherited, only-base, only-after, inconclusive. */
  verdict: string;
  /** 95 % interval of the relative change, and its p value, when the diff has them. */
  ci95?: { lo: number; hi: number };
  p?: number;
}

export interface SpanTiming {
  /** `root > child > span` */
  path: string;
  name: string;
  /** Runs of the path's root (proofs). */
  runs: number;
  totalPerRunNs: number;
  selfPerRunNs: number;
  /** Total over the root's total. */
  shareOfRoot: number;
  /** The location the trace records for the span, when it has one. */
  location?: { file: string; line: number };
  change?: SpanChange;
}

export interface SpanTimings {
  /** What the figures come from: a trace, or a baseline/after pair (the after side's figures). */
  kind: 'trace' | 'compare';
  title: string;
  spans: SpanTiming[];
}

export function spanTimingsOfTrace(trace: Trace, title: string): SpanTimings {
  const agg = aggregate(trace);
  return {
    kind: 'trace',
    title,
    spans: agg.paths.map((p) => {
      const runs = Math.max(1, p.rootCount);
      return {
        path: p.path,
        name: p.name,
        runs: p.rootCount,
        totalPerRunNs: p.perRootMeanNs,
        selfPerRunNs: p.selfNs / runs,
        shareOfRoot: p.shareOfRoot,
        ...(p.location ? { location: p.location } : {}),
      };
    }),
  };
}

function changeOf(r: DiffRow): SpanChange {
  // The interval is unbounded with one run on a side: then there is none to show.
  const ci = r.ci95;
  return {
    basePerRunNs: r.base?.perRunNs ?? 0,
    deltaNs: r.deltaNs,
    relative: r.relative,
    verdict: r.verdict,
    ...(ci && Number.isFinite(ci.lo) && Number.isFinite(ci.hi) ? { ci95: { lo: ci.lo, hi: ci.hi } } : {}),
    ...(typeof r.p === 'number' && ci && Number.isFinite(ci.lo) ? { p: r.p } : {}),
  };
}

/** The after trace's paths (and those only in the baseline), each with its change. */
export function spanTimingsOfDiff(base: Trace, after: Trace, title: string): SpanTimings {
  const diff = diffTraces(base, after);
  const located = new Map(
    aggregate(after)
      .paths.filter((p) => p.location)
      .map((p) => [p.path, p.location!]),
  );
  return {
    kind: 'compare',
    title,
    spans: diff.rows.map((r) => {
      const side = r.after ?? r.base!;
      const location = located.get(r.path);
      return {
        path: r.path,
        name: r.name,
        runs: side.runs,
        totalPerRunNs: r.after?.perRunNs ?? 0,
        selfPerRunNs: r.after?.perRunSelfNs ?? 0,
        shareOfRoot: r.after?.shareOfRoot ?? 0,
        ...(location ? { location } : {}),
        change: changeOf(r),
      };
    }),
  };
}

/** The figures of one span name at a site: every path ending in that name. */
export interface SiteTiming {
  name: string;
  paths: SpanTiming[];
}

/** Span timings grouped by span name (a site names a span, not a path). */
export function timingsByName(t: SpanTimings): Map<string, SpanTiming[]> {
  const out = new Map<string, SpanTiming[]>();
  for (const s of t.spans) {
    let list = out.get(s.name);
    if (!list) out.set(s.name, (list = []));
    list.push(s);
  }
  // Heaviest path first.
  for (const list of out.values()) list.sort((a, b) => b.totalPerRunNs - a.totalPerRunNs);
  return out;
}
