/**
 * Several traces of one side (baseline or after) as one aggregate: every run of a root in every
 * file is one sample. A path's per-run values are concatenated file by file, with 0 for the runs of
 * a file whose root it is absent from, as `aggregate` does within one file.
 */
import { aggregate, spread, type PathStats, type TraceAggregate } from './aggregate';
import type { Trace } from './model';

/** The aggregate of several traces of the same program (one side of a comparison). */
export function aggregateRuns(traces: readonly Trace[]): TraceAggregate {
  if (traces.length === 0) throw new Error('aggregateRuns needs at least one trace');
  return mergeAggregates(traces.map((t) => aggregate(t)));
}

export function mergeAggregates(aggs: readonly TraceAggregate[]): TraceAggregate {
  if (aggs.length === 1) return aggs[0]!;
  // Runs of each root in each aggregate, and every path's first appearance.
  const rootRuns = aggs.map((a) => new Map(a.roots.map((r) => [r.name, r.count])));
  const first = new Map<string, PathStats>();
  const kids = new Map<string | undefined, string[]>();
  for (const a of aggs) {
    for (const p of a.paths) {
      if (first.has(p.path)) continue;
      first.set(p.path, p);
      let list = kids.get(p.parent);
      if (!list) kids.set(p.parent, (list = []));
      list.push(p.path);
    }
  }
  const roots: Array<{ name: string; count: number }> = [];
  for (const name of kids.get(undefined) ?? []) {
    let count = 0;
    for (const r of rootRuns) count += r.get(name) ?? 0;
    roots.push({ name, count });
  }
  const rootTotal = new Map<string, number>();
  for (const r of roots) {
    let t = 0;
    for (const a of aggs) t += a.byPath.get(r.name)?.totalNs ?? 0;
    rootTotal.set(r.name, t);
  }
  const paths: PathStats[] = [];
  const byPath = new Map<string, PathStats>();
  const stack = [...(kids.get(undefined) ?? [])].reverse();
  while (stack.length > 0) {
    const path = stack.pop()!;
    const p0 = first.get(path)!;
    let count = 0;
    let totalNs = 0;
    let selfNs = 0;
    let minNs = Infinity;
    let maxNs = 0;
    let presentIn = 0;
    const perRootNs: number[] = [];
    const perRootSelfNs: number[] = [];
    const counters: Record<string, number> = {};
    let location = p0.location;
    aggs.forEach((a, i) => {
      const runs = rootRuns[i]!.get(p0.root) ?? 0;
      const p = a.byPath.get(path);
      if (!p) {
        for (let k = 0; k < runs; k++) {
          perRootNs.push(0);
          perRootSelfNs.push(0);
        }
        return;
      }
      count += p.count;
      totalNs += p.totalNs;
      selfNs += p.selfNs;
      if (p.count > 0) minNs = Math.min(minNs, p.minNs);
      maxNs = Math.max(maxNs, p.maxNs);
      presentIn += p.presentIn;
      for (const v of p.perRootNs) perRootNs.push(v);
      for (const v of p.perRootSelfNs) perRootSelfNs.push(v);
      for (const [k, v] of Object.entries(p.counters)) counters[k] = (counters[k] ?? 0) + v;
      location ??= p.location;
    });
    const rt = rootTotal.get(p0.root) ?? 0;
    const stats: PathStats = {
      path,
      name: p0.name,
      depth: p0.depth,
      parent: p0.parent,
      root: p0.root,
      count,
      totalNs,
      meanNs: count > 0 ? totalNs / count : 0,
      minNs: count > 0 ? minNs : 0,
      maxNs,
      selfNs,
      shareOfRoot: rt > 0 ? totalNs / rt : 0,
      selfShareOfRoot: rt > 0 ? selfNs / rt : 0,
      counters,
      rootCount: perRootNs.length,
      presentIn,
      perRootNs,
      perRootSelfNs,
      perRootMeanNs: perRootNs.length > 0 ? totalNs / perRootNs.length : 0,
      spread: spread(perRootNs),
    };
    if (location) stats.location = location;
    paths.push(stats);
    byPath.set(path, stats);
    const c = kids.get(path);
    if (c) for (let i = c.length - 1; i >= 0; i--) stack.push(c[i]!);
  }
  const sources = aggs.map((a) => a.source);
  return {
    format: aggs[0]!.format,
    durationKind: aggs[0]!.durationKind,
    source: sources.every((s) => s !== undefined) ? sources.join(', ') : undefined,
    spanCount: aggs.reduce((s, a) => s + a.spanCount, 0),
    roots,
    paths,
    byPath,
    excludedIncomplete: aggs.reduce((s, a) => s + a.excludedIncomplete, 0),
  };
}
