// What a failed or killed writer leaves behind: no empty lock that blocks the next run, temporaries
// of dead writers removed, and the tool's own lock and temporary files never counted as changes.
import { after, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isOwnArtifact, lockPath, readSnapshot, writeIfUnchanged } from '../../../src/core/files';
import { STATUS } from '../core/helpers';
import { AFTER, BASELINE, startedRepo, remove } from '../report/helpers';
import { cleanup, fixtureCopy, runCli } from './hostileHelpers';

const dirs: string[] = [];
after(async () => {
  cleanup();
  dirs.forEach(remove);
});
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ms-left-'));
  dirs.push(d);
  return d;
}

const fail = async () => {
  throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
};

test('locks: a failure while the lock is being written leaves no lock, and the next write goes through', async () => {
  const dir = tmp();
  const f = path.join(dir, 'STATUS.md');
  writeFileSync(f, 'old');
  const snap = await readSnapshot(f);
  // Whichever way the lock's content is written (a handle or a whole-file write), it fails.
  const realOpen = fsp.open;
  const o = mock.method(fsp, 'open', async (...args: Parameters<typeof fsp.open>) => {
    const h = await realOpen(...args);
    return new Proxy(h, { get: (t, p) => (p === 'writeFile' || p === 'write' ? fail : typeof (t as never)[p] === 'function' ? ((t as never)[p] as Function).bind(t) : (t as never)[p]) });
  });
  const w = mock.method(fsp, 'writeFile', fail);
  try {
    await assert.rejects(writeIfUnchanged(snap, 'new'));
  } finally {
    o.mock.restore();
    w.mock.restore();
  }
  assert.equal(existsSync(lockPath(f)), false, 'no lock is left');
  assert.deepEqual(readdirSync(dir), ['STATUS.md']);
  await writeIfUnchanged(snap, 'new');
  assert.equal(readFileSync(f, 'utf8'), 'new');
});

test('temporaries: those of a dead writer are removed by the next write of the file', async () => {
  const root = fixtureCopy();
  const dir = path.dirname(path.join(root, STATUS));
  const dead = path.join(dir, '.STATUS.md.999999.a1b2c3d4e5f6.tmp');
  writeFileSync(dead, 'half a file');
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temporary or lock left');
});

test('temporaries and locks are never the milestone\'s changed files', async () => {
  const root = await startedRepo('tester');
  dirs.push(root);
  const dir = path.dirname(path.join(root, STATUS));
  writeFileSync(path.join(dir, '.STATUS.md.999999.a1b2c3d4e5f6.tmp'), 'half');
  writeFileSync(path.join(dir, '.milestone-2.md.lock'), JSON.stringify({ pid: 999999, host: os.hostname(), time: 0 }));
  writeFileSync(path.join(dir, '.STATUS.md.journal'), '{}');
  const r = await runCli(root, 'report', '2', '--owner', 'tester', '--baseline', BASELINE, '--after', AFTER, '--json');
  assert.equal(r.code, 0, r.stderr);
  const files = (JSON.parse(r.stdout).changes.files as Array<{ path: string }>).map((f) => f.path);
  assert.ok(files.length > 0, 'the real change is listed');
  assert.deepEqual(files.filter((f) => /\.(tmp|lock|journal)$/.test(f)), []);
  assert.ok(isOwnArtifact('docs/x/.STATUS.md.123.abcdef012345.tmp'));
  assert.ok(!isOwnArtifact('docs/x/notes.tmp'), 'an ordinary .tmp file of the user is a change');
});
