// Catalog references leaving the workspace, in the real editor: a `../outside.rs:3` reference and a
// reference to a symbolic link pointing out of the workspace are errors in the Problems view, and
// neither file gets a hotspot decoration or CodeLens.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { openWorkspaceFile, test, waitFor, waitForActivation, workspacePath, workspaceRoot } from './framework';

const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const LINK = 'crates/metal-backend/src/outside_link.rs';
const PCS_146 = '  - `crates/metal-backend/src/stacked_pcs.rs:146`\n';
const CODE = Array.from({ length: 12 }, (_, i) => `fn f${i + 1}() {}`).join('\n') + '\n';

interface Decorated {
  uri: string;
  kind: string;
  lines: number[];
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Our lenses in a document (any milestone), as 1-based lines. */
async function lensLines(uri: vscode.Uri): Promise<number[]> {
  const found = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return found.filter((l) => l.command?.command.startsWith('milestoneScope.')).map((l) => l.range.start.line + 1);
}

async function decoratedLines(uri: vscode.Uri): Promise<number[]> {
  const all = (await vscode.commands.executeCommand<Decorated[]>('milestoneScope.internal.decorations')) ?? [];
  return all.filter((d) => d.uri === uri.toString()).flatMap((d) => d.lines);
}

test('paths: references leaving the workspace are diagnostics and get no decoration or CodeLens', async () => {
  await waitForActivation();
  const elsewhere = await mkdtemp(join(tmpdir(), 'milestone-scope-outside-'));
  // `../outside.rs` next to the workspace folder; kept if something else put it there.
  const parentFile = join(dirname(workspaceRoot()), 'outside.rs');
  const ownParentFile = !existsSync(parentFile);
  try {
    if (ownParentFile) await writeFile(parentFile, CODE);
    await writeFile(join(elsewhere, 'secret.rs'), CODE);
    await symlink(join(elsewhere, 'secret.rs'), workspacePath(LINK));
    const original = await readFile(workspacePath(CATALOG), 'utf8');
    assert.ok(original.includes(PCS_146));
    const text = original.replace(PCS_146, `${PCS_146}  - \`../outside.rs:3\`\n  - \`${LINK}:2\`\n`);
    await writeFile(workspacePath(CATALOG), text);
    const lines = text.split('\n');
    const parentLine = lines.findIndex((l) => l.includes('`../outside.rs:3`'));
    const linkLine = lines.findIndex((l) => l.includes(`\`${LINK}:2\``));
    await vscode.commands.executeCommand('milestoneScope.reloadWorkspace');

    // Problems view: one error at each reference's text.
    const catalog = await openWorkspaceFile(CATALOG);
    const refused = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(catalog.document.uri).filter((x) => x.source === 'milestone-scope' && codeOf(x) === 'ref/outside-workspace');
        return d.length === 2 ? d : undefined;
      },
      60_000,
      'two ref/outside-workspace diagnostics in the catalog',
    );
    refused.sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(refused.map((d) => d.range.start.line), [parentLine, linkLine]);
    assert.ok(refused.every((d) => d.severity === vscode.DiagnosticSeverity.Error));
    assert.equal(catalog.document.getText(refused[0]!.range), '`../outside.rs:3`');
    assert.match(refused[0]!.message, /climbs out of the workspace/);
    assert.match(refused[1]!.message, /leads outside the workspace through a symbolic link/);

    // The hotspot index holds the catalog's other references, not these two.
    const placed = await vscode.commands.executeCommand<{ hotspots: Array<{ path: string; milestone: string }> }>('milestoneScope.internal.hotspots');
    assert.ok(placed.hotspots.some((h) => h.path === STACKED), 'the references inside are placed');
    assert.deepEqual(placed.hotspots.filter((h) => /outside/.test(h.path)), [], 'no hotspot outside the workspace or through the link');

    // A control: the lenses and decorations are there for a hotspot file inside.
    const stacked = await openWorkspaceFile(STACKED);
    await waitFor(async () => (await lensLines(stacked.document.uri)).includes(110), 20_000, 'lenses on stacked_pcs.rs');
    await waitFor(async () => (await decoratedLines(stacked.document.uri)).includes(110), 20_000, 'decorations on stacked_pcs.rs');

    // Neither file reached by the refused references gets any.
    for (const uri of [vscode.Uri.file(workspacePath(LINK)), vscode.Uri.file(parentFile)]) {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await waitFor(async () => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString(), 5_000, `${uri.fsPath} shown`);
      // Give a repaint the chance it would take (the decorations follow the active editor at once).
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await lensLines(uri), [], `no CodeLens in ${uri.fsPath}`);
      assert.deepEqual(await decoratedLines(uri), [], `no decoration in ${uri.fsPath}`);
    }
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (ownParentFile) await rm(parentFile, { force: true });
    await rm(elsewhere, { recursive: true, force: true });
  }
}, { timeoutMs: 120_000 });
