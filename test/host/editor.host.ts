// Start Milestone, hotspot CodeLens, decorations and anchors, checked inside the real extension
// host through the VS Code API (CodeLens provider results, the decoration state command, files
// on disk).
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import * as vscode from 'vscode';
import { extension, git, onReset, openWorkspaceFile, readWorkspaceFile, test, waitFor, waitForActivation, workspacePath } from './framework';

const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';
const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
/** The prompt's hotspots of work item 1 (milestone 2). */
const HOTSPOTS = [110, 129, 146];

interface Decorated {
  uri: string;
  kind: 'active' | 'edited' | 'other';
  lines: number[];
}

interface Preflight {
  decision: string;
  reason: string;
  owner?: string;
  date?: string;
}

onReset(async () => {
  // Each test starts with no active milestone and highlights on.
  await vscode.commands.executeCommand('milestoneScope.stopMilestone');
  const config = vscode.workspace.getConfiguration();
  if (config.inspect('milestoneScope.hotspots.enabled')?.globalValue !== undefined) {
    await config.update('milestoneScope.hotspots.enabled', undefined, vscode.ConfigurationTarget.Global);
  }
});

/**
 * A test of this module. code-server saves after a delay by default, which would turn every
 * unsaved buffer these tests make into a saved file; they run with auto save off.
 */
function editorTest(name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    const files = vscode.workspace.getConfiguration('files');
    const before = files.inspect('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    try {
      await documentsMatchDisk();
      await fn();
    } finally {
      // Discard unsaved edits while auto save is still off: turning it back on would save them.
      for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isClosed)) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      await files.update('autoSave', before, vscode.ConfigurationTarget.Global);
    }
  });
}

/**
 * Waits until every open document without unsaved changes shows the file on disk: after the
 * workspace reset the editor reloads them asynchronously.
 */
