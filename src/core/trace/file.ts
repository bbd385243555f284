/** Parsing a trace file from disk, streamed. */
import { createReadStream, promises as fs } from 'node:fs';
import { parseTraceStream, type StreamOptions } from './parse';
import type { Trace } from './model';
import { InputError } from '../problems';
import { DEFAULT_MAX_TRACE_MB, limitBytes, TraceCancelledError, TraceTooLargeError } from './limits';

export interface FileOptions extends StreamOptions {
  /** Files larger than this are refused before any byte is read. Default DEFAULT_MAX_TRACE_MB; Infinity: no limit. */
  maxBytes?: number;
}

/** The file's size, after checking that it is a readable file within the limit. */
export async function checkTraceFile(path: string, opts: Pick<FileOptions, 'maxBytes' | 'limitHint' | 'source'> = {}): Promise<number> {
  let size: number;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw new InputError(`${path} is not a file.`, undefined, 'trace/not-a-file');
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`Cannot read ${path}: ${(e as Error).message}`, undefined, 'trace/unreadable');
  }
  const max = opts.maxBytes ?? limitBytes(DEFAULT_MAX_TRACE_MB);
  if (size > max) throw new TraceTooLargeError(opts.source ?? path, size, max, opts.limitHint);
  return size;
}

/**
 * Reads and parses a trace file in 1 MiB chunks; see parseTraceStream for options. A file over
 * `maxBytes` is refused from its size alone; aborting closes the file at once.
 */
export async function parseTraceFile(path: string, opts: FileOptions = {}): Promise<Trace> {
  if (opts.signal?.aborted) throw new TraceCancelledError(opts.signal.reason);
  const maxBytes = opts.maxBytes ?? limitBytes(DEFAULT_MAX_TRACE_MB);
  const size = await checkTraceFile(path, { ...opts, maxBytes });
  if (opts.signal?.aborted) throw new TraceCancelledError(opts.signal.reason);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const close = () => stream.destroy();
  opts.signal?.addEventListener('abort', close, { once: true });
  try {
    // The limit holds for a file that grows while it is read (a profiling run still writing).
    return await parseTraceStream(stream, { source: path, totalBytes: size, ...opts, maxBytes });
  } finally {
    opts.signal?.removeEventListener('abort', close);
    stream.destroy();
  }
}
