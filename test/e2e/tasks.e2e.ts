// Cargo tasks in a real workbench: the three validation commands from "Run Task" and from the
// command palette with their results in the tracking file, a compile error in the Problems
// panel at its line, a refused workspace-wide task, cancellation that leaves no cargo or
// example process, and the profiling run's captured trace opened as a flame chart.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceProcesses } from '../support/processes';
import { runTaskFromPicker, startFromPalette, startWorkbench, waitFor, type Workbench } from './lib';

const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const BUILD_MS = 240_000;

/** Rows of the validation table in the tracking file on disk. */
function recordedRows(wb: Workbench): string[] {
  let text = '';
  try {
    text = wb.readFile(TRACKING_2);
  } catch {
    return [];
  }
  const m = /<!-- milestone-scope:validation:start -->([\s\S]*?)<!-- milestone-scope:validation:end -->/.exec(text);
  return m ? m[1]!.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Date') && !l.startsWith('| ---')) : [];
}

function waitForRow(wb: Workbench, pattern: RegExp, description: string): Promise<string> {
  return waitFor(() => recordedRows(wb).find((r) => pattern.test(r)), BUILD_MS, description);
}

/** The text of the terminal shown in the panel (DOM renderer: GPU acceleration is off). */
async function terminalText(wb: Workbench): Promise<string> {
  const rows = wb.page.locator('.terminal-wrapper.active .xterm-rows').first();
  if ((await rows.count()) === 0) return '';
  return (await rows.innerText()).replace(/\u00a0/g, ' ');
}

function waitForTerminal(wb: Workbench, pattern: RegExp, description: string, timeoutMs = BUILD_MS): Promise<string> {
  return waitFor(async () => {
    const text = await terminalText(wb);
    return pattern.test(text) ? text : undefined;
  }, timeoutMs, description);
}



test('validation tasks run from Run Task and from commands, and record their results', { timeout: 900_000 }, async () => {
  // The example replays its recorded trace (compared with the capture below); its default is a simulated proof.
  const wb = await startWorkbench({ name: 'tasks', settings: { 'terminal.integrated.gpuAcceleration': 'off' }, env: { KECCAKF_TRACE: 'baseline' } });
  try {
    await startFromPalette(wb, '2');
    await waitFor(() => { try { return /in_progress/.test(wb.readFile(TRACKING_2)); } catch { return false; } }, 20_000, 'milestone 2 to start');

    // Run Task lists the milestone tasks with their cargo commands.
    await wb.runCommand('Tasks: Run Task');
    await wb.quickPickItems();
    await wb.pickQuickItem(/^\s*milestone-scope$/);
    const tasks = await waitFor(async () => {
      const items = await wb.quickPickItems();
      return items.some((i) => /Milestone Scope: Check/.test(i)) ? items : undefined;
    }, 60_000, 'the milestone-scope tasks in Run Task');
    await wb.screenshot('run-task-picker');
    for (const name of ['Check', 'Milestone Tests', 'Profiling Run', 'Capture Baseline', 'test ntt_roundtrip']) {
      assert.ok(tasks.some((t) => t.includes(`Milestone Scope: ${name}`)), `${name} missing from ${tasks.join(' | ')}`);
    }
    await wb.pickQuickItem(/Milestone Scope: Check$/);
    await waitForTerminal(wb, /cargo check -p openvm-metal-backend: passed/, 'the check to pass in the terminal');
    await wb.screenshot('check-from-run-task');
    await waitForRow(wb, /`cargo check -p openvm-metal-backend` \| passed \|/, 'the check recorded');

    // The tests, from the command palette.
    await wb.runCommand('Milestone Scope: Run Milestone Tests');
    const testOutput = await waitForTerminal(wb, /ntt_roundtrip: passed/, 'the tests to pass in the terminal');
    assert.match(testOutput, /test result: ok\. 6 passed/);
    await wb.screenshot('tests-from-command');
    await waitForRow(wb, /--test ntt_roundtrip` \| passed \|/, 'the test run recorded');

    // The profiling run from Run Task: a baseline capture, then the offer to open the flame chart.
    await runTaskFromPicker(wb, /Milestone Scope: Profiling Run$/);
    await waitForTerminal(wb, /keccakf: passed .*baseline trace/, 'the profiling run to finish');
    const row = await waitForRow(wb, /--example keccakf` \| passed \|.*baseline trace/, 'the profiling run recorded');
    const capture = /`(\.milestone-scope\/traces\/2\/[^`]+-baseline\.txt)`/.exec(row)![1]!;
    const content = wb.readFile(capture);
    assert.ok(content.includes(wb.readFile('crates/metal-backend/examples/traces/baseline.txt')), 'the capture holds the whole trace');
    // The offer to open the flame chart (from the notification centre: the headless window has
    // no focus, so VS Code keeps toasts back).
    await wb.runCommand('Notifications: Show Notifications');
    const offer = wb.page.locator('.notifications-center .notification-list-item').filter({ hasText: 'Profiling run captured as baseline' });
    await offer.first().waitFor({ timeout: 20_000 });
    await wb.screenshot('profile-captured');
    await offer.first().getByRole('button', { name: 'Open Flame Chart' }).click();
    await wb.webviewFrame({ timeoutMs: 30_000 });
    await wb.screenshot('flame-chart-of-capture');

    // A second profiling run, from the command palette, is the "after" run.
    await wb.runCommand('Milestone Scope: Run Profiling Run');
    await waitForRow(wb, /--example keccakf` \| passed \|.*after trace/, 'the after run recorded');
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('View: Hide Panel');
    await wb.openFile(TRACKING_2, 30);
    await wb.screenshot('tracking-file-with-results');
    assert.equal(recordedRows(wb).length, 4);
  } finally {
    await wb.close();
  }
});

