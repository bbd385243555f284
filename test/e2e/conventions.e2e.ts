// What users expect of a VS Code extension, seen in the workbench in a light and a dark theme: the
// Get Started walkthrough, the extension's icon in the Extensions view, commands that cannot run
// hidden from the palette, and the Open Trace button on a trace file.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkbench, waitFor, retryPopup } from './lib';

const STEPS = ['Pick a milestone', 'See its hotspots', 'Run the per-crate check', 'Capture a baseline', 'Open the flame chart'];

for (const theme of ['Default Light Modern', 'Default Dark Modern']) {
  const label = /dark/i.test(theme) ? 'dark' : 'light';
  test(`walkthrough, icon, palette and trace button (${label} theme)`, { timeout: 240_000 }, async () => {
    const wb = await startWorkbench({ name: `conventions-${label}`, theme, installVsix: true });
    try {
      const { page } = wb;
      // The walkthrough, opened as a user would from the palette.
      await retryPopup(wb, 'the walkthrough picker', async () => {
        await wb.runCommand('Welcome: Open Walkthrough...');
        await wb.pickQuickItem(/Get Started with Milestone Scope/, { timeoutMs: 10_000 });
      });
      const walkthrough = page.locator('.gettingStartedContainer');
      await walkthrough.getByText('Pick a milestone', { exact: true }).first().waitFor({ timeout: 30_000 });
      const text = (await walkthrough.innerText()).replace(/\s+/g, ' ');
      for (const step of STEPS) assert.ok(text.includes(step), `the walkthrough shows "${step}": ${text.slice(0, 400)}`);
      await wb.screenshot('walkthrough');

      // The icon in the Extensions view: the image of our row is loaded, not a placeholder.
      await wb.runCommand('Extensions: Show Installed Extensions');
      const row = page.locator('.extensions-viewlet .monaco-list-row').filter({ hasText: 'Milestone Scope' }).first();
      await row.waitFor({ timeout: 30_000 });
      const icon = row.locator('img.icon');
      await waitFor(async () => (await icon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)) === 128, 20_000, 'the icon image to load');
      assert.match((await icon.getAttribute('src')) ?? '', /icon\.png/);
      await wb.screenshot('extensions-icon');
      // The walkthrough's pages (markdown in media/walkthrough/) are in the package: no read error.
      const errors = (await wb.notifications()).filter((n) => /Error reading markdown|not found/i.test(n));
      assert.deepEqual(errors, [], 'the walkthrough pages are read');

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
      writeFileSync(join(dir, 'run.trace.txt'), 'INFO     prover [ 7.47ms | 100.00% ]\n');
      await wb.openFile('traces/run.trace.txt');
      const button = page.locator('.editor-actions .action-label[aria-label^="Open Trace"]');
      await button.first().waitFor({ timeout: 20_000 });
      await wb.screenshot('trace-editor-button');
    } finally {
      await wb.close();
    }
  });
}
