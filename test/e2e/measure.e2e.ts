// Measure Before/After in a real workbench: after Start Milestone and an uncommitted edit that
// halves rs_code_matrix's work, the command builds the base commit (in .milestone-scope/base) and
// the working tree, runs them interleaved behind a progress notification with the runs done and
// the current interval, then opens the Compare view on the session's runs. The user's git status,
// stash and index are the same afterwards.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFromPalette, startWorkbench, waitFor } from './lib';

const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';

test('Measure Before/After: progress with the interval, then the Compare view of the runs', { timeout: 900_000 }, async () => {
  const wb = await startWorkbench({ name: 'measure' });
  try {
    await startFromPalette(wb, '2');
    await waitFor(() => { try { return /in_progress/.test(wb.readFile(TRACKING_2)); } catch { return false; } }, 90_000, 'milestone 2 to start');
    const file = join(wb.workspaceDir, STACKED);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(pub const RS_CODE_MATRIX_WORK_US: u64 = )([\d_]+);/, (_m, p: string, v: string) => `${p}${Number(v.replace(/_/g, '')) / 2};`));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: wb.workspaceDir, encoding: 'utf8' });
    // Start saves STATUS.md through the editor: the snapshot is taken once it is on disk.
    await waitFor(() => / M docs\/metal-backend-optimization-tracking\/STATUS\.md/.test(git('status', '--porcelain')), 90_000, 'STATUS.md to be saved');
    const before = [git('status', '--porcelain'), git('stash', 'list'), git('diff', '--cached')];

    await wb.runCommand('Milestone Scope: Measure Before/After');
    // The progress notification, in the notification centre (a headless window keeps toasts back).
    await wb.runCommand('Notifications: Show Notifications');
    const progress = wb.page.locator('.notifications-center .notification-list-item').filter({ hasText: 'Measure Before/After' }).first();
    await progress.waitFor({ timeout: 60_000 });
    const text = await waitFor(async () => {
      const t = (await progress.innerText().catch(() => '')).replace(/\s+/g, ' ');
      return /baseline \d+, after \d+ runs · stark_prove_excluding_trace [−+±][\d.]+% \[/.test(t) ? t : undefined;
    }, 600_000, 'the progress to show the runs and the interval');
    assert.match(text, /Measure Before\/After \(milestone 2\)/);
    await wb.screenshot('measure-progress');

    // The end: the Compare view of every counted run of both sides.
    const frame = await wb.webviewFrame({ selector: 'table.deltas tbody tr', timeoutMs: 600_000 });
    await wb.page.locator('.tab', { hasText: /Compare: \d+ baseline ↔ \d+ after runs/ }).first().waitFor({ timeout: 30_000 });
    const rsRow = frame.locator('table.deltas tbody tr').filter({ has: frame.locator('td.path', { hasText: /^rs_code_matrix/ }) }).first();
    await rsRow.waitFor({ timeout: 30_000 });
    assert.match((await rsRow.getAttribute('class')) ?? '', /\bfaster\b/);
    await wb.screenshot('measure-compare');
    const summary = await waitFor(async () => {
      await wb.runCommand('Notifications: Show Notifications');
      const item = wb.page.locator('.notifications-center .notification-list-item').filter({ hasText: 'Before/after, milestone 2' }).first();
      return (await item.count()) > 0 ? (await item.innerText()).replace(/\s+/g, ' ') : undefined;
    }, 30_000, 'the summary notification');
    assert.match(summary, /stark_prove_excluding_trace: [\d.]+ms → [\d.]+ms, −[\d.]+% \[−[\d.]+%, −[\d.]+%\], faster/);
    await wb.screenshot('measure-summary');

    assert.deepEqual([git('status', '--porcelain'), git('stash', 'list'), git('diff', '--cached')], before);
    assert.match(git('worktree', 'list'), /\.milestone-scope\/base /);
  } finally {
    await wb.close();
  }
});
