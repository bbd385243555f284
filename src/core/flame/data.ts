/**
 * The flattened form of a trace that the flame chart draws. The extension host builds it from a
 * parsed `Trace` and posts it to the webview; typed arrays keep it compact and cheap to transfer.
 */
import type { DurationKind, TraceFormat } from '../trace/model';
import type { FlameLayout } from './layout';

export type FlameViewKind = 'timeline' | 'merged' | 'compare';

/**
 * One drawable tree (a forest): nodes in depth-first pre-order, so every node's descendants
 * directly follow it. Every per-node array has `count` entries; `fieldStart`/`counterStart`
 * have `count + 1` (node i owns entries `[start[i], start[i + 1])`).
 */
export interface FlameView {
  kind: FlameViewKind;
  count: number;
  /** True when `start` holds real start times from the trace; false when laid out sequentially. */
  timed: boolean;
  /** Parent node index, -1 for roots. */
  parent: Int32Array;
  depth: Uint16Array;
  /** Start in ns from the view's origin (0). */
  start: Float64Array;
  /** Total (inclusive) duration in ns; the box width. */
  total: Float64Array;
  /** Self duration in ns. */
  self: Float64Array;
  /** Name as an index into `FlameDocument.strings`. */
  name: Uint32Array;
  /** How many spans the node stands for (1 in the timeline; merged instances otherwise). */
  calls: Uint32Array;
  /** Thread label (string index, 0 = unknown). Only roots' values decide timeline lanes. */
  thread: Uint32Array;
  /** Node i's fields are pairs `fieldStart[i] .. fieldStart[i + 1]` (counted in pairs). */
  fieldStart: Uint32Array;
  /** Pairs of string indices: key, value (pair k at `2k`, `2k + 1`). */
  fieldData: Uint32Array;
  counterStart: Uint32Array;
  counterName: Uint32Array;
  counterValue: Float64Array;
  /** Source file (string index) the trace carries for the span, -1 when none. */
  file: Int32Array;
  /** 1-based source line, 0 when none. */
  line: Uint32Array;
  /** Compare view only: the baseline's total / self / calls for the same span path (0 when new). */
  baseTotal?: Float64Array;
  baseSelf?: Float64Array;
  baseCalls?: Uint32Array;
  /**
   * Box geometry (rows, clamped extents, row index), computed by the extension host so the
   * webview can draw as soon as the data arrives. Recomputed by the webview when absent.
   */
  layout?: FlameLayout;
}

export interface FlameUnparsed {
  line: number;
  text: string;
  reason: string;
}

export interface FlameDocument {
  /** Shown in the panel header, e.g. the file name. */
  title: string;
  format: TraceFormat;
  durationKind: DurationKind;
  /** String table; index 0 is always the empty string. */
  strings: string[];
  views: Partial<Record<FlameViewKind, FlameView>>;
  spanCount: number;
  /** Lines the parser did not understand (the first few) and how many there were in all. */
  unparsed: FlameUnparsed[];
  unparsedCount: number;
  /**
   * A document sent in two parts (a big trace: the merged view draws the first screen while the
   * timeline is still being built and sent): the first part names the views still to come...
   */
  pending?: FlameViewKind[];
  /** ...and the second part holds them (with the whole string table), to be added to the first. */
  adds?: boolean;
  /** Compare documents: what each side was and how many root instances it had per root name. */
  compare?: { baselineTitle: string; afterTitle: string; baselineRuns: number; afterRuns: number };
}

