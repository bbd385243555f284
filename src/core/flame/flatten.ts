/**
 * Builds the drawable views of a trace: the timeline (every span where it ran) and the merged
 * view (all roots merged by span path, like a classic flame graph).
 */
import type { Span, Trace } from '../trace/model';
import { numericValue, placeInPreOrder, StringTable, ViewBuilder, type FlameDocument, type FlameView } from './data';
import { layoutFlame } from './layout';
import type { PhaseMark } from './phases';

/** At most this many unparsed lines travel to the webview; the count is always exact. */
const MAX_UNPARSED = 50;

/**
 * The timeline: real start times when the trace has them (every root has `startNs`), otherwise
 * roots one after another and children one after another from their parent's start.
 */
export function timelineView(trace: Trace, strings: StringTable): FlameView {
  const timed = trace.roots.length > 0 && trace.roots.every((r) => r.startNs !== undefined);
  let origin = timed ? Infinity : 0;
  if (timed) for (const r of trace.roots) origin = Math.min(origin, r.startNs as number);
  const b = new ViewBuilder('timeline', timed);
  let cursor = 0;
  // Explicit stack: traces can nest deeper than the JS call stack allows.
  const stack: Array<{ span: Span; parent: number; depth: number; start: number }> = [];
  for (let r = trace.roots.length - 1; r >= 0; r--) stack.push({ span: trace.roots[r], parent: -1, depth: 0, start: NaN });
  // Roots are pushed in reverse, so they pop in file order and sequential starts can accumulate.
  while (stack.length > 0) {
    const item = stack.pop()!;
    const { span, parent, depth } = item;
    let start: number;
    if (parent < 0) {
      start = timed ? (span.startNs as number) - origin : cursor;
      if (!timed) cursor += Math.max(0, span.durationNs);
    } else {
      start = item.start;
    }
    const i = addSpan(b, strings, span, parent, depth, start, 1);
    // Children: real starts where present, else sequential from the parent's start.
    let next = start;
    const placed: Array<{ span: Span; start: number }> = [];
    for (const child of span.children) {
      const s = child.startNs !== undefined && timed ? child.startNs - origin : next;
      placed.push({ span: child, start: s });
      next = s + Math.max(0, child.durationNs);
    }
    for (let c = placed.length - 1; c >= 0; c--) stack.push({ span: placed[c].span, parent: i, depth: depth + 1, start: placed[c].start });
  }
  return b.finish();
}

function addSpan(b: ViewBuilder, strings: StringTable, span: Span, parent: number, depth: number, start: number, calls: number): number {
  const i = b.add({
    parent,
    depth,
    start,
    total: Math.max(0, span.durationNs),
    self: Math.max(0, span.selfNs),
    name: strings.intern(span.name),
    calls,
    thread: span.thread ? strings.intern(span.thread) : 0,
    file: span.location ? strings.intern(span.location.file) : -1,
    line: span.location ? span.location.line : 0,
  });
  const fields = span.fields;
  for (const k in fields) b.field(strings.intern(k), strings.intern(fields[k]));
  for (const [k, v] of ownCounters(span)) b.counter(strings.intern(k), v);
  return i;
}

/** Numeric fields of the span's own events, summed per key (`kernel_count`, `sync_count`, ...). */
const NO_COUNTERS: ReadonlyMap<string, number> = new Map();

export function ownCounters(span: Span): ReadonlyMap<string, number> {
  if (span.events.length === 0) return NO_COUNTERS;
  const out = new Map<string, number>();
  for (const e of span.events) {
    for (const [k, v] of Object.entries(e.fields)) {
      const n = numericValue(v);
      if (n !== undefined) out.set(k, (out.get(k) ?? 0) + n);
    }
  }
  return out;
}

/** A node of the tree of span paths: all spans with the same path from their root, merged. */
export interface MergedNode {
  name: string;
  total: number;
  self: number;
  calls: number;
  children: MergedNode[];
  /** Field values seen across the merged spans, per key, at most a few distinct ones kept. */
  fields: Map<string, { first: string; distinct: Set<string> }>;
  counters: Map<string, number>;
  location?: { file: string; line: number };
}

const MAX_DISTINCT = 64;

function newNode(name: string): MergedNode {
  return { name, total: 0, self: 0, calls: 0, children: [], fields: new Map(), counters: new Map() };
}

/**
 * Merges spans by path: same name under the same merged parent. Children keep the order in which
 * their names first appeared, which is the order the code runs them in.
 */
