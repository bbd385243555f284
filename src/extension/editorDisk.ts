/**
 * The editor and the disk, reconciled for a command that edits documents (Start Milestone): each
 * document is read as the user sees it (the open buffer when there is one, else the file), a
 * document the editor has not reloaded yet is recognised, and the change is written back where the
 * document lives: on disk for a document without unsaved edits, as one undoable WorkspaceEdit for
 * one with unsaved edits.
 */
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConcurrentChangeError, FileLockedError, hashText, writeAllIfUnchanged, type FileSnapshot } from '../core/files';
import type { FileChange } from '../core/start';

/** A document's text for a change: the open buffer when there is one (what the user sees), else disk. */
export interface Source {
  file: string;
  uri: vscode.Uri;
  text: string | undefined;
  doc: vscode.TextDocument | undefined;
  version: number | undefined;
  wasDirty: boolean;
  /**
   * An open document without unsaved changes whose text is not the file on disk: the editor has
   * not reloaded it yet (e.g. just after a checkout). Editing and saving it would write old text.
   */
  stale: boolean;
}

async function readDisk(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return undefined;
  }
}

/** Reads `file` (relative to `root`) as the user sees it. */
export async function readSource(root: string, file: string): Promise<Source> {
  const uri = vscode.Uri.file(path.join(root, file));
  const find = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  let doc = find();
  const disk = await readDisk(uri.fsPath);
  doc = find(); // the document may have opened or closed while the disk was read
  // A document without unsaved changes whose file is gone (deleted, or removed by a checkout) is
  // a leftover: the file on disk, absent, is what counts.
  if (!doc || (!doc.isDirty && disk === undefined))
    return { file, uri, text: disk, doc: undefined, version: undefined, wasDirty: false, stale: false };
  const text = doc.getText();
  return { file, uri, text, doc, version: doc.version, wasDirty: doc.isDirty, stale: !doc.isDirty && disk !== undefined && disk !== text };
}

/** Resolves when `doc` changes (a reload from disk), or after `ms`. */
export function nextChange(doc: vscode.TextDocument, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => e.document === doc && done());
  });
}

/** True when nothing changed the sources since they were read. */
export async function unchanged(sources: readonly Source[]): Promise<boolean> {
  for (const s of sources) {
    const now = await readSource(path.dirname(s.uri.fsPath), path.basename(s.uri.fsPath));
    if (now.stale || (s.doc ? now.doc !== s.doc || s.doc.version !== s.version : now.doc !== undefined || now.text !== s.text))
      return false;
  }
  return true;
}

function toWorkspaceEdit(changes: readonly FileChange[], sources: readonly Source[], label: string): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const meta: vscode.WorkspaceEditEntryMetadata = { label, needsConfirmation: false };
  for (const c of changes) {
    const src = sources.find((s) => s.file === c.file)!;
    if (c.create && !src.doc) {
      edit.createFile(src.uri, { contents: new TextEncoder().encode(c.after), overwrite: false }, meta);
      continue;
    }
    for (const e of c.edits) {
      const range = new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character);
      edit.replace(src.uri, range, e.newText, meta);
    }
  }
  return edit;
}

/** What became of a write; `unsaved` and `inEditor`/`written` are repository-relative files. */
export type WriteOutcome =
  | { kind: 'written'; unsaved: string[] }
  /** A file changed on disk since it was read: nothing was written. */
  | { kind: 'changed' }
  /** Another writer holds a file's lock: nothing was written. */
  | { kind: 'locked'; message: string }
  /** The editor refused the edit of the documents with unsaved changes; the others were written. */
  | { kind: 'refused'; inEditor: string[]; written: string[] };

/**
 * Writes the changes. Documents without unsaved changes (open or not) are written on disk by the
 * core's atomic writer under the same locks as the CLI, each only if still as read; VS Code reloads
 * open ones from disk. Only a document open with unsaved edits gets a WorkspaceEdit labelled
 * `label` (the user's edits stay, unsaved; the change is one undoable step).
 */
export async function writeChanges(changes: readonly FileChange[], sources: readonly Source[], label: string): Promise<WriteOutcome> {
  const sourceOf = (c: FileChange) => sources.find((s) => s.file === c.file)!;
  const onDisk = changes.filter((c) => !sourceOf(c).wasDirty);
  const inEditor = changes.filter((c) => sourceOf(c).wasDirty);
  const snapshots = new Map<string, FileSnapshot>(
    onDisk.map((c) => {
      const src = sourceOf(c);
      // Not stale and not dirty: the text read is the file on disk (undefined: the file is absent).
      return [c.file, { path: src.uri.fsPath, text: src.text, hash: src.text === undefined ? undefined : hashText(src.text) }];
    }),
  );
  try {
    await writeAllIfUnchanged(onDisk, snapshots);
  } catch (err) {
    if (err instanceof ConcurrentChangeError) return { kind: 'changed' };
    if (err instanceof FileLockedError) return { kind: 'locked', message: err.message };
    throw err;
  }
  if (inEditor.length > 0) {
    const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(inEditor, sources, label));
    if (!ok) return { kind: 'refused', inEditor: inEditor.map((c) => c.file), written: onDisk.map((c) => c.file) };
  }
  return { kind: 'written', unsaved: inEditor.map((c) => c.file) };
}
