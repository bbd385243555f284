// Writes of tracking files and STATUS.md: a reader never sees a partial file, a failed write leaves
// the old file and no temporary, and a change on disk between read and write is refused.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConcurrentChangeError, readSnapshot, writeAtomic, writeIfUnchanged } from '../../../src/core/files';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ms-atomic-'));
  dirs.push(d);
  return d;
}

test('a reader racing writeAtomic sees the old or the new file, never a mix', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'STATUS.md');
  const oldText = 'old\n'.repeat(200_000);
  const newText = 'new\n'.repeat(250_000);
  writeFileSync(file, oldText);
  let writing = true;
  const seen = new Set<string>();
  const reader = (async () => {
    while (writing) {
      const t = await fs.readFile(file, 'utf8');
      seen.add(t === oldText ? 'old' : t === newText ? 'new' : `partial(${t.length})`);
    }
  })();
  for (let i = 0; i < 5; i++) await writeAtomic(file, i % 2 ? oldText : newText);
  writing = false;
  await reader;
  assert.ok([...seen].every((s) => s === 'old' || s === 'new'), [...seen].join(', '));
  assert.equal(readFileSync(file, 'utf8'), newText);
  assert.deepEqual(readdirSync(dir), ['STATUS.md'], 'no temporary file is left');
});

test('a write that cannot complete leaves the old file and no temporary', async () => {
  const dir = tmpDir();
  const target = path.join(dir, 'milestone-2.md');
  // A folder in the way makes the final rename fail after the temporary was written.
  mkdirSync(target);
  writeFileSync(path.join(target, 'keep'), 'x');
  await assert.rejects(writeAtomic(target, 'new text\n'));
  assert.deepEqual(readdirSync(dir), ['milestone-2.md']);
  assert.equal(readFileSync(path.join(target, 'keep'), 'utf8'), 'x');
});

test('a change on disk between read and write is refused and the other edit is kept', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'milestone-1.md');
  writeFileSync(file, '- Status: not_started\n');
  const snap = await readSnapshot(file);
  writeFileSync(file, '- Status: not_started\n- Note: added by someone else\n');
  await assert.rejects(writeIfUnchanged(snap, '- Status: in_progress\n'), (e: unknown) => e instanceof ConcurrentChangeError && /changed on disk/.test((e as Error).message));
  assert.equal(readFileSync(file, 'utf8'), '- Status: not_started\n- Note: added by someone else\n');
});

test('a file created by someone else after a read of "missing" is refused too', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'milestone-5.md');
  const snap = await readSnapshot(file);
  assert.equal(snap.text, undefined);
  writeFileSync(file, 'theirs\n');
  await assert.rejects(writeIfUnchanged(snap, 'ours\n'), ConcurrentChangeError);
  assert.equal(readFileSync(file, 'utf8'), 'theirs\n');
});
