// A cargo run that is still going when its window or server goes away. Developer: Reload Window
// and closing the browser tab make the workbench tell the server's extension host to terminate,
// which deactivates the extension; a stopped server process makes the extension host find its
// parent gone and do the same. Stopping the server with its process group (Ctrl+C) ends the
// extension host by a signal, without deactivation. In every case no cargo, rustc or example
// process of the workspace may be left; after a deactivation the run is recorded as cancelled.
//
// The example replays its trace with a long pause after each line, so it would sit in sleep for
// minutes (and not notice a closed pipe) unless something ends it.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceProcesses } from '../support/processes';
import { runTaskFromPicker, startFromPalette, startWorkbench, waitFor, type Workbench } from './lib';

const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const PROFILE_INDEX = '.milestone-scope/traces/2/index.json';
const BUILD_MS = 240_000;
/** How long the processes may take to go once the window or server is gone. */
const GONE_MS = 20_000;
/** The pause after each replayed line: far longer than GONE_MS, so only a kill ends the example in time. */
const REPLAY_DELAY_MS = 120_000;


/** The extension host the process runs under: its nearest ancestor that is one. */
function extensionHostOf(pid: number): number {
  for (let p = pid; p > 1; ) {
    if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=extensionHost')) return p;
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  throw new Error(`process ${pid} does not run under an extension host`);
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Rows of the validation table in the tracking file on disk. */
function recordedRows(wb: Workbench): string[] {
  const m = /<!-- milestone-scope:validation:start -->([\s\S]*?)<!-- milestone-scope:validation:end -->/.exec(wb.readFile(TRACKING_2));
  return m ? m[1]!.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Date') && !l.startsWith('| ---')) : [];
}

/** The profiling runs the run index lists (empty before the first). */
function indexedRuns(wb: Workbench): Array<{ outcome: string; file: string }> {
  try {
    return (JSON.parse(wb.readFile(PROFILE_INDEX)) as { runs: Array<{ outcome: string; file: string }> }).runs;
  } catch {
    return [];
  }
}


/** Starts the slow profiling run and resolves with the example's process once it runs. */
async function startSlowRun(wb: Workbench): Promise<{ pid: number; ppid: number; comm: string }> {
  killLeftovers(wb);
  await runTaskFromPicker(wb, /^\s*slow profile$/);
  const example = await waitFor(
    () => workspaceProcesses(wb.workspaceDir).find((p) => p.comm.startsWith('keccakf')),
    BUILD_MS,
    'the slow example to run',
  );
  // Its first line is out; it now sleeps for REPLAY_DELAY_MS.
  await waitFor(async () => /INFO/.test(await terminalText(wb)), 30_000, 'the first trace line in the terminal');
  return example;
}

async function terminalText(wb: Workbench): Promise<string> {
  const rows = wb.page.locator('.terminal-wrapper.active .xterm-rows').first();
  if ((await rows.count()) === 0) return '';
  return (await rows.innerText()).replace(/\u00a0/g, ' ');
}

/** Every process of the run has gone within GONE_MS of `since`, and so has the extension host it ran under. */
async function assertAllGone(wb: Workbench, extensionHost: number, what: string, since: number): Promise<void> {
  await waitFor(() => workspaceProcesses(wb.workspaceDir).length === 0 || undefined, GONE_MS, `no cargo, rustc or example process after ${what}`).catch((err) => {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(workspaceProcesses(wb.workspaceDir))} (extension host ${extensionHost} ${alive(extensionHost) ? 'still running' : 'gone'})`);
  });
  console.log(`${what}: every cargo, rustc and example process gone after ${Date.now() - since} ms`);
  await waitFor(() => !alive(extensionHost) || undefined, GONE_MS, `the extension host ${extensionHost} to exit after ${what}`);
}

/** The run's row in the tracking file and its entry in the run index say `cancelled`, nothing else. */
async function assertRecordedCancelled(wb: Workbench, runs: number): Promise<void> {
  const rows = await waitFor(() => {
    const now = recordedRows(wb).filter((r) => /--example keccakf`/.test(r));
    return now.length === runs ? now : undefined;
  }, 10_000, `${runs} profiling run(s) recorded in the tracking file`).catch((err) => {
    throw new Error(`${(err as Error).message}; the table holds: ${recordedRows(wb).join(' / ') || 'nothing'}`);
  });
  for (const row of rows) assert.match(row, /keccakf` \| cancelled \|/);
  const indexed = await waitFor(() => (indexedRuns(wb).length === runs ? indexedRuns(wb) : undefined), 10_000, `${runs} run(s) in ${PROFILE_INDEX}`);
  assert.deepEqual(indexed.map((r) => r.outcome), Array(runs).fill('cancelled'));
}

/** Opens a workbench on a fresh fixture copy with milestone 2 started and the slow profiling run in tasks.json. */
async function openWorkbench(name: string): Promise<Workbench> {
  const wb = await startWorkbench({ name, settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
  try {
    await startFromPalette(wb, '2');
    await waitFor(() => /in_progress/.test(wb.readFile(TRACKING_2)), 20_000, 'milestone 2 to start');
    // The configured profiling run (so it is captured and recorded), made slow.
    mkdirSync(join(wb.workspaceDir, '.vscode'), { recursive: true });
    writeFileSync(
      join(wb.workspaceDir, '.vscode/tasks.json'),
      JSON.stringify({
        version: '2.0.0',
        tasks: [{ type: 'milestone-scope', command: 'run', example: 'keccakf', env: { KECCAKF_REPLAY_DELAY_MS: String(REPLAY_DELAY_MS) }, label: 'slow profile' }],
      }, null, 2),
    );
    return wb;
  } catch (err) {
    await wb.close();
    throw err;
  }
}

/** Kills whatever of the workspace a failed test left running, so that it leaks into no other test. */
function killLeftovers(wb: Workbench): void {
  for (const p of workspaceProcesses(wb.workspaceDir)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

async function closeWorkbench(wb: Workbench | undefined): Promise<void> {
  if (!wb) return;
  killLeftovers(wb); // before close() removes the folder they are matched by
  await wb.close();
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

// Window close and reload share one workbench: the second run reuses the first one's build.
let wb: Workbench | undefined;
before(async () => {
  wb = await openWorkbench('run-shutdown');
});
after(async () => {
  await closeWorkbench(wb);
});

test('reloading the window ends a running cargo run with its whole process tree', { timeout: 600_000 }, async () => {
  const example = await startSlowRun(wb!);
  const extensionHost = extensionHostOf(example.pid);
  await wb!.screenshot('slow-run-before-reload');
  const since = Date.now();
  await wb!.reloadWindow();
  await assertAllGone(wb!, extensionHost, 'the reload', since);
  await assertRecordedCancelled(wb!, 1);
  await wb!.screenshot('after-reload');
});

test('closing the browser tab ends a running cargo run with its whole process tree', { timeout: 600_000 }, async () => {
  const example = await startSlowRun(wb!);
  const extensionHost = extensionHostOf(example.pid);
  await wb!.screenshot('slow-run-before-close');
  // As a person closing the tab: beforeunload and unload run, the workbench shuts down and tells
  // the server's extension host to terminate. (A browser that dies without unloading leaves the
  // extension host waiting for a reconnection for code-server's grace time, 3 hours by default.)
  const since = Date.now();
  await wb!.page.close({ runBeforeUnload: true });
  await waitFor(() => wb!.page.isClosed() || undefined, 20_000, 'the tab to close');
  await assertAllGone(wb!, extensionHost, 'closing the tab', since);
  await assertRecordedCancelled(wb!, 2);
});

test('stopping the server process ends a running cargo run with its whole process tree', { timeout: 600_000 }, async () => {
  const own = await openWorkbench('run-shutdown-server');
  try {
    const example = await startSlowRun(own);
    const extensionHost = extensionHostOf(example.pid);
    const server = parentOf(extensionHost);
    assert.match(readFileSync(`/proc/${server}/cmdline`, 'utf8'), /server-main/, 'the extension host runs under the server');
    // Only the server: its extension host finds its parent gone and shuts down, deactivating.
    const since = Date.now();
    process.kill(server, 'SIGTERM');
    await assertAllGone(own, extensionHost, 'the server process stopped', since);
    await assertRecordedCancelled(own, 1);
  } finally {
    await closeWorkbench(own);
  }
});

test('stopping the server with its process group (Ctrl+C) ends a running cargo run with its whole process tree', { timeout: 600_000 }, async () => {
  const own = await openWorkbench('run-shutdown-group');
  try {
    const example = await startSlowRun(own);
    const extensionHost = extensionHostOf(example.pid);
    // SIGTERM to the server and its extension host at once: the host ends without deactivation.
    const since = Date.now();
    await own.server.stop();
    await assertAllGone(own, extensionHost, 'the server and its process group stopped', since);
    // No time to record: the run leaves no row, and no half-written one.
    const rows = recordedRows(own).filter((r) => /--example keccakf`/.test(r));
    assert.ok(rows.every((r) => /keccakf` \| cancelled \|/.test(r)), rows.join('\n'));
    console.log(`rows recorded for the run: ${rows.length}`);
  } finally {
    await closeWorkbench(own);
  }
});
