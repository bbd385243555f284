/** Parsing a trace file from disk, streamed. */
import { createReadStream, promises as fs } from 'node:fs';
import { parseTraceStream, type StreamOptions } from './parse';
import type { Trace } from './model';
import { InputError } from '../problems';

/** Reads and parses a trace file in 1 MiB chunks; see parseTraceStream for options. */
export async function parseTraceFile(path: string, opts: StreamOptions = {}): Promise<Trace> {
  let size: number;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw new InputError(`${path} is not a file.`, undefined, 'trace/not-a-file');
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`Cannot read ${path}: ${(e as Error).message}`, undefined, 'trace/unreadable');
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    return await parseTraceStream(stream, { source: path, totalBytes: size, ...opts });
  } finally {
    stream.destroy();
  }
}