/** Interns strings; index 0 is the empty string. */
export class StringTable {
  readonly strings: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** Where a node of a merged tree goes in a view: its parent's index, its depth and its start. */
export interface Placement {
  parent: number;
  depth: number;
  start: number;
}

/**
 * Walks merged trees in pre-order, placing each node after its earlier siblings (children start at
 * their parent's start; each takes `total` of room). `add` adds the node to the view and returns
 * its index, the parent index of its children. Iterative: merged trees can be deep.
 */
export function placeInPreOrder<N extends { total: number }>(
  roots: readonly N[],
  childrenOf: (node: N) => readonly N[],
  add: (node: N, at: Placement) => number,
): void {
  const stack: Array<{ node: N; at: Placement }> = [];
  const pushAll = (nodes: readonly N[], parent: number, depth: number, start: number) => {
    const items: Array<{ node: N; at: Placement }> = [];
    let next = start;
    for (const node of nodes) {
      items.push({ node, at: { parent, depth, start: next } });
      next += node.total;
    }
    for (let k = items.length - 1; k >= 0; k--) stack.push(items[k]!);
  };
  pushAll(roots, -1, 0, 0);
  while (stack.length > 0) {
    const { node, at } = stack.pop()!;
    const i = add(node, at);
    pushAll(childrenOf(node), i, at.depth + 1, at.start);
  }
}

/** Grows typed arrays while a view is built, then trims them to size. */
export class ViewBuilder {
  count = 0;
  parent = new Int32Array(64);
  depth = new Uint16Array(64);
  start = new Float64Array(64);
  total = new Float64Array(64);
  self = new Float64Array(64);
  name = new Uint32Array(64);
  calls = new Uint32Array(64);
  thread = new Uint32Array(64);
  file = new Int32Array(64);
  line = new Uint32Array(64);
  fieldStart: number[] = [0];
  fieldData: number[] = [];
  counterStart: number[] = [0];
  counterName: number[] = [];
  counterValue: number[] = [];

  constructor(
    readonly kind: FlameViewKind,
    readonly timed: boolean,
  ) {}

  /** Adds a node and returns its index; fill its fields/counters before the next `add`. */
  add(node: {
    parent: number;
    depth: number;
    start: number;
    total: number;
    self: number;
    name: number;
    calls: number;
    thread: number;
    file: number;
    line: number;
  }): number {
    if (this.count === this.parent.length) this.grow();
    const i = this.count++;
    this.parent[i] = node.parent;
    this.depth[i] = Math.min(node.depth, 0xffff);
    this.start[i] = node.start;
    this.total[i] = node.total;
    this.self[i] = node.self;
    this.name[i] = node.name;
    this.calls[i] = node.calls;
    this.thread[i] = node.thread;
    this.file[i] = node.file;
    this.line[i] = node.line;
    this.fieldStart.push(this.fieldData.length / 2);
    this.counterStart.push(this.counterName.length);
    return i;
  }

  /** Appends a field to the most recently added node. */
  field(key: number, value: number): void {
    this.fieldData.push(key, value);
    this.fieldStart[this.count] = this.fieldData.length / 2;
  }

  /** Appends a counter to the most recently added node. */
  counter(name: number, value: number): void {
    this.counterName.push(name);
    this.counterValue.push(value);
    this.counterStart[this.count] = this.counterName.length;
  }

  private grow(): void {
    const n = this.parent.length * 2;
    const g = <T extends { length: number; set(a: ArrayLike<number>): void }>(a: T, C: new (n: number) => T): T => {
      const b = new C(n);
      b.set(a as unknown as ArrayLike<number>);
      return b;
    };
    this.parent = g(this.parent, Int32Array);
    this.depth = g(this.depth, Uint16Array);
    this.start = g(this.start, Float64Array);
    this.total = g(this.total, Float64Array);
    this.self = g(this.self, Float64Array);
    this.name = g(this.name, Uint32Array);
    this.calls = g(this.calls, Uint32Array);
    this.thread = g(this.thread, Uint32Array);
    this.file = g(this.file, Int32Array);
    this.line = g(this.line, Uint32Array);
  }

  finish(): FlameView {
    const n = this.count;
    return {
      kind: this.kind,
      count: n,
      timed: this.timed,
      parent: this.parent.slice(0, n),
      depth: this.depth.slice(0, n),
      start: this.start.slice(0, n),
      total: this.total.slice(0, n),
      self: this.self.slice(0, n),
      name: this.name.slice(0, n),
      calls: this.calls.slice(0, n),
      thread: this.thread.slice(0, n),
      fieldStart: Uint32Array.from(this.fieldStart),
      fieldData: Uint32Array.from(this.fieldData),
      counterStart: Uint32Array.from(this.counterStart),
      counterName: Uint32Array.from(this.counterName),
      counterValue: Float64Array.from(this.counterValue),
      file: this.file.slice(0, n),
      line: this.line.slice(0, n),
    };
  }
}

/** A numeric field value (`12`, `-3`, `1.5e3`); quoted strings and other text are not counters. */
export function numericValue(value: string): number | undefined {
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
