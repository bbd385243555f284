/**
 * Merges the roots of a run by span path (`a > b > c`): a multi-proof run becomes one tree whose
 * nodes hold count, total, mean, min, max and self time, event counters summed (other numeric
 * event fields, such as `round` or `layer`, kept as their last value and range), shares of the
 * root, and each root instance's value so the spread across proofs can be computed.
 */
import { PATH_SEPARATOR, type DurationKind, type Span, type Trace, type TraceFormat } from './model';

export interface Spread {
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation over the root instances. */
  stddev: number;
  /** stddev / mean (0 when the mean is 0). */
  cv: number;
}

/** A numeric event field that is not a counter: the last value and the range seen. */
export interface FieldValue {
  last: number;
  min: number;
  max: number;
}

/** Whether an event field is counter-like (summed per run): `*_count`, or one of `extra`. */
export function isCounterField(name: string, extra?: ReadonlySet<string> | readonly string[]): boolean {
  if (/(^|_)count$/.test(name)) return true;
  if (!extra) return false;
  return Array.isArray(extra) ? extra.includes(name) : (extra as ReadonlySet<string>).has(name);
}

export interface PathStats {
  /** `root > child > span` */
  path: string;
  name: string;
  /** 0 for a root. */
  depth: number;
  parent: string | undefined;
  /** Name of the root span this path starts at. */
  root: string;
  /** Span instances with this path, over all root instances. */
  count: number;
  totalNs: number;
  meanNs: number;
  minNs: number;
  maxNs: number;
  selfNs: number;
  /** totalNs over the root path's totalNs. */
  shareOfRoot: number;
  selfShareOfRoot: number;
  /**
   * Counter-like numeric fields of the spans' own events, summed: `*_count` (`kernel_count`,
   * `sync_count`) and the configured `counterFields`.
   */
  counters: Record<string, number>;
  /**
   * The other numeric event fields (indices such as `round`, `layer`): never summed; the last
   * value seen and the range. Absent when there are none.
   */
  fieldValues?: Record<string, FieldValue>;
  /** How many instances of the root span this path hangs under (proofs, for the prover root). */
  rootCount: number;
  /** Root instances that contain this path at least once. */
  presentIn: number;
  /** Total per root instance, in the order the roots appear (0 where absent). */
  perRootNs: number[];
  perRootSelfNs: number[];
  /** totalNs / rootCount: what one run spends here. */
  perRootMeanNs: number;
  /** Spread of perRootNs; undefined with fewer than 2 root instances. */
  spread: Spread | undefined;
  location?: { file: string; line: number };
}

export interface TraceAggregate {
  format: TraceFormat;
  durationKind: DurationKind;
  source?: string;
  spanCount: number;
  /** Root span names with how many instances each has. */
  roots: Array<{ name: string; count: number }>;
  /** Every path, tree pre-order; children in the order they first appear. */
  paths: PathStats[];
  byPath: Map<string, PathStats>;
  /** Root instances left out because they never closed (see AggregateOptions). */
  excludedIncomplete: number;
}

export interface AggregateOptions {
  /** Include root spans marked incomplete (a file cut short). Default false: they would skew means. */
  includeIncomplete?: boolean;
  /** Event fields summed besides `*_count` (`counters` in `.milestone-scope.yaml`). */
  counterFields?: readonly string[];
}

interface Node {
  name: string;
  depth: number;
  parent: Node | undefined;
  children: Map<string, Node>;
  count: number;
  total: number;
  min: number;
  max: number;
  self: number;
  counters: Map<string, number> | undefined;
  values: Map<string, FieldValue> | undefined;
  perRoot: Float64Array;
  perRootSelf: Float64Array;
  presentIn: number;
  lastOrdinal: number;
  location: { file: string; line: number } | undefined;
}

function newNode(name: string, parent: Node | undefined, roots: number): Node {
  return {
    name,
    depth: parent ? parent.depth + 1 : 0,
    parent,
    children: new Map(),
    count: 0,
    total: 0,
    min: Infinity,
    max: 0,
    self: 0,
    counters: undefined,
    values: undefined,
    perRoot: new Float64Array(roots),
    perRootSelf: new Float64Array(roots),
    presentIn: 0,
    lastOrdinal: -1,
    location: undefined,
  };
}

/** A field value as a number, when it is one (`12`, `-3`, `0.5`; not `0x10`, not empty). */
export function numeric(v: string): number | undefined {
  const c = v.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function spread(values: ArrayLike<number>): Spread | undefined {
  const n = values.length;
  if (n < 2) return undefined;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] - mean) ** 2;
  const stddev = Math.sqrt(sq / (n - 1));
  return { min, max, mean, stddev, cv: mean > 0 ? stddev / mean : 0 };
}

/** The path of a span given its ancestors' names, root first. */
export function spanPath(names: readonly string[]): string {
  return names.join(PATH_SEPARATOR);
}

