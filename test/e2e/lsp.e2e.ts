// The milestone-document language server in a real workbench: the fixture catalog opens without
// false diagnostics; breaking references shows diagnostics at those references; hover shows the
// referenced code; ctrl+click opens the file at the line; a captured trace log is coloured by
// the trace grammar.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, startWorkbench, waitFor, type Workbench } from './lib';

const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const ACTIVE_EDITOR = '.editor-group-container.active:not(.empty)';

/** 1-based line and column of `needle` in a workspace file. */
function positionOf(wb: Workbench, rel: string, needle: string): { line: number; column: number } {
  const lines = wb.readFile(rel).split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} is in ${rel}`);
  return { line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+g');
  await page.locator('.quick-input-widget .quick-input-box input').fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The rendered editor line whose text is `text` (the editor renders only lines in view). */
function viewLine(page: Page, text: string) {
  return page.locator(`${ACTIVE_EDITOR} .view-lines .view-line`).filter({ hasText: text }).first();
}

/** The token span with exactly `text` in the rendered line containing `lineText`. */
function token(page: Page, lineText: string, text: string) {
  return viewLine(page, lineText).locator('span span').filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
}

/** Waits until the language server answers: a hover on a reference shows its code. */
async function hoverReference(wb: Workbench, lineText: string, lineNumber: string): Promise<string> {
  const hover = wb.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: '◀' });
  return waitFor(
    async () => {
      await wb.page.mouse.move(10, 10);
      await token(wb.page, lineText, lineNumber).hover();
      await hover.first().waitFor({ state: 'visible', timeout: 3_000 });
      return (await hover.first().innerText()).replace(/\u00a0/g, ' ');
    },
    60_000,
    `a hover with the code of ${lineText}`,
  );
}

test('catalog: no false diagnostics; broken references are flagged where they are written; hover and ctrl+click reach the code', { timeout: 300_000 }, async () => {
  const wb = await startWorkbench({ name: 'lsp-catalog' });
  try {
    const { page } = wb;
    await wb.openFile(CATALOG);
    const ref129 = 'crates/metal-backend/src/stacked_pcs.rs:129';
    await viewLine(page, ref129).waitFor({ timeout: 20_000 });
    await wb.screenshot('catalog-open');

    // Hover: the referenced line with two lines of context, highlighted as Rust, the line marked.
    const hoverText = await hoverReference(wb, ref129, '129');
    const code = wb.readFile('crates/metal-backend/src/stacked_pcs.rs').split('\n');
    assert.ok(hoverText.includes(code[128]!.trim()), `the hover shows line 129 (${code[128]}): ${hoverText}`);
    assert.ok(hoverText.includes(code[126]!.trim()) && hoverText.includes('◀ 129'), hoverText);
    // The fenced block is tokenized by the editor's Rust grammar: several token colours.
    // The Rust grammar loads on first use: the block is re-coloured once it has.
    let colours: string[] = [];
    await waitFor(
      async () => {
        colours = await page
          .locator('.monaco-hover:not(.hidden) .monaco-tokenized-source span')
          .evaluateAll((els) => [...new Set(els.map((el) => getComputedStyle(el).color))]);
        return colours.length >= 3;
      },
      20_000,
      'the code in the hover to be highlighted as Rust',
    ).catch(() => undefined);
    assert.ok(colours.length >= 3, `the code in the hover is highlighted as Rust (${colours.length} colours: ${colours.join(', ')})`);
    await wb.screenshot('hover-reference');
    await page.mouse.move(10, 10);
    await page.keyboard.press('Escape');

    // The server has answered; the fixture gives no problems at all.
    const clean = await wb.problems();
    assert.deepEqual(clean.map((p) => `${p.file}:${p.line} ${p.message}`), [], 'no diagnostics on the fixture');
    await wb.screenshot('no-problems');

    // Break two references in the editor: a line past the end, and a file that does not exist.
    await wb.openFile(CATALOG);
    const past = positionOf(wb, CATALOG, 'stacked_pcs.rs:110`');
    await goTo(page, past.line, past.column + 'stacked_pcs.rs:'.length);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.type('9999');
    const missing = positionOf(wb, CATALOG, 'merkle_tree.rs:97`');
    await goTo(page, missing.line, missing.column + 'merkle_tree'.length);
    await page.keyboard.type('_gone');
    const rows = await waitFor(
      async () => {
        // Typing publishes as it goes: wait for the diagnostics of the finished text.
        const p = await wb.problems();
        const done = p.some((r) => r.message.includes('line 9999')) && p.some((r) => r.message.includes('merkle_tree_gone.rs'));
        return done ? p : undefined;
      },
      30_000,
      'the two broken references in the Problems panel',
    );
    await wb.screenshot('broken-references');
    assert.equal(rows.length, 2, `only the two real problems: ${rows.map((r) => r.label).join(' | ')}`);
    const pastRow = rows.find((r) => /line 9999 is past the end of crates\/metal-backend\/src\/stacked_pcs\.rs/.test(r.message));
    const missingRow = rows.find((r) => /merkle_tree_gone\.rs does not exist/.test(r.message));
    assert.ok(pastRow && missingRow, rows.map((r) => r.message).join(' | '));
    assert.equal(pastRow.line, past.line);
    assert.equal(missingRow.line, missing.line);
    assert.equal(pastRow.severity, 'error');
    // The squiggle sits on the reference, and hovering it tells what is wrong.
    assert.ok((await page.locator(`${ACTIVE_EDITOR} .view-overlays .squiggly-error`).count()) >= 1, 'an error squiggle is drawn');
    const problemHover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'does not exist' });
    await waitFor(
      async () => {
        await page.mouse.move(10, 10);
        await token(page, 'merkle_tree_gone', 'crates/metal-backend/src/merkle_tree_gone.rs').hover();
        await problemHover.first().waitFor({ state: 'visible', timeout: 3_000 });
        return true;
      },
      30_000,
      'the diagnostic in the hover of the broken reference',
    );
    await wb.screenshot('broken-reference-hover');
    await page.mouse.move(10, 10);

    // Ctrl+click a reference: its file opens at its line.
    await viewLine(page, 'merkle_tree_gone').click();
    await goTo(page, past.line + 1, 1);
    const link = token(page, ref129, '129');
    await link.waitFor({ timeout: 10_000 });
    const opened = page.locator('.tab.active').filter({ hasText: 'stacked_pcs.rs' });
    // On a busy machine the link is redrawn as Control goes down (its decoration changes) or a hover
    // left open covers it, and the click lands on nothing: click again until the file opens.
    await waitFor(
      async () => {
        if ((await opened.count()) > 0) return true;
        await page.keyboard.press('Escape');
        await link.click({ modifiers: ['Control'], timeout: 10_000 });
        await opened.first().waitFor({ timeout: 10_000 });
        return true;
      },
      90_000,
      'ctrl+click on the reference to open stacked_pcs.rs',
    );
    await waitFor(async () => (await wb.statusBarText()).some((t) => t.startsWith('Ln 129,')), 15_000, 'the cursor on line 129');
    const shown = await wb.editorText();
    assert.ok(shown.includes(code[128]!.trim()), 'line 129 is in view');
    await wb.screenshot('ctrl-click-opened-line-129');
  } finally {
    await wb.close();
  }
});