async function documentsMatchDisk(): Promise<void> {
  const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  let stale: string[] = [];
  try {
    await waitFor(async () => {
      stale = [];
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.isDirty || doc.isClosed || doc.uri.scheme !== 'file' || !doc.uri.fsPath.startsWith(root)) continue;
        const disk = await readFile(doc.uri.fsPath, 'utf8').catch(() => undefined);
        if (disk !== undefined && disk !== doc.getText()) stale.push(doc.uri.fsPath.slice(root.length + 1));
      }
      return stale.length === 0;
    }, 10_000, 'open documents to match the files on disk');
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${stale.join(', ')}`);
  }
}

async function start(id: string): Promise<Preflight> {
  await waitForActivation();
  const result = await vscode.commands.executeCommand<Preflight | undefined>('milestoneScope.startMilestone', id);
  assert.ok(result, `Start Milestone ${id} returned no pre-flight result`);
  return result;
}

/** 1-based lines of the lenses in `rel`, with their titles. */
async function lenses(rel: string): Promise<Array<{ line: number; title: string }>> {
  const uri = vscode.Uri.file(workspacePath(rel));
  const found = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return found.filter((l) => l.command?.command === 'milestoneScope.showMilestone').map((l) => ({ line: l.range.start.line + 1, title: l.command!.title }));
}

async function decorated(rel: string): Promise<Decorated[]> {
  const all = (await vscode.commands.executeCommand<Decorated[]>('milestoneScope.internal.decorations')) ?? [];
  const uri = vscode.Uri.file(workspacePath(rel)).toString();
  return all.filter((d) => d.uri === uri);
}

async function linesOf(rel: string, kind: Decorated['kind']): Promise<number[]> {
  return (await decorated(rel)).find((d) => d.kind === kind)?.lines ?? [];
}

/** Waits until `kind` decorations of `rel` are exactly on `lines`; the error names what was seen. */
async function expectDecorated(rel: string, kind: Decorated['kind'], lines: number[], timeoutMs: number, what: string): Promise<void> {
  let seen: unknown;
  try {
    await waitFor(async () => {
      seen = await decorated(rel);
      return (await linesOf(rel, kind)).join() === lines.join();
    }, timeoutMs, what);
  } catch (err) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === workspacePath(rel));
    const disk = (await readWorkspaceFile(rel)).split('\n').length;
    throw new Error(`${(err as Error).message}; decorated: ${JSON.stringify(seen)}; placed: ${JSON.stringify(await placed(rel))}; doc: ${doc ? `${doc.lineCount} lines, dirty ${doc.isDirty}, closed ${doc.isClosed}` : 'none'}; disk ${disk} lines`);
  }
}

/** The index rebuilt from git and the buffers: where the active milestone's hotspots in `rel` are. */
interface Placements {
  base: string;
  hotspots: Array<{ milestone: string; path: string; line: number; state: string }>;
}

async function placements(): Promise<Placements> {
  const result = await vscode.commands.executeCommand<Placements>('milestoneScope.internal.hotspots');
  assert.ok(result, 'the hotspot index answered');
  return result;
}

async function placed(rel: string): Promise<Array<{ line: number; state: string }>> {
  return (await placements()).hotspots.filter((h) => h.path === rel && h.milestone === '2').map(({ line, state }) => ({ line, state }));
}

function statusRows(text: string): string[] {
  return text.split('\n');
}

editorTest('editor: Start Milestone 2 changes only its STATUS.md row and records the base commit', async () => {
  const before = await readWorkspaceFile(STATUS);
  const head = await git(['rev-parse', 'HEAD']);
  const result = await start('2');
  assert.equal(result.decision, 'ready');
  const after = await waitFor(async () => {
    const t = await readWorkspaceFile(STATUS);
    return t !== before && t;
  }, 10_000, 'STATUS.md to change on disk');
  const a = statusRows(before);
  const b = statusRows(after);
  assert.equal(b.length, a.length, 'no row added or removed');
  const changed = a.flatMap((row, i) => (row !== b[i] ? [i] : []));
  assert.equal(changed.length, 1, `exactly one line changed, got ${changed.length}`);
  assert.match(a[changed[0]!]!, /^\|\s*2\s*\|/);
  assert.match(b[changed[0]!]!, /^\| 2 \| `in_progress` \| [^|]*\S[^|]*\| \d{4}-\d{2}-\d{2} \|/);
  const tracking = await readWorkspaceFile(TRACKING_2);
  assert.ok(tracking.includes(head), 'the tracking file records the base commit');
  // git() trims its output, so the first line may have lost its leading space.
  const porcelain = (await git(['status', '--porcelain', '-uall'])).split('\n').map((l) => l.replace(/^\s*\S+\s+/, '')).sort();
  assert.deepEqual(porcelain, [STATUS, TRACKING_2].sort(), 'only STATUS.md and the new tracking file changed');
  for (const doc of vscode.workspace.textDocuments) assert.equal(doc.isDirty, false, `${doc.uri.fsPath} left unsaved`);
});

for (const [id, decision, words] of [
  ['0', 'noop', /completed/],
  ['1', 'conflict', /@bob/],
  ['4', 'blocked', /waiting on the M3 data layout/],
] as const) {
  editorTest(`editor: Start Milestone ${id} is ${decision} and changes no file`, async () => {
    const result = await start(id);
    assert.equal(result.decision, decision);
    assert.match(`${result.reason} ${result.owner ?? ''}`, words);
    assert.equal(await git(['status', '--porcelain']), '', 'no file changed');
    for (const doc of vscode.workspace.textDocuments) assert.equal(doc.isDirty, false, `${doc.uri.fsPath} was edited`);
  });
}

editorTest('editor: a claim pushed by someone else to the remote makes Start Milestone a conflict', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'milestone-scope-remote-'));
  const bare = join(scratch, 'origin.git');
  const other = join(scratch, 'zed');
  try {
    await execa('git', ['clone', '-q', '--bare', workspacePath('.'), bare]);
    await execa('git', ['clone', '-q', bare, other]);
    await execa('git', ['-C', other, 'config', 'user.name', 'zed']);
    await execa('git', ['-C', other, 'config', 'user.email', 'zed@example.invalid']);
    // Zed claims milestone 2 from the other clone and pushes the claim.
    const cli = join(extension().extensionPath, 'dist', 'cli.js');
    await execa(process.execPath, [cli, 'start', '2', '--owner', 'zed', '--push', '--root', other]);
    await git(['remote', 'add', 'origin', bare]);
    const result = await start('2');
    assert.equal(result.decision, 'conflict');
    assert.match(`${result.reason} ${result.owner ?? ''}`, /zed/);
    assert.equal(await git(['status', '--porcelain']), '', 'no file changed');
  } finally {
    await git(['remote', 'remove', 'origin']).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
});

editorTest('editor: lenses and decorations sit on the hotspot lines of the active milestone', async () => {
  await start('2');
  await openWorkspaceFile(STACKED, 110);
  const found = await waitFor(async () => {
    const l = await lenses(STACKED);
    return l.length === 3 && l;
  }, 15_000, 'three hotspot lenses in stacked_pcs.rs');
  assert.deepEqual(found.map((l) => l.line), HOTSPOTS);
  found.forEach((l, i) => assert.match(l.title, new RegExp(`M2 · hotspot ${i + 1} of 3 · Remove per-copy synchronization`)));
  await expectDecorated(STACKED, 'active', HOTSPOTS, 10_000, 'decorations on 110, 129, 146');
});

editorTest('editor: another milestone\'s hotspot is marked do-not-touch, without lenses', async () => {
  await start('2');
  await openWorkspaceFile(MERKLE, 97);
  await waitFor(async () => (await linesOf(MERKLE, 'other')).includes(97), 15_000, 'the M3 hotspot at merkle_tree.rs:97 marked');
  assert.deepEqual(await linesOf(MERKLE, 'active'), []);
  assert.deepEqual(await lenses(MERKLE), []);
});

editorTest('editor: unsaved and saved insertions above move lenses and decorations with the code', async () => {
  await start('2');
  const editor = await openWorkspaceFile(STACKED, 1);
  const target = editor.document.lineAt(109).text;
  await expectDecorated(STACKED, 'active', HOTSPOTS, 15_000, 'initial decorations');
  await editor.edit((e) => e.insert(new vscode.Position(20, 0), '// one\n// two\n// three\n'));
  assert.ok(editor.document.isDirty);
  const moved = HOTSPOTS.map((l) => l + 3);
  await expectDecorated(STACKED, 'active', moved, 10_000, 'decorations moved by 3 (unsaved)');
  assert.ok(editor.document.isDirty, 'still unsaved while the decorations moved');
  assert.deepEqual((await lenses(STACKED)).map((l) => l.line), moved);
  assert.equal(editor.document.lineAt(moved[0]! - 1).text, target, 'the decorated line is the same code');

  // Re-derived from git and the buffer, the anchors agree with the live ones.
  assert.deepEqual(await placed(STACKED), moved.map((line) => ({ line, state: 'current' })));
  await editor.document.save();
  assert.deepEqual(await placed(STACKED), moved.map((line) => ({ line, state: 'current' })));
  await expectDecorated(STACKED, 'active', moved, 10_000, 'decorations still moved after save');
  await editor.edit((e) => e.insert(new vscode.Position(120, 0), '        // between\n'));
  const again = [moved[0]!, moved[1]! + 1, moved[2]! + 1];
  await waitFor(async () => (await lenses(STACKED)).map((l) => l.line).join() === again.join(), 10_000, 'lenses after an insert between hotspots');
});

editorTest('editor: a hotspot line edited shows as edited, deleted as removed', async () => {
  await start('2');
  const editor = await openWorkspaceFile(STACKED, 129);
  await expectDecorated(STACKED, 'active', HOTSPOTS, 15_000, 'initial decorations');
  const line = editor.document.lineAt(128);
  await editor.edit((e) => e.replace(new vscode.Range(128, line.firstNonWhitespaceCharacterIndex, 128, line.firstNonWhitespaceCharacterIndex + 'command::'.length), 'batch.'));
  await waitFor(async () => (await linesOf(STACKED, 'edited')).join() === '129', 10_000, 'line 129 decorated as edited');
  assert.deepEqual(await linesOf(STACKED, 'active'), [110, 146]);
  assert.match((await lenses(STACKED)).find((l) => l.line === 129)!.title, /\(edited\)/);

  await editor.edit((e) => e.delete(new vscode.Range(145, 0, 146, 0)));
  await waitFor(async () => (await lenses(STACKED)).some((l) => /removed/.test(l.title)), 10_000, 'a removed lens');
  await waitFor(async () => (await linesOf(STACKED, 'active')).join() === '110', 10_000, 'only line 110 still decorated as current');
});

editorTest('editor: Start Milestone writes through the CLI\'s file locks: while another process holds STATUS.md\'s lock nothing is written', async () => {
  await waitForActivation();
  // The lock file the core's writer (src/core/files.ts) creates, held by a live process on this host.
  const lock = join(dirname(workspacePath(STATUS)), `.${basename(STATUS)}.lock`);
  await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }), { flag: 'wx' });
  try {
    const doc = await vscode.workspace.openTextDocument(workspacePath(STATUS));
    await vscode.window.showTextDocument(doc);
    const before = await readWorkspaceFile(STATUS);
    const tracking = await readFile(workspacePath(TRACKING_2), 'utf8').catch(() => undefined);
    const result = await vscode.commands.executeCommand<Preflight | undefined>('milestoneScope.startMilestone', '2');
    assert.equal(result, undefined, 'the start did not go through');
    assert.equal(await readWorkspaceFile(STATUS), before, 'STATUS.md untouched');
    assert.equal(await readFile(workspacePath(TRACKING_2), 'utf8').catch(() => undefined), tracking, 'the tracking file untouched');
    assert.equal(doc.isDirty, false, 'no edit left in the open document');
  } finally {
    await rm(lock, { force: true });
  }
});

editorTest('editor: starting with STATUS.md open and unsaved keeps the user\'s edit and does not save it', async () => {
  const doc = await vscode.workspace.openTextDocument(workspacePath(STATUS));
  const editor = await vscode.window.showTextDocument(doc);
  const onDisk = await readWorkspaceFile(STATUS);
  await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), 'A note typed but not saved.\n'));
  assert.ok(doc.isDirty);
  const result = await start('2');
  assert.equal(result.decision, 'ready');
  assert.ok(doc.isDirty, 'STATUS.md is still unsaved');
  assert.equal(await readWorkspaceFile(STATUS), onDisk, 'STATUS.md on disk untouched');
  assert.match(doc.getText(), /\| 2 \| `in_progress` \|/);
  assert.match(doc.getText(), /A note typed but not saved\./);
  // The start is one undoable edit in the document.
  await vscode.commands.executeCommand('undo');
  assert.match(doc.getText(), /\| 2 \| `not_started` \|/);
  assert.match(doc.getText(), /A note typed but not saved\./);
});

editorTest('editor: the highlight toggle clears and restores decorations', async () => {
  await start('2');
  await openWorkspaceFile(STACKED, 110);
  await expectDecorated(STACKED, 'active', HOTSPOTS, 15_000, 'decorations');
  await vscode.commands.executeCommand('milestoneScope.toggleHotspots');
  await waitFor(async () => (await decorated(STACKED)).length === 0, 5_000, 'decorations cleared');
  await vscode.commands.executeCommand('milestoneScope.toggleHotspots');
  await expectDecorated(STACKED, 'active', HOTSPOTS, 5_000, 'decorations back');
});

editorTest('editor: Stop keeps the documents; starting again resumes with the recorded base commit', async () => {
  const head = await git(['rev-parse', 'HEAD']);
  assert.equal((await start('2')).decision, 'ready');
  await openWorkspaceFile(STACKED, 110);
  await expectDecorated(STACKED, 'active', HOTSPOTS, 15_000, 'active decorations');
  const status = await readWorkspaceFile(STATUS);
  const tracking = await readWorkspaceFile(TRACKING_2);

  await vscode.commands.executeCommand('milestoneScope.stopMilestone');
  // Without an active milestone every hotspot is shown quietly, and its lens offers a start.
  await expectDecorated(STACKED, 'other', HOTSPOTS, 10_000, 'quiet decorations after stop');
  const uri = vscode.Uri.file(workspacePath(STACKED));
  const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  assert.ok(all.some((l) => l.command?.command === 'milestoneScope.startMilestone' && l.command.arguments?.[0] === '2'), 'a Start Milestone 2 lens');

  const again = await start('2');
  assert.equal(again.decision, 'resume');
  assert.equal(await readWorkspaceFile(STATUS), status, 'STATUS.md unchanged by the resume');
  assert.equal(await readWorkspaceFile(TRACKING_2), tracking, 'tracking file unchanged by the resume');
  await expectDecorated(STACKED, 'active', HOTSPOTS, 10_000, 'active decorations after resume');
  // The resumed milestone anchors to the base commit recorded at the start, even after a commit.
  assert.match(tracking, new RegExp(head));
  await git(['commit', '-q', '--allow-empty', '-m', 'later work']);
  assert.equal((await placements()).base, head.slice(0, 10));
  assert.deepEqual(await placed(STACKED), HOTSPOTS.map((line) => ({ line, state: 'current' })));
});

editorTest('editor: a tracking file deleted on disk but still open is not mistaken for the current one', async () => {
  const me = await git(['config', 'user.name']);
  await writeFile(workspacePath(TRACKING_2), `# Milestone 2\n\n- Status: in_progress\n- Owner: ${me}\n- Started: 2026-11-01\n`);
  const doc = await vscode.workspace.openTextDocument(workspacePath(TRACKING_2));
  await vscode.window.showTextDocument(doc);
  await unlink(workspacePath(TRACKING_2));
  await waitFor(async () => !(await readWorkspaceFile(TRACKING_2).then(() => true, () => false)), 5_000, 'the file to be gone');
  const result = await start('2');
  assert.equal(result.decision, 'ready', 'decided on the files on disk, not on the leftover document');
  const created = await waitFor(() => readWorkspaceFile(TRACKING_2).catch(() => ''), 10_000, 'the tracking file created again');
  assert.match(created, /in_progress/);
  assert.ok(!created.includes('2026-11-01'), 'not the deleted file\'s text');
});
