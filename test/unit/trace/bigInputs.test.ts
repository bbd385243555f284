// Big traces: progress over the bytes, cancellation, and the size limit checked before reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeScaled } from '../../../bench/traceScale';
import { loadFlameDocument, type FlameLoadProgress } from '../../../src/core/flame/load';
import { InputError } from '../../../src/core/problems';
import {
  DEFAULT_MAX_TRACE_MB,
  formatMB,
  isCancelled,
  limitBytes,
  MB,
  parseTraceFile,
  parseTraceStream,
  TraceCancelledError,
  TraceTooLargeError,
  type ParseProgress,
} from '../../../src/core/trace/index';

const dir = mkdtempSync(path.join(tmpdir(), 'ms-big-trace-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A tracing-forest trace of about `mb` MB (copies of forest_multi.txt). */
async function forestFile(name: string, mb: number): Promise<{ file: string; size: number }> {
  const file = path.join(dir, name);
  const size = await writeScaled('forest', file, Math.ceil((mb * MB) / 36_745));
  return { file, size };
}

/** Descriptors of this process open on `file` (Linux; undefined elsewhere). */
function openDescriptors(file: string): number | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      // closed while listing
    }
  }
  return n;
}

test('progress: bytes only grow, one report per 1 MiB chunk, and the last one is the whole file', async () => {
  const { file, size } = await forestFile('progress.txt', 6);
  const seen: ParseProgress[] = [];
  const trace = await parseTraceFile(file, { onProgress: (p) => seen.push({ ...p }) });
  assert.equal(trace.bytes, size);
  assert.ok(seen.length >= Math.floor(size / MB), `${seen.length} reports for ${size} bytes`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]!.bytes > seen[i - 1]!.bytes, `report ${i} went back`);
    assert.ok(seen[i]!.spans >= seen[i - 1]!.spans);
  }
  assert.ok(seen.every((p) => p.totalBytes === size && p.bytes <= size));
  assert.equal(seen.at(-1)!.bytes, size);
});

test('progress of a load over two files counts the bytes of both, then the layout phase', async () => {
  const a = await forestFile('a.txt', 2);
  const b = await forestFile('b.txt', 3);
  const seen: FlameLoadProgress[] = [];
  const { doc, notes } = await loadFlameDocument(
    { kind: 'compare', baseline: { title: 'a.txt', path: a.file }, after: { title: 'b.txt', path: b.file } },
    { onProgress: (p) => seen.push({ ...p }) },
  );
  const total = a.size + b.size;
  const read = seen.filter((p) => p.phase === 'read');
  assert.ok(read.length >= 4);
  for (let i = 1; i < read.length; i++) assert.ok(read[i]!.bytes > read[i - 1]!.bytes);
  assert.ok(read.every((p) => p.totalBytes === total));
  assert.equal(read.at(-1)!.bytes, total);
  assert.deepEqual(seen.at(-1), { phase: 'build', bytes: total, totalBytes: total, spans: doc.spanCount });
  assert.equal(seen.filter((p) => p.phase === 'build').length, 1);
  assert.deepEqual(notes.map((n) => n.title), ['a.txt', 'b.txt']);
  assert.equal(notes[0]!.spanCount + notes[1]!.spanCount, doc.spanCount);
});

