// Span timings in the Rust source, in a real workbench: no lens without a loaded trace; with
// forest_multi.txt open in the flame chart, a CodeLens at the fixture's `#[instrument]`ed
// rs_code_matrix and its `info_span!("stacked_commit")` shows the figures `milestone-scope trace
// summary` prints for the same file; Compare Traces adds the change and verdict; the active
// milestone's hotspot lines get a heat mark; Ctrl+F8 / Ctrl+Shift+F8 step through the hotspots;
// Go to Slowest Span Site opens rs_code_matrix's site.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, retryPopup, startFromPalette, startWorkbench, waitFor, type Workbench } from './lib';

const TRACES = join(repoRoot, 'test', 'fixtures', 'traces');
const PCS = 'crates/metal-backend/src/stacked_pcs.rs';

/** The texts of the CodeLenses in the active editor. */
async function lensTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) return [];
    return [...editor.querySelectorAll('.codelens-decoration')].map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()).filter((t) => t !== '');
  });
}

/** Glyph-margin icons of the active editor whose image is a heat mark, by level. */
async function heatIcons(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) return [];
    return [...editor.querySelectorAll('.cgmr')].flatMap((e) => {
      const m = /hotspot-heat-(\d)-(dark|light)\.svg/.exec(getComputedStyle(e).backgroundImage);
      return m ? [m[1]] : [];
    });
  });
}

async function cursorLine(wb: Workbench): Promise<number | undefined> {
  const ln = (await wb.statusBarText()).find((t) => /^Ln \d+,/.test(t));
  return ln ? Number(/^Ln (\d+)/.exec(ln)![1]) : undefined;
}

/** The CLI's summary: its text table rows by span path, and its JSON paths. */
function cliSummary(file: string): { rows: Map<string, string[]>; json: Array<{ path: string; shareOfRoot: number }> } {
  const cli = join(repoRoot, 'dist', 'cli.js');
  const text = execFileSync(process.execPath, [cli, 'trace', 'summary', file, '--top', '100'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '400' } });
  const rows = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const cells = line.trim().split(/\s{2,}/);
    if (cells.length === 5 && /^\d/.test(cells[0])) rows.set(cells[4], cells);
  }
  const json = JSON.parse(execFileSync(process.execPath, [cli, 'trace', 'summary', file, '--json'], { encoding: 'utf8' })) as { paths: Array<{ path: string; shareOfRoot: number }> };
  return { rows, json: json.paths };
}

