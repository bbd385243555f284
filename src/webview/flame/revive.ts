/**
 * Typed arrays survive `postMessage` in current VS Code, but older hosts and other embedders may
 * deliver them as plain arrays or index-keyed objects. This restores them, and checks the shape
 * of a received document so a malformed one fails loudly instead of drawing garbage.
 */
import type { FlameDocument, FlameView } from '../../core/flame/data';
import type { FlameLayout, Lane } from '../../core/flame/layout';

type NumericArray = Int32Array | Uint16Array | Uint32Array | Float64Array;
interface NumericArrayCtor {
  new (n: number): NumericArray;
  from(values: ArrayLike<number>): NumericArray;
}

function typed<T>(value: unknown, Ctor: NumericArrayCtor, what: string): T {
  if (value instanceof Ctor) return value as T;
  if (ArrayBuffer.isView(value)) return Ctor.from(value as unknown as ArrayLike<number>) as T;
  if (Array.isArray(value)) return Ctor.from(value as number[]) as T;
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, number>;
    const n = Object.keys(o).length;
    const out = new Ctor(n);
    for (let i = 0; i < n; i++) out[i] = o[i];
    return out as T;
  }
  throw new Error(`${what} is missing`);
}

export function reviveView(raw: FlameView, strings: number, onWarning: (message: string) => void = () => undefined): FlameView {
  const n = raw.count;
  if (!Number.isInteger(n) || n < 0) throw new Error('view count is invalid');
  const v: FlameView = {
    kind: raw.kind,
    count: n,
    timed: raw.timed === true,
    parent: typed(raw.parent, Int32Array, 'parent'),
    depth: typed(raw.depth, Uint16Array, 'depth'),
    start: typed(raw.start, Float64Array, 'start'),
    total: typed(raw.total, Float64Array, 'total'),
    self: typed(raw.self, Float64Array, 'self'),
    name: typed(raw.name, Uint32Array, 'name'),
    calls: typed(raw.calls, Uint32Array, 'calls'),
    thread: typed(raw.thread, Uint32Array, 'thread'),
    fieldStart: typed(raw.fieldStart, Uint32Array, 'fieldStart'),
    fieldData: typed(raw.fieldData, Uint32Array, 'fieldData'),
    counterStart: typed(raw.counterStart, Uint32Array, 'counterStart'),
    counterName: typed(raw.counterName, Uint32Array, 'counterName'),
    counterValue: typed(raw.counterValue, Float64Array, 'counterValue'),
    file: typed(raw.file, Int32Array, 'file'),
    line: typed(raw.line, Uint32Array, 'line'),
  };
  if (raw.baseTotal !== undefined) v.baseTotal = typed(raw.baseTotal, Float64Array, 'baseTotal');
  if (raw.baseSelf !== undefined) v.baseSelf = typed(raw.baseSelf, Float64Array, 'baseSelf');
  if (raw.baseCalls !== undefined) v.baseCalls = typed(raw.baseCalls, Uint32Array, 'baseCalls');
  for (const k of ['parent', 'depth', 'start', 'total', 'self', 'name', 'calls', 'thread', 'file', 'line'] as const) {
    if (v[k].length !== n) throw new Error(`${k} has ${v[k].length} entries for ${n} spans`);
  }
  if (v.fieldStart.length !== n + 1 || v.counterStart.length !== n + 1)
    throw new Error('field/counter offsets do not match the span count');
  if (v.fieldData.length < 2 * (v.fieldStart[n] ?? 0) || v.counterName.length < (v.counterStart[n] ?? 0))
    throw new Error('field/counter data is truncated');
  for (let i = 0; i < n; i++) {
    if (v.name[i] >= strings) throw new Error(`span ${i} names string ${v.name[i]} of ${strings}`);
    if (v.parent[i] >= i) throw new Error(`span ${i} has parent ${v.parent[i]}, not an earlier span`);
  }
  if (raw.layout !== undefined) {
    try {
      v.layout = reviveLayout(raw.layout, n);
    } catch (err) {
      // The chart can lay the view out itself; a bad precomputed layout is a bug worth reporting.
      onWarning(`the ${raw.kind} layout was rejected and recomputed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return v;
}

/** Checks a precomputed layout against the invariants the drawing code indexes by. */
export function reviveLayout(raw: FlameLayout, n: number): FlameLayout {
  const rowCount = raw.rowCount;
  if (raw.count !== n) throw new Error(`layout is for ${raw.count} spans, not ${n}`);
  if (!Number.isInteger(rowCount) || rowCount < 0) throw new Error('row count is invalid');
  const l: FlameLayout = {
    count: n,
    rowCount,
    x0: typed(raw.x0, Float64Array, 'x0'),
    x1: typed(raw.x1, Float64Array, 'x1'),
    row: typed(raw.row, Uint32Array, 'row'),
    subtreeEnd: typed(raw.subtreeEnd, Uint32Array, 'subtreeEnd'),
    root: typed(raw.root, Uint32Array, 'root'),
    rowStart: typed(raw.rowStart, Uint32Array, 'rowStart'),
    rowNodes: typed(raw.rowNodes, Uint32Array, 'rowNodes'),
    rowPos: typed(raw.rowPos, Uint32Array, 'rowPos'),
    lanes: Array.isArray(raw.lanes) ? raw.lanes.map(reviveLane) : [],
    domain: { start: Number(raw.domain?.start), end: Number(raw.domain?.end) },
  };
  for (const k of ['x0', 'x1', 'row', 'subtreeEnd', 'root', 'rowNodes', 'rowPos'] as const) {
    if (l[k].length !== n) throw new Error(`${k} has ${l[k].length} entries for ${n} spans`);
  }
  if (l.rowStart.length !== rowCount + 1 || l.rowStart[0] !== 0 || l.rowStart[rowCount] !== n)
    throw new Error('row index does not cover the spans');
  if (!(Number.isFinite(l.domain.start) && Number.isFinite(l.domain.end) && l.domain.end > l.domain.start))
    throw new Error('domain is invalid');
  for (let r = 0; r < rowCount; r++) {
    if (l.rowStart[r + 1] < l.rowStart[r]) throw new Error(`row ${r} ends before it starts`);
    for (let k = l.rowStart[r]; k < l.rowStart[r + 1]; k++) {
      const i = l.rowNodes[k];
      if (i >= n || l.rowPos[i] !== k || l.row[i] !== r) throw new Error(`row index entry ${k} is inconsistent`);
      if (k > l.rowStart[r] && l.x0[i] < l.x1[l.rowNodes[k - 1]] - 1e-6 * Math.abs(l.x1[l.rowNodes[k - 1]]))
        throw new Error(`boxes overlap in row ${r}`);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!(l.x1[i] >= l.x0[i]) || !Number.isFinite(l.x0[i]) || !Number.isFinite(l.x1[i])) throw new Error(`span ${i} has an invalid extent`);
    if (l.subtreeEnd[i] <= i || l.subtreeEnd[i] > n || l.root[i] > i) throw new Error(`span ${i} has an invalid subtree`);
  }
  return l;
}

function reviveLane(raw: Lane): Lane {
  const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
  return {
    thread: num(raw?.thread),
    headerRow: typeof raw?.headerRow === 'number' ? raw.headerRow : -1,
    firstRow: num(raw?.firstRow),
    rows: num(raw?.rows),
  };
}

export function reviveDocument(raw: FlameDocument, onWarning?: (message: string) => void): FlameDocument {
  if (!raw || !Array.isArray(raw.strings)) throw new Error('document has no string table');
  const views: FlameDocument['views'] = {};
  for (const kind of ['timeline', 'merged', 'compare'] as const) {
    const v = raw.views?.[kind];
    if (v) views[kind] = reviveView(v, raw.strings.length, onWarning);
  }
  return { ...raw, views, unparsed: Array.isArray(raw.unparsed) ? raw.unparsed : [], unparsedCount: raw.unparsedCount ?? 0 };
}