export function aggregate(trace: Trace, opts: AggregateOptions = {}): TraceAggregate {
  const rootCounts = new Map<string, number>();
  let excluded = 0;
  const included: Span[] = [];
  for (const r of trace.roots) {
    if (r.incomplete && !opts.includeIncomplete) {
      excluded++;
      continue;
    }
    included.push(r);
    rootCounts.set(r.name, (rootCounts.get(r.name) ?? 0) + 1);
  }
  const extraCounters = new Set(opts.counterFields ?? []);
  const counterCache = new Map<string, boolean>();
  const top = new Map<string, Node>();
  const ordinals = new Map<string, number>();
  const spans: Span[] = [];
  const nodes: Node[] = [];
  for (const root of included) {
    const ordinal = ordinals.get(root.name) ?? 0;
    ordinals.set(root.name, ordinal + 1);
    const n = rootCounts.get(root.name)!;
    let rootNode = top.get(root.name);
    if (!rootNode) top.set(root.name, (rootNode = newNode(root.name, undefined, n)));
    spans.push(root);
    nodes.push(rootNode);
    while (spans.length > 0) {
      const span = spans.pop()!;
      const node = nodes.pop()!;
      const d = span.durationNs;
      node.count++;
      node.total += d;
      if (d < node.min) node.min = d;
      if (d > node.max) node.max = d;
      node.self += span.selfNs;
      node.perRoot[ordinal] += d;
      node.perRootSelf[ordinal] += span.selfNs;
      if (node.lastOrdinal !== ordinal) {
        node.lastOrdinal = ordinal;
        node.presentIn++;
      }
      if (node.location === undefined && span.location !== undefined) node.location = span.location;
      const events = span.events;
      for (let i = 0; i < events.length; i++) {
        const fields = events[i].fields;
        for (const k in fields) {
          const v = numeric(fields[k]);
          if (v === undefined) continue;
          let counter = counterCache.get(k);
          if (counter === undefined) counterCache.set(k, (counter = isCounterField(k, extraCounters)));
          if (counter) {
            const counters = (node.counters ??= new Map());
            counters.set(k, (counters.get(k) ?? 0) + v);
          } else {
            const values = (node.values ??= new Map());
            const fv = values.get(k);
            if (fv === undefined) values.set(k, { last: v, min: v, max: v });
            else {
              fv.last = v;
              if (v < fv.min) fv.min = v;
              if (v > fv.max) fv.max = v;
            }
          }
        }
      }
      // Child nodes are created in the order the children appear (the output order); the walk
      // itself may visit them in any order.
      const children = span.children;
      for (let i = 0; i < children.length; i++) {
        const child = children[i];
        let cn = node.children.get(child.name);
        if (!cn) {
          cn = newNode(child.name, node, n);
          node.children.set(child.name, cn);
        }
        spans.push(child);
        nodes.push(cn);
      }
    }
  }
  const paths: PathStats[] = [];
  const byPath = new Map<string, PathStats>();
  const emit = (node: Node, parentPath: string | undefined, rootNode: Node) => {
    const path = parentPath === undefined ? node.name : parentPath + PATH_SEPARATOR + node.name;
    const perRootNs = Array.from(node.perRoot);
    const stats: PathStats = {
      path,
      name: node.name,
      depth: node.depth,
      parent: parentPath,
      root: rootNode.name,
      count: node.count,
      totalNs: node.total,
      meanNs: node.count > 0 ? node.total / node.count : 0,
      minNs: node.count > 0 ? node.min : 0,
      maxNs: node.max,
      selfNs: node.self,
      shareOfRoot: rootNode.total > 0 ? node.total / rootNode.total : 0,
      selfShareOfRoot: rootNode.total > 0 ? node.self / rootNode.total : 0,
      counters: node.counters ? Object.fromEntries(node.counters) : {},
      ...(node.values ? { fieldValues: Object.fromEntries(node.values) } : {}),
      rootCount: perRootNs.length,
      presentIn: node.presentIn,
      perRootNs,
      perRootSelfNs: Array.from(node.perRootSelf),
      perRootMeanNs: perRootNs.length > 0 ? node.total / perRootNs.length : 0,
      spread: spread(perRootNs),
    };
    if (node.location) stats.location = node.location;
    paths.push(stats);
    byPath.set(path, stats);
  };
  const walk: Array<{ node: Node; parentPath: string | undefined; root: Node }> = [];
  for (const node of [...top.values()].reverse()) walk.push({ node, parentPath: undefined, root: node });
  while (walk.length > 0) {
    const { node, parentPath, root } = walk.pop()!;
    emit(node, parentPath, root);
    const path = paths[paths.length - 1].path;
    const kids = [...node.children.values()];
    for (let i = kids.length - 1; i >= 0; i--) walk.push({ node: kids[i], parentPath: path, root });
  }
  return {
    format: trace.format,
    durationKind: trace.durationKind,
    source: trace.source,
    spanCount: trace.spanCount,
    roots: [...top.values()].map((n) => ({ name: n.name, count: n.perRoot.length })),
    paths,
    byPath,
    excludedIncomplete: excluded,
  };
}
