// The milestone-document language server through the real language client: diagnostics follow
// edits of the catalog and unsaved edits of a referenced file, the quick fix rewrites a moved
// reference, and links, definitions, hovers, completions and symbols reach VS Code.
import * as assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { openWorkspaceFile, test, waitFor, waitForActivation, workspacePath } from './framework';

const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const PCS = 'crates/metal-backend/src/stacked_pcs.rs';

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'milestone-scope');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Opens the catalog (which starts the server) and waits until the server answers a hover on it. */
async function openCatalog(): Promise<vscode.TextEditor> {
  await waitForActivation();
  const editor = await openWorkspaceFile(CATALOG);
  const line = editor.document.getText().split('\n').findIndex((l) => l.includes('stacked_pcs.rs:110'));
  const pos = new vscode.Position(line, 10);
  await waitFor(
    async () => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, pos)) ?? [];
      return hovers.some((h) => h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('```rust')));
    },
    60_000,
    'the language server to answer a hover on a reference',
  );
  return editor;
}

test('language server: unsaved edits of a referenced file move the catalog references; the quick fix follows them', async () => {
  const catalog = await openCatalog();
  assert.deepEqual(ours(catalog.document.uri).map((d) => d.message), [], 'no diagnostics on the fixture');

  const pcs = await openWorkspaceFile(PCS);
  await pcs.edit((e) => e.insert(new vscode.Position(0, 0), '// an unsaved line\n// and another\n'));
  assert.ok(pcs.document.isDirty);
  const moved = await waitFor(
    () => {
      const d = ours(catalog.document.uri).filter((x) => codeOf(x) === 'ref/moved');
      return d.length === 3 ? d : undefined;
    },
    20_000,
    'three moved references in the catalog',
  );
  assert.match(moved[0]!.message, /moved to line 112/);

  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', catalog.document.uri, moved[0]!.range)) ?? [];
  const fix = actions.find((a) => a.title === 'Point the reference at line 112');
  assert.ok(fix?.edit, `quick fix offered: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  assert.ok(catalog.document.getText().includes('stacked_pcs.rs:112`'));
  await waitFor(() => ours(catalog.document.uri).filter((x) => codeOf(x) === 'ref/moved').length === 2, 20_000, 'the fixed reference to stop being reported');

  // Reverting the code buffer brings the disk back: the fixed reference now points two lines off.
  await vscode.window.showTextDocument(pcs.document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  assert.equal(pcs.document.isDirty, false, 'the code buffer was reverted');
  await waitFor(() => ours(catalog.document.uri).filter((x) => codeOf(x) === 'ref/moved').length === 0, 20_000, 'the moves to disappear after the revert').catch(async (err) => {
    const state = await vscode.commands.executeCommand('milestoneScope.internal.languageServerState');
    throw new Error(`${(err as Error).message}; shown: ${ours(catalog.document.uri).map((d) => `${d.range.start.line + 1} ${codeOf(d)} ${d.message}`).join(' | ')}; client: ${JSON.stringify(state)}`);
  });
});

test('language server: a reference broken in the editor is flagged at its text', async () => {
  const editor = await openCatalog();
  const doc = editor.document;
  const line = doc.getText().split('\n').findIndex((l) => l.includes('merkle_tree.rs:97`'));
  const start = doc.lineAt(line).text.indexOf('merkle_tree.rs') + 'merkle_tree'.length;
  await editor.edit((e) => e.insert(new vscode.Position(line, start), '_gone'));
  const d = await waitFor(() => ours(doc.uri).find((x) => codeOf(x) === 'ref/missing-file'), 20_000, 'a missing-file diagnostic');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(d.range.start.line, line);
  assert.equal(doc.getText(d.range), '`crates/metal-backend/src/merkle_tree_gone.rs:97`');
});

test('language server: links, definitions, completions and symbols reach VS Code', async () => {
  const editor = await openCatalog();
  const uri = editor.document.uri;
  const links = ((await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri)) ?? []).filter((l) => /#L\d+/.test(l.target?.fragment ? '#' + l.target.fragment : String(l.target)));
  assert.equal(links.length, 21, 'a link for every reference');
  const text = editor.document.getText().split('\n');
  const line = text.findIndex((l) => l.includes('stacked_pcs.rs:129'));
  const defs = (await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', uri, new vscode.Position(line, 12))) ?? [];
  const def = defs[0] as vscode.LocationLink;
  assert.equal(def.targetUri.fsPath, workspacePath(PCS));
  assert.equal(def.targetRange.start.line, 128);

  const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'M2')) ?? [];
  assert.ok(symbols.some((s) => s.name.startsWith('M2 Remove per-copy synchronization')), symbols.map((s) => s.name).join(' | '));

  const status = await openWorkspaceFile('docs/metal-backend-optimization-tracking/STATUS.md');
  const end = status.document.lineCount - 1;
  await status.edit((e) => e.insert(new vscode.Position(end, status.document.lineAt(end).text.length), '\n| 7 | '));
  const pos = new vscode.Position(end + 1, '| 7 | '.length);
  const list = await waitFor(
    async () => {
      const r = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', status.document.uri, pos);
      const labels = r?.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)) ?? [];
      return labels.includes('not_started') ? labels : undefined;
    },
    20_000,
    'status values offered in the Status column',
  );
  assert.ok(list.includes('in_progress') && list.includes('completed'));
});

test('language server: a referenced file changed on disk (not open) is re-checked through the file watcher', async () => {
  const catalog = await openCatalog();
  const merkle = workspacePath('crates/metal-backend/src/merkle_tree.rs');
  await writeFile(merkle, '// added on disk\n' + (await readFile(merkle, 'utf8')));
  const moved = await waitFor(
    () => ours(catalog.document.uri).find((d) => codeOf(d) === 'ref/moved' && d.message.includes('merkle_tree.rs:97')),
    30_000,
    'the merkle_tree.rs reference to be reported as moved',
  );
  assert.match(moved.message, /moved to line 98/);
});
