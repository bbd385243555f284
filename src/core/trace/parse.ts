/** Entry points: parse a whole string, or a stream of chunks with progress and cancellation. */
import { InputError } from '../problems';
import { FORMAT_NAMES, type FormatParser } from './build';
import { ChromeParser } from './chrome';
import { detectFormat, DETECT_BYTES, DETECT_MAX_BYTES } from './detect';
import { FmtParser, type FmtOptions } from './fmtSubscriber';
import { FoldedParser } from './folded';
import { ForestParser } from './forest';
import { TraceCancelledError, TraceTooLargeError } from './limits';
import { LineSplitter } from './lines';
import type { Trace, TraceFormat } from './model';
import { excerpt } from './strings';

export interface ParseOptions extends FmtOptions {
  /** Skip detection and read the input as this format. */
  format?: TraceFormat;
  /** Name of the input (file path) for messages and Trace.source. */
  source?: string;
}

export interface ParseProgress {
  /** Bytes (or characters, for string chunks) consumed so far. */
  bytes: number;
  /** Total size when known (parseTraceFile knows it). */
  totalBytes?: number;
  lines: number;
  spans: number;
}

export interface StreamOptions extends ParseOptions {
  /** Called after each chunk: `bytes` only grows, and after the last chunk it is the whole input. */
  onProgress?: (progress: ParseProgress) => void;
  /**
   * Aborting stops the parse at the next chunk (parseTraceFile also closes the file at once) and
   * rejects with a TraceCancelledError whose `cause` is the signal's reason.
   */
  signal?: AbortSignal;
  totalBytes?: number;
  /** Rejects with a TraceTooLargeError as soon as more than this many bytes have come in. */
  maxBytes?: number;
  /** Appended to the too-large message: how to raise the limit. */
  limitHint?: string;
  /** Longest line accepted (default MAX_LINE_CHARS, just under V8's string limit); longer is an InputError at its line. */
  maxLineChars?: number;
}

export type TraceChunk = Uint8Array | string;

/** Formats whose parsers can read byte-decoded (latin1) lines, see ForestParser. */
const READS_BYTES: ReadonlySet<TraceFormat> = new Set(['forest']);

export function createParser(format: TraceFormat, opts: ParseOptions & { bytes?: boolean } = {}): FormatParser {
  switch (format) {
    case 'forest':
      return new ForestParser(opts.source, opts.bytes === true);
    case 'chrome':
      return new ChromeParser(opts.source);
    case 'folded':
      return new FoldedParser(opts.source);
    case 'fmt':
      return new FmtParser(opts.source, opts);
  }
}

function unknownFormat(sample: string, source: string | undefined): InputError {
  const lines = sample.split('\n');
  const i = lines.findIndex((l) => l.trim().length > 0);
  const file = source ?? '<input>';
  if (i < 0) return new InputError('The trace is empty.', { file, line: 1 }, 'trace/empty');
  return new InputError(
    `Not a trace this tool reads (${Object.values(FORMAT_NAMES).join(', ')}); it starts with: ${excerpt(lines[i].trim(), 80)}`,
    { file, line: i + 1 },
    'trace/unknown-format',
  );
}

/** Parses a whole trace held in memory. Throws InputError for empty or unreadable input. */
export function parseTrace(text: string, opts: ParseOptions = {}): Trace {
  const format = opts.format ?? detectFormat(text);
  if (!format) throw unknownFormat(text.slice(0, DETECT_MAX_BYTES), opts.source);
  const parser = createParser(format, opts);
  const lines = new LineSplitter((line, n) => parser.line(line, n));
  lines.push(text);
  lines.end();
  return parser.finish(text.length);
}

interface NodeBufferApi {
  from(a: ArrayBufferLike, offset: number, length: number): { latin1Slice(start: number, end: number): string };
}

