/**
 * "Go to source" for a span: the location the trace carries when it has one, otherwise a search of
 * the workspace's Rust files for the span's definition. Runs only when asked, never while drawing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFINITION_RANK, findSpanDefinitions, pickLocationCandidate, type SpanDefinition } from '../../core/flame/sourceSearch';

const EXCLUDE = '{**/target/**,**/node_modules/**,**/.git/**,**/.milestone-scope/**}';
const MAX_RUST_FILES = 20000;
/** The Rust file list is reused for this long; definitions move rarely between clicks. */
const FILE_LIST_TTL_MS = 30_000;

export interface SourceTarget {
  uri: vscode.Uri;
  line: number;
  column: number;
  /** How it was found, for the status message. */
  how: string;
}

export interface SourceQuery {
  name: string;
  /** The location from the trace (compiler path: relative or absolute). */
  file?: string;
  line?: number;
}

let rustFiles: { at: number; files: vscode.Uri[] } | undefined;

async function listRustFiles(token: vscode.CancellationToken): Promise<vscode.Uri[]> {
  if (rustFiles && Date.now() - rustFiles.at < FILE_LIST_TTL_MS) return rustFiles.files;
  const files = await vscode.workspace.findFiles('**/*.rs', EXCLUDE, MAX_RUST_FILES, token);
  files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  rustFiles = { at: Date.now(), files };
  return files;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type !== vscode.FileType.Directory;
  } catch {
    return false;
  }
}

/** Resolves a compiler path from a trace to a workspace file. */
async function resolveTraceFile(file: string, token: vscode.CancellationToken): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (path.isAbsolute(file)) {
    const uri = vscode.Uri.file(file);
    if (await exists(uri)) return uri;
  } else {
    for (const f of folders) {
      const uri = vscode.Uri.joinPath(f.uri, ...file.split(/[\\/]/));
      if (await exists(uri)) return uri;
    }
  }
  // `src/main.rs` from a crate inside the workspace, or an absolute path from another machine.
  const tail = file
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p && p !== '.')
    .slice(-4);
  for (let keep = tail.length; keep >= 1; keep--) {
    const glob = `**/${tail.slice(-keep).join('/')}`;
    const found = await vscode.workspace.findFiles(glob, EXCLUDE, 50, token);
    if (found.length === 0) continue;
    const rel = found.map((u) => vscode.workspace.asRelativePath(u, false));
    const pick = pickLocationCandidate(tail.slice(-keep).join('/'), rel);
    return pick ? found[rel.indexOf(pick)] : found[0];
  }
  return undefined;
}

/**
 * Where the span is defined: the trace's location, else the best matches of a workspace search
 * (all equally good ones, so the caller can let the user choose).
 */
export async function findSpanSource(query: SourceQuery, token: vscode.CancellationToken): Promise<SourceTarget[]> {
  if (query.file) {
    const uri = await resolveTraceFile(query.file, token);
    if (uri) return [{ uri, line: Math.max(1, query.line ?? 1), column: 0, how: 'location recorded in the trace' }];
  }
  const files = await listRustFiles(token);
  const found: Array<SpanDefinition & { uri: vscode.Uri }> = [];
  const decoder = new TextDecoder('utf-8');
  const needle = query.name.includes('::') ? query.name.slice(query.name.lastIndexOf('::') + 2) : query.name;
  for (const uri of files) {
    if (token.isCancellationRequested) break;
    let text: string;
    try {
      text = decoder.decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      continue;
    }
    if (!text.includes(needle)) continue;
    for (const d of findSpanDefinitions(text, query.name)) found.push({ ...d, uri });
  }
  if (found.length === 0) return [];
  const best = Math.min(...found.map((d) => DEFINITION_RANK[d.kind]));
  const how: Record<SpanDefinition['kind'], string> = {
    'span-macro': 'span macro',
    'instrument-name': '#[instrument(name = …)]',
    'instrument-fn': '#[instrument] function',
    fn: 'function of the same name',
  };
  return found
    .filter((d) => DEFINITION_RANK[d.kind] === best)
    .map((d) => ({ uri: d.uri, line: d.line, column: d.column, how: how[d.kind] }));
}

export async function openSourceTarget(target: SourceTarget, column: vscode.ViewColumn): Promise<void> {
  const pos = new vscode.Position(target.line - 1, target.column);
  await vscode.window.showTextDocument(target.uri, { selection: new vscode.Range(pos, pos), viewColumn: column, preview: true });
}

/** Lets the user choose among several equally good definitions. */
export async function chooseSourceTarget(name: string, targets: SourceTarget[]): Promise<SourceTarget | undefined> {
  if (targets.length <= 1) return targets[0];
  const picked = await vscode.window.showQuickPick(
    targets.map((t) => ({
      label: `${vscode.workspace.asRelativePath(t.uri, false)}:${t.line}`,
      description: t.how,
      target: t,
    })),
    { title: vscode.l10n.t('Definitions of {0}', name), placeHolder: vscode.l10n.t('Several places define this span; choose one') },
  );
  return picked?.target;
}
