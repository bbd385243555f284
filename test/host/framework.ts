// Test registration and helpers for tests that run inside the real extension host.
// A test module calls `test(name, fn)` at load time; suite.ts runs the registered tests one
// after another, each starting from a freshly reset fixture workspace.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { execa } from 'execa';

export const EXTENSION_ID = 'milestone-scope.milestone-scope';
const DEFAULT_TIMEOUT_MS = 60_000;

export type TestFn = () => void | Promise<void>;

export interface TestOptions {
  /** Fails the test when it runs longer (default 60 s). */
  timeoutMs?: number;
}

export interface RegisteredTest {
  name: string;
  fn: TestFn;
  timeoutMs: number;
}

const registry: RegisteredTest[] = [];
const resetHooks: Array<() => void | Promise<void>> = [];

/** Registers a test. Names must be unique: the driver reports results by name. */
export function test(name: string, fn: TestFn, options: TestOptions = {}): void {
  if (registry.some((t) => t.name === name)) throw new Error(`duplicate extension-host test name: ${name}`);
  registry.push({ name, fn, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
}

/** The tests registered so far, in registration order. */
export function registeredTests(): readonly RegisteredTest[] {
  return registry;
}

/** Registers an extra step of `resetWorkspace()`, e.g. clearing state a feature keeps outside the files. */
export function onReset(hook: () => void | Promise<void>): void {
  resetHooks.push(hook);
}

/** The absolute path of the opened workspace folder (a temporary git copy of the fixture). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** An absolute path inside the workspace. */
export function workspacePath(relPath: string): string {
  return join(workspaceRoot(), relPath);
}

/** A workspace file's content as it is on disk. */
export function readWorkspaceFile(relPath: string): Promise<string> {
  return readFile(workspacePath(relPath), 'utf8');
}

/** Runs git in the workspace and returns its trimmed standard output. */
export async function git(args: string[]): Promise<string> {
  const { stdout } = await execa('git', args, { cwd: workspaceRoot() });
  return stdout.trim();
}

let base: { commit: string; branch: string } | undefined;

/** Records the workspace's starting commit; called by the suite before the first test. */
export async function recordWorkspaceBase(): Promise<void> {
  base = { commit: await git(['rev-parse', 'HEAD']), branch: await git(['rev-parse', '--abbrev-ref', 'HEAD']) };
}

/**
 * Puts the workspace back as it was when the suite started: first the hooks registered with
 * `onReset` (so that whatever they change on disk is reset too), then unsaved changes reverted,
 * editors closed, files, index and branch restored (git reset + clean; cargo's `target/` is kept
 * so builds stay incremental). The suite calls this before every test; a test may call it again.
 */
export async function resetWorkspace(): Promise<void> {
  if (!base) await recordWorkspaceBase();
  const { commit, branch } = base!;
  for (const hook of resetHooks) await hook();
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isClosed)) await revertDocument(doc);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await git(['checkout', '-q', '-f', branch]);
  await git(['reset', '-q', '--hard', commit]);
  await git(['clean', '-q', '-f', '-d', '-x', '-e', 'target']);
  // Start records (refs/milestone-scope/<id>/base) of milestones started by earlier tests.
  for (const ref of (await git(['for-each-ref', '--format=%(refname)', 'refs/milestone-scope/'])).split('\n').filter(Boolean)) await git(['update-ref', '-d', ref]);
  await waitFor(documentsMatchDisk, 15_000, 'loaded documents to show the reset files');
}

/**
 * Discards a document's unsaved changes. Showing it can fail while the workbench is still opening
 * another editor ("another editor opened in the meantime"); that is retried until it holds.
 */
async function revertDocument(doc: vscode.TextDocument): Promise<void> {
  await waitFor(async () => {
    if (!doc.isDirty || doc.isClosed) return true;
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    return !doc.isDirty;
  }, 10_000, `unsaved changes of ${doc.uri.fsPath} to be discarded`);
}

/**
 * Every loaded document of an existing workspace file has the file's content. VS Code updates
 * them from its file watcher, after the reset. (Documents of files the reset deleted can stay
 * loaded for minutes: VS Code keeps documents an extension opened; read such files from disk.)
 */
async function documentsMatchDisk(): Promise<boolean> {
  const root = workspaceRoot() + sep;
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme !== 'file' || !doc.uri.fsPath.startsWith(root) || doc.isDirty) continue;
    const disk = (await readFile(doc.uri.fsPath, 'utf8').catch(() => undefined))?.replace(/^\uFEFF/, '');
    if (disk !== undefined && disk !== doc.getText()) return false;
  }
  return true;
}

/** Condition callbacks return a truthy value when satisfied (which `waitFor` resolves with). */
export type Condition<T> = () => T | undefined | null | false | '' | 0 | Promise<T | undefined | null | false | '' | 0>;

/**
 * Resolves with the condition's first truthy value; rejects after `timeoutMs` with
 * `description`, the last value seen and the last error the condition threw.
 */
export async function waitFor<T>(condition: Condition<T>, timeoutMs: number, description: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as T;
      last = value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError !== undefined ? `last error: ${errorText(lastError)}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (${detail})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the next value `event` fires that satisfies `accept`; rejects after `timeoutMs`. */
export function nextEvent<T>(event: vscode.Event<T>, timeoutMs: number, description: string, accept: (value: T) => boolean = () => true): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
    }, timeoutMs);
    const sub = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

/** The extension under test; fails when it is not installed or not loaded. */
export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

/** Waits until the extension has been activated by its activation events (it is not forced). */
export async function waitForActivation(timeoutMs = 30_000): Promise<vscode.Extension<unknown>> {
  const ext = extension();
  await waitFor(() => ext.isActive, timeoutMs, `${EXTENSION_ID} to activate`);
  return ext;
}

/** Opens a workspace file in an editor, optionally with the cursor on a 1-based line. */
export async function openWorkspaceFile(relPath: string, line?: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(workspacePath(relPath)));
  const editor = await vscode.window.showTextDocument(doc);
  if (line !== undefined) {
    const pos = new vscode.Position(line - 1, 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos));
  }
  return editor;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
