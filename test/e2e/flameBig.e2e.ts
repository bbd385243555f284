// Big traces in a real workbench: a trace whose chart goes to the webview in slices is drawn, and
// the Cancel button of the "Reading …" progress notification stops a read of a bigger one, which
// the notification and the panel then say.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeScaled } from '../../bench/traceScale';
import { buildFlameDocument } from '../../src/core/flame/flatten';
import { documentArrayBytes, SLICE_BYTES } from '../../src/core/flame/transfer';
import { parseTraceFile } from '../../src/core/trace';
import { startWorkbench, waitFor } from './lib';

/** Whether a chart canvas has been drawn: laid out and more than 5 % of its pixels painted (runs in the page). */
function isDrawn(c: HTMLCanvasElement): boolean {
  if (c.width < 200) return false;
  const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
  return painted / (c.width * c.height) > 0.05;
}

/** The main chart (the sandwich view has two small flame graphs with the same class). */
const MAIN_CANVAS = 'canvas.flame-canvas[aria-label^="Flame chart"]';

const MB = 1024 * 1024;
const SAMPLE_BYTES = 36_745;
const DIR = '.milestone-scope/traces/e2e';

test('flame chart: a big trace is drawn from its first part, then its timeline; Cancel in the progress notification stops a read', { timeout: 420_000 }, async () => {
  const wb = await startWorkbench({ name: 'flame-big', settings: { 'workbench.editor.enablePreview': false } });
  try {
    const dir = join(wb.workspaceDir, DIR);
    mkdirSync(dir, { recursive: true });
    const medium = join(dir, 'medium.txt');
    await writeScaled('forest', medium, Math.ceil((24 * MB) / SAMPLE_BYTES));
    const arrays = documentArrayBytes(buildFlameDocument(await parseTraceFile(medium), 'medium'));
    assert.ok(arrays > 4 * SLICE_BYTES, `the chart's arrays (${arrays} bytes) go in several slices`);

    // Open Trace offers the recorded runs; the chart draws from the reassembled slices.
    await wb.runCommand('Milestone Scope: Open Trace');
    await wb.pickQuickItem('medium.txt');
    const frame = await wb.webviewFrame({ selector: '.toolbar .title:has-text("medium.txt")', timeoutMs: 120_000 });
    await waitFor(
      async () =>
        frame.locator(MAIN_CANVAS).evaluate(isDrawn),
      120_000,
      'the chart of medium.txt to be drawn',
    );
    assert.equal((await frame.locator('.toolbar .title').textContent())?.trim(), `${DIR}/medium.txt`);
    assert.deepEqual(await frame.locator('.views button').allTextContents(), ['Timeline', 'Merged', 'Left heavy', 'Sandwich']);
    await wb.screenshot('medium-drawn');
    // A trace this big comes in two parts: the merged view drew the first screen (many proofs open
    // left heavy); the timeline follows, is added to the chart and draws when its tab is chosen.
    assert.equal(await frame.locator('.views button[aria-selected="true"]').textContent(), 'Left heavy');
    await frame.locator('.views button', { hasText: 'Timeline' }).click();
    await waitFor(
      async () =>
        (await frame.locator('.views button[aria-selected="true"]').textContent()) === 'Timeline' &&
        (await frame.locator('.placeholder').isHidden()) &&
        frame.locator(MAIN_CANVAS).evaluate(isDrawn),
      120_000,
      'the timeline of medium.txt to be drawn',
    );
    await wb.screenshot('medium-timeline');

    // A bigger one: its notification shows the percentage read; its Cancel button stops the read.
    await writeScaled('forest', join(dir, 'large.txt'), Math.ceil((200 * MB) / SAMPLE_BYTES));
    await wb.runCommand('Milestone Scope: Open Trace');
    await wb.pickQuickItem('large.txt');
    // The notification, in the notification centre (this headless workbench does not pop it up as
    // a toast; the bell shows it). The bell opens the centre at once: through the palette, a busy
    // machine once took long enough for the whole read to end first.
    await wb.page.locator('[id="status.notifications"]').first().click({ timeout: 10_000 }).catch(() => undefined);
    const centre = wb.page.locator('.notifications-center.visible');
    if (!(await centre.waitFor({ timeout: 5_000 }).then(() => true, () => false))) {
      await wb.runCommand('Notifications: Show Notifications', { timeoutMs: 60_000 });
    }
    const item = wb.page.locator('.notifications-center .notification-list-item', { hasText: 'large.txt' }).first();
    const percent = await waitFor(
      async () => {
        const text = (await item.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ');
        const m = /Reading \S*large\.txt: (\d+)% of 200 MB/.exec(text);
        return m && Number(m[1]) > 0 ? Number(m[1]) : undefined;
      },
      60_000,
      'the progress notification to show a percentage',
    );
    await wb.screenshot('large-reading');
    await item.getByRole('button', { name: 'Cancel' }).click();
    const panel = await wb.webviewFrame({ selector: '.placeholder:has-text("was cancelled")', timeoutMs: 10_000 });
    assert.match((await panel.locator('.placeholder').innerText()).replace(/\s+/g, ' '), /Could not show \S*large\.txt.*was cancelled\. Open the trace again to read it\./);
    // Running the Cancel action closed the centre; the announcement is in it.
    await wb.runCommand('Notifications: Show Notifications', { timeoutMs: 60_000 });
    const messages = wb.page.locator('.notifications-center .notification-list-item-message');
    await waitFor(async () => (await messages.allInnerTexts()).some((n) => /^Reading \S*large\.txt was cancelled\.$/.test(n.trim())), 10_000, 'the cancellation to be announced');
    assert.ok(!(await messages.allInnerTexts()).some((n) => /Reading \S*large\.txt: \d+%/.test(n)), 'the progress notification is gone');
    assert.ok(percent < 100, `cancelled midway (the notification showed ${percent}%)`);
    await wb.screenshot('large-cancelled');
  } finally {
    await wb.close();
  }
});
