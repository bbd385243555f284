// The flame chart's trace worker, bundled as the extension ships it and driven by the same client
// the extension host uses: the document it transfers back, errors across the thread boundary,
// progress, and cancellation that stops the thread and closes the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { writeScaled } from '../../../bench/traceScale';
import { buildFlameDocument } from '../../../src/core/flame/flatten';
import type { FlameLoadProgress } from '../../../src/core/flame/load';
import { InputError } from '../../../src/core/problems';
import { MB, parseTraceFile, TraceCancelledError, TraceTooLargeError } from '../../../src/core/trace/index';
import { startFlameWorker } from '../../../src/extension/flame/traceWorkerClient';

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'traces', 'forest_multi.txt');
const dir = mkdtempSync(path.join(tmpdir(), 'ms-trace-worker-'));
const script = path.join(dir, 'traceWorker.js');
test.after(() => rmSync(dir, { recursive: true, force: true }));

test.before(async () => {
  await build({ entryPoints: [path.join(ROOT, 'src', 'extension', 'flame', 'traceWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile: script, logLevel: 'warning' });
});

function openDescriptors(file: string): number | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

test('the worker returns the same document as building it in process, with its arrays transferred', async () => {
  const progress: FlameLoadProgress[] = [];
  const task = startFlameWorker(script, { job: { kind: 'trace', trace: { title: 'forest_multi.txt', path: FIXTURE } }, maxBytes: Infinity }, (p) => progress.push(p));
  const { doc, notes } = await task.result;
  const expected = buildFlameDocument(await parseTraceFile(FIXTURE), 'forest_multi.txt');
  assert.deepEqual(doc, expected);
  assert.ok(doc.views.timeline!.start instanceof Float64Array);
  assert.deepEqual(notes, [{ title: 'forest_multi.txt', spanCount: expected.spanCount, unparsedCount: 0, unparsed: [] }]);
  assert.ok(progress.length >= 2);
  assert.equal(progress.at(-1)!.phase, 'build');
  assert.equal(typeof (await task.exited), 'number', 'the thread stops after its answer');
});

test('bytes of a remote file go over by transfer and give the same document', async () => {
  const bytes = new Uint8Array(readFileSync(FIXTURE));
  const view = new Uint8Array(bytes.byteLength + 10);
  view.set(bytes, 5);
  const task = startFlameWorker(script, { job: { kind: 'trace', trace: { title: 'remote', bytes: view.subarray(5, 5 + bytes.byteLength) } }, maxBytes: Infinity });
  const { doc } = await task.result;
  assert.deepEqual(doc, buildFlameDocument(await parseTraceFile(FIXTURE), 'remote'));
  assert.equal(view.byteLength, bytes.byteLength + 10, "a view on a larger buffer is copied, the caller's buffer stays usable");
});

test('errors cross the thread boundary with their class, code and location', async () => {
  const garbage = path.join(dir, 'garbage.txt');
  writeFileSync(garbage, '\n\nthis is not a trace\n');
  const notATrace = await startFlameWorker(script, { job: { kind: 'trace', trace: { title: 'garbage.txt', path: garbage } }, maxBytes: Infinity }).result.then(
    () => assert.fail('parsed'),
    (e: unknown) => e,
  );
  assert.ok(notATrace instanceof InputError);
  assert.equal(notATrace.code, 'trace/unknown-format');
  assert.deepEqual(notATrace.location, { file: 'garbage.txt', line: 3 });
  assert.match(notATrace.message, /^garbage\.txt:3: Not a trace/);

  const tooLarge = await startFlameWorker(script, { job: { kind: 'trace', trace: { title: 'forest_multi.txt', path: FIXTURE } }, maxBytes: 1000, limitHint: 'raise the setting s' }).result.then(
    () => assert.fail('parsed'),
    (e: unknown) => e,
  );
  assert.ok(tooLarge instanceof TraceTooLargeError);
  assert.equal(tooLarge.limit, 1000);
  assert.match(tooLarge.message, /^forest_multi\.txt is 36,745 bytes, over the 1,000 bytes limit for trace files; raise the setting s\.$/);

  const missing = await startFlameWorker(script, { job: { kind: 'trace', trace: { title: 'nope.txt', path: path.join(dir, 'nope.txt') } }, maxBytes: Infinity }).result.catch((e: unknown) => e);
  assert.ok(missing instanceof InputError);
  assert.equal(missing.code, 'trace/unreadable');
});

test('cancel stops the thread midway: no result, the file is closed, progress stops', async () => {
  const file = path.join(dir, 'cancel.txt');
  const size = await writeScaled('forest', file, Math.ceil((40 * MB) / 36_745));
  const progress: FlameLoadProgress[] = [];
  let reached!: () => void;
  const midway = new Promise<void>((r) => (reached = r));
  const task = startFlameWorker(script, { job: { kind: 'trace', trace: { title: 'cancel.txt', path: file } }, maxBytes: Infinity }, (p) => {
    progress.push(p);
    if (p.bytes >= size / 5) reached();
  });
  await midway;
  assert.equal(openDescriptors(file) ?? 1, 1, 'the worker is reading the file');
  await task.cancel();
  const seen = progress.length;
  const err = await task.result.then(
    () => assert.fail('a result arrived after cancel'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TraceCancelledError);
  assert.equal(await task.exited, 1, 'terminated');
  assert.ok(progress.at(-1)!.bytes < size, 'stopped before the end of the file');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(progress.length, seen, 'no progress after the cancel');
  const open = openDescriptors(file);
  if (open !== undefined) assert.equal(open, 0, 'the file was closed with the thread');
});
