// The flame chart's speedscope-style views in a real workbench, checked on the canvas pixels:
// a multi-proof trace opens in Left heavy (heaviest root first) with the number of proofs merged;
// keys 1-4 switch Timeline / Merged / Left heavy / Sandwich; the minimap's edge resizes and its
// window pans the chart; the sandwich table sorts, searches and draws the callers and callees of
// the picked name; Compare's differential graph colours rs_code_matrix blue and its Show removed
// toggle draws the baseline widths.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { repoRoot, startWorkbench, waitFor, type Workbench } from './lib';

const TRACES = join(repoRoot, 'test', 'fixtures', 'traces');
/** Must match the chart's geometry (src/webview/flame/chart.ts). */
const AXIS = 20;
const ROW = 20;
const MULTI = '.toolbar .title:has-text("forest_multi.txt")';

type Rgba = [number, number, number, number];

async function painted(canvas: Locator): Promise<{ share: number; colors: number }> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    const colors = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      n++;
      colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    return { share: n / Math.max(1, c.width * c.height), colors: colors.size };
  });
}

async function pixel(canvas: Locator, x: number, y: number): Promise<Rgba> {
  return canvas.evaluate(
    (c: HTMLCanvasElement, at: { x: number; y: number }) => {
      const scale = c.width / c.getBoundingClientRect().width;
      return Array.from(c.getContext('2d')!.getImageData(Math.floor(at.x * scale), Math.floor(at.y * scale), 1, 1).data) as Rgba;
    },
    { x, y },
  );
}

async function tooltipName(frame: FrameLocator): Promise<string> {
  const tip = frame.locator('.tooltip');
  await tip.waitFor({ state: 'visible', timeout: 10_000 });
  return ((await tip.locator('.tt-name').textContent()) ?? '').trim();
}

async function tooltipRows(frame: FrameLocator): Promise<Record<string, string>> {
  const rows: Record<string, string> = {};
  for (const tr of await frame.locator('.tooltip .tt-rows tr').all()) {
    rows[((await tr.locator('th').textContent()) ?? '').trim()] = ((await tr.locator('td').textContent()) ?? '').trim();
  }
  return rows;
}

/** Hovers a point of a canvas (CSS px from its top left) until the tooltip names `name`. */
async function hoverExpect(wb: Workbench, frame: FrameLocator, canvas: Locator, x: number, y: number, name: string | RegExp): Promise<void> {
  const box = (await canvas.boundingBox())!;
  await waitFor(async () => {
    await wb.page.mouse.move(box.x + x - 1, box.y + y);
    await wb.page.mouse.move(box.x + x, box.y + y);
    const n = await tooltipName(frame).catch(() => '');
    return typeof name === 'string' ? n === name : name.test(n);
  }, 10_000, `the tooltip at (${x}, ${y}) to name ${name}`);
}

async function selectedTab(frame: FrameLocator): Promise<string> {
  return ((await frame.locator('.views button[aria-selected="true"]').textContent()) ?? '').trim();
}