export function mergeByPath(roots: readonly Span[]): MergedNode[] {
  const top = newNode('');
  const index = new Map<MergedNode, Map<string, MergedNode>>();
  const childOf = (parent: MergedNode, name: string): MergedNode => {
    let byName = index.get(parent);
    if (!byName) index.set(parent, (byName = new Map()));
    let node = byName.get(name);
    if (!node) {
      node = newNode(name);
      byName.set(name, node);
      parent.children.push(node);
    }
    return node;
  };
  const stack: Array<{ span: Span; into: MergedNode }> = roots.map((span) => ({ span, into: top })).reverse();
  while (stack.length > 0) {
    const { span, into } = stack.pop()!;
    const node = childOf(into, span.name);
    node.total += Math.max(0, span.durationNs);
    node.self += Math.max(0, span.selfNs);
    node.calls += 1;
    if (!node.location && span.location) node.location = span.location;
    const fields = span.fields;
    for (const k in fields) {
      const v = fields[k];
      const f = node.fields.get(k);
      if (!f) node.fields.set(k, { first: v, distinct: new Set([v]) });
      else if (f.distinct.size < MAX_DISTINCT) f.distinct.add(v);
    }
    for (const [k, v] of ownCounters(span)) node.counters.set(k, (node.counters.get(k) ?? 0) + v);
    for (let c = span.children.length - 1; c >= 0; c--) stack.push({ span: span.children[c], into: node });
  }
  return top.children;
}

/** How a merged field reads in the tooltip: its value, or how many values it took. */
export function mergedFieldValue(f: { first: string; distinct: Set<string> }): string {
  if (f.distinct.size <= 1) return f.first;
  return f.distinct.size >= MAX_DISTINCT ? `${MAX_DISTINCT}+ values` : `${f.distinct.size} values`;
}

/** Lays out merged trees left to right, children from their parent's start. */
export function mergedView(roots: readonly MergedNode[], strings: StringTable): FlameView {
  const b = new ViewBuilder('merged', false);
  appendMerged(b, strings, roots, () => undefined);
  return b.finish();
}

/**
 * Appends merged trees in pre-order. `extra` is called after each node is added (the compare view
 * records its baseline values there).
 */
export function appendMerged(
  b: ViewBuilder,
  strings: StringTable,
  roots: readonly MergedNode[],
  extra: (node: MergedNode, index: number) => void,
): void {
  placeInPreOrder(
    roots,
    (node) => node.children,
    (node, { parent, depth, start }) => {
      const i = b.add({
        parent,
        depth,
        start,
        total: node.total,
        self: node.self,
        name: strings.intern(node.name),
        calls: node.calls,
        thread: 0,
        file: node.location ? strings.intern(node.location.file) : -1,
        line: node.location ? node.location.line : 0,
      });
      for (const [k, f] of node.fields) b.field(strings.intern(k), strings.intern(mergedFieldValue(f)));
      for (const [k, v] of node.counters) b.counter(strings.intern(k), v);
      extra(node, i);
      return i;
    },
  );
}

/** Attaches the box layout: lanes per thread in the timeline, plain depth rows otherwise. */
export function withLayout(view: FlameView): FlameView {
  view.layout = layoutFlame(view, { lanes: view.kind === 'timeline' });
  return view;
}

/**
 * The document for one trace: both views with their layouts, and a shared string table. With
 * `onFirst`, the merged view (small: one node per span path) is handed to it as a document of its
 * own (`pending: ['timeline']`) before the timeline (one node per span) is built; the document
 * returned then holds the timeline alone (`adds`, without its layout), with the whole string table.
 */
export function buildFlameDocument(
  trace: Trace,
  title: string,
  options: { marks?: PhaseMark[]; onFirst?: (first: FlameDocument) => void } = {},
): FlameDocument {
  const { marks, onFirst } = options;
  const strings = new StringTable();
  const base = {
    title,
    format: trace.format,
    durationKind: trace.durationKind,
    spanCount: trace.spanCount,
    unparsed: trace.unparsed.slice(0, MAX_UNPARSED),
    unparsedCount: trace.unparsedCount ?? trace.unparsed.length,
  };
  const merged = withLayout(mergedView(mergeByPath(trace.roots), strings));
  marks?.push(['merged', Date.now()]);
  if (onFirst) onFirst({ ...base, strings: strings.strings.slice(), views: { merged }, pending: ['timeline'] });
  // Sent in parts, the timeline goes without its layout: a third of its bytes, which the webview
  // recomputes faster than they travel through a remote workbench's resource route.
  const timeline = onFirst ? timelineView(trace, strings) : withLayout(timelineView(trace, strings));
  marks?.push(['timeline', Date.now()]);
  if (onFirst) return { ...base, strings: strings.strings, views: { timeline }, adds: true };
  return { ...base, strings: strings.strings, views: { timeline, merged } };
}

/** The first part of a document and the views that complete it, as one document. */
export function joinParts(first: FlameDocument, rest: FlameDocument): FlameDocument {
  const { pending: _pending, ...head } = first;
  return { ...head, strings: rest.strings, views: { ...first.views, ...rest.views } };
}
