// The extension loads in the fixture workspace and registers what its manifest promises; the
// workspace reset the other tests rely on really restores the fixture.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import {
  extension,
  git,
  readWorkspaceFile,
  resetWorkspace,
  test,
  waitFor,
  waitForActivation,
  workspacePath,
  workspaceRoot,
} from './framework';

const CATALOG = 'docs/metal-backend-optimization-milestones.md';

test('the fixture workspace is open as a git repository', async () => {
  assert.ok(existsSync(workspacePath(CATALOG)), `${CATALOG} missing in ${workspaceRoot()}`);
  assert.equal(await git(['status', '--porcelain']), '', 'the workspace starts clean');
  assert.equal(vscode.workspace.isTrusted, true, 'the workspace is trusted');
});

test('the extension activates on its own in the fixture workspace', async () => {
  const ext = await waitForActivation();
  assert.equal(ext.packageJSON.name, 'milestone-scope');
});

test('every command in the manifest is registered', async () => {
  await waitForActivation();
  const contributed: Array<{ command: string }> = extension().packageJSON.contributes?.commands ?? [];
  assert.ok(contributed.length > 0, 'the manifest contributes no command');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
  assert.deepEqual(missing, [], 'contributed but not registered');
});

test('resetWorkspace restores edited, deleted and added files', async () => {
  const original = await readWorkspaceFile(CATALOG);
  await writeFile(workspacePath(CATALOG), original + '\nedited by a test\n');
  await unlink(workspacePath('Cargo.toml'));
  await writeFile(workspacePath('scratch.txt'), 'new file\n');
  const doc = await vscode.workspace.openTextDocument(workspacePath(CATALOG));
  await vscode.window.showTextDocument(doc);
  await vscode.window.activeTextEditor!.edit((e) => e.insert(new vscode.Position(0, 0), 'unsaved '));
  assert.ok(doc.isDirty);

  await resetWorkspace();

  assert.equal(await readWorkspaceFile(CATALOG), original);
  assert.ok(existsSync(workspacePath('Cargo.toml')), 'deleted file restored');
  assert.ok(!existsSync(workspacePath('scratch.txt')), 'added file removed');
  assert.equal(await git(['status', '--porcelain']), '');
  assert.equal(doc.isDirty, false, 'unsaved edit reverted');
  assert.equal(vscode.window.visibleTextEditors.length, 0, 'editors closed');
});

test('a contributed command runs without throwing', async () => {
  await waitForActivation();
  await vscode.commands.executeCommand('milestoneScope.reloadWorkspace');
});

test('saving a .milestone-scope.yml reloads the workspace model, as a .yaml does', async () => {
  await waitForActivation();
  type ModelState = { configFile?: string; catalog?: string; problems: string[] };
  const state = () => vscode.commands.executeCommand<ModelState>('milestoneScope.internal.workspaceModel');
  await vscode.commands.executeCommand('milestoneScope.reloadWorkspace');
  assert.equal((await state()).configFile, undefined, 'the fixture has no configuration file');
  try {
    // The same catalog under another name: only a reload from the .yml can know it.
    await writeFile(workspacePath('docs/renamed-catalog.md'), await readWorkspaceFile(CATALOG));
    await writeFile(workspacePath('.milestone-scope.yml'), 'catalog: docs/renamed-catalog.md\n');
    const loaded = await waitFor(
      async () => {
        const s = await state();
        return s.configFile === '.milestone-scope.yml' && s.catalog === 'docs/renamed-catalog.md' && s;
      },
      10_000,
      'the model to load .milestone-scope.yml without a reload command',
    );
    assert.deepEqual(
      loaded.problems.filter((p) => p.startsWith('.milestone-scope')),
      [],
    );
  } finally {
    await resetWorkspace();
  }
});
