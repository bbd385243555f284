// STATUS.md and tracking files in other encodings: a start edits the bytes of the changed cells and
// nothing else (Latin-1 bytes, byte-order marks and line endings elsewhere stay as they were), and a
// file that cannot be edited safely (UTF-16) is refused with its name and the reason.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeText, encodeText, readSnapshot } from '../../../src/core/files';
import { STATUS, tracking } from '../core/helpers';
import { cleanup, fixtureCopy, isOneLineInputError, runCli } from './hostileHelpers';

after(cleanup);

const latin1 = (s: string) => Buffer.from(s, 'latin1');

test('encodings: a Latin-1 byte in another milestone row survives a start byte for byte', async () => {
  const root = fixtureCopy();
  const file = path.join(root, STATUS);
  const original = readFileSync(file, 'utf8').replace('waiting on the M3 data layout', 'waiting on Jos\u00e9 (caf\u00e9)');
  const bytes = latin1(original); // é as the single byte 0xE9
  writeFileSync(file, bytes);
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.equal(r.code, 0, r.stderr);
  const out = readFileSync(file);
  assert.ok(out.includes(latin1('Jos\u00e9 (caf\u00e9)')), 'the Latin-1 bytes are unchanged');
  assert.ok(!out.includes(Buffer.from('\uFFFD', 'utf8')), 'no replacement character was written');
  // Everything outside the milestone 2 row is the same bytes.
  const rowStart = bytes.indexOf('| 2 |');
  const rowEnd = bytes.indexOf('\n', rowStart);
  assert.deepEqual(out.subarray(0, rowStart), bytes.subarray(0, rowStart));
  const tail = bytes.subarray(rowEnd);
  assert.deepEqual(out.subarray(out.length - tail.length), tail);
  assert.match(out.subarray(rowStart, out.length - tail.length).toString('latin1'), /^\| 2 \| `in_progress` \| dana \| \d{4}-\d{2}-\d{2} \| +\|$/);
});

test('encodings: a UTF-8 byte-order mark and CRLF line endings are kept by start', async () => {
  const root = fixtureCopy();
  const file = path.join(root, STATUS);
  const text = '\uFEFF' + readFileSync(file, 'utf8').replace(/\n/g, '\r\n');
  writeFileSync(file, text, 'utf8');
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.equal(r.code, 0, r.stderr);
  const out = readFileSync(file);
  assert.deepEqual([...out.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM is still there, once');
  assert.ok(!out.subarray(3).includes(Buffer.from([0xef, 0xbb, 0xbf])));
  assert.ok(!/[^\r]\n/.test(out.toString('utf8')), 'every line still ends in CRLF');
});

test('encodings: a Latin-1 tracking file keeps its other bytes when start edits its fields', async () => {
  const root = fixtureCopy();
  const file = path.join(root, tracking('2'));
  const body = '# Milestone 2\n\n- Status: not_started\n\nNotes by Ren\u00e9e: \u00e0 faire.\n';
  writeFileSync(file, latin1(body));
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.equal(r.code, 0, r.stderr);
  const out = readFileSync(file);
  assert.ok(out.includes(latin1('Notes by Ren\u00e9e: \u00e0 faire.\n')));
  assert.match(out.toString('latin1'), /- Status: in_progress/);
});

test('encodings: a UTF-16 STATUS.md is refused with the file and the reason, and left as it was', async () => {
  const root = fixtureCopy();
  const file = path.join(root, STATUS);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(file, 'utf8'), 'utf16le')]);
  writeFileSync(file, utf16);
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.ok(isOneLineInputError(r), `${r.code} ${r.stderr}`);
  assert.match(r.stderr, /STATUS\.md/);
  assert.match(r.stderr, /UTF-16/);
  assert.deepEqual(readFileSync(file), utf16, 'not a byte changed');
  assert.equal(existsSync(path.join(root, tracking('2'))), false, 'no tracking file was written either');
});

test('encodings: decodeText/encodeText round-trip arbitrary bytes', async () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
    if (bytes[0] === 0xff || bytes[0] === 0xfe) continue; // UTF-16 byte-order marks
    const d = decodeText(bytes);
    assert.deepEqual(encodeText(d.text), bytes, bytes.toString('hex'));
  }
  const snap = await readSnapshot(path.join(__dirname, 'does-not-exist'));
  assert.equal(snap.text, undefined);
});
