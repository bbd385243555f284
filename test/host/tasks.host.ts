// Cargo tasks and the validation commands in the real extension host: tasks from the
// configuration and the crate's targets, results recorded in the tracking file, compiler errors
// in the Problems panel, refusal of workspace-wide definitions, cancellation that leaves no
// cargo, rustc or example process, and the profiling run's captured trace.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { nextEvent, onReset, readWorkspaceFile, test, waitFor, waitForActivation, workspacePath, workspaceRoot } from './framework';
import { workspaceProcesses as processesIn, type WorkspaceProcess } from '../support/processes';

const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const BUILD_MS = 240_000;

onReset(async () => {
  for (const e of vscode.tasks.taskExecutions) e.terminate();
  await vscode.commands.executeCommand('milestoneScope.stopMilestone');
});

async function startMilestone2(): Promise<void> {
  await waitForActivation();
  // Right after a workspace reset the extension may still hold the previous documents for a
  // moment (its reload is debounced); start again until the reset documents are seen.
  await waitFor(async () => {
    const r = await vscode.commands.executeCommand<{ decision: string }>('milestoneScope.startMilestone', '2');
    const tracking = await readWorkspaceFile(TRACKING_2).catch(() => '');
    return r?.decision === 'ready' || (r?.decision === 'resume' && tracking.includes('in_progress'));
  }, 15_000, 'Start Milestone 2 to be ready');
  await waitFor(async () => (await readWorkspaceFile(TRACKING_2).catch(() => '')).includes('in_progress'), 10_000, 'milestone-2.md to be created');
}

/** Rows of the validation table in the tracking file. */
async function recordedRows(): Promise<string[]> {
  const text = await readWorkspaceFile(TRACKING_2).catch(() => '');
  const m = /<!-- milestone-scope:validation:start -->([\s\S]*?)<!-- milestone-scope:validation:end -->/.exec(text);
  return m ? m[1]!.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Date') && !l.startsWith('| ---')) : [];
}

async function waitForRow(pattern: RegExp, description: string): Promise<string> {
  return waitFor(async () => (await recordedRows()).find((r) => pattern.test(r)), BUILD_MS, description);
}

async function milestoneTasks(): Promise<vscode.Task[]> {
  return vscode.tasks.fetchTasks({ type: 'milestone-scope' });
}

/** Processes running in the workspace folder (cargo, rustc, the example). */
function workspaceProcesses(): WorkspaceProcess[] {
  return processesIn(workspaceRoot());
}

/** Runs a task and resolves with its exit code. */
async function runTask(task: vscode.Task, timeoutMs = BUILD_MS): Promise<number | undefined> {
  const ended = nextEvent(vscode.tasks.onDidEndTaskProcess, timeoutMs, `${task.name} to end`, (e) => e.execution.task.name === task.name);
  await vscode.tasks.executeTask(task);
  return (await ended).exitCode;
}

test('tasks: configured and discovered tasks are offered', async () => {
  await waitForActivation();
  const tasks = await milestoneTasks();
  const names = tasks.map((t) => t.name);
  for (const name of ['Check', 'Milestone Tests', 'Profiling Run', 'Capture Baseline', 'test ntt_roundtrip']) {
    assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
  }
  // The configured check and profiling run are offered once, as validation tasks.
  assert.equal(new Set(names).size, names.length, `duplicate task names: ${names.join(', ')}`);
  assert.ok(!names.includes('run example keccakf') && !names.includes('check openvm-metal-backend'), names.join(', '));
  const check = tasks.find((t) => t.name === 'Check')!;
  assert.equal(check.detail, 'cargo check -p openvm-metal-backend');
  assert.equal(check.group?.id, vscode.TaskGroup.Build.id);
  assert.equal(tasks.find((t) => t.name === 'test ntt_roundtrip')!.detail, 'cargo test -p openvm-metal-backend --test ntt_roundtrip');
});

