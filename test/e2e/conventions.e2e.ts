// What users expect of a VS Code extension, seen in the workbench in a light and a dark theme: the
// Get Started walkthrough with its pages, the extension's icon in the Extensions view and on its
// details page, commands that cannot run hidden from the palette, and the Open Trace button on a
// trace file. One workbench (the packaged .vsix in code-server, as `npm run demo` serves it) goes
// through both themes: the theme is switched as a user does, through Preferences: Color Theme.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkbench, waitFor, retryPopup, type Workbench } from './lib';

const STEPS = ['Pick a milestone', 'See its hotspots', 'Run the per-crate check', 'Capture a baseline', 'Open the flame chart'];
const THEMES = [
  { label: 'light', theme: 'Default Light Modern', pick: /^Light Modern$/, kind: /\bvs\b/ },
  { label: 'dark', theme: 'Default Dark Modern', pick: /^Dark Modern$/, kind: /\bvs-dark\b/ },
];

/** The text of the walkthrough's media pane (a webview rendering the step's markdown page), once it has some. */
async function mediaText(wb: Workbench, expected: string): Promise<string> {
  const body = wb.page.frameLocator('.gettingStartedContainer .getting-started-media iframe.webview.ready').frameLocator('#active-frame').locator('body');
  return waitFor(
    async () => {
      const text = (await body.innerText({ timeout: 2_000 })).replace(/\s+/g, ' ');
      return text.includes(expected) ? text : undefined;
    },
    60_000,
    `the walkthrough's media pane to show "${expected}"`,
  );
}

/** Waits until an <img> has loaded an image (not a broken or placeholder one) and returns its natural width. */
async function loadedWidth(wb: Workbench, selector: string, what: string): Promise<number> {
  const img = wb.page.locator(selector).first();
  return waitFor(async () => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0)), 30_000, `${what} to load`);
}

test('walkthrough, icon, palette and trace button, in a light and a dark theme', { timeout: 420_000 }, async (t) => {
  const wb = await startWorkbench({ name: 'conventions', theme: THEMES[0].theme, installVsix: true });
  try {
    const { page } = wb;
    for (const [i, { label, pick, kind }] of THEMES.entries()) {
      await t.test(`${label} theme`, async () => {
        if (i > 0) {
          await retryPopup(wb, `the ${label} theme in the theme picker`, async () => {
            await wb.runCommand('Preferences: Color Theme');
            await wb.pickQuickItem(pick, { timeoutMs: 10_000 });
          });
          await waitFor(async () => kind.test((await page.locator('.monaco-workbench').getAttribute('class')) ?? ''), 30_000, `the ${label} theme to be applied`);
        }

        // The walkthrough, opened as a user would from the palette.
        await retryPopup(wb, 'the walkthrough picker', async () => {
          await wb.runCommand('Welcome: Open Walkthrough...');
          await wb.pickQuickItem(/Get Started with Milestone Scope/, { timeoutMs: 10_000 });
        });
        const walkthrough = page.locator('.gettingStartedContainer');
        await walkthrough.getByText('Pick a milestone', { exact: true }).first().waitFor({ timeout: 30_000 });
        const text = (await walkthrough.innerText()).replace(/\s+/g, ' ');
        for (const step of STEPS) assert.ok(text.includes(step), `the walkthrough shows "${step}": ${text.slice(0, 400)}`);
        // The selected step's page (media/walkthrough/pick.md, packaged in the .vsix) is rendered
        // next to the steps: its heading and its table.
        const pickPage = await mediaText(wb, 'Pre-flight says');
        assert.match(pickPage, /Pick a milestone .*Milestone Scope: Start Milestone lists the catalog's milestones/);
        assert.match(pickPage, /ready .*resume .*noop .*conflict/);
        await wb.screenshot(`walkthrough-${label}`);
        // Another step shows its own page.
        await walkthrough.getByText('See its hotspots', { exact: true }).first().click();
        assert.match(await mediaText(wb, 'See where to work'), /Milestones view in the activity bar/);
        await wb.screenshot(`walkthrough-hotspots-${label}`);
        // The walkthrough's pages are in the package: no read error.
        const errors = (await wb.notifications()).filter((n) => /Error reading markdown|not found/i.test(n));
        assert.deepEqual(errors, [], 'the walkthrough pages are read');

        // The icon in the Extensions view: the image of our row is loaded, not a placeholder.
        await wb.runCommand('Extensions: Show Installed Extensions');
        const row = page.locator('.extensions-viewlet .monaco-list-row').filter({ hasText: 'Milestone Scope' }).first();
        await row.waitFor({ timeout: 30_000 });
        assert.equal(await loadedWidth(wb, '.extensions-viewlet .monaco-list-row:has-text("Milestone Scope") img.icon', 'the icon in the Extensions view'), 128);
        assert.match((await row.locator('img.icon').getAttribute('src')) ?? '', /icon\.png/);
        // And on the extension's details page.
        await row.click();
        const details = page.locator('.extension-editor');
        await details.locator('.header .name', { hasText: 'Milestone Scope' }).first().waitFor({ timeout: 30_000 });
        assert.equal(await loadedWidth(wb, '.extension-editor .header img.icon', 'the icon on the details page'), 128);
        assert.match((await details.locator('.header img.icon').first().getAttribute('src')) ?? '', /icon\.png/);
        await wb.screenshot(`extension-icon-${label}`);

        // Without an active milestone, Stop Milestone and the scope commands are not offered.
        const commands = await wb.paletteCommands('Milestone Scope:');
        await page.keyboard.press('Escape');
        assert.ok(commands.includes('Milestone Scope: Start Milestone'), commands.join(', '));
        for (const hidden of ['Milestone Scope: Stop Milestone', 'Milestone Scope: Check Scope', 'Milestone Scope: Revert Change to Base']) {
          assert.ok(!commands.includes(hidden), `${hidden} is listed without an active milestone: ${commands.join(', ')}`);
        }

        // A trace file has an Open Trace button in its editor title.
        const dir = join(wb.workspaceDir, 'traces');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `run-${label}.trace.txt`), 'INFO     prover [ 7.47ms | 100.00% ]\n');
        await wb.openFile(`traces/run-${label}.trace.txt`);
        const button = page.locator('.editor-actions .action-label[aria-label^="Open Trace"]');
        await button.first().waitFor({ timeout: 20_000 });
        await wb.screenshot(`trace-editor-button-${label}`);
        await wb.runCommand('View: Close All Editors');
      });
    }
  } finally {
    await wb.close();
  }
});