test('flame views: left heavy, keys 1-4, minimap drag, sandwich, differential compare', { timeout: 300_000 }, async () => {
  const wb = await startWorkbench({ name: 'flame-views', theme: 'Default Dark Modern', settings: { 'workbench.editor.enablePreview': false } });
  try {
    mkdirSync(join(wb.workspaceDir, 'traces'), { recursive: true });
    copyFileSync(join(TRACES, 'forest_multi.txt'), join(wb.workspaceDir, 'traces', 'forest_multi.txt'));
    const recorded = join(wb.workspaceDir, '.milestone-scope', 'traces', 'e2e');
    mkdirSync(recorded, { recursive: true });
    copyFileSync(join(TRACES, 'forest_baseline.txt'), join(recorded, 'forest_baseline.txt'));
    copyFileSync(join(TRACES, 'forest_after.txt'), join(recorded, 'forest_after.txt'));

    await wb.openFile('traces/forest_multi.txt');
    await wb.runCommand('Milestone Scope: Open Trace');
    const frame = await wb.webviewFrame({ selector: MULTI, timeoutMs: 60_000 });
    const chart = frame.locator('canvas.flame-canvas').first();
    await waitFor(async () => (await painted(chart)).share > 0.05, 30_000, 'the chart to be drawn');

    // Left heavy by default, with the proofs merged said.
    assert.equal(await selectedTab(frame), 'Left heavy');
    assert.match((await frame.locator('.notice.proofs').textContent()) ?? '', /^8 proofs merged \(runs of stark_prove_excluding_trace\)/);
    let box = (await chart.boundingBox())!;
    // Roots heaviest first: stark_prove_excluding_trace (3.08 s) fills the left, generate_trace (199 ms) follows.
    await hoverExpect(wb, frame, chart, box.width * 0.02, AXIS + ROW / 2, 'stark_prove_excluding_trace');
    await hoverExpect(wb, frame, chart, box.width * 0.95, AXIS + ROW / 2, 'generate_trace');
    // Its children: prover.main_trace_commit (182 ms per proof) before prover.rap_constraints (170 ms).
    await hoverExpect(wb, frame, chart, box.width * 0.02, AXIS + ROW + ROW / 2, 'prover.main_trace_commit');
    const rows = await tooltipRows(frame);
    assert.equal(rows['Total per proof (8 proofs)'], '182ms');
    assert.equal(rows.Count, '8');
    await hoverExpect(wb, frame, chart, box.width * 0.6, AXIS + ROW + ROW / 2, 'prover.rap_constraints');
    await wb.screenshot('left-heavy');

    // Key 2: Merged keeps first-run order (generate_trace first); key 3 back to Left heavy.
    await chart.press('2');
    await waitFor(async () => (await selectedTab(frame)) === 'Merged', 10_000, 'key 2 to show Merged');
    await hoverExpect(wb, frame, chart, box.width * 0.02, AXIS + ROW / 2, 'generate_trace');
    await wb.screenshot('merged');
    await chart.press('3');
    await waitFor(async () => (await selectedTab(frame)) === 'Left heavy', 10_000, 'key 3 to show Left heavy');
    await hoverExpect(wb, frame, chart, box.width * 0.02, AXIS + ROW / 2, 'stark_prove_excluding_trace');

    // Minimap: drag the window's right edge to the middle (the chart shows the first half), then
    // drag the window to the right half.
    const mini = frame.locator('canvas.minimap-canvas');
    const mbox = (await mini.boundingBox())!;
    assert.ok((await painted(mini)).share > 0.2, 'the minimap draws the trace');
    const insideBefore = await pixel(mini, mbox.width * 0.75, 10);
    await wb.page.mouse.move(mbox.x + mbox.width - 2, mbox.y + mbox.height / 2);
    await wb.page.mouse.down();
    await wb.page.mouse.move(mbox.x + mbox.width * 0.75, mbox.y + mbox.height / 2, { steps: 4 });
    await wb.page.mouse.move(mbox.x + mbox.width * 0.5, mbox.y + mbox.height / 2, { steps: 4 });
    await wb.page.mouse.up();
    await waitFor(async () => /^5\d% of the trace shown$|^4\d% of the trace shown$/.test((await mini.getAttribute('aria-valuetext')) ?? ''), 10_000, 'the window to cover half the trace');
    // Outside the window the minimap is veiled (darker in the dark theme).
    const lum = (p: Rgba) => 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
    const veiled = await pixel(mini, mbox.width * 0.75, 10);
    assert.ok(lum(veiled) < lum(insideBefore) - 10, `the right half is veiled: ${insideBefore} → ${veiled}`);
    box = (await chart.boundingBox())!;
    await hoverExpect(wb, frame, chart, box.width * 0.95, AXIS + ROW / 2, 'stark_prove_excluding_trace');
    await wb.screenshot('minimap-resized');
    await wb.page.mouse.move(mbox.x + mbox.width * 0.25, mbox.y + mbox.height / 2);
    await wb.page.mouse.down();
    await wb.page.mouse.move(mbox.x + mbox.width * 0.5, mbox.y + mbox.height / 2, { steps: 4 });
    await wb.page.mouse.move(mbox.x + mbox.width * 0.8, mbox.y + mbox.height / 2, { steps: 4 });
    await wb.page.mouse.up();
    await hoverExpect(wb, frame, chart, box.width * 0.95, AXIS + ROW / 2, 'generate_trace');
    assert.match((await mini.getAttribute('aria-valuetext')) ?? '', /^(4|5)\d% of the trace shown$/);
    const leftNow = await pixel(mini, mbox.width * 0.2, 10);
    assert.ok(lum(leftNow) < lum(await pixel(mini, mbox.width * 0.75, 10)) - 10, 'the left half is veiled after the pan');
    await wb.screenshot('minimap-panned');

    // Key 4: the sandwich. Sorted by self time per proof: rs_code_matrix (144 ms) first.
    await chart.press('4');
    await waitFor(async () => (await selectedTab(frame)) === 'Sandwich', 10_000, 'key 4 to show the sandwich');
    const table = frame.locator('table.sandwich-table');
    await table.locator('tbody tr').first().waitFor({ timeout: 10_000 });
    let first = (await table.locator('tbody tr').first().locator('td').allTextContents()).map((t) => t.trim());
    assert.deepEqual(first, ['rs_code_matrix', '144ms', '144ms', '8']);
    assert.match((await frame.locator('.sandwich .deltas-footer').textContent()) ?? '', /times per proof \(8 proofs\)/);
    // Sort by total: the proof root first.
    await table.locator('th button', { hasText: 'Total per proof' }).click();
    first = (await table.locator('tbody tr').first().locator('td').allTextContents()).map((t) => t.trim());
    assert.equal(first[0], 'stark_prove_excluding_trace');
    // Search filters the names; pick merkle_tree.
    await frame.locator('input.search').fill('merkle');
    await waitFor(async () => (await table.locator('tbody tr').count()) === 1, 10_000, 'the search to leave merkle_tree');
    await table.locator('tbody tr').first().click();
    await waitFor(async () => /^Callers of merkle_tree/.test((await frame.locator('.sandwich-label').first().textContent()) ?? ''), 10_000, 'the callers label');
    const callers = frame.locator('.sandwich-chart canvas').nth(0);
    const callees = frame.locator('.sandwich-chart canvas').nth(1);
    await waitFor(async () => (await painted(callers)).share > 0.05, 10_000, 'the callers graph to be drawn');
    assert.ok((await painted(callees)).share > 0.01, 'the callees graph is drawn');
    const cbox = (await callers.boundingBox())!;
    // merkle_tree on top; below it stacked_commit (286 ms in all) then prover.openings.whir (80 ms).
    await hoverExpect(wb, frame, callers, cbox.width * 0.02, AXIS + ROW / 2, 'merkle_tree');
    await hoverExpect(wb, frame, callers, cbox.width * 0.3, AXIS + ROW + ROW / 2, 'stacked_commit');
    await hoverExpect(wb, frame, callers, cbox.width * 0.9, AXIS + ROW + ROW / 2, 'prover.openings.whir');
    await hoverExpect(wb, frame, callers, cbox.width * 0.9, AXIS + 2 * ROW + ROW / 2, 'prover.openings');
    await wb.screenshot('sandwich-merkle_tree');
    await frame.locator('input.search').fill('');

    // Key 1: the timeline again, with the chart and minimap back.
    await frame.locator('table.sandwich-table tbody tr').first().press('1');
    await waitFor(async () => (await selectedTab(frame)) === 'Timeline', 10_000, 'key 1 to show the timeline');
    await waitFor(async () => (await painted(chart)).share > 0.05, 10_000, 'the timeline to be drawn');

    // Compare: the after trace coloured by change; Show removed draws the baseline's widths.
    await wb.runCommand('Milestone Scope: Compare Traces');
    await wb.pickQuickItem(/^forest_baseline\.txt$/);
    await wb.pickQuickItem(/^forest_after\.txt$/);
    const cmp = await wb.webviewFrame({ selector: 'table.deltas tbody tr', timeoutMs: 60_000 });
    const cchart = cmp.locator('canvas.flame-canvas').first();
    await waitFor(async () => (await painted(cchart)).share > 0.05, 30_000, 'the compare chart');
    const toggle = cmp.locator('button.removed-toggle');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    const rootAfter = await (async () => {
      const b = (await cchart.boundingBox())!;
      await hoverExpect(wb, cmp, cchart, b.width * 0.5, AXIS + ROW / 2, 'stark_prove_excluding_trace');
      return (await tooltipRows(cmp))['After per run'];
    })();
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const rsRow = cmp.locator('table.deltas tbody tr').filter({ has: cmp.locator('td.path', { hasText: /^rs_code_matrix/ }) }).first();
    await rsRow.click();
    const crumbs = async () => (await cmp.locator('.breadcrumbs button').allTextContents()).map((t) => t.trim());
    await waitFor(async () => (await crumbs()).at(-1) === 'rs_code_matrix', 10_000, 'the removed view to zoom to rs_code_matrix');
    const ccbox = (await cchart.boundingBox())!;
    const blue = await pixel(cchart, ccbox.width / 2, AXIS + 4 * ROW + 3);
    assert.ok(blue[2] > blue[0] + 60 && blue[2] > blue[1], `rs_code_matrix is blue at baseline width: rgba(${blue.join(', ')})`);
    await cchart.press('Escape');
    await cchart.press('Escape');
    await cchart.press('Escape');
    await cchart.press('Escape');
    await cchart.press('Escape');
    // The tooltip still reads baseline → after (not swapped).
    // Baseline widths, heaviest first: the proof root now starts at the left.
    await hoverExpect(wb, cmp, cchart, 10, AXIS + ROW / 2, 'stark_prove_excluding_trace');
    assert.equal((await tooltipRows(cmp))['After per run'], rootAfter);
    await wb.screenshot('compare-removed');
  } finally {
    await wb.close();
  }
});
