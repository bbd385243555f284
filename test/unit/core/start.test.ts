import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { findMilestone } from '../../../src/core/catalog/model';
import { ConcurrentChangeError } from '../../../src/core/files';
import { computeStartEdits, startMilestone } from '../../../src/core/start';
import { parseStatus } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { applyEdits } from '../../../src/core/textEdits';
import { loadWorkspace } from '../../../src/core/workspace';
import { METAL, STATUS, git, gitCopy, tracking } from './helpers';

async function plan(id: string, owner: string, trackingText?: string) {
  const ws = await loadWorkspace(METAL);
  const m = findMilestone(ws.catalog, id)!;
  const file = tracking(m.id);
  let text = trackingText;
  if (text === undefined) {
    try {
      text = readFileSync(path.join(METAL, file), 'utf8');
    } catch {
      text = undefined;
    }
  }
  return computeStartEdits({
    catalog: ws.catalog,
    config: ws.config,
    status: ws.status,
    tracking: text === undefined ? parseTracking('', file, false) : parseTracking(text, file),
    milestone: m,
    owner,
    date: '2026-11-24',
    baseCommit: 'f00dfeed',
  });
}

test('ready: STATUS.md row and a new tracking file; edits reproduce the new texts', async () => {
  const p = await plan('2', 'dave');
  assert.equal(p.preflight.decision, 'ready');
  assert.deepEqual(p.changes.map((c) => [c.file, c.create]), [
    [STATUS, false],
    [tracking('2'), true],
  ]);
  for (const c of p.changes) assert.equal(applyEdits(c.before, c.edits), c.after);
  const status = parseStatus(p.changes[0]!.after, STATUS).entries.find((e) => e.id === '2')!;
  assert.deepEqual([status.status, status.owner, status.started], ['in_progress', 'dave', '2026-11-24']);
  const t = parseTracking(p.changes[1]!.after, tracking('2'));
  assert.deepEqual([t.status, t.fields.owner?.value, t.fields.started?.value, t.fields.base?.value], ['in_progress', 'dave', '2026-11-24', 'f00dfeed']);
  assert.match(p.changes[1]!.after, /`crates\/metal-backend\/src\/stacked_pcs\.rs:110`/);
  assert.match(p.changes[1]!.after, /cargo test -p openvm-metal-backend --test ntt_roundtrip/);
});

test('an existing tracking file gets its fields updated in place', async () => {
  const text = '# Milestone 3\n\n- Status: not started\n\nPlanning notes.\n';
  const p = await plan('3', 'dave', text);
  const t = p.changes.find((c) => c.file === tracking('3'))!;
  assert.equal(t.create, false);
  assert.equal(t.after, '# Milestone 3\n\n- Status: in progress\n- Owner: dave\n- Started: 2026-11-24\n- Base commit: `f00dfeed`\n\nPlanning notes.\n');
});

test('resume, noop, conflict and blocked change nothing', async () => {
  for (const [id, owner, decision] of [['1', '@BOB', 'resume'], ['0', 'dave', 'noop'], ['1', 'dave', 'conflict'], ['4', 'dave', 'blocked']] as const) {
    const p = await plan(id, owner);
    assert.equal(p.preflight.decision, decision, `${id} ${owner}`);
    assert.deepEqual(p.changes, []);
  }
});

test('startMilestone writes both files on disk; a second start by the same owner is a resume that changes nothing', async () => {
  const dir = gitCopy(METAL);
  const head = git(dir, 'rev-parse', 'HEAD');
  const r = await startMilestone(dir, '2', { owner: 'dave', now: new Date(2026, 10, 24) });
  assert.equal(r.preflight.decision, 'ready');
  assert.deepEqual(r.written, [STATUS, tracking('2')]);
  const t = parseTracking(readFileSync(path.join(dir, tracking('2')), 'utf8'), tracking('2'));
  assert.equal(t.fields.base!.value, head);
  assert.equal(t.fields.started!.value, '2026-11-24');
  assert.deepEqual(git(dir, 'status', '--porcelain').split('\n'), [` M ${STATUS}`, `?? ${tracking('2')}`]);
  const before = git(dir, 'diff');
  const again = await startMilestone(dir, 'M2', { owner: '@Dave' });
  assert.equal(again.preflight.decision, 'resume');
  assert.deepEqual(again.written, []);
  assert.equal(git(dir, 'diff'), before);
});

test('a file changed on disk between read and write is detected and nothing is written', async () => {
  const dir = gitCopy(METAL);
  await assert.rejects(
    startMilestone(dir, '2', {
      owner: 'dave',
      beforeWrite: async () => appendFileSync(path.join(dir, STATUS), '\nEdited elsewhere.\n'),
    }),
    (err: unknown) => err instanceof ConcurrentChangeError && err.file === STATUS,
  );
  assert.deepEqual(git(dir, 'status', '--porcelain').split('\n'), [` M ${STATUS}`]);
  assert.match(git(dir, 'diff'), /^\+Edited elsewhere\.$/m);
  assert.doesNotMatch(git(dir, 'diff'), /in_progress` \| dave/);
});

test('a repository without commits starts without a base commit and says so', async () => {
  const dir = gitCopy(METAL);
  git(dir, 'update-ref', '-d', 'HEAD');
  const r = await startMilestone(dir, '3', { owner: 'dave' });
  assert.equal(r.preflight.decision, 'ready');
  assert.deepEqual(r.notes, ['no git commit yet: the base commit was not recorded']);
  const t = parseTracking(readFileSync(path.join(dir, tracking('3')), 'utf8'), tracking('3'));
  assert.equal(t.fields.base, undefined);
});
