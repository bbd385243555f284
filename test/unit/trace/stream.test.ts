import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as path from 'node:path';
import { parseTrace, parseTraceFile, parseTraceStream, type ParseProgress } from '../../../src/core/trace/index';
import { InputError } from '../../../src/core/problems';
import { read, TRACES } from './helpers';

/** Splits bytes into pieces of `size`, cutting through multi-byte characters. */
function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const FILES = ['forest_multi.txt', 'forest_ansi.txt', 'chrome_trace.json', 'folded.txt', 'fmt_close.txt'];

test('streamed in small chunks (split inside characters and lines) equals parsing the whole text', async () => {
  for (const file of FILES) {
    const text = read(file);
    const bytes = new TextEncoder().encode(text);
    const whole = parseTrace(text);
    for (const size of [7, 4096]) {
      const streamed = await parseTraceStream(pieces(bytes, size));
      assert.equal(JSON.stringify(streamed.roots), JSON.stringify(whole.roots), `${file} in ${size}-byte chunks`);
      assert.equal(JSON.stringify(streamed.events), JSON.stringify(whole.events));
      assert.equal(streamed.bytes, bytes.length);
    }
    const asStrings = await parseTraceStream(Readable.from([text.slice(0, 1000), text.slice(1000)]));
    assert.equal(JSON.stringify(asStrings.roots), JSON.stringify(whole.roots), `${file} as string chunks`);
  }
});

test('non-ASCII names survive byte-level reading', async () => {
  const text = 'INFO     prüfen_ß [ 2.00ms | 50.00% / 100.00% ] wer: "Jürgen"\nINFO     ┕━ 計算 [ 1.00ms | 50.00% ]\nINFO     ｉ [info]: fertig ✓\n';
  const t = await parseTraceStream(pieces(new TextEncoder().encode(text), 3));
  assert.equal(t.roots[0]!.name, 'prüfen_ß');
  assert.deepEqual(t.roots[0]!.fields, { wer: 'Jürgen' });
  assert.equal(t.roots[0]!.children[0]!.name, '計算');
  assert.equal(t.events[0]!.message, 'fertig ✓');
});

test('progress is reported per chunk with the total size, and spans so far', async () => {
  const file = path.join(TRACES, 'folded.txt');
  const seen: ParseProgress[] = [];
  const t = await parseTraceFile(file, { onProgress: (p) => seen.push(p) });
  assert.ok(seen.length >= 1);
  const last = seen[seen.length - 1]!;
  assert.equal(last.bytes, t.bytes);
  assert.equal(last.totalBytes, t.bytes);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.bytes > seen[i - 1]!.bytes);

  const bytes = new TextEncoder().encode(read('chrome_trace.json'));
  const spans: number[] = [];
  await parseTraceStream(pieces(bytes, 10_000), { onProgress: (p) => spans.push(p.spans) });
  assert.ok(spans.length > 5);
  assert.ok(spans[spans.length - 1]! > spans[0]!, 'spans grow as chunks arrive');
});

test('aborting stops the parse and rejects with the abort reason', async () => {
  const bytes = new TextEncoder().encode(read('chrome_trace.json'));
  const controller = new AbortController();
  let chunksRead = 0;
  async function* source() {
    for (const p of pieces(bytes, 1000)) {
      chunksRead++;
      yield p;
    }
  }
  await assert.rejects(
    parseTraceStream(source(), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes >= 5000) controller.abort();
      },
    }),
    (e: unknown) => (e as Error).name === 'AbortError',
  );
  assert.ok(chunksRead <= 6, `stopped after ${chunksRead} chunks`);
  const already = new AbortController();
  already.abort(new Error('user cancelled'));
  await assert.rejects(parseTraceFile(path.join(TRACES, 'folded.txt'), { signal: already.signal }), /user cancelled/);
});

test('missing files and folders are input errors', async () => {
  await assert.rejects(parseTraceFile(path.join(TRACES, 'nope.txt')), (e: unknown) => e instanceof InputError && /Cannot read/.test(e.message));
  await assert.rejects(parseTraceFile(TRACES), (e: unknown) => e instanceof InputError && /not a file/.test(e.message));
});

test('the ASCII check agrees with a plain scan at every alignment', async () => {
  const { isAsciiBytes, isAsciiLoop } = await import('../../../src/core/trace/parse');
  const buf = new Uint8Array(64).fill(65);
  for (let start = 0; start < 8; start++) {
    for (let len = 0; len < 40; len++) {
      const view = buf.subarray(start, start + len);
      assert.equal(isAsciiLoop(view), true);
      assert.equal(isAsciiBytes(view), true);
      for (let at = 0; at < len; at++) {
        view[at] = 0xc3;
        assert.equal(isAsciiLoop(view), false, `start ${start} len ${len} at ${at}`);
        assert.equal(isAsciiBytes(view), false);
        view[at] = 65;
      }
    }
  }
});

test('unparsed lines read from bytes are reported as text', async () => {
  const text = 'INFO     prüfung [ 2.00ms | 100.00% ]\nkaputt: Größe ✗\n';
  const t = await parseTraceStream([new TextEncoder().encode(text)]);
  assert.equal(t.format, 'forest');
  assert.deepEqual(t.unparsed, [{ line: 2, text: 'kaputt: Größe ✗', reason: 'not tracing-forest output' }]);
});