test('a captured trace log opens coloured by the trace grammar', { timeout: 180_000 }, async () => {
  const wb = await startWorkbench({ name: 'lsp-trace-grammar' });
  try {
    const { page } = wb;
    const rel = '.milestone-scope/traces/2/2026-11-24T12-00-00-baseline.txt';
    mkdirSync(join(wb.workspaceDir, '.milestone-scope/traces/2'), { recursive: true });
    const trace = readFileSync(join(repoRoot, 'test/fixtures/traces/forest_single.txt'), 'utf8');
    writeFileSync(join(wb.workspaceDir, rel), '   Compiling openvm-metal-backend v0.1.0\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 2.41s\n     Running `target/debug/examples/keccakf`\n' + trace);
    await wb.openFile(rel);
    await waitFor(async () => (await wb.statusBarText()).includes('Milestone Trace'), 20_000, 'the Milestone Trace language mode');
    const spanLine = 'prover.main_trace_commit [ 189ms';
    await viewLine(page, spanLine).waitFor({ timeout: 10_000 });
    // Distinct colours for the level, the span name, the duration and the percentages.
    const colourOf = async (lineText: string, text: string) =>
      token(page, lineText, text).evaluate((el) => getComputedStyle(el).color);
    const colours = await waitFor(
      async () => {
        const c = {
          level: await colourOf(spanLine, 'INFO'),
          span: await colourOf(spanLine, 'prover.main_trace_commit'),
          // Themes colour units like numbers, so `189ms` is one token.
          duration: await colourOf(spanLine, '189ms'),
          field: await colourOf(spanLine, 'phase'),
          plain: await viewLine(page, spanLine).evaluate((el) => getComputedStyle(el).color),
        };
        return new Set(Object.values(c)).size >= 4 ? c : undefined;
      },
      20_000,
      'the trace tokens to be coloured',
    );
    assert.notEqual(colours.span, colours.plain, JSON.stringify(colours));
    assert.notEqual(colours.duration, colours.span, JSON.stringify(colours));
    await wb.screenshot('trace-log-coloured');
  } finally {
    await wb.close();
  }
});
