import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  addProfileRun,
  chooseLabel,
  compactTime,
  listProfileRuns,
  milestoneDir,
  newCapturePath,
  latestBaseline,
  latestAfter,
  TraceCapture,
  type ProfileRun,
} from '../../../src/core/cargo/profileRuns';

function tmpRoot(): string {
  return mkdtempSync(path.join(tmpdir(), 'ms-profile-'));
}

const runAt = (time: string, label: ProfileRun['label'], over: Partial<ProfileRun> = {}): ProfileRun => ({
  milestone: '2',
  label,
  time,
  file: `.milestone-scope/traces/2/${compactTime(new Date(time))}-${label}.txt`,
  command: 'cargo run -p openvm-metal-backend --example keccakf',
  outcome: 'passed',
  durationMs: 1000,
  ...over,
});

test('labels: baseline first, then after; explicit capture is a baseline again', () => {
  assert.equal(chooseLabel([], {}), 'baseline');
  const runs = [runAt('2026-11-24T10:00:00.000Z', 'baseline')];
  assert.equal(chooseLabel(runs, {}), 'after');
  assert.equal(chooseLabel(runs, { explicitBaseline: true }), 'baseline');
  // A baseline from before the milestone started does not count; nor does a failed one.
  assert.equal(chooseLabel(runs, { started: '2026-11-25' }), 'baseline');
  assert.equal(chooseLabel([runAt('2026-11-24T10:00:00.000Z', 'baseline', { outcome: 'failed' })], {}), 'baseline');
});

test('capture paths are per milestone, sortable, and never reused', async () => {
  const root = tmpRoot();
  try {
    const date = new Date('2026-11-24T13:40:05.123Z');
    const first = await newCapturePath(root, '2', 'baseline', date);
    assert.equal(first, '.milestone-scope/traces/2/20261124T134005Z-baseline.txt');
    writeFileSync(path.join(root, first), 'x');
    assert.equal(await newCapturePath(root, '2', 'baseline', date), '.milestone-scope/traces/2/20261124T134005Z-2-baseline.txt');
    assert.equal(milestoneDir('../x y'), '.milestone-scope/traces/__x_y');
    assert.equal(milestoneDir('M2'), '.milestone-scope/traces/M2');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the index lists runs oldest first and the capture folder is ignored by git', async () => {
  const root = tmpRoot();
  try {
    execFileSync('git', ['init', '-q'], { cwd: root });
    const a = runAt('2026-11-24T10:00:00.000Z', 'baseline');
    const b = runAt('2026-11-24T11:00:00.000Z', 'after', { durationMs: 900 });
    for (const r of [b, a]) {
      await newCapturePath(root, '2', r.label, new Date(r.time));
      writeFileSync(path.join(root, r.file), 'INFO     stark_prove_excluding_trace [ 1ms | 100.00% ]\n');
      await addProfileRun(root, r);
    }
    const { runs, problems } = await listProfileRuns(root, '2');
    assert.deepEqual(problems, []);
    assert.deepEqual(runs.map((r) => [r.label, r.time]), [['baseline', a.time], ['after', b.time]]);
    assert.equal(latestBaseline(runs)?.file, a.file);
    assert.equal(latestAfter(runs)?.file, b.file);
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
    assert.equal(status, '', 'captures show up in git status');
    assert.ok(existsSync(path.join(root, '.milestone-scope/.gitignore')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a broken index falls back to file names; vanished captures are reported', async () => {
  const root = tmpRoot();
  try {
    const a = runAt('2026-11-24T10:00:00.000Z', 'baseline');
    const gone = runAt('2026-11-24T09:00:00.000Z', 'after');
    await newCapturePath(root, '2', 'baseline', new Date(a.time));
    writeFileSync(path.join(root, a.file), 'x');
    await addProfileRun(root, a);
    await addProfileRun(root, gone);
    let list = await listProfileRuns(root, '2');
    assert.deepEqual(list.runs.map((r) => r.file), [a.file]);
    assert.deepEqual(list.problems.map((p) => p.code), ['profile/missing-capture']);

    writeFileSync(path.join(root, '.milestone-scope/traces/2/index.json'), '{ "runs": [');
    writeFileSync(path.join(root, '.milestone-scope/traces/2/20261124T120000Z-after.txt'), 'y');
    writeFileSync(path.join(root, '.milestone-scope/traces/2/notes.txt'), 'not a capture');
    list = await listProfileRuns(root, '2');
    assert.deepEqual(list.problems.map((p) => [p.code, p.file, p.line]), [['profile/bad-index', '.milestone-scope/traces/2/index.json', 1]]);
    assert.deepEqual(list.runs.map((r) => [r.label, r.time]), [['baseline', '2026-11-24T10:00:00.000Z'], ['after', '2026-11-24T12:00:00.000Z']]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a milestone without runs lists nothing', async () => {
  const root = tmpRoot();
  try {
    assert.deepEqual(await listProfileRuns(root, '7'), { runs: [], problems: [] });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('TraceCapture writes every line in order', async () => {
  const root = tmpRoot();
  try {
    const file = path.join(root, 'c.txt');
    const c = new TraceCapture(file);
    for (let i = 0; i < 10_000; i++) c.writeLine(`line ${i}`);
    await c.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 10_001);
    assert.equal(lines[9_999], 'line 9999');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
