// A catalog in a subfolder whose links are written from the repository root (alt-layout's
// planning/gpu-roadmap.md, rewritten here): the hotspot is decorated at the root-relative file with
// its CodeLens, the catalog shows an information note at the link, and a link to no file at all is
// an error at its line in the Problems panel.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, startFromPalette, startWorkbench, waitFor } from './lib';

const CATALOG = 'planning/gpu-roadmap.md';
const DISPATCH = 'gpu/prover-kernels/src/dispatch.rs';

/** alt-layout with milestone 2's link written from the root, plus a link that names no file. */
function subfolderFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ms-subfolder-'));
  cpSync(join(repoRoot, 'test/fixtures/alt-layout'), dir, { recursive: true, filter: (src) => !/[\\/]target([\\/]|$)/.test(src) });
  const file = join(dir, CATALOG);
  const text = readFileSync(file, 'utf8');
  const from = '- [`dispatch_sync`](../gpu/prover-kernels/src/dispatch.rs#L23-L26)';
  assert.ok(text.includes(from), 'the fixture catalog has the link');
  writeFileSync(file, text.replace(from, `- [\`dispatch_sync\`](${DISPATCH}#L23-L26)\n- Old kernel: [retired.rs](gpu/prover-kernels/src/retired.rs#L3)`));
  return dir;
}

/** Rendered lines of the active editor with the glyph (hotspot icon) and lens texts above them. */
async function hotspotLines(page: Page): Promise<Array<{ line: number; glyph: boolean; lens: string }>> {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) return [];
    const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((e) => ({ line: Number(e.textContent), y: e.getBoundingClientRect().top }));
    const glyphs = [...editor.querySelectorAll('.cgmr')].filter((e) => /hotspot-(dark|light)\.svg/.test(getComputedStyle(e).backgroundImage)).map((e) => e.getBoundingClientRect().top);
    const lenses = [...editor.querySelectorAll('.codelens-decoration')].map((e) => ({ text: (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim(), bottom: e.getBoundingClientRect().bottom }));
    return numbers
      .filter((n) => Number.isFinite(n.line) && n.line > 0)
      .map((n) => ({
        line: n.line,
        glyph: glyphs.some((y) => Math.abs(y - n.y) < 2),
        lens: lenses.filter((l) => l.text && Math.abs(l.bottom - n.y) < 6).map((l) => l.text).join(' | '),
      }));
  });
}

test('root-relative links in a subfolder catalog: decorated hotspot, a note at the link, an error for a link to no file', { timeout: 6 * 60_000 }, async (t) => {
  const fixture = subfolderFixture();
  const wb = await startWorkbench({ fixture, settings: { 'editor.minimap.enabled': false }, viewport: { width: 1400, height: 900 } });
  t.after(async () => {
    await wb.close();
    rmSync(fixture, { recursive: true, force: true });
  });
  await startFromPalette(wb, '2');
  // Quick Open's first file search can take a while on a busy machine: try again.
  await waitFor(() => wb.openFile(DISPATCH, 23).then(() => true, () => false), 120_000, `Quick Open of ${DISPATCH}`);
  const at23 = await waitFor(
    async () => (await hotspotLines(wb.page)).find((l) => l.line === 23 && l.glyph && /M2 · hotspot/.test(l.lens)),
    30_000,
    'the hotspot icon and CodeLens at dispatch.rs:23 (the link read from the repository root)',
  );
  assert.match(at23.lens, /M2 · hotspot 1 of 2/, 'the link to no file is not a hotspot');
  await wb.screenshot('hotspot-from-root-relative-link');

  await wb.openFile(CATALOG);
  const rows = await waitFor(
    async () => {
      const r = await wb.problems();
      return r.some((p) => /link read from the repository root/.test(p.message)) && r.some((p) => /retired\.rs/.test(p.message)) ? r : undefined;
    },
    60_000,
    'the note and the error in the Problems panel',
  );
  const catalogText = readFileSync(join(wb.workspaceDir, CATALOG), 'utf8').split('\n');
  const note = rows.find((p) => /link read from the repository root/.test(p.message))!;
  const error = rows.find((p) => /retired\.rs/.test(p.message))!;
  assert.equal(note.severity, 'info');
  assert.equal(error.severity, 'error');
  assert.equal(note.line, catalogText.findIndex((l) => l.includes(`${DISPATCH}#L23-L26`)) + 1);
  assert.equal(error.line, catalogText.findIndex((l) => l.includes('retired.rs#L3')) + 1);
  await wb.screenshot('catalog-note-and-error-in-problems');
});