/** Node's native (SIMD) check where the runtime offers it to platform-neutral code. */
const nativeIsAscii = (
  (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('buffer') as
    { isAscii?: (b: Uint8Array) => boolean } | undefined
)?.isAscii;

/** True when every byte is below 0x80. */
export function isAsciiBytes(b: Uint8Array): boolean {
  return nativeIsAscii ? nativeIsAscii(b) : isAsciiLoop(b);
}

/** The portable check, four bytes at a time. */
export function isAsciiLoop(b: Uint8Array): boolean {
  const n = b.byteLength;
  let i = 0;
  const head = Math.min(n, (4 - (b.byteOffset & 3)) & 3);
  for (; i < head; i++) if (b[i] >= 0x80) return false;
  const words = (n - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
    let acc = 0;
    for (let k = 0; k < words; k++) acc |= w[k];
    if (acc & 0x80808080) return false;
    i += words << 2;
  }
  for (; i < n; i++) if (b[i] >= 0x80) return false;
  return true;
}

/**
 * A streaming UTF-8 decoder. Chunks that are pure ASCII (Chrome JSON and folded stacks nearly
 * always are) become one-byte strings directly through Node's Buffer when it is there, which is
 * many times faster than UTF-8 decoding; anything else goes through TextDecoder.
 */
function chunkDecoder(): (chunk: Uint8Array | undefined) => string {
  const decoder = new TextDecoder('utf-8');
  const B = (globalThis as unknown as { Buffer?: NodeBufferApi }).Buffer;
  /** True when the decoder may hold the first bytes of a character split across chunks. */
  let pending = false;
  return (chunk) => {
    if (chunk === undefined) return decoder.decode();
    if (!pending && B && isAsciiBytes(chunk)) {
      return B.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).latin1Slice(0, chunk.byteLength);
    }
    const n = chunk.byteLength;
    pending = n > 0 && (chunk[n - 1] >= 0x80 || (n > 1 && chunk[n - 2] >= 0xc0) || (n > 2 && chunk[n - 3] >= 0xe0));
    return decoder.decode(chunk, { stream: true });
  };
}

function abortError(signal: AbortSignal): TraceCancelledError {
  return new TraceCancelledError(signal.reason);
}

/**
 * Parses a trace from chunks (a Node Readable, a web ReadableStream, any (async) iterable of
 * bytes or strings). Only the current chunk and one partial line are held besides the Trace.
 */
export async function parseTraceStream(source: AsyncIterable<TraceChunk> | Iterable<TraceChunk>, opts: StreamOptions = {}): Promise<Trace> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw abortError(signal);
  const decode = chunkDecoder();
  const B = (globalThis as unknown as { Buffer?: NodeBufferApi }).Buffer;
  // Until the format is known: the raw chunks and their text (detection needs the text; a parser
  // that reads bytes gets the raw chunks again).
  let headRaw: TraceChunk[] = [];
  let headText: string[] = [];
  let headLength = 0;
  let parser: FormatParser | undefined;
  let lines: LineSplitter | undefined;
  let asBytes = false;
  let bytes = 0;

  const latin1 = (chunk: TraceChunk): string =>
    typeof chunk === 'string'
      ? latin1Of(chunk)
      : B!.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).latin1Slice(0, chunk.byteLength);

  let nextTry = DETECT_BYTES;
  /** Picks the parser once the head says which format this is; false to wait for more input. */
  const start = (final: string, last: boolean): boolean => {
    const sample = headText.join('') + final;
    const format = opts.format ?? detectFormat(sample);
    if (!format) {
      if (!last && sample.length < DETECT_MAX_BYTES) {
        nextTry = sample.length * 4;
        return false;
      }
      throw unknownFormat(sample, opts.source);
    }
    asBytes = B !== undefined && READS_BYTES.has(format) && headRaw.every((c) => typeof c !== 'string');
    const p = createParser(format, { ...opts, bytes: asBytes });
    parser = p;
    lines = new LineSplitter((line, n) => p.line(line, n), { maxLineChars: opts.maxLineChars, source: opts.source });
    if (asBytes) for (const c of headRaw) lines.push(latin1(c));
    else lines.push(sample);
    headRaw = [];
    headText = [];
    return true;
  };

  const maxBytes = opts.maxBytes ?? Infinity;
  try {
    for await (const chunk of source as AsyncIterable<TraceChunk>) {
      if (signal?.aborted) throw abortError(signal);
      bytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
      if (bytes > maxBytes) throw new TraceTooLargeError(opts.source ?? '<input>', bytes, maxBytes, opts.limitHint, false);
      if (!lines) {
        headRaw.push(chunk);
        const text = typeof chunk === 'string' ? chunk : decode(chunk);
        headText.push(text);
        headLength += text.length;
        if (headLength >= nextTry) start('', false);
      } else {
        lines.push(asBytes ? latin1(chunk) : typeof chunk === 'string' ? chunk : decode(chunk));
      }
      onProgress?.({ bytes, totalBytes: opts.totalBytes, lines: lines ? lines.lines : 0, spans: parser ? parser.spanCount : 0 });
    }
  } catch (err) {
    // A source destroyed because of the abort fails in its own way; report the cancellation.
    if (signal?.aborted && !(err instanceof TraceCancelledError)) throw abortError(signal);
    throw err;
  }
  if (signal?.aborted) throw abortError(signal);
  const tail = asBytes ? '' : decode(undefined);
  if (!lines) start(tail, true);
  else if (tail) lines.push(tail);
  lines!.end();
  return parser!.finish(bytes);
}

/** A string's UTF-8 bytes as one character per byte. */
function latin1Of(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}