test('abort: the parse stops at once with a TraceCancelledError, and the file is closed', async () => {
  const { file, size } = await forestFile('abort.txt', 8);
  const controller = new AbortController();
  let after = 0;
  let at = 0;
  const parse = parseTraceFile(file, {
    signal: controller.signal,
    onProgress: (p) => {
      if (controller.signal.aborted) after++;
      else if (p.bytes >= 2 * MB) {
        at = p.bytes;
        controller.abort();
      }
    },
  });
  const err = await parse.then(
    () => assert.fail('the parse finished'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TraceCancelledError, `got ${String(err)}`);
  assert.ok(!(err instanceof InputError), 'a cancellation is not an input error');
  assert.equal((err as Error).name, 'AbortError');
  assert.ok(isCancelled(err));
  assert.equal(after, 0, 'no chunk was parsed after the abort');
  assert.ok(at > 0 && at < size);
  // The descriptor is closed asynchronously, right after the stream is destroyed.
  for (let i = 0; i < 100 && openDescriptors(file); i++) await new Promise((r) => setTimeout(r, 10));
  const open = openDescriptors(file);
  if (open !== undefined) assert.equal(open, 0, 'the file is closed');

  // The reason given to abort() is kept as the cause and shown.
  const reason = new AbortController();
  reason.abort(new Error('user cancelled'));
  await assert.rejects(parseTraceFile(file, { signal: reason.signal }), (e: unknown) => e instanceof TraceCancelledError && /user cancelled/.test((e as Error).message) && (e as Error).cause === reason.signal.reason);

  // Aborted while the layout would start: the load does not build the document.
  const late = new AbortController();
  await assert.rejects(
    loadFlameDocument({ kind: 'trace', trace: { title: 'abort.txt', path: file } }, { signal: late.signal, onProgress: (p) => p.bytes === size && late.abort() }),
    TraceCancelledError,
  );
});

test('a file over the limit is refused from its size: nothing is read, the message names size, limit and the remedy', async () => {
  // Not a trace at all: reading any of it would fail as unknown-format instead.
  const file = path.join(dir, 'big-garbage.bin');
  writeFileSync(file, Buffer.alloc(Math.round(2.5 * MB), 0x7a));
  let progress = 0;
  const err = await parseTraceFile(file, { maxBytes: 1 * MB, limitHint: 'raise the setting x.y', source: 'big-garbage.bin', onProgress: () => progress++ }).then(
    () => assert.fail('parsed'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TraceTooLargeError, String(err));
  assert.ok(err instanceof InputError);
  assert.equal(err.code, 'trace/too-large');
  assert.equal(err.bytes, Math.round(2.5 * MB));
  assert.equal(err.limit, MB);
  assert.equal(err.message, 'big-garbage.bin is 2.5 MB, over the 1 MB limit for trace files; raise the setting x.y.');
  assert.equal(progress, 0);

  // The default limit: a sparse 1.5 GB file (no disk used) is refused unread (no progress).
  const huge = path.join(dir, 'huge.txt');
  writeFileSync(huge, '');
  truncateSync(huge, 1.5 * 1024 * MB);
  await assert.rejects(parseTraceFile(huge, { onProgress: () => progress++ }), (e: unknown) => e instanceof TraceTooLargeError && e.limit === DEFAULT_MAX_TRACE_MB * MB && /is 1,536 MB, over the 1,024 MB limit/.test(e.message));
  assert.equal(progress, 0);
  // ... and in a load of two files, before the first one is read.
  const small = await forestFile('small.txt', 1);
  await assert.rejects(
    loadFlameDocument({ kind: 'compare', baseline: { title: 'small.txt', path: small.file }, after: { title: 'huge.txt', path: huge } }, { onProgress: () => progress++ }),
    TraceTooLargeError,
  );
  assert.equal(progress, 0);
  // Bytes handed over (a remote file) obey the same limit.
  await assert.rejects(loadFlameDocument({ kind: 'trace', trace: { title: 'remote.txt', bytes: new Uint8Array(2 * MB) } }, { maxBytes: MB }), TraceTooLargeError);
  // No limit.
  assert.equal((await parseTraceFile(small.file, { maxBytes: Infinity })).bytes, small.size);
});

test('a stream of unknown size stops as soon as it passes the limit', async () => {
  let pulled = 0;
  function* endless(): Generator<string> {
    const text = 'INFO     root [ 1.00ms | 100.00% ]\n'.repeat(1000);
    for (;;) {
      pulled++;
      yield text;
    }
  }
  const err = await parseTraceStream(endless(), { maxBytes: 100_000, source: 'pipe' }).then(
    () => assert.fail('parsed'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TraceTooLargeError);
  assert.equal(err.exact, false);
  assert.equal(err.message, 'pipe grew past the 100,000 bytes limit for trace files (0.1 MB read).');
  assert.equal(pulled, 3, 'read one chunk past the limit, no more');
});

test('limits in MB: 0 and non-numbers mean none; sizes print in MB', () => {
  assert.equal(limitBytes(0), Infinity);
  assert.equal(limitBytes(undefined), Infinity);
  assert.equal(limitBytes(Number.NaN), Infinity);
  assert.equal(limitBytes(-3), Infinity);
  assert.equal(limitBytes(1), MB);
  assert.equal(limitBytes(0.5), MB / 2);
  assert.equal(formatMB(1024 * MB), '1,024 MB');
  assert.equal(formatMB(1.25 * MB), '1.3 MB');
  assert.equal(formatMB(523 * MB + 12345), '523 MB');
  assert.equal(formatMB(36_745), '36,745 bytes');
});
