// The extension's registry of running cargo commands (src/extension/liveRuns.ts), with real
// process groups: what deactivation and a terminating signal leave running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { groupAlive, runProcess } from '../../../src/core/cargo/run';
import { endLiveRuns, liveRunCount, trackRun } from '../../../src/extension/liveRuns';
import { groupMembers } from '../cargo/helpers';

const POSIX = process.platform !== 'win32';

// A program that ignores SIGTERM, with a child of its own that does too.
const STUBBORN = `
const { spawn } = require('node:child_process');
process.on('SIGTERM', () => {});
spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
console.log('started');
setInterval(() => {}, 1000);
`;

/** Starts STUBBORN as a tracked run; resolves once it and its child are up. */
async function startStubborn(killGraceMs: number): Promise<{ pid: number; ended: Promise<unknown> }> {
  let started!: () => void;
  const up = new Promise<void>((resolve) => (started = resolve));
  let pid = 0;
  let ended!: Promise<unknown>;
  trackRun(new AbortController(), (run) => {
    ended = runProcess(process.execPath, ['-e', STUBBORN], {
      cwd: process.cwd(),
      signal: run.abort.signal,
      killGraceMs,
      onSpawn: (p) => (pid = run.pid = p),
      onStdout: (c) => c.includes('started') && started(),
    });
    return ended.then(() => undefined);
  });
  await up;
  return { pid, ended };
}

test('deactivation SIGKILLs a tree that ignores SIGTERM and waits until it has ended', { skip: !POSIX }, async () => {
  // runProcess's own escalation is far off: only endLiveRuns can end the tree in time.
  const { pid, ended } = await startStubborn(60_000);
  assert.equal(groupMembers(pid).length, 2, 'the program and its child run');
  await endLiveRuns({ graceMs: 300, timeoutMs: 20_000 });
  assert.equal(groupAlive(pid), false, `still alive: ${JSON.stringify(groupMembers(pid))}`);
  assert.equal(((await ended) as { cancelled: boolean }).cancelled, true);
  assert.equal(liveRunCount(), 0, 'the run is no longer live once endLiveRuns resolves');
});

test('deactivation gives up waiting after its timeout', async () => {
  let release!: () => void;
  const abort = new AbortController();
  trackRun(abort, () => new Promise<void>((resolve) => (release = resolve)));
  await endLiveRuns({ graceMs: 50, timeoutMs: 200 });
  assert.equal(abort.signal.aborted, true, 'the run was cancelled');
  assert.equal(liveRunCount(), 1, 'a run that never ends is still registered');
  release();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(liveRunCount(), 0);
});

test('with nothing running, deactivation resolves at once and no signal listener is left', async () => {
  await endLiveRuns();
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) assert.equal(process.listenerCount(s), 0, `${s} listener left`);
});

// A host process with one tracked run; it prints the run's process group, then waits to be killed.
const HOST = `
const { runProcess } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/cargo/run.ts'))});
const { trackRun } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/extension/liveRuns.ts'))});
trackRun(new AbortController(), (run) =>
  runProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    cwd: process.cwd(),
    signal: run.abort.signal,
    onSpawn: (pid) => { run.pid = pid; console.log('group ' + pid); },
  }).then(() => undefined),
);
setInterval(() => {}, 1000);
`;

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  test(`a host ended by ${signal} without deactivation takes its runs with it, and still dies by the signal`, { skip: !POSIX }, async () => {
    const host = spawn(process.execPath, ['--import', 'tsx', '-e', HOST], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => host.on('exit', (_code, sig) => resolve(sig)));
    const group = await new Promise<number>((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /group (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      host.on('exit', () => reject(new Error(`the host exited before starting its run: ${out}`)));
    });
    try {
      assert.equal(groupAlive(group), true);
      host.kill(signal);
      assert.equal(await exited, signal, 'the host ends by the signal, as it would without the listener');
      for (let i = 0; i < 100 && groupAlive(group); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(groupAlive(group), false, `the run outlived its host: ${JSON.stringify(groupMembers(group))}`);
    } finally {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
  });
}
