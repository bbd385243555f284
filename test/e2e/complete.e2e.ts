// Complete Milestone in a real workbench: milestone 2 started from the palette, the profiling runs
// recorded, an edit in its hotspot function; the command asks for the summary, writes the report
// into milestone-2.md and STATUS.md, and opens the report in the markdown preview, whose numbers
// come from the traces (rs_code_matrix about 40% faster, the root about 15%). Copy puts the
// markdown on the clipboard. Screenshots of the summary prompt and of the preview.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFromPalette, startWorkbench, waitFor } from './lib';

const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';
const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const TRACES = 'crates/metal-backend/examples/traces';
const SUMMARY = 'Batched all blit copies of the stacked trace into one command buffer with a single sync.';
function forestMs(text: string, name: string): number {
  const m = new RegExp(`[━ ]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\[ ([0-9.]+)(µs|ms|s) `).exec(text);
  if (!m) throw new Error(`no span ${name}`);
  return Number(m[1]) * ({ µs: 1e-3, ms: 1, s: 1e3 } as Record<string, number>)[m[2]!]!;
}

const pct = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`;

test('complete milestone 2: summary prompt, report written and previewed, copied', { timeout: 300_000 }, async () => {
  const wb = await startWorkbench({ name: 'complete', settings: { 'files.autoSave': 'off', 'editor.minimap.enabled': false } });
  try {
    await startFromPalette(wb, '2');
    await waitFor(() => wb.readFile(TRACKING_2).includes('in_progress'), 20_000, 'milestone 2 to be started');
    // The start saves STATUS.md and the tracking file one after the other: wait for both, and for no
    // editor left dirty, before Close All Editors below (which would ask about unsaved changes).
    await waitFor(() => /^\| 2 \| `in_progress` \|/m.test(wb.readFile(STATUS)), 20_000, 'the M2 row saved in STATUS.md');
    await waitFor(async () => (await wb.page.locator('.tab.dirty').count()) === 0, 20_000, 'no unsaved editor');

    // The profiling runs as the cargo tasks record them, and the optimisation itself.
    const dir = join(wb.workspaceDir, '.milestone-scope/traces/2');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(wb.workspaceDir, '.milestone-scope/.gitignore'), '*\n');
    copyFileSync(join(wb.workspaceDir, TRACES, 'baseline.txt'), join(dir, '20261120T100000Z-baseline.txt'));
    copyFileSync(join(wb.workspaceDir, TRACES, 'after.txt'), join(dir, '20261121T100000Z-after.txt'));
    const stacked = join(wb.workspaceDir, STACKED);
    writeFileSync(stacked, readFileSync(stacked, 'utf8').replace(/\n(\s*)(for [^\n]*\{)/, '\n$1// Copies are batched below.\n$1$2'));
    const statusBefore = wb.readFile(STATUS);

    // A clear editor area, so the preview gets the whole width.
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Milestone Scope: Complete Milestone');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await waitFor(async () => /optimisation summary/.test((await wb.page.locator('.quick-input-widget').innerText()) ?? ''), 10_000, 'the summary prompt');
    await input.fill(SUMMARY);
    await wb.screenshot('summary-prompt');
    await input.press('Enter');

    // The preview of the report.
    const preview = await wb.webviewFrame({ selector: 'h1', timeoutMs: 60_000 });
    await waitFor(async () => /Milestone 2 report/.test((await preview.locator('h1').first().textContent()) ?? ''), 20_000, 'the report heading in the preview');
    const base = readFileSync(join(wb.workspaceDir, TRACES, 'baseline.txt'), 'utf8');
    const after = readFileSync(join(wb.workspaceDir, TRACES, 'after.txt'), 'utf8');
    const rs = pct(forestMs(base, 'rs_code_matrix'), forestMs(after, 'rs_code_matrix'));
    const root = pct(forestMs(base, 'stark_prove_excluding_trace'), forestMs(after, 'stark_prove_excluding_trace'));
    const rsRow = preview.locator('tr').filter({ hasText: 'rs_code_matrix' }).filter({ hasText: 'faster' }).first();
    await rsRow.waitFor({ timeout: 10_000 });
    const rsText = (await rsRow.innerText()).replace(/\s+/g, ' ');
    assert.ok(rsText.includes(`${rs} (40.0% faster)`), rsText);
    const body = (await preview.locator('body').innerText()).replace(/\s+/g, ' ');
    assert.ok(body.includes(`(${root}), not settled: one run on a side`), 'the root is about 15% faster, too little to call from one run per side');
    assert.match(body, /Optimisation summary Batched all blit copies/);
    assert.match(body, /crates\/metal-backend\/src\/stacked_pcs\.rs modified \+1 -0 in scope/);
    const firstResidual = (await preview.locator('h2:has-text("Residual bottlenecks") ~ table tbody tr').first().innerText()).replace(/\s+/g, ' ');
    assert.match(firstResidual, /round0/);
    await wb.screenshot('report-preview-top');
    // The timing deltas and the residual bottlenecks on screen.
    await preview.locator('h2', { hasText: 'Timing deltas' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await waitFor(async () => (await preview.locator('h2', { hasText: 'Timing deltas' }).boundingBox())?.y !== undefined, 5_000, 'the timing deltas heading');
    await wb.screenshot('report-preview-timing');
    await preview.locator('h2', { hasText: 'Residual bottlenecks' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await wb.screenshot('report-preview-residual');

    // The files on disk.
    await waitFor(() => /\| 2 \| `completed` \|/.test(wb.readFile(STATUS)), 10_000, 'STATUS.md row 2 completed');
    const changedRows = wb.readFile(STATUS).split('\n').filter((l, i) => l !== statusBefore.split('\n')[i]);
    assert.equal(changedRows.length, 1, changedRows.join('\n'));
    const tracking = wb.readFile(TRACKING_2);
    assert.ok(tracking.includes(`<!-- milestone-scope:summary:start -->\n${SUMMARY}\n<!-- milestone-scope:summary:end -->`));
    assert.ok(tracking.includes(`| ${rs} (40.0% faster) |`));

    // Copy: the markdown on the clipboard (the page may read it once permitted).
    await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await wb.runCommand('Milestone Scope: Copy Milestone Report');
    const clip = await waitFor(async () => {
      const t = await wb.page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
      return t.startsWith('# Milestone 2 report') ? t : '';
    }, 15_000, 'the report on the clipboard');
    assert.ok(clip.includes(`| ${rs} (40.0% faster) |`));
  } finally {
    await wb.close();
  }
});
