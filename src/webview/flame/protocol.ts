/**
 * Messages between the extension host and the flame chart webview, and the state the webview
 * persists. Both sides import this module; each side switches exhaustively over what it receives.
 * Everything that comes from the webview is validated here before use.
 */
import type { FlameDocument, FlameViewKind } from '../../core/flame/data';
import type { DocumentSlice, PartInfo } from '../../core/flame/transfer';
import { parseMarks, type PhaseMark } from '../../core/flame/phases';

export const FLAME_VIEW_TYPE = 'milestoneScope.flame';

/** What a panel shows: one trace file, or a baseline and an after trace. URIs as strings. */
export type PanelSource =
  | { kind: 'trace'; uri: string }
  /** `runs`: several traces per side (an A/B session); `baseline` and `after` are then their first files. */
  | { kind: 'compare'; baseline: string; after: string; runs?: { baseline: string[]; after: string[] } };

export type ToWebview =
  | { type: 'loading'; title: string }
  | { type: 'document'; id?: number; source: PanelSource; doc: FlameDocument }
  /**
   * A big document in pieces (src/core/flame/transfer.ts): the skeleton, then its arrays' bytes
   * in slices, then the end. A newer `id` (or a whole document) replaces one still arriving.
   */
  | { type: 'documentStart'; id: number; source: PanelSource; skeleton: FlameDocument; parts: PartInfo[] }
  | ({ type: 'documentSlice'; id: number } & DocumentSlice)
  | { type: 'documentEnd'; id: number }
  /**
   * A big document as a binary file the webview fetches from `url` (an asWebviewUri of a file the
   * extension wrote under its storage): the arrays' bytes in part order (transfer.ts documentFile).
   */
  | { type: 'documentFile'; id: number; source: PanelSource; skeleton: FlameDocument; parts: PartInfo[]; url: string }
  | { type: 'highlight'; names: string[]; milestone?: string }
  /** Compare charts: each span path's verdict, 95 % interval of the relative change and p value. */
  | { type: 'spanStats'; rows: SpanStat[] }
  | { type: 'error'; title: string; message: string }
  | { type: 'sourceResult'; ok: boolean; message: string };

export interface SpanStat {
  /** `root > child > span` */
  path: string;
  /** faster, slower, unchanged, inconclusive, inherited, only-base, only-after */
  verdict: string;
  lo?: number;
  hi?: number;
  p?: number;
}

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openSource'; view: FlameViewKind; node: number; toSide: boolean }
  /** A `documentFile` was fetched (ok) or could not be (the host then sends it in slices). */
  | { type: 'documentFileDone'; id: number; ok: boolean }
  /** The chart of document `id` is drawn; `marks`: when the webview's phases ended (src/core/flame/phases.ts). */
  | { type: 'drawn'; id: number; marks: PhaseMark[] }
  | { type: 'error'; message: string };

/**
 * What the chart shows: a view of the document, or one derived from it in the webview (left
 * heavy, sandwich, the compare view at baseline widths: `removed`).
 */
export type ChartMode = FlameViewKind | 'leftHeavy' | 'sandwich' | 'removed';

/** View state the webview keeps through `setState` (and the serializer hands back on reload). */
export interface WebviewState {
  version: 1;
  source?: PanelSource;
  view?: ChartMode;
  /** Visible x range per view, in view units. */
  ranges?: Partial<Record<ChartMode, { x0: number; x1: number }>>;
  /** Zoomed node per view (breadcrumb tail). */
  zoomed?: Partial<Record<ChartMode, number>>;
  /** Sandwich: the selected span name and the table's sort. */
  sandwich?: { name?: string; column: 'name' | 'self' | 'total' | 'calls'; descending: boolean };
  scrollTop?: number;
  search?: string;
  sort?: { column: CompareColumn; descending: boolean };
}

export type CompareColumn = 'path' | 'baseline' | 'after' | 'delta' | 'change';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

const VIEW_KINDS: readonly FlameViewKind[] = ['timeline', 'merged', 'compare'];
const CHART_MODES: readonly ChartMode[] = [...VIEW_KINDS, 'leftHeavy', 'sandwich', 'removed'];
const SANDWICH_COLUMNS = ['name', 'self', 'total', 'calls'] as const;
const COMPARE_COLUMNS: readonly CompareColumn[] = ['path', 'baseline', 'after', 'delta', 'change'];
const MAX_STRING = 4096;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 31;
}

function isViewKind(v: unknown): v is FlameViewKind {
  return typeof v === 'string' && (VIEW_KINDS as readonly string[]).includes(v);
}

function isShortString(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_STRING;
}