test('tasks: check, tests and profiling run from commands and tasks, recorded in the tracking file', async () => {
  await startMilestone2();
  await vscode.commands.executeCommand('milestoneScope.runCheck');
  await waitForRow(/`cargo check -p openvm-metal-backend` \| passed \|/, 'the check recorded as passed');

  const ntt = (await milestoneTasks()).find((t) => t.name === 'test ntt_roundtrip')!;
  assert.equal(await runTask(ntt), 0);
  await waitForRow(/`cargo test -p openvm-metal-backend --test ntt_roundtrip` \| passed \|/, 'the test task recorded');

  await vscode.commands.executeCommand('milestoneScope.runProfile');
  const row = await waitForRow(/`cargo run -p openvm-metal-backend --example keccakf` \| passed \|.*baseline trace/, 'the profiling run recorded');
  const file = /`(\.milestone-scope\/traces\/2\/\d{8}T\d{6}Z-baseline\.txt)`/.exec(row)?.[1];
  assert.ok(file, `no trace path in ${row}`);
  const capture = await readWorkspaceFile(file);
  const replayed = readFileSync(workspacePath('crates/metal-backend/examples/traces/baseline.txt'), 'utf8');
  assert.ok(capture.includes(replayed), 'the capture holds the whole trace the example printed');
  assert.match(capture, /^keccakf: proof verified/m);

  const profile = (await milestoneTasks()).find((t) => t.name === 'Profiling Run')!;
  assert.equal(await runTask(profile), 0);
  await waitForRow(/keccakf` \| passed \|.*after trace/, 'the second profiling run labelled after');
  const tracking = await readWorkspaceFile(TRACKING_2);
  assert.match(tracking, /- \[x\] `cargo check -p openvm-metal-backend`/);
});

test('tasks: a compile error shows in Problems at its line, and goes away when fixed', async () => {
  await startMilestone2();
  const file = workspacePath(STACKED);
  const original = readFileSync(file, 'utf8');
  const lines = original.split('\n');
  lines[128] = lines[128]!.replace('command::blit_operation(', 'command::blit_operation_batched(');
  await writeFile(file, lines.join('\n'));
  const check = (await milestoneTasks()).find((t) => t.name === 'Check')!;
  assert.equal(await runTask(check), 1);
  const uri = vscode.Uri.file(file);
  const diag = await waitFor(
    () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'cargo' && d.severity === vscode.DiagnosticSeverity.Error),
    10_000,
    'a cargo error on stacked_pcs.rs',
  );
  assert.equal(diag.range.start.line, 128, 'the error is on line 129');
  assert.match(diag.message, /blit_operation_batched/);
  await waitForRow(/`cargo check -p openvm-metal-backend` \| failed \(exit 101\)/, 'the failed check recorded');

  await writeFile(file, original);
  assert.equal(await runTask(check), 0);
  assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'cargo'), []);
});

test('tasks: a workspace-wide task definition is refused and nothing runs', async () => {
  await startMilestone2();
  await mkdir(workspacePath('.vscode'), { recursive: true });
  await writeFile(
    workspacePath('.vscode/tasks.json'),
    JSON.stringify({ version: '2.0.0', tasks: [{ type: 'milestone-scope', command: 'check', args: ['--workspace'], label: 'check everything' }] }, null, 2),
  );
  const wide = await waitFor(async () => (await vscode.tasks.fetchTasks()).find((t) => t.name === 'check everything'), 15_000, 'the tasks.json task');
  const before = await readWorkspaceFile(TRACKING_2);
  assert.equal(await runTask(wide, 30_000), 2);
  assert.equal(await readWorkspaceFile(TRACKING_2), before, 'a refused task records nothing');
  assert.deepEqual(workspaceProcesses(), []);
});

test('tasks: cancelling a long run leaves no cargo, rustc or example process', async () => {
  await startMilestone2();
  // The configured profiling run, made slow: it prints one trace line per second.
  await mkdir(workspacePath('.vscode'), { recursive: true });
  await writeFile(
    workspacePath('.vscode/tasks.json'),
    JSON.stringify({ version: '2.0.0', tasks: [{ type: 'milestone-scope', command: 'run', example: 'keccakf', env: { KECCAKF_REPLAY_DELAY_MS: '1000' }, label: 'slow profile' }] }, null, 2),
  );
  const profile = await waitFor(async () => (await vscode.tasks.fetchTasks()).find((t) => t.name === 'slow profile'), 15_000, 'the tasks.json task');
  const ended = nextEvent(vscode.tasks.onDidEndTask, BUILD_MS, 'the profiling run to end', (e) => e.execution.task.name === 'slow profile');
  const execution = await vscode.tasks.executeTask(profile);
  await waitFor(() => workspaceProcesses().some((p) => p.comm.startsWith('keccakf')), BUILD_MS, 'the example to be running');
  execution.terminate();
  await ended;
  await waitFor(() => workspaceProcesses().length === 0 || undefined, 15_000, 'every cargo, rustc and example process to end').catch((err) => {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(workspaceProcesses())}`);
  });
  await waitForRow(/keccakf` \| cancelled \|/, 'the cancelled run recorded');
});
