// The lock that makes check-then-write atomic between writers: two writers holding the same
// snapshot cannot both write, a lock left by a dead process is taken over, and locks are removed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConcurrentChangeError, lockPath, readSnapshot, withFileLocks, writeAllIfUnchanged } from '../../../src/core/files';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

function tmpDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ms-lock-'));
  dirs.push(d);
  return d;
}

test('two writers with the same snapshots: one writes, the other is refused, nothing is lost', async () => {
  for (let round = 0; round < 20; round++) {
    const dir = tmpDir();
    const status = path.join(dir, 'STATUS.md');
    const trackingFile = path.join(dir, 'milestone-2.md');
    writeFileSync(status, '| 2 | not_started | |\n');
    const snaps = new Map([
      ['STATUS.md', await readSnapshot(status)],
      ['milestone-2.md', await readSnapshot(trackingFile)],
    ]);
    const write = (owner: string) =>
      writeAllIfUnchanged(
        [
          { file: 'STATUS.md', after: `| 2 | in_progress | ${owner} |\n` },
          { file: 'milestone-2.md', after: `- Owner: ${owner}\n` },
        ],
        snaps,
      ).then(
        () => ({ owner, ok: true as const }),
        (err: unknown) => ({ owner, ok: false as const, err }),
      );
    const results = await Promise.all([write('alex'), write('blake')]);
    const winners = results.filter((r) => r.ok);
    assert.equal(winners.length, 1, `round ${round}: exactly one write goes through`);
    const loser = results.find((r) => !r.ok)!;
    assert.ok(!loser.ok && loser.err instanceof ConcurrentChangeError, `round ${round}: the other is a ConcurrentChangeError`);
    const owner = winners[0]!.owner;
    assert.equal(readFileSync(status, 'utf8'), `| 2 | in_progress | ${owner} |\n`);
    assert.equal(readFileSync(trackingFile, 'utf8'), `- Owner: ${owner}\n`, 'both files come from the same writer');
    assert.deepEqual(readdirSync(dir).sort(), ['STATUS.md', 'milestone-2.md'], 'no lock or temporary file is left');
  }
});

test('a lock is held while the function runs and removed afterwards, also when it throws', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'STATUS.md');
  await withFileLocks([file], async () => {
    assert.ok(existsSync(lockPath(file)));
    assert.equal(JSON.parse(readFileSync(lockPath(file), 'utf8')).pid, process.pid);
  });
  assert.ok(!existsSync(lockPath(file)));
  await assert.rejects(withFileLocks([file], async () => Promise.reject(new Error('boom'))), /boom/);
  assert.ok(!existsSync(lockPath(file)));
});

test('a second locker waits for the first', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'STATUS.md');
  const order: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const first = withFileLocks([file], async () => {
    order.push('first in');
    await held;
    order.push('first out');
  });
  await new Promise((r) => setTimeout(r, 20));
  const second = withFileLocks([file], async () => void order.push('second in'));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(order, ['first in'], 'the second waits while the first holds the lock');
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first in', 'first out', 'second in']);
});

test('a lock left by a process that died is taken over', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'STATUS.md');
  // A pid that surely is not running: a child that has exited.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(dead.stdout);
  assert.ok(pid > 0);
  writeFileSync(lockPath(file), JSON.stringify({ pid, host: hostname(), time: Date.now() }));
  let ran = false;
  await withFileLocks([file], async () => void (ran = true));
  assert.ok(ran);
  assert.ok(!existsSync(lockPath(file)));
});
