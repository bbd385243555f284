/**
 * From trace file(s) to the flame chart's document in one call, with progress over all the bytes
 * to read, cancellation and the size limit. The extension runs it in a worker thread
 * (src/extension/flame/traceWorker.ts) so that the extension host stays responsive.
 */
import { checkTraceFile, parseTraceFile } from '../trace/file';
import { DEFAULT_MAX_TRACE_MB, limitBytes, TraceCancelledError, TraceTooLargeError } from '../trace/limits';
import type { Trace } from '../trace/model';
import { parseTraceStream } from '../trace/parse';
import { buildCompareDocument } from './compare';
import type { FlameDocument } from './data';
import { buildFlameDocument } from './flatten';
import { spanTimingsOfDiff, spanTimingsOfTrace, type SpanTimings } from './spanTimings';
import { diffRunSets, type TraceDiff } from '../trace/diff';
import type { PhaseMark } from './phases';

/** One trace to read: a local file, or bytes already read (a file of a remote file system). */
export interface TraceInput {
  /** Shown in the chart and in messages (a workspace-relative path). */
  title: string;
  path?: string;
  bytes?: Uint8Array;
}

export type FlameJob =
  | { kind: 'trace'; trace: TraceInput }
  | { kind: 'compare'; baseline: TraceInput; after: TraceInput }
  /** Several runs per side (an A/B session): each side's runs are charted as one trace of all their proofs. */
  | { kind: 'compare-runs'; baseline: TraceInput[]; after: TraceInput[] };

export interface FlameLoadProgress {
  /** `read` while bytes come in, `build` while the chart's arrays are laid out. */
  phase: 'read' | 'build';
  /** Bytes read so far over all inputs, and their total. */
  bytes: number;
  totalBytes: number;
  /** Spans parsed so far (all of them in the build phase). */
  spans: number;
}

/** What the host reports about each input besides the chart: lines the parser skipped. */
export interface TraceNotes {
  title: string;
  spanCount: number;
  unparsedCount: number;
  unparsed: Array<{ line: number; reason: string }>;
}

export interface FlameLoadResult {
  doc: FlameDocument;
  notes: TraceNotes[];
  /** Per span path figures for the editor's span timings (src/core/flame/spanTimings.ts). */
  timings?: SpanTimings;
  /**
   * For several runs per side: the multi-trace diff of the runs (interval, p, q and a verdict per
   * span path), for the Compare view's colours and tooltips.
   */
  runDiff?: TraceDiff;
  /**
   * When each phase of the load ended (`Date.now()`, in order, the first one the start): what the
   * panel logs as the load's phases, next to the transfer's (src/core/flame/phases.ts).
   */
  marks?: PhaseMark[];
}

export interface FlameLoadOptions {
  onProgress?: (p: FlameLoadProgress) => void;
  /**
   * One trace: called with the merged view as a document of its own (`pending`) as soon as it is
   * laid out; the result's document then holds the rest (`adds`; see buildFlameDocument).
   */
  onFirst?: (first: FlameDocument, marks: PhaseMark[]) => void;
  signal?: AbortSignal;
  /** Per file; see parseTraceFile. */
  maxBytes?: number;
  limitHint?: string;
}

/** Bytes fed to the parser in pieces of this size, so progress and cancellation work the same. */
const CHUNK = 1 << 20;

function* chunks(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
}

const MAX_NOTES = 20;

function notesOf(title: string, trace: Trace): TraceNotes {
  return {
    title,
    spanCount: trace.spanCount,
    unparsedCount: trace.unparsedCount ?? trace.unparsed.length,
    unparsed: trace.unparsed.slice(0, MAX_NOTES).map((u) => ({ line: u.line, reason: u.reason })),
  };
}

