// The extension in a real workbench: it activates in the fixture workspace, its commands are in
// the palette and run; the packaged .vsix does the same in code-server, as `npm run demo` serves it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startWorkbench, waitFor, type Workbench } from './lib';

/** The palette's Milestone Scope commands, once the extension's contributions have loaded. */
async function milestoneCommands(wb: Workbench): Promise<string[]> {
  return waitFor(
    async () => {
      const titles = (await wb.paletteCommands('Milestone Scope:')).filter((t) => t.startsWith('Milestone Scope:'));
      return titles.length > 0 ? titles : undefined;
    },
    30_000,
    'Milestone Scope commands in the palette',
  );
}

test('the extension activates in the fixture workspace and its command runs from the palette', { timeout: 180_000 }, async () => {
  const wb = await startWorkbench({ name: 'activation-dev' });
  try {
    await wb.screenshot('workbench');
    const commands = await milestoneCommands(wb);
    assert.ok(commands.includes('Milestone Scope: Show Milestone'), `palette lists: ${commands.join(', ')}`);

    const running = await wb.runningExtensions({ keepOpen: true });
    await wb.screenshot('running-extensions');
    const ours = running.find((e) => e.label === 'milestone-scope' || e.name === 'milestone-scope.milestone-scope');
    assert.ok(ours, `not among the running extensions: ${running.map((e) => e.name).join(', ')}`);
    assert.match(ours.activation, /Activation/, 'the extension is activated');
    await wb.page.keyboard.press('Escape');

    // Show Milestone without an active milestone asks which one: the command ran in the extension host.
    await wb.runCommand('Milestone Scope: Show Milestone');
    const items = await wb.quickPickItems();
    await wb.screenshot('show-milestone-picker');
    assert.ok(items.some((label) => /^M2\b/.test(label)), `the picker lists milestone M2: ${items.join(' | ')}`);
    assert.deepEqual([...(await wb.dialogs()), ...(await wb.notifications())], [], 'no error dialog or notification');
  } finally {
    await wb.close();
  }
});

test('the packaged .vsix installs into code-server and contributes its commands', { timeout: 180_000 }, async () => {
  const wb = await startWorkbench({ name: 'activation-vsix', installVsix: true });
  try {
    const commands = await milestoneCommands(wb);
    await wb.page.keyboard.press('F1');
    await wb.page.keyboard.type('Milestone Scope:');
    await wb.quickPickItems();
    await wb.screenshot('palette');
    await wb.page.keyboard.press('Escape');
    assert.ok(commands.includes('Milestone Scope: Start Milestone'), `palette lists: ${commands.join(', ')}`);
    const ours = (await wb.runningExtensions()).find((e) => /milestone.scope/i.test(e.name));
    assert.ok(ours && /Activation/.test(ours.activation), `the installed extension is activated: ${JSON.stringify(ours)}`);
    // Its view lists the fixture's milestones.
    await wb.runCommand('Milestone Scope: Focus on Milestones View');
    await wb.page.locator('.pane-body .monaco-list-row').filter({ hasText: /^\s*M2\b/ }).first().waitFor({ timeout: 20_000 });
    await wb.screenshot('milestones-view');
  } finally {
    await wb.close();
  }
});
