/**
 * The one check of paths that come from documents, the configuration or agents: a path must name a
 * place inside the workspace. Refused are empty paths, NUL characters, absolute paths (`/x`,
 * `C:\x`, `C:x`, `\\server\share`, `~/x`), `..` segments that climb above the root, and symbolic
 * links anywhere along the path whose real location lies outside the root. Backslashes count as
 * separators, so a document behaves the same on every platform.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type PathEscape = 'empty' | 'nul' | 'absolute' | 'parent' | 'symlink';

export type InsideResult =
  | {
      ok: true;
      /** Root-relative, normalised, forward slashes (`''` for the root itself). */
      rel: string;
      /** `root` joined with `rel` (symbolic links inside the root are kept as written). */
      abs: string;
    }
  | {
      ok: false;
      reason: PathEscape;
      /** One sentence naming the path and why it is refused. */
      message: string;
      /** Where a symbolic link leads. */
      target?: string;
    };

/** Why a path cannot name a place inside the workspace, judging its text only. */
export function pathEscape(p: string): Exclude<PathEscape, 'symlink'> | undefined {
  if (p.trim() === '') return 'empty';
  if (p.includes('\0')) return 'nul';
  const s = p.replace(/\\/g, '/');
  if (s.startsWith('/') || s.startsWith('~') || /^[A-Za-z]:/.test(s)) return 'absolute';
  const normal = path.posix.normalize(s);
  if (normal === '..' || normal.startsWith('../')) return 'parent';
  return undefined;
}

/** The message for a refused path (`what` names it in the sentence, e.g. "catalog"). */
export function escapeMessage(p: string, reason: PathEscape, target?: string): string {
  const shown = JSON.stringify(p).slice(1, -1); // NULs and control characters stay visible
  switch (reason) {
    case 'empty':
      return 'the path is empty';
    case 'nul':
      return `${shown} contains a NUL character`;
    case 'absolute':
      return `${shown} is an absolute path; paths are relative to the workspace root`;
    case 'parent':
      return `${shown} climbs out of the workspace with ".."`;
    case 'symlink':
      return `${shown} leads outside the workspace through a symbolic link${target ? ` (to ${target})` : ''}`;
  }
}

/** Most links a path may pass through before it counts as a loop (Linux's own limit). */
const MAX_LINKS = 40;

/**
 * The real location of `abs`, following symbolic links, also when the path (or its end) does not
 * exist yet: the deepest existing ancestor is resolved and the rest appended, and a dangling link
 * is followed to where it points (a file created through it would land there). Undefined when the
 * links form a loop. Errors other than a missing file leave the path as written: the read or
 * write that follows reports them.
 */
export function realLocation(abs: string, links = 0): string | undefined {
  try {
    return fs.realpathSync.native(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return undefined;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return abs;
  }
  let link: string | undefined;
  try {
    if (fs.lstatSync(abs).isSymbolicLink()) link = fs.readlinkSync(abs);
  } catch {
    // nothing at this path
  }
  if (link !== undefined) {
    if (links >= MAX_LINKS) return undefined;
    return realLocation(path.resolve(path.dirname(abs), link), links + 1);
  }
  const parent = path.dirname(abs);
  if (parent === abs) return abs;
  const realParent = realLocation(parent, links);
  return realParent === undefined ? undefined : path.join(realParent, path.basename(abs));
}

function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

export interface ResolveOptions {
  /** `fs.realpath` of the root, when the caller keeps it (saves one system call per path). */
  rootReal?: string;
  /** Judge the text only (no file-system access): for paths that are never opened. */
  lexical?: boolean;
}

/**
 * Resolves `p` (relative to `root`) to a place inside the workspace, or says why it is refused.
 * The only place that decides whether a path from a document, the configuration or an agent may
 * be read or written.
 */
export function resolveInside(root: string, p: string, options: ResolveOptions = {}): InsideResult {
  const escape = pathEscape(p);
  if (escape) return { ok: false, reason: escape, message: escapeMessage(p, escape) };
  const rel = path.posix
    .normalize(p.replace(/\\/g, '/'))
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  const clean = rel === '.' ? '' : rel;
  const abs = path.join(root, ...clean.split('/'));
  if (!options.lexical) {
    const rootReal = options.rootReal ?? realLocation(path.resolve(root)) ?? path.resolve(root);
    const real = realLocation(abs);
    if (real === undefined) return { ok: false, reason: 'symlink', message: `${escapeMessage(p, 'symlink')}: the links form a loop` };
    if (!within(rootReal, real)) return { ok: false, reason: 'symlink', message: escapeMessage(p, 'symlink', real), target: real };
  }
  return { ok: true, rel: clean, abs };
}

/**
 * True when an absolute path (a file the user picked, a URI's path) lies inside the root once
 * symbolic links are followed.
 */
export function isInside(root: string, absPath: string): boolean {
  const rootReal = realLocation(path.resolve(root)) ?? path.resolve(root);
  const real = realLocation(path.resolve(absPath));
  return real !== undefined && within(rootReal, real);
}

/**
 * True when a reference is written as an absolute path in inline code or plain text
 * (`/home/x/a.rs:3`, `C:\x\a.rs:3`, `~/a.rs:3`). The catalog parsers read a leading `/` as
 * repository-rooted (the link convention), so the written text decides: links (`[x](/path)`,
 * `<...>`) stay repository-rooted, text starting like a path is someone's own disk.
 */
export function writtenAbsolute(sourceText: string | undefined): boolean {
  if (sourceText === undefined) return false;
  let i = 0;
  while (sourceText[i] === '`' || sourceText[i] === ' ' || sourceText[i] === '"' || sourceText[i] === "'") i++;
  const c = sourceText[i];
  if (c !== '/' && c !== '\\' && c !== '~' && sourceText[i + 1] !== ':') return false;
  return (
    pathEscape(
      sourceText
        .slice(i)
        .replace(/[`"']+$/, '')
        .trim(),
    ) === 'absolute'
  );
}
