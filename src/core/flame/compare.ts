/**
 * Compare view: the "after" trace's span paths drawn as a flame graph, each node carrying the
 * baseline's value for the same path. Paths only in the baseline are kept with an after value of 0
 * so the delta table can list them.
 *
 * Values are per run: a path's totals are divided by how many times its root ran in that trace,
 * so a baseline of one proof compares fairly with an after run of eight.
 */
import type { Trace } from '../trace/model';
import { StringTable, ViewBuilder, type FlameDocument } from './data';
import { appendMerged, mergeByPath, withLayout, type MergedNode } from './flatten';

interface Paired extends MergedNode {
  base: { total: number; self: number; calls: number };
  children: Paired[];
}

/** Divides a freshly merged tree's times by `factor` in place (iteratively: trees can be deep). */
function scaleInPlace(root: MergedNode, factor: number): MergedNode {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    n.total *= factor;
    n.self *= factor;
    stack.push(...n.children);
  }
  return root;
}

const NO_BASE = { total: 0, self: 0, calls: 0 };

/**
 * Pairs after-nodes with baseline-nodes of the same path. Paths only in the baseline become
 * nodes with after values of 0.
 */
function pair(after: readonly MergedNode[], baseline: readonly MergedNode[]): Paired[] {
  const top: Paired[] = [];
  const work: Array<{ after: readonly MergedNode[]; baseline: readonly MergedNode[]; into: Paired[] }> = [{ after, baseline, into: top }];
  while (work.length > 0) {
    const { after: as, baseline: bs, into } = work.pop()!;
    const byName = new Map(bs.map((b) => [b.name, b]));
    for (const a of as) {
      const b = byName.get(a.name);
      byName.delete(a.name);
      const node: Paired = { ...a, base: b ? { total: b.total, self: b.self, calls: b.calls } : NO_BASE, children: [] };
      into.push(node);
      work.push({ after: a.children, baseline: b ? b.children : [], into: node.children });
    }
    for (const b of byName.values()) {
      const node: Paired = { ...b, total: 0, self: 0, calls: 0, base: { total: b.total, self: b.self, calls: b.calls }, children: [] };
      into.push(node);
      work.push({ after: [], baseline: b.children, into: node.children });
    }
  }
  return top;
}

/** Merged roots with every tree divided by the number of runs of its root. */
function perRun(trace: Trace): { roots: MergedNode[]; runs: number } {
  const merged = mergeByPath(trace.roots);
  let runs = 0;
  const roots = merged.map((r) => {
    runs = Math.max(runs, r.calls);
    return scaleInPlace(r, r.calls > 0 ? 1 / r.calls : 1);
  });
  return { roots, runs };
}

export function buildCompareDocument(baseline: Trace, after: Trace, titles: { baseline: string; after: string }): FlameDocument {
  const strings = new StringTable();
  const b = perRun(baseline);
  const a = perRun(after);
  const paired = pair(a.roots, b.roots);
  const builder = new ViewBuilder('compare', false);
  const baseTotal: number[] = [];
  const baseSelf: number[] = [];
  const baseCalls: number[] = [];
  appendMerged(builder, strings, paired, (node, i) => {
    const base = (node as Paired).base;
    baseTotal[i] = base.total;
    baseSelf[i] = base.self;
    baseCalls[i] = base.calls;
  });
  const compare = builder.finish();
  compare.baseTotal = Float64Array.from(baseTotal);
  compare.baseSelf = Float64Array.from(baseSelf);
  compare.baseCalls = Uint32Array.from(baseCalls);
  return {
    title: `${titles.baseline} ↔ ${titles.after}`,
    format: after.format,
    durationKind: after.durationKind,
    strings: strings.strings,
    views: { compare: withLayout(compare) },
    spanCount: baseline.spanCount + after.spanCount,
    unparsed: [
      ...baseline.unparsed.slice(0, 25).map((u) => ({ ...u, text: `${titles.baseline}: ${u.text}` })),
      ...after.unparsed.slice(0, 25).map((u) => ({ ...u, text: `${titles.after}: ${u.text}` })),
    ],
    unparsedCount: (baseline.unparsedCount ?? baseline.unparsed.length) + (after.unparsedCount ?? after.unparsed.length),
    compare: { baselineTitle: titles.baseline, afterTitle: titles.after, baselineRuns: b.runs, afterRuns: a.runs },
  };
}
