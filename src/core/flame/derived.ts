/**
 * Views derived from a decoded document's merged (or compare) view, computed where the chart is
 * drawn: left heavy (children sorted by total time), the sandwich table of span names with their
 * callers and callees, and the compare view drawn at baseline widths (what disappeared). Pure; no DOM.
 *
 * Every derived view carries `origin`: for each of its nodes, a node of the source view it stands
 * for (the one to open the source of, to describe, to zoom the chart to).
 */
import { placeInPreOrder, ViewBuilder, type FlameView } from './data';

export interface DerivedView {
  view: FlameView;
  /** Node of the source view each node stands for. */
  origin: Int32Array;
}

/** Children of every node, in pre-order (a CSR list: node i's children are `list[at[i] .. at[i + 1])`). */
function childLists(view: FlameView): { at: Uint32Array; list: Uint32Array; roots: number[] } {
  const n = view.count;
  const counts = new Uint32Array(n + 1);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = view.parent[i];
    if (p < 0) roots.push(i);
    else counts[p + 1]++;
  }
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const at = counts.slice();
  const fill = counts.slice(0, n);
  const list = new Uint32Array(Math.max(0, n - roots.length));
  for (let i = 0; i < n; i++) {
    const p = view.parent[i];
    if (p >= 0) list[fill[p]++] = i;
  }
  return { at, list, roots };
}

/**
 * Copies `view`'s nodes in the order `order` (a pre-order of the same tree), with starts laid out
 * left to right from the parent's start using `width` as each box's width.
 */
function reorder(view: FlameView, order: Uint32Array, width: Float64Array): DerivedView {
  const n = order.length;
  const newIndex = new Int32Array(view.count).fill(-1);
  const b = new ViewBuilder(view.kind, false);
  const nextStart = new Float64Array(n);
  let rootCursor = 0;
  const hasBase = view.baseTotal !== undefined;
  const baseTotal = hasBase ? new Float64Array(n) : undefined;
  const baseSelf = hasBase ? new Float64Array(n) : undefined;
  const baseCalls = hasBase ? new Uint32Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const p = view.parent[i];
    const np = p >= 0 ? newIndex[p] : -1;
    let start: number;
    if (np < 0) {
      start = rootCursor;
      rootCursor += width[i];
    } else {
      start = nextStart[np];
      nextStart[np] += width[i];
    }
    const j = b.add({
      parent: np,
      depth: view.depth[i],
      start,
      total: view.total[i],
      self: view.self[i],
      name: view.name[i],
      calls: view.calls[i],
      thread: view.thread[i],
      file: view.file[i],
      line: view.line[i],
    });
    newIndex[i] = j;
    nextStart[j] = start;
    for (let f = view.fieldStart[i]; f < view.fieldStart[i + 1]; f++) b.field(view.fieldData[2 * f], view.fieldData[2 * f + 1]);
    for (let c = view.counterStart[i]; c < view.counterStart[i + 1]; c++) b.counter(view.counterName[c], view.counterValue[c]);
    if (baseTotal && baseSelf && baseCalls) {
      baseTotal[j] = view.baseTotal![i];
      baseSelf[j] = view.baseSelf?.[i] ?? 0;
      baseCalls[j] = view.baseCalls?.[i] ?? 0;
    }
  }
  const out = b.finish();
  if (baseTotal) {
    out.baseTotal = baseTotal;
    out.baseSelf = baseSelf;
    out.baseCalls = baseCalls;
  }
  return { view: out, origin: Int32Array.from(order) };
}

/** Pre-order of the tree with each node's children (and the roots) sorted by `key`, largest first. */
function sortedPreorder(view: FlameView, key: Float64Array): Uint32Array {
  const { at, list, roots } = childLists(view);
  const byKey = (a: number, b: number) => key[b] - key[a] || a - b;
  const order = new Uint32Array(view.count);
  let k = 0;
  const stack = roots.sort(byKey).reverse();
  while (stack.length > 0) {
    const i = stack.pop()!;
    order[k++] = i;
    const kids = Array.from(list.subarray(at[i], at[i + 1])).sort(byKey);
    for (let c = kids.length - 1; c >= 0; c--) stack.push(kids[c]);
  }
  return order.subarray(0, k);
}

/**
 * Left heavy (speedscope's name): the merged tree with the children of every node, and the roots,
 * sorted by total time, heaviest first; ties keep their first-run order.
 */
export function leftHeavyView(merged: FlameView): DerivedView {
  return reorder(merged, sortedPreorder(merged, merged.total), merged.total);
}

/**
 * The compare view drawn at the baseline's widths, in the baseline's heaviest-first order: paths
 * that disappeared in the after trace (after value 0) show at their baseline size.
 */
export function baselineWidthView(compare: FlameView): DerivedView {
  const base = compare.baseTotal ?? compare.total;
  const out = reorder(compare, sortedPreorder(compare, base), base);
  // Widths are the baseline's: swap the sides (the chart colours a negated view the right way round).
  const v = out.view;
  if (v.baseTotal && v.baseSelf && v.baseCalls) {
    [v.total, v.baseTotal] = [v.baseTotal, v.total];
    [v.self, v.baseSelf] = [v.baseSelf, v.self];
    [v.calls, v.baseCalls] = [v.baseCalls, v.calls];
  }
  return out;
}

/**
 * How many proofs (runs of the root) a merged view stands for: the most calls of any root. A
 * timeline of many proofs is many root spans with the same name, merged into one root here.
 */
export function proofCount(merged: FlameView): number {
  let runs = 0;
  for (let i = 0; i < merged.count; i++) if (merged.parent[i] < 0) runs = Math.max(runs, merged.calls[i]);
  return runs;
}