test('span timings: CodeLens at span sites against trace summary, compare verdict, heat marks, hotspot keys, slowest site', { timeout: 420_000 }, async () => {
  const wb = await startWorkbench({ name: 'span-timings', settings: { 'workbench.editor.enablePreview': false } });
  wb.page.on('dialog', (d) => void d.accept());
  try {
    // The fixture's functions as a prover instruments them: #[instrument] on rs_code_matrix, a
    // span guard in stacked_commit (below the milestone's hotspots on lines 110, 129 and 146).
    const file = join(wb.workspaceDir, PCS);
    let src = readFileSync(file, 'utf8');
    src = src.replace('pub fn rs_code_matrix(', '#[tracing::instrument(skip_all)]\npub fn rs_code_matrix(');
    src = src.replace(
      ') -> Result<(Digest, StackedPcsData), MetalError> {\n',
      ') -> Result<(Digest, StackedPcsData), MetalError> {\n    let _span = tracing::info_span!("stacked_commit").entered();\n',
    );
    writeFileSync(file, src);
    const lines = src.split('\n');
    const rsSite = lines.findIndex((l) => l.startsWith('pub fn rs_code_matrix(')) + 1;
    const commitSite = lines.findIndex((l) => l.includes('info_span!("stacked_commit")')) + 1;
    assert.ok(rsSite > 146 && commitSite > rsSite);
    execFileSync('git', ['-C', wb.workspaceDir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'instrument'], { stdio: 'ignore' });
    mkdirSync(join(wb.workspaceDir, 'traces'), { recursive: true });
    copyFileSync(join(TRACES, 'forest_multi.txt'), join(wb.workspaceDir, 'traces', 'forest_multi.txt'));
    const recorded = join(wb.workspaceDir, '.milestone-scope', 'traces', 'e2e');
    mkdirSync(recorded, { recursive: true });
    copyFileSync(join(TRACES, 'forest_baseline.txt'), join(recorded, 'forest_baseline.txt'));
    copyFileSync(join(TRACES, 'forest_after.txt'), join(recorded, 'forest_after.txt'));

    // No trace loaded: no span lens. (Quick Open can miss a file while the workspace is still indexed.)
    await retryPopup(wb, 'Quick Open to find stacked_pcs.rs', () => wb.openFile(PCS, rsSite), 90_000);
    // VS Code asks every CodeLens provider in one pass and draws their lenses together: once the
    // hotspot lenses (line 146, in view) are drawn, a span lens would be drawn with them.
    await waitFor(async () => (await lensTexts(wb.page)).some((t) => t.includes('Problem & Target')), 60_000, 'the hotspot lenses above rs_code_matrix');
    assert.ok(!(await lensTexts(wb.page)).some((t) => t.includes('⏱')), 'no timings without a trace');

    // Open the trace; back in the source the lenses carry the summary's figures.
    await wb.openFile('traces/forest_multi.txt');
    await wb.runCommand('Milestone Scope: Open Trace');
    await wb.page.locator('.tab', { hasText: 'Flame: forest_multi.txt' }).first().waitFor({ timeout: 30_000 });
    await wb.webviewFrame({ selector: 'canvas.flame-canvas', timeoutMs: 60_000 });
    await wb.openFile(PCS, rsSite);
    const rsLens = await waitFor(async () => (await lensTexts(wb.page)).find((t) => t.startsWith('rs_code_matrix ⏱')), 30_000, 'the rs_code_matrix lens');
    const { rows, json } = cliSummary(join(wb.workspaceDir, 'traces', 'forest_multi.txt'));
    const share = (p: string) => `${((json.find((x) => x.path === p)?.shareOfRoot ?? NaN) * 100).toFixed(1)}%`;
    const rsPath = 'stark_prove_excluding_trace > prover.main_trace_commit > prover.commit > stacked_commit > rs_code_matrix';
    const rsRow = rows.get(rsPath);
    assert.ok(rsRow, `the summary lists ${rsPath}: ${[...rows.keys()].join(' | ')}`);
    // Columns: self/run, of root, total/run, calls/run, span.
    assert.equal(rsLens, `rs_code_matrix ⏱ ${rsRow[2]} total, ${rsRow[0]} self per proof (8 proofs) · ${share(rsPath)} of root`);
    await wb.openFile(PCS, commitSite);
    const commitLens = await waitFor(async () => (await lensTexts(wb.page)).find((t) => t.startsWith('stacked_commit ⏱')), 30_000, 'the stacked_commit lens');
    const commitPath = 'stark_prove_excluding_trace > prover.main_trace_commit > prover.commit > stacked_commit';
    const commitRow = rows.get(commitPath)!;
    assert.equal(commitLens, `stacked_commit ⏱ ${commitRow[2]} total, ${commitRow[0]} self per proof (8 proofs) · ${share(commitPath)} of root`);
    console.log(`lens: ${rsLens}\nsummary row: ${rsRow.join(' | ')}\nlens: ${commitLens}\nsummary row: ${commitRow.join(' | ')}`);
    await wb.screenshot('lens-trace');

    // Milestone 2 (about rs_code_matrix): heat marks on its hotspot lines; Ctrl+F8 steps through them.
    await startFromPalette(wb, '2');
    // rs_code_matrix takes 37 % of the root: the hottest level, on each hotspot line in view.
    await wb.openFile(PCS, 110);
    const heat = await waitFor(async () => {
      const h = await heatIcons(wb.page);
      return h.length >= 1 ? h : undefined;
    }, 30_000, 'a heat mark on hotspot 1 (line 110)');
    assert.ok(heat.every((x) => x === '3'), heat.join(','));
    await wb.screenshot('heat-marks');
    await wb.openFile(PCS, 146);
    await waitFor(async () => (await heatIcons(wb.page)).length >= 1, 30_000, 'a heat mark on hotspot 3 (line 146)');
    await wb.openFile(PCS, 1);
    await wb.page.keyboard.press('Control+F8');
    await waitFor(async () => (await cursorLine(wb)) === 110, 10_000, 'Ctrl+F8 to go to hotspot 1 (line 110)');
    await wb.page.keyboard.press('Control+F8');
    await waitFor(async () => (await cursorLine(wb)) === 129, 10_000, 'Ctrl+F8 to go to hotspot 2 (line 129)');
    await wb.page.keyboard.press('Control+Shift+F8');
    await waitFor(async () => (await cursorLine(wb)) === 110, 10_000, 'Ctrl+Shift+F8 back to hotspot 1');
    await wb.page.keyboard.press('Control+Shift+F8');
    await waitFor(async () => (await cursorLine(wb)) === 146, 10_000, 'Ctrl+Shift+F8 to wrap to hotspot 3');

    // Go to Slowest Span Site: rs_code_matrix has the most self time per proof.
    await wb.openFile('Cargo.toml');
    await wb.runCommand('Milestone Scope: Go to Slowest Span Site');
    await wb.page.locator('.tab.active', { hasText: 'stacked_pcs.rs' }).first().waitFor({ timeout: 30_000 });
    await waitFor(async () => (await cursorLine(wb)) === rsSite, 10_000, `the cursor on rs_code_matrix's site (line ${rsSite})`);

    // Compare Traces: the lens adds the change against the baseline and its verdict.
    await wb.runCommand('Milestone Scope: Compare Traces');
    await wb.pickQuickItem(/^forest_baseline\.txt$/);
    await wb.pickQuickItem(/^forest_after\.txt$/);
    await wb.webviewFrame({ selector: 'table.deltas tbody tr', timeoutMs: 60_000 });
    await wb.openFile(PCS, rsSite);
    const cmpLens = await waitFor(async () => (await lensTexts(wb.page)).find((t) => t.startsWith('rs_code_matrix ⏱') && t.includes('vs baseline')), 30_000, 'the compare lens');
    assert.match(cmpLens, /^rs_code_matrix ⏱ 89\.4ms total, 89\.4ms self per proof · \d+\.\d% of root · -40\.0% vs baseline \(faster\)$/);
    await wb.screenshot('lens-compare');

    // The setting turns it off.
    // Through the workspace's settings file: the server watches it (the browser keeps user settings).
    mkdirSync(join(wb.workspaceDir, '.vscode'), { recursive: true });
    writeFileSync(join(wb.workspaceDir, '.vscode', 'settings.json'), JSON.stringify({ 'milestoneScope.spanTimings.enabled': false }, null, 2));
    await wb.openFile(PCS, rsSite);
    await waitFor(async () => !(await lensTexts(wb.page)).some((t) => t.includes('⏱')), 60_000, 'the lenses to go with the setting off');
  } finally {
    await wb.close();
  }
});