/** Validates a message received from the webview. */
export function parseFromWebview(value: unknown): Validated<FromWebview> {
  if (!isRecord(value)) return { ok: false, error: 'message is not an object' };
  const type = value.type;
  switch (type) {
    case 'ready':
      return { ok: true, value: { type } };
    case 'openSource':
      if (!isViewKind(value.view)) return { ok: false, error: 'openSource: unknown view' };
      if (!isIndex(value.node)) return { ok: false, error: 'openSource: node is not an index' };
      return { ok: true, value: { type, view: value.view, node: value.node, toSide: value.toSide === true } };
    case 'documentFileDone':
      if (!isIndex(value.id)) return { ok: false, error: 'documentFileDone: id is not an index' };
      return { ok: true, value: { type, id: value.id, ok: value.ok === true } };
    case 'drawn': {
      if (!isIndex(value.id)) return { ok: false, error: 'drawn: id is not an index' };
      const marks = parseMarks(value.marks);
      if (!marks) return { ok: false, error: 'drawn: marks are malformed' };
      return { ok: true, value: { type, id: value.id, marks } };
    }
    case 'error':
      if (typeof value.message !== 'string') return { ok: false, error: 'error: message is not a string' };
      return { ok: true, value: { type, message: value.message.slice(0, MAX_STRING) } };
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(String(type)).slice(0, 80)}` };
  }
}

export function parsePanelSource(value: unknown): PanelSource | undefined {
  if (!isRecord(value)) return undefined;
  if (value.kind === 'trace' && isShortString(value.uri) && value.uri !== '') return { kind: 'trace', uri: value.uri };
  if (
    value.kind === 'compare' &&
    isShortString(value.baseline) &&
    isShortString(value.after) &&
    value.baseline !== '' &&
    value.after !== ''
  ) {
    const runs = value.runs;
    const list = (v: unknown) =>
      Array.isArray(v) && v.length > 0 && v.length <= 1000 && v.every((x) => isShortString(x) && x !== '') ? (v as string[]) : undefined;
    if (isRecord(runs)) {
      const baseline = list(runs.baseline);
      const after = list(runs.after);
      if (baseline && after) return { kind: 'compare', baseline: value.baseline, after: value.after, runs: { baseline, after } };
    }
    return { kind: 'compare', baseline: value.baseline, after: value.after };
  }
  return undefined;
}

function parseRange(v: unknown): { x0: number; x1: number } | undefined {
  if (!isRecord(v)) return undefined;
  const { x0, x1 } = v;
  if (typeof x0 !== 'number' || typeof x1 !== 'number' || !Number.isFinite(x0) || !Number.isFinite(x1) || !(x1 > x0)) return undefined;
  return { x0, x1 };
}

/**
 * Validates persisted webview state (the serializer receives it from the webview). Invalid parts
 * are dropped rather than failing the whole restore.
 */
export function parseWebviewState(value: unknown): WebviewState {
  const state: WebviewState = { version: 1 };
  if (!isRecord(value)) return state;
  const source = parsePanelSource(value.source);
  if (source) state.source = source;
  if (typeof value.view === 'string' && (CHART_MODES as readonly string[]).includes(value.view)) state.view = value.view as ChartMode;
  if (isRecord(value.ranges)) {
    const ranges: WebviewState['ranges'] = {};
    for (const k of CHART_MODES) {
      const r = parseRange(value.ranges[k]);
      if (r) ranges[k] = r;
    }
    state.ranges = ranges;
  }
  if (isRecord(value.zoomed)) {
    const zoomed: WebviewState['zoomed'] = {};
    for (const k of CHART_MODES) if (isIndex(value.zoomed[k])) zoomed[k] = value.zoomed[k] as number;
    state.zoomed = zoomed;
  }
  if (typeof value.scrollTop === 'number' && Number.isFinite(value.scrollTop) && value.scrollTop >= 0) state.scrollTop = value.scrollTop;
  if (isShortString(value.search)) state.search = value.search;
  if (isRecord(value.sort) && typeof value.sort.column === 'string' && (COMPARE_COLUMNS as readonly string[]).includes(value.sort.column)) {
    state.sort = { column: value.sort.column as CompareColumn, descending: value.sort.descending === true };
  }
  const sw = value.sandwich;
  if (isRecord(sw) && typeof sw.column === 'string' && (SANDWICH_COLUMNS as readonly string[]).includes(sw.column)) {
    state.sandwich = { column: sw.column as (typeof SANDWICH_COLUMNS)[number], descending: sw.descending === true };
    if (isShortString(sw.name)) state.sandwich.name = sw.name;
  }
  return state;
}

/** Compile-time exhaustiveness for switches over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}