test('a compile error shows in Problems; a workspace-wide task is refused; cancelling ends every process', { timeout: 900_000 }, async () => {
  const wb = await startWorkbench({ name: 'tasks-errors', settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
  try {
    await startFromPalette(wb, '2');
    await waitFor(() => { try { return /in_progress/.test(wb.readFile(TRACKING_2)); } catch { return false; } }, 20_000, 'milestone 2 to start');

    // A deliberate compile error at stacked_pcs.rs:129.
    const file = join(wb.workspaceDir, STACKED);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[128] = lines[128]!.replace('command::blit_operation(', 'command::blit_operation_batched(');
    writeFileSync(file, lines.join('\n'));
    await wb.runCommand('Milestone Scope: Run Check');
    await waitForTerminal(wb, /cargo check -p openvm-metal-backend: failed \(exit 101\)/, 'the check to fail');
    await wb.screenshot('check-failed-terminal');
    const problems = await waitFor(async () => {
      const rows = await wb.problems();
      return rows.some((r) => r.severity === 'error' && /blit_operation_batched/.test(r.message)) ? rows : undefined;
    }, 30_000, 'the compile error in the Problems panel');
    const error = problems.find((r) => r.severity === 'error' && /blit_operation_batched/.test(r.message))!;
    assert.equal(error.file, 'stacked_pcs.rs');
    assert.equal(error.line, 129);
    await wb.screenshot('problems-panel');
    await waitForRow(wb, /`cargo check -p openvm-metal-backend` \| failed \(exit 101\)/, 'the failed check recorded');
    writeFileSync(file, lines.join('\n').replace('command::blit_operation_batched(', 'command::blit_operation('));

    // A workspace-wide task definition in tasks.json is refused with its message.
    mkdirSync(join(wb.workspaceDir, '.vscode'), { recursive: true });
    writeFileSync(
      join(wb.workspaceDir, '.vscode/tasks.json'),
      JSON.stringify({
        version: '2.0.0',
        tasks: [
          { type: 'milestone-scope', command: 'check', args: ['--workspace'], label: 'check everything' },
          { type: 'milestone-scope', command: 'run', example: 'keccakf', env: { KECCAKF_REPLAY_DELAY_MS: '1000' }, label: 'slow profile' },
        ],
      }, null, 2),
    );
    const rowsBefore = recordedRows(wb).length;
    await runTaskFromPicker(wb, /^\s*check everything$/);
    const refused = await waitForTerminal(wb, /Refused: "--workspace" makes "cargo check" workspace-wide/, 'the refusal in the terminal', 30_000);
    assert.match(refused, /per-crate commands only/);
    await wb.screenshot('workspace-wide-refused');
    assert.equal(recordedRows(wb).length, rowsBefore, 'a refused task records nothing');

    // A long run, cancelled: nothing of it is left running.
    await runTaskFromPicker(wb, /^\s*slow profile$/);
    await waitFor(() => workspaceProcesses(wb.workspaceDir).some((p) => p.comm.startsWith('keccakf')) || undefined, BUILD_MS, 'the slow example to run');
    await waitForTerminal(wb, /INFO {5}generate_trace/, 'trace lines to stream');
    await wb.screenshot('long-run-streaming');
    await wb.runCommand('Tasks: Terminate Task');
    // With one running task VS Code terminates it at once; with a picker, choose it.
    if (await wb.page.locator('.quick-input-widget').isVisible()) await wb.pickQuickItem(/slow profile/);
    // Terminating a task closes its terminal; the record and the process table tell the rest.
    await waitForRow(wb, /keccakf` \| cancelled \|/, 'the cancellation recorded');
    await waitFor(() => workspaceProcesses(wb.workspaceDir).length === 0 || undefined, 20_000, 'no cargo, rustc or example process left').catch((err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(workspaceProcesses(wb.workspaceDir))}`);
    });
    await wb.openFile(TRACKING_2, 30);
    await wb.screenshot('long-run-cancelled-recorded');
  } finally {
    await wb.close();
  }
});
