// Complete Milestone inside the real extension host: the report written into milestone-2.md and
// STATUS.md from the recorded profiling runs, the report preview and its copy action, refusals.
import * as assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { onReset, readWorkspaceFile, test, waitFor, waitForActivation, workspacePath } from './framework';

const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';
const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
const TRACES = 'crates/metal-backend/examples/traces';

interface CompleteResult {
  milestoneId: string;
  completed: boolean;
  refusals: Array<{ code: string; message: string; forcible: boolean }>;
  written: string[];
  date?: string;
  markdown: string;
}

onReset(async () => {
  await vscode.commands.executeCommand('milestoneScope.stopMilestone');
});

/** Milliseconds of the first span line named `name` in tracing-forest text. */
function forestMs(text: string, name: string): number {
  const m = new RegExp(`[━ ]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\[ ([0-9.]+)(µs|ms|s) `).exec(text);
  if (!m) throw new Error(`no span ${name}`);
  return Number(m[1]) * ({ µs: 1e-3, ms: 1, s: 1e3 } as Record<string, number>)[m[2]!]!;
}

function pct(before: number, after: number): string {
  return `${(((after - before) / before) * 100).toFixed(1)}%`;
}

async function startMilestone2WithRuns(): Promise<void> {
  await waitForActivation();
  const r = await vscode.commands.executeCommand<{ decision: string }>('milestoneScope.startMilestone', '2');
  assert.equal(r?.decision, 'ready');
  await waitFor(async () => (await readWorkspaceFile(TRACKING_2).catch(() => '')).includes('in_progress'), 10_000, 'milestone-2.md to be created');
  // The profiling runs as the cargo tasks record them: captures named by time and label.
  const dir = workspacePath('.milestone-scope/traces/2');
  await mkdir(dir, { recursive: true });
  await writeFile(workspacePath('.milestone-scope/.gitignore'), '*\n');
  await copyFile(workspacePath(`${TRACES}/baseline.txt`), `${dir}/20261120T100000Z-baseline.txt`);
  await copyFile(workspacePath(`${TRACES}/after.txt`), `${dir}/20261121T100000Z-after.txt`);
  const stacked = await readWorkspaceFile(STACKED);
  await writeFile(workspacePath(STACKED), stacked.replace(/\n(\s*)(for [^\n]*\{)/, '\n$1// Copies are batched below.\n$1$2'));
}

function complete(args: Record<string, unknown>): Thenable<CompleteResult | undefined> {
  return vscode.commands.executeCommand<CompleteResult | undefined>('milestoneScope.completeMilestone', args);
}

function reportTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /milestone-2-report\.md/.test(t.label));
}

test('complete: the report in milestone-2.md and a completed STATUS.md row, previewed and copied', async () => {
  await startMilestone2WithRuns();
  const statusBefore = await readWorkspaceFile(STATUS);
  const summary = 'Batched the blit copies into one command buffer with one sync.';
  const r = await complete({ milestoneId: '2', summary });
  assert.ok(r, 'the command returned a result');
  assert.equal(r.completed, true, JSON.stringify(r.refusals));
  assert.deepEqual([...r.written].sort(), [STATUS, TRACKING_2].sort());

  const base = await readWorkspaceFile(`${TRACES}/baseline.txt`);
  const after = await readWorkspaceFile(`${TRACES}/after.txt`);
  const rs = pct(forestMs(base, 'rs_code_matrix'), forestMs(after, 'rs_code_matrix'));
  const root = pct(forestMs(base, 'stark_prove_excluding_trace'), forestMs(after, 'stark_prove_excluding_trace'));
  assert.equal(rs, '-40.0%');
  assert.equal(root, '-15.2%');
  const tracking = await readWorkspaceFile(TRACKING_2);
  assert.ok(tracking.includes(`| ${rs} (40.0% faster) |`), 'the timing section shows rs_code_matrix 40% faster');
  assert.ok(tracking.includes(`(${root}), not settled: one run on a side`), 'and the root −15 %, not called from one run per side');
  assert.match(tracking, /\| `crates\/metal-backend\/src\/stacked_pcs\.rs` \| modified \| \+1 -0 \| in scope \|/);
  const residual = /<!-- milestone-scope:report-residual:start -->\n[\s\S]*?\n\| `([^`]+)`/.exec(tracking);
  assert.match(residual?.[1] ?? '', /round0/, 'residual bottlenecks led by round0');
  assert.match(tracking, /- Status: `completed`/);

  const status = await readWorkspaceFile(STATUS);
  const changed = status.split('\n').filter((l, i) => l !== statusBefore.split('\n')[i]);
  assert.equal(changed.length, 1);
  assert.match(changed[0]!, /^\| 2 \| `completed` \| [^|]+ \| \d{4}-\d{2}-\d{2} \| Completed \d{4}-\d{2}-\d{2}\. \|$/);

  // The report opens in the markdown preview; the copy action puts it on the clipboard.
  await waitFor(() => reportTab(), 15_000, 'the report preview tab');
  // (Reading the clipboard back needs the browser's permission, which the UI test grants.)
  const copied = await vscode.commands.executeCommand<string | undefined>('milestoneScope.copyReport');
  assert.equal(copied, r.markdown);
  assert.match(r.markdown, /^# Milestone 2 report:/);

  // Twice: nothing changes.
  const again = await complete({ milestoneId: '2', summary });
  assert.equal(again?.completed, true);
  assert.deepEqual(again?.written, []);
  assert.equal(await readWorkspaceFile(TRACKING_2), tracking);
  assert.equal(await readWorkspaceFile(STATUS), status);
});

test("complete: another engineer's milestone and scope errors are refused; nothing is written", async () => {
  await startMilestone2WithRuns();
  const other = await complete({ milestoneId: '1', summary: 'x' });
  assert.equal(other?.completed, false);
  assert.equal(other?.refusals[0]?.code, 'not-yours');
  assert.match(other!.refusals[0]!.message, /in progress by @bob/);

  const merkle = await readWorkspaceFile(MERKLE);
  await writeFile(workspacePath(MERKLE), merkle.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // read back'));
  const before = [await readWorkspaceFile(STATUS), await readWorkspaceFile(TRACKING_2)];
  const refused = await complete({ milestoneId: '2', summary: 'x' });
  assert.deepEqual(refused?.refusals.map((x) => x.code), ['scope-errors']);
  assert.deepEqual([await readWorkspaceFile(STATUS), await readWorkspaceFile(TRACKING_2)], before);

  const forced = await complete({ milestoneId: '2', summary: 'x', force: true, reason: 'agreed with the milestone 3 owner' });
  assert.equal(forced?.completed, true);
  assert.match(await readWorkspaceFile(TRACKING_2), /Completed despite 1 scope error\.\*\* Reason given: agreed with the milestone 3 owner/);
});