/** One span name of the sandwich table. Times are sums over the trace; divide by proofs for per-proof. */
export interface SandwichRow {
  /** String index of the name. */
  name: number;
  /** Self time summed over every span of this name. */
  self: number;
  /** Total time of the spans of this name not nested in another span of the same name. */
  total: number;
  calls: number;
}

/**
 * Every span name with its self and total time. Recursion counts once in the total: a span nested
 * inside a span of the same name adds its self time, not its total again.
 */
export function sandwichRows(view: FlameView): SandwichRow[] {
  const rows = new Map<number, SandwichRow>();
  // For each node, how many ancestors (including itself) carry its name: kept as a stack of
  // counts per name along the current path.
  const onPath = new Map<number, number>();
  const path: number[] = [];
  for (let i = 0; i < view.count; i++) {
    while (path.length > 0 && path[path.length - 1] !== view.parent[i]) {
      const top = path.pop()!;
      const nm = view.name[top];
      onPath.set(nm, onPath.get(nm)! - 1);
    }
    const nm = view.name[i];
    let row = rows.get(nm);
    if (!row) rows.set(nm, (row = { name: nm, self: 0, total: 0, calls: 0 }));
    row.self += view.self[i];
    row.calls += view.calls[i];
    const nested = onPath.get(nm) ?? 0;
    if (nested === 0) row.total += view.total[i];
    onPath.set(nm, nested + 1);
    path.push(i);
  }
  return [...rows.values()];
}

export type SandwichColumn = 'name' | 'self' | 'total' | 'calls';

export function sortSandwichRows(
  rows: readonly SandwichRow[],
  strings: readonly string[],
  column: SandwichColumn,
  descending: boolean,
): SandwichRow[] {
  const sign = descending ? -1 : 1;
  const cmp =
    column === 'name'
      ? (a: SandwichRow, b: SandwichRow) => strings[a.name].localeCompare(strings[b.name])
      : (a: SandwichRow, b: SandwichRow) => a[column] - b[column];
  return [...rows].sort((a, b) => sign * cmp(a, b) || strings[a.name].localeCompare(strings[b.name]));
}

/** A tree merged by name path while the sandwich's callers and callees are built. */
interface Acc {
  name: number;
  total: number;
  self: number;
  calls: number;
  origin: number;
  children: Map<number, Acc>;
}

function acc(name: number, origin: number): Acc {
  return { name, total: 0, self: 0, calls: 0, origin, children: new Map() };
}

function flattenAcc(root: Acc | undefined, kind: FlameView['kind'], view: FlameView): DerivedView {
  const b = new ViewBuilder(kind, false);
  const origin: number[] = [];
  if (root && root.calls > 0) {
    placeInPreOrder(
      [root],
      (node) => [...node.children.values()].sort((x, y) => y.total - x.total),
      (node, { parent, depth, start }) => {
        origin.push(node.origin);
        return b.add({
          parent,
          depth,
          start,
          total: node.total,
          self: node.self,
          name: node.name,
          calls: node.calls,
          thread: 0,
          file: view.file[node.origin],
          line: view.line[node.origin],
        });
      },
    );
  }
  return { view: b.finish(), origin: Int32Array.from(origin) };
}

/**
 * The sandwich of one name: its callees (everything below the outermost spans of that name,
 * merged by path) and its callers (the paths from the roots down to those spans, inverted: the
 * name on top, its direct callers below it, and so on), each weighted by the spans' total time.
 */
export function sandwichOf(view: FlameView, name: number, subtreeEnd: Uint32Array): { callers: DerivedView; callees: DerivedView } {
  const calleeRoot = acc(name, -1);
  const callerRoot = acc(name, -1);
  for (let i = 0; i < view.count;) {
    if (view.name[i] !== name) {
      i++;
      continue;
    }
    // An outermost span of the name: merge its subtree into the callees.
    if (calleeRoot.origin < 0) calleeRoot.origin = callerRoot.origin = i;
    calleeRoot.total += view.total[i];
    calleeRoot.calls += view.calls[i];
    callerRoot.total += view.total[i];
    callerRoot.calls += view.calls[i];
    const end = subtreeEnd[i];
    const into = new Map<number, Acc>([[i, calleeRoot]]);
    for (let j = i; j < end; j++) {
      let node: Acc;
      if (j === i) node = calleeRoot;
      else {
        const siblings = into.get(view.parent[j])!.children;
        node = siblings.get(view.name[j]) ?? acc(view.name[j], j);
        siblings.set(view.name[j], node);
        node.total += view.total[j];
        node.calls += view.calls[j];
      }
      node.self += view.self[j];
      into.set(j, node);
    }
    // Callers: walk up, merging the inverted path.
    let at = callerRoot;
    for (let p = view.parent[i]; p >= 0; p = view.parent[p]) {
      let c = at.children.get(view.name[p]);
      if (!c) at.children.set(view.name[p], (c = acc(view.name[p], p)));
      c.total += view.total[i];
      c.calls += view.calls[i];
      at = c;
    }
    i = end;
  }
  // Self of a caller box is the part of its width not passed further up.
  const fixSelf = (n: Acc) => {
    const stack = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x !== callerRoot) {
        let kids = 0;
        for (const c of x.children.values()) kids += c.total;
        x.self = Math.max(0, x.total - kids);
      }
      stack.push(...x.children.values());
    }
  };
  fixSelf(callerRoot);
  callerRoot.self = calleeRoot.self;
  return { callers: flattenAcc(callerRoot, 'merged', view), callees: flattenAcc(calleeRoot, 'merged', view) };
}
