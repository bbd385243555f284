// Start and Complete write two files, STATUS.md and the tracking file, as one decision. A run that
// stopped between the two (killed, or the second write failed) leaves them disagreeing; the next run
// finds the half-done state, completes it and says so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseStatus, statusEntry } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { buildCli, CLI } from '../cli/run';
import { STATUS, tracking } from '../core/helpers';
import { cleanup, fixtureCopy, runCli } from './hostileHelpers';
import { AFTER, BASELINE, remove, startedRepo } from '../report/helpers';

const roots: string[] = [];
after(() => roots.forEach(remove));

before(buildCli);
after(cleanup);

const DIR = path.dirname(STATUS);

function pair(root: string) {
  const s = parseStatus(readFileSync(path.join(root, STATUS), 'utf8'), STATUS);
  const tFile = path.join(root, tracking('2'));
  const t = existsSync(tFile) ? parseTracking(readFileSync(tFile, 'utf8'), tracking('2')) : undefined;
  return { status: statusEntry(s, '2')?.status, owner: statusEntry(s, '2')?.owner, tracking: t?.status, trackingOwner: t?.fields.owner?.value };
}

function leftovers(root: string): string[] {
  return readdirSync(path.join(root, DIR)).filter((f) => /\.(lock|tmp|journal)$/.test(f));
}

test('pair: STATUS.md says started, the tracking file was never written: the next start writes it and says so', async () => {
  const root = fixtureCopy();
  const file = path.join(root, STATUS);
  writeFileSync(file, readFileSync(file, 'utf8').replace('| 2 | `not_started` | | | |', '| 2 | `in_progress` | dana | 2026-12-01 | |'));
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /interrupted start/i);
  assert.deepEqual(pair(root), { status: 'in_progress', owner: 'dana', tracking: 'in_progress', trackingOwner: 'dana' });
  const again = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.doesNotMatch(again.stdout + again.stderr, /interrupted/i, 'once repaired, a resume is a plain resume');
});

test('pair: the tracking file says started, STATUS.md does not: the next start updates STATUS.md and says so', async () => {
  const root = fixtureCopy();
  writeFileSync(path.join(root, tracking('2')), '# Milestone 2\n\n- Status: in_progress\n- Owner: dana\n- Started: 2026-12-01\n');
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /interrupted start/i);
  assert.deepEqual(pair(root), { status: 'in_progress', owner: 'dana', tracking: 'in_progress', trackingOwner: 'dana' });
});

/** Runs start in a child that is killed (SIGKILL, by itself) at a numbered step of the two-file write. */
function startKilledAt(root: string, step: number): Promise<number | string | null> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'start', '2', '--owner', 'dana', '--local'], { cwd: root, env: { ...process.env, MILESTONE_SCOPE_FAULT: `kill-at:${step}` } }, (err) => {
      resolve(err ? ((err as { signal?: string }).signal ?? (err as { code?: number }).code ?? 1) : 0);
    });
  });
}

test('pair: a start killed at each step of its write is old-or-new, and whole after the next run, with nothing left over', { timeout: 300_000 }, async () => {
  const started = { status: 'in_progress', owner: 'dana', tracking: 'in_progress', trackingOwner: 'dana' };
  let killed = 0;
  for (let step = 1; step <= 9; step++) {
    const root = fixtureCopy();
    const how = await startKilledAt(root, step);
    if (how === 'SIGKILL') killed++;
    const after = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
    assert.equal(after.code, 0, `step ${step}: ${after.stderr}`);
    assert.deepEqual(pair(root), started, `step ${step}`);
    assert.deepEqual(leftovers(root), [], `step ${step}`);
  }
  assert.equal(killed, 8, 'a start passes eight numbered points in its write; the ninth run is not killed');
});

test('pair: the second file failing to write rolls the first back (no half-done pair)', async () => {
  const root = fixtureCopy();
  const statusBefore = readFileSync(path.join(root, STATUS));
  const realRename = fsp.rename;
  let renames = 0;
  // The second file's rename fails as on a full disk.
  fsp.rename = (async (a: string, b: string) => {
    if (!/\.journal/.test(String(b)) && ++renames === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    return realRename(a, b);
  }) as typeof fsp.rename;
  let r;
  try {
    r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  } finally {
    fsp.rename = realRename;
  }
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no space/i);
  assert.deepEqual(readFileSync(path.join(root, STATUS)), statusBefore, 'STATUS.md is as it was');
  assert.equal(existsSync(path.join(root, tracking('2'))), false);
  assert.deepEqual(leftovers(root), []);
  rmSync(path.join(root, tracking('2')), { force: true });
});

test('pair: the tracking file says completed, STATUS.md still in progress: the next complete finishes it and says so', async () => {
  const root = await startedRepo('tester');
  roots.push(root);
  const file = path.join(root, tracking('2'));
  writeFileSync(file, readFileSync(file, 'utf8').replace(/- Status: .*/, '- Status: completed').replace(/(- Started: .*)/, '$1\n- Completed: 2026-12-02'));
  const r = await runCli(root, 'complete', '2', '--owner', 'tester', '--summary', 'Batched.', '--baseline', BASELINE, '--after', AFTER);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /interrupted completion/);
  const s = parseStatus(readFileSync(path.join(root, STATUS), 'utf8'), STATUS);
  assert.equal(statusEntry(s, '2')?.status, 'completed');
});
