/**
 * Typed arrays survive `postMessage` in current VS Code, but older hosts and other embedders may
 * deliver them as plain arrays or index-keyed objects. This restores them, and checks the shape
 * of a received document so a malformed one fails loudly instead of drawing garbage.
 */
import type { FlameDocument, FlameView } from '../../core/flame/data';

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

export function reviveView(raw: FlameView, strings: number): FlameView {
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
  if (v.fieldStart.length !== n + 1 || v.counterStart.length !== n + 1) throw new Error('field/counter offsets do not match the span count');
  if (v.fieldData.length < 2 * (v.fieldStart[n] ?? 0) || v.counterName.length < (v.counterStart[n] ?? 0)) throw new Error('field/counter data is truncated');
  for (let i = 0; i < n; i++) {
    if (v.name[i] >= strings) throw new Error(`span ${i} names string ${v.name[i]} of ${strings}`);
    if (v.parent[i] >= i) throw new Error(`span ${i} has parent ${v.parent[i]}, not an earlier span`);
  }
  return v;
}

export function reviveDocument(raw: FlameDocument): FlameDocument {
  if (!raw || !Array.isArray(raw.strings)) throw new Error('document has no string table');
  const views: FlameDocument['views'] = {};
  for (const kind of ['timeline', 'merged', 'compare'] as const) {
    const v = raw.views?.[kind];
    if (v) views[kind] = reviveView(v, raw.strings.length);
  }
  return { ...raw, views, unparsed: Array.isArray(raw.unparsed) ? raw.unparsed : [], unparsedCount: raw.unparsedCount ?? 0 };
}