export async function loadFlameDocument(job: FlameJob, opts: FlameLoadOptions = {}): Promise<FlameLoadResult> {
  const { signal, onProgress } = opts;
  const marks: PhaseMark[] = [['start', Date.now()]];
  const inputs = job.kind === 'trace' ? [job.trace] : job.kind === 'compare' ? [job.baseline, job.after] : [...job.baseline, ...job.after];
  if (job.kind === 'compare-runs' && (job.baseline.length === 0 || job.after.length === 0))
    throw new Error('a comparison of runs needs at least one trace per side');
  // Every size is checked (and the limit applied) before the first byte of any input is read.
  const maxBytes = opts.maxBytes ?? limitBytes(DEFAULT_MAX_TRACE_MB);
  const sizes = await Promise.all(
    inputs.map(async (t) => {
      if (t.path !== undefined) return checkTraceFile(t.path, { source: t.title, maxBytes, limitHint: opts.limitHint });
      const size = t.bytes?.byteLength ?? 0;
      if (size > maxBytes) throw new TraceTooLargeError(t.title, size, maxBytes, opts.limitHint);
      return size;
    }),
  );
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  let spansBefore = 0;
  const traces: Trace[] = [];
  for (const [i, input] of inputs.entries()) {
    const parseOpts = {
      source: input.title,
      signal,
      maxBytes,
      limitHint: opts.limitHint,
      onProgress:
        onProgress &&
        ((p: { bytes: number; spans: number }) =>
          onProgress({ phase: 'read', bytes: before + p.bytes, totalBytes, spans: spansBefore + p.spans })),
    };
    const trace =
      input.path !== undefined
        ? await parseTraceFile(input.path, parseOpts)
        : await parseTraceStream(chunks(input.bytes ?? new Uint8Array(0)), { ...parseOpts, totalBytes: sizes[i] });
    trace.source = input.title;
    traces.push(trace);
    before += sizes[i]!;
    spansBefore += trace.spanCount;
  }
  if (signal?.aborted) throw new TraceCancelledError(signal.reason);
  marks.push(['parsed', Date.now()]);
  onProgress?.({ phase: 'build', bytes: before, totalBytes, spans: spansBefore });
  let doc: FlameDocument;
  let timings: SpanTimings;
  let runDiff: TraceDiff | undefined;
  if (job.kind === 'trace') {
    doc = buildFlameDocument(traces[0]!, job.trace.title, {
      marks,
      onFirst: opts.onFirst && ((first) => opts.onFirst!(first, marks.slice())),
    });
    timings = spanTimingsOfTrace(traces[0]!, job.trace.title);
  } else if (job.kind === 'compare') {
    doc = buildCompareDocument(traces[0]!, traces[1]!, { baseline: job.baseline.title, after: job.after.title });
    timings = spanTimingsOfDiff(traces[0]!, traces[1]!, `${job.baseline.title} ↔ ${job.after.title}`);
  } else {
    const nb = job.baseline.length;
    const title = (side: string, list: TraceInput[]) =>
      list.length === 1 ? list[0]!.title : `${list.length} ${side} runs (${list[0]!.title} … ${list.at(-1)!.title})`;
    const titles = { baseline: title('baseline', job.baseline), after: title('after', job.after) };
    // The diff first: joinRuns re-numbers the spans' roots in place.
    runDiff = diffRunSets(traces.slice(0, nb), traces.slice(nb));
    const base = joinRuns(traces.slice(0, nb));
    const after = joinRuns(traces.slice(nb));
    doc = buildCompareDocument(base, after, titles);
    timings = spanTimingsOfDiff(base, after, `${titles.baseline} ↔ ${titles.after}`);
  }
  marks.push(['built', Date.now()]);
  return { doc, notes: inputs.map((t, i) => notesOf(t.title, traces[i]!)), timings, ...(runDiff ? { runDiff } : {}), marks };
}

/**
 * Several runs of one program as one trace: every root of every run, in order, so that per-run
 * figures (time per proof) are averages over all the runs' proofs.
 */
export function joinRuns(traces: readonly Trace[]): Trace {
  if (traces.length === 1) return traces[0]!;
  const first = traces[0]!;
  const roots: Trace['roots'] = [];
  const reindex = (span: Trace['roots'][number], index: number): void => {
    span.rootIndex = index;
    for (const c of span.children) reindex(c, index);
  };
  for (const t of traces) {
    for (const r of t.roots) {
      reindex(r, roots.length);
      roots.push(r);
    }
  }
  return {
    ...first,
    roots,
    events: traces.flatMap((t) => t.events),
    unparsed: [],
    unparsedCount: traces.reduce((n, t) => n + (t.unparsedCount ?? t.unparsed.length), 0),
    foreignLines: traces.reduce((n, t) => n + t.foreignLines, 0),
    spanCount: traces.reduce((n, t) => n + t.spanCount, 0),
  };
}

/** The distinct ArrayBuffers under a document's typed arrays: what a worker can transfer instead of copying. */
export function documentBuffers(doc: FlameDocument): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (o: object) => {
    for (const v of Object.values(o)) {
      if (ArrayBuffer.isView(v)) {
        if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
      } else if (v && typeof v === 'object' && !Array.isArray(v)) visit(v);
    }
  };
  for (const view of Object.values(doc.views)) if (view) visit(view);
  return [...out];
}
