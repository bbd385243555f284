// Start Milestone from the command palette in a real workbench: the STATUS.md row, the hotspot
// CodeLens and decorations at the prompt's lines of stacked_pcs.rs, refusals that change nothing,
// and anchors that stay on their code through unsaved and saved insertions and a window reload.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { sharedWorkbench, startFromPalette, waitFor, type Workbench } from './lib';

const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
const HOTSPOTS = [110, 129, 146];
const BLIT = 'command::blit_operation(&ctx.queue, |blit| {';

// Unsaved buffers must stay unsaved for as long as the test needs (code-server saves after a delay).
const SETTINGS = { 'files.autoSave': 'off', 'editor.minimap.enabled': false };

function gitStatus(wb: Workbench): string {
  return execFileSync('git', ['status', '--porcelain', '-uall'], { cwd: wb.workspaceDir, encoding: 'utf8' });
}

/**
 * The messages in the notification center. (With the smoke-test driver the workbench shows no
 * toasts; the center holds every notification.) Leaves the center open for a screenshot.
 */
async function notificationCenter(page: Page): Promise<string[]> {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible())) {
    await page.keyboard.press('Escape');
    await page.locator('.statusbar-item[id="status.notifications"], .statusbar-item.notifications-center-item, [id="status.notifications"]').first().click();
  }
  await center.waitFor({ state: 'visible', timeout: 10_000 });
  return (await center.locator('.notification-list-item-message').allInnerTexts()).map((t) => t.trim());
}

async function closeNotificationCenter(page: Page): Promise<void> {
  const center = page.locator('.notifications-center');
  if (await center.isVisible()) {
    await center.locator('.codicon-notifications-hide, .codicon-chevron-down').first().click().catch(() => page.keyboard.press('Escape'));
    await center.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
}

interface EditorLine {
  line: number;
  text: string;
  y: number;
  height: number;
}

/** The rendered lines of the active editor: number, text and vertical position. */
async function renderedLines(page: Page): Promise<EditorLine[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) return [];
    const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((e) => {
      const r = e.getBoundingClientRect();
      return { line: Number(e.textContent), y: r.top, height: r.height };
    });
    const texts = [...editor.querySelectorAll('.view-lines .view-line')].map((e) => ({ y: e.getBoundingClientRect().top, text: (e as HTMLElement).innerText.replace(/\u00a0/g, ' ') }));
    return numbers
      .filter((n) => Number.isFinite(n.line) && n.line > 0)
      .map((n) => ({ ...n, text: texts.find((t) => Math.abs(t.y - n.y) < 2)?.text ?? '' }));
  });
}

/** Texts that decorations render after the end of a line (CSS `::after` content). */
async function afterTexts(page: Page, line: number): Promise<string[]> {
  const lines = await renderedLines(page);
  const target = lines.find((l) => l.line === line);
  if (!target) return [];
  return page.evaluate((y) => {
    const row = [...document.querySelectorAll('.editor-group-container.active .view-lines .view-line')].find((e) => Math.abs(e.getBoundingClientRect().top - y) < 2);
    if (!row) return [];
    return [...row.querySelectorAll('span')]
      .map((e) => getComputedStyle(e, '::after').content)
      .filter((c) => c && c !== 'none' && c !== 'normal')
      .map((c) => c.replace(/^"|"$/g, ''));
  }, target.y);
}

/** Lines whose glyph margin shows the hotspot icon (the active milestone's decoration). */
async function gutterLines(page: Page): Promise<EditorLine[]> {
  const tops = await page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) return [];
    return [...editor.querySelectorAll('.cgmr')]
      .filter((e) => /hotspot-(dark|light)\.svg/.test(getComputedStyle(e).backgroundImage))
      .map((e) => e.getBoundingClientRect().top);
  });
  const lines = await renderedLines(page);
  return tops.flatMap((y) => lines.filter((l) => Math.abs(l.y - y) < 2)).sort((a, b) => a.line - b.line);
}

/** Each CodeLens with the line it stands above. */
async function lensLines(page: Page): Promise<Array<{ line: number; text: string; lineText: string }>> {
  const lenses = await page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) return [];
    return [...editor.querySelectorAll('.codelens-decoration')]
      .map((e) => ({ text: (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim(), bottom: e.getBoundingClientRect().bottom }))
      .filter((l) => l.text !== '');
  });
  const lines = await renderedLines(page);
  return lenses.flatMap((l) => {
    const below = lines.filter((x) => x.y >= l.bottom - 3).sort((a, b) => a.y - b.y)[0];
    return below ? [{ line: below.line, text: l.text, lineText: below.text }] : [];
  });
}

