/**
 * The referenced files as the checks see them: read once, split into lines once, classified once,
 * and replaced by an editor's unsaved text when one is open. Every change bumps the file's
 * version, which is what cached check results are keyed on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { realLocation, resolveInside, type PathEscape } from '../paths';
import { classifyLines, commentSyntaxFor } from './lineKinds';

export interface FileContent {
  kind: 'file';
  path: string;
  /** Increases whenever the text seen for this path changes (disk or unsaved buffer). */
  version: number;
  text: string;
  lines: readonly string[];
  /** Per line: LineKind (code, blank, comment); computed on first use. */
  lineKinds(): Uint8Array;
  /** True when the text comes from an editor buffer rather than the disk. */
  unsaved: boolean;
}

export type ResolvedFile =
  | FileContent
  | { kind: 'missing'; path: string; version: number }
  | { kind: 'directory'; path: string; version: number }
  | { kind: 'outside'; path: string; version: number; reason: PathEscape; target?: string }
  | { kind: 'unreadable'; path: string; version: number; message: string };

/** What the reference checks need from a file system. */
export interface FileLookup {
  resolve(relPath: string): ResolvedFile;
}

/** Splits text into lines; a final line break does not start another line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const MAX_BYTES = 16 * 1024 * 1024;

interface Entry {
  resolved: ResolvedFile;
  /** Set when the disk may have changed since the entry was read. */
  stale: boolean;
}

export class WorkspaceFiles implements FileLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly overlays = new Map<string, string>();
  private rootReal: string | undefined;
  private nextVersion = 1;

  constructor(readonly root: string) {}

  /** The text of an open editor buffer for `relPath`, or undefined to go back to the disk. */
  setOverlay(relPath: string, text: string | undefined): boolean {
    const key = normalise(relPath);
    const before = this.overlays.get(key);
    if (before === text) return false;
    if (text === undefined) this.overlays.delete(key);
    else this.overlays.set(key, text);
    return this.refresh(key);
  }

  hasOverlay(relPath: string): boolean {
    return this.overlays.has(normalise(relPath));
  }

  /**
   * Marks a path as possibly changed on disk. Returns true when what the checks see changed
   * (the new content is read now, so a watcher event that changed nothing costs no re-check).
   */
  invalidate(relPath: string): boolean {
    const key = normalise(relPath);
    if (!this.entries.has(key)) return false;
    return this.refresh(key);
  }

  /** Forgets everything read from disk (e.g. after a checkout); overlays stay. */
  invalidateAll(): void {
    for (const e of this.entries.values()) e.stale = true;
    this.rootReal = undefined;
  }

  /** Paths read so far. */
  knownPaths(): string[] {
    return [...this.entries.keys()];
  }

  resolve(relPath: string): ResolvedFile {
    const key = normalise(relPath);
    const e = this.entries.get(key);
    if (e && !e.stale) return e.resolved;
    if (e) {
      this.refresh(key);
      return this.entries.get(key)!.resolved;
    }
    const resolved = this.read(key, this.nextVersion++);
    this.entries.set(key, { resolved, stale: false });
    return resolved;
  }

  /** Re-reads a known path; keeps the old version when nothing changed. */
  private refresh(key: string): boolean {
    const old = this.entries.get(key);
    if (!old) return this.overlays.has(key);
    const next = this.read(key, old.resolved.version);
    const changed = !sameContent(old.resolved, next);
    if (changed) (next as { version: number }).version = this.nextVersion++;
    this.entries.set(key, { resolved: changed ? next : old.resolved, stale: false });
    return changed;
  }

  private read(key: string, version: number): ResolvedFile {
    const lexical = resolveInside(this.root, key, { lexical: true });
    if (!lexical.ok) return { kind: 'outside', path: key, version, reason: lexical.reason };
    const overlay = this.overlays.get(key);
    if (overlay !== undefined) return content(key, version, overlay, true);
    const abs = path.join(this.root, key);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', path: key, version };
      return { kind: 'unreadable', path: key, version, message: (err as Error).message };
    }
    this.rootReal ??= realLocation(path.resolve(this.root));
    const inside = resolveInside(this.root, key, { rootReal: this.rootReal });
    if (!inside.ok)
      return { kind: 'outside', path: key, version, reason: inside.reason, ...(inside.target ? { target: inside.target } : {}) };
    if (stat.isDirectory()) return { kind: 'directory', path: key, version };
    if (stat.size > MAX_BYTES) return { kind: 'unreadable', path: key, version, message: `larger than ${MAX_BYTES / 1024 / 1024} MiB` };
    let buf: Buffer;
    try {
      buf = fs.readFileSync(abs);
    } catch (err) {
      return { kind: 'unreadable', path: key, version, message: (err as Error).message };
    }
    if (buf.subarray(0, 8000).includes(0)) return { kind: 'unreadable', path: key, version, message: 'a binary file' };
    return content(key, version, buf.toString('utf8'), false);
  }
}

function normalise(relPath: string): string {
  if (!relPath.includes('\\') && !relPath.startsWith('./')) return relPath; // the common case, on every lookup
  return relPath.replace(/\\/g, '/').replace(/^\.\//, '');
}

function content(p: string, version: number, text: string, unsaved: boolean): FileContent {
  const lines = splitLines(text);
  let kinds: Uint8Array | undefined;
  return {
    kind: 'file',
    path: p,
    version,
    text,
    lines,
    unsaved,
    lineKinds: () => (kinds ??= classifyLines(lines, commentSyntaxFor(p))),
  };
}

function sameContent(a: ResolvedFile, b: ResolvedFile): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'file' && b.kind === 'file') return a.text === b.text && a.unsaved === b.unsaved;
  if (a.kind === 'outside' && b.kind === 'outside') return a.reason === b.reason && a.target === b.target;
  if (a.kind === 'unreadable' && b.kind === 'unreadable') return a.message === b.message;
  return true;
}