/** Waits until line `line` of the active editor shows the hotspot icon and a lens above it, on `code`. */
async function expectHotspotAt(wb: Workbench, line: number, n: number, code: string): Promise<void> {
  await waitFor(
    async () => {
      const gutter = await gutterLines(wb.page);
      const lens = await lensLines(wb.page);
      const g = gutter.find((x) => x.line === line);
      const l = lens.find((x) => x.line === line);
      return g !== undefined && g.text.trim() === code && l !== undefined && l.text.includes(`M2 · hotspot ${n} of 3`);
    },
    20_000,
    `hotspot ${n} (icon and lens) at line ${line} on "${code}"`,
  );
}

async function expectAllHotspots(wb: Workbench, lines: number[]): Promise<void> {
  for (const [i, line] of lines.entries()) {
    await wb.openFile(STACKED, line);
    await expectHotspotAt(wb, line, i + 1, BLIT);
  }
}

// The two tests share a workbench: the refusals change nothing (they check it), then M2 starts.
const workbench = sharedWorkbench({ name: 'startMilestone', settings: SETTINGS });

test('a completed milestone and one in progress by another owner change nothing and say why', { timeout: 5 * 60_000 }, async () => {
  const wb = workbench();
  const statusBefore = wb.readFile(STATUS);
  await waitFor(async () => (await wb.paletteCommands('Milestone Scope: Start Milestone')).includes('Milestone Scope: Start Milestone'), 60_000, 'the command in the palette');

  await wb.runCommand('Milestone Scope: Start Milestone');
  await wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'M1 ·' }).first().waitFor({ timeout: 20_000 });
  const labels = (await wb.page.locator('.quick-input-widget .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  assert.ok(labels.some((l) => /M0 ·.*Completed \(alice, completed 2026-10-09\): starting it changes nothing/.test(l)), `M0 marked completed: ${labels.join(' | ')}`);
  assert.ok(labels.some((l) => /M1 ·.*In progress by @bob since 2026-11-20: starting it changes nothing/.test(l)), `M1 marked as a conflict: ${labels.join(' | ')}`);
  await wb.screenshot('quick-pick-marks-completed-and-conflicting');
  await wb.page.keyboard.press('Escape');

  await startFromPalette(wb, '0');
  const noop = await waitFor(async () => (await notificationCenter(wb.page)).find((m) => m.includes('Milestone 0')), 15_000, 'the M0 message');
  assert.match(noop, /Milestone 0 is already completed \(alice, completed 2026-10-09\)\. Nothing was changed\./);
  await wb.screenshot('m0-completed-nothing-changed');
  assert.equal(gitStatus(wb), '', 'no file changed for M0');
  await closeNotificationCenter(wb.page);

  await startFromPalette(wb, '1');
  const conflict = await waitFor(async () => (await notificationCenter(wb.page)).find((m) => m.includes('Milestone 1')), 15_000, 'the M1 message');
  assert.match(conflict, /Milestone 1 is in progress by @bob since 2026-11-20 \(.*\)\. Nothing was changed\./);
  await wb.screenshot('m1-conflict-nothing-changed');
  assert.equal(gitStatus(wb), '', 'no file changed for M1');
  assert.equal(wb.readFile(STATUS), statusBefore);
  assert.ok(!(await wb.statusBarText()).some((t) => /^M\d+ ·/.test(t)), 'no milestone became active');
});

test('Start Milestone 2 marks its row and shows its hotspots; anchors follow insertions and a reload', { timeout: 8 * 60_000 }, async () => {
  const wb = workbench();
  wb.page.on('dialog', (d) => void d.accept());
  {
    const before = wb.readFile(STATUS).split('\n');
    await waitFor(async () => (await wb.paletteCommands('Milestone Scope: Start Milestone')).includes('Milestone Scope: Start Milestone'), 60_000, 'the command in the palette');
    await startFromPalette(wb, '2');

    // Only the milestone's row changed.
    await waitFor(() => /^\| 2 \| `in_progress` \|/m.test(wb.readFile(STATUS)), 20_000, 'STATUS.md to mark milestone 2 in progress');
    const after = wb.readFile(STATUS).split('\n');
    assert.equal(after.length, before.length);
    const changed = before.flatMap((l, i) => (l !== after[i] ? [i] : []));
    assert.equal(changed.length, 1, 'one line of STATUS.md changed');
    assert.match(before[changed[0]!]!, /^\| 2 \| `not_started` \|/);
    assert.match(after[changed[0]!]!, /^\| 2 \| `in_progress` \| Milestone Scope Tests \| \d{4}-\d{2}-\d{2} \|/);
    await waitFor(async () => (await wb.statusBarText()).some((t) => t.startsWith('M2 · Remove per-copy')), 15_000, 'the status bar item');
    const started = await waitFor(async () => (await notificationCenter(wb.page)).find((m) => m.includes('Milestone 2 started')), 15_000, 'the start message');
    assert.match(started, /in progress by Milestone Scope Tests, base commit [0-9a-f]{10}\. 3 hotspots\./);
    await wb.screenshot('m2-started-status-bar-and-message');
    await closeNotificationCenter(wb.page);

    // Lenses and decorations at the prompt's lines.
    await expectAllHotspots(wb, HOTSPOTS);
    await wb.openFile(STACKED, 110);
    await expectHotspotAt(wb, 110, 1, BLIT);
    await wb.screenshot('m2-hotspot-110-lens-and-decoration');

    // Hovering the hotspot line shows the work item's Problem and Target.
    const hotLine = (await renderedLines(wb.page)).find((l) => l.line === 110)!;
    await wb.page.mouse.move(700, hotLine.y + hotLine.height / 2);
    await wb.page.mouse.move(710, hotLine.y + hotLine.height / 2);
    const hover: string = await waitFor(async () => {
      const text = await wb.page.locator('.monaco-hover:visible').first().innerText().catch(() => '');
      return /Milestone 2 · hotspot 1 of 3/.test(text) && /Problem/.test(text) && /Target/.test(text) ? text : '';
    }, 15_000, 'the hotspot hover with Problem and Target');
    assert.match(hover, /blit_operation/);
    await wb.screenshot('m2-hotspot-hover-problem-target');
    await wb.page.keyboard.press('Escape');

    // Another milestone's hotspot: quiet "do not touch" marker, no lens.
    await wb.openFile(MERKLE, 97);
    await waitFor(async () => (await renderedLines(wb.page)).length > 0, 10_000, 'merkle_tree.rs rendered');
    await waitFor(async () => (await afterTexts(wb.page, 97)).includes('milestone 3: do not touch'), 15_000, 'the do-not-touch marker on merkle_tree.rs:97');
    assert.deepEqual(await lensLines(wb.page), []);
    await wb.screenshot('m3-hotspot-do-not-touch');

    // Three lines inserted above the hotspots, not saved.
    await wb.openFile(STACKED, 20);
    await wb.page.keyboard.press('Home');
    await wb.page.keyboard.type('// inserted 1\n// inserted 2\n// inserted 3\n');
    await waitFor(async () => (await wb.page.locator('.editor-group-container.active .tab.active.dirty').count()) > 0, 5_000, 'a dirty tab');
    const unsaved = HOTSPOTS.map((l) => l + 3);
    await expectAllHotspots(wb, unsaved);
    await wb.openFile(STACKED, unsaved[0]);
    await expectHotspotAt(wb, unsaved[0]!, 1, BLIT);
    await wb.screenshot('after-insert-unsaved-113');

    // Saved: re-derived from git, still on the same code.
    await wb.page.keyboard.press('Control+S');
    await waitFor(async () => (await wb.page.locator('.editor-group-container.active .tab.active.dirty').count()) === 0, 10_000, 'the tab saved');
    assert.ok(wb.readFile(STACKED).includes('// inserted 3'));
    await expectAllHotspots(wb, unsaved);
    await wb.screenshot('after-insert-saved-113');

    // Two more lines, left unsaved, then the window reloads.
    await wb.openFile(STACKED, 30);
    await wb.page.keyboard.press('Home');
    await wb.page.keyboard.type('// unsaved 1\n// unsaved 2\n');
    const final = unsaved.map((l) => l + 2);
    await expectAllHotspots(wb, final);
    await wb.runCommand('Developer: Reload Window');
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await waitFor(async () => (await wb.statusBarText()).some((t) => t.startsWith('M2 · Remove per-copy')), 60_000, 'the active milestone after the reload');
    await expectAllHotspots(wb, final);
    await wb.openFile(STACKED, final[1]);
    await expectHotspotAt(wb, final[1]!, 2, BLIT);
    await wb.screenshot('after-reload-134');
  }
});
