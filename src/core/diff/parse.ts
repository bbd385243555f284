import { parsePatch } from 'diff';
import type { FileDiff, Hunk } from './types';

/** A diff that cannot be read; `line` is 1-based in the diff text. */
export class DiffParseError extends Error {
  constructor(message: string, readonly line: number) {
    super(`diff line ${line}: ${message}`);
    this.name = 'DiffParseError';
  }
}

/**
 * Parses `git diff` output (any context size) into one entry per file. jsdiff reads the hunks;
 * git's extended headers (renames, new/deleted file modes, binary markers) are read here because
 * jsdiff's parser does not know them and would merge a header-only entry (a pure rename, a binary
 * change) with the next file.
 */
export function parseGitDiff(text: string): FileDiff[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('diff --git ')) starts.push(i);
  const files: FileDiff[] = [];
  for (let k = 0; k < starts.length; k++) {
    const end = k + 1 < starts.length ? starts[k + 1] : lines.length;
    files.push(parseFileSection(lines, starts[k], end));
  }
  return files;
}

function parseFileSection(lines: string[], start: number, end: number): FileDiff {
  let oldPath: string | undefined;
  let newPath: string | undefined;
  let renameFrom: string | undefined;
  let renameTo: string | undefined;
  let added = false;
  let deleted = false;
  let binary = false;
  let sawMinus = false;
  let sawPlus = false;
  let i = start + 1;
  for (; i < end; i++) {
    const l = lines[i];
    if (l.startsWith('@@')) break;
    if (l.startsWith('new file mode')) added = true;
    else if (l.startsWith('deleted file mode')) deleted = true;
    else if (l.startsWith('rename from ')) renameFrom = unquote(l.slice('rename from '.length));
    else if (l.startsWith('rename to ')) renameTo = unquote(l.slice('rename to '.length));
    else if (l.startsWith('copy from ')) renameFrom = unquote(l.slice('copy from '.length));
    else if (l.startsWith('copy to ')) renameTo = unquote(l.slice('copy to '.length));
    else if (l.startsWith('Binary files ') || l === 'GIT binary patch') binary = true;
    else if (l.startsWith('--- ')) {
      sawMinus = true;
      oldPath = headerPath(l.slice(4), 'a/');
    } else if (l.startsWith('+++ ')) {
      sawPlus = true;
      newPath = headerPath(l.slice(4), 'b/');
    }
  }
  if (!sawMinus && !sawPlus) {
    const both = diffGitPaths(lines[start].slice('diff --git '.length));
    if (!both) throw new DiffParseError(`cannot read the paths of ${JSON.stringify(lines[start])}`, start + 1);
    oldPath = added ? undefined : renameFrom ?? both[0];
    newPath = deleted ? undefined : renameTo ?? both[1];
  } else {
    if (renameFrom !== undefined) oldPath = renameFrom;
    if (renameTo !== undefined) newPath = renameTo;
  }
  if (oldPath === undefined) added = true;
  if (newPath === undefined) deleted = true;

  let hunks: Hunk[] = [];
  if (i < end) {
    // Trailing empty strings come from the final newline of the whole output, not from a hunk.
    let last = end;
    while (last > i && lines[last - 1] === '') last--;
    try {
      const parsed = parsePatch(lines.slice(i, last).join('\n'));
      hunks = parsed.flatMap((p) => p.hunks).map(({ oldStart, oldLines, newStart, newLines, lines: l }) => ({ oldStart, oldLines, newStart, newLines, lines: l }));
    } catch (err) {
      if (err instanceof DiffParseError) throw err;
      throw new DiffParseError(`cannot read the hunks of ${newPath ?? oldPath}: ${(err as Error).message}`, i + 1);
    }
  }
  // jsdiff lets a header such as `@@ garbage @@` or a start beyond 2^53 through as NaN/null.
  const bad = hunks.findIndex((h) => ![h.oldStart, h.oldLines, h.newStart, h.newLines].every((n) => Number.isSafeInteger(n) && n >= 0));
  if (bad >= 0) {
    let at = i;
    for (let seen = -1; at < end; at++) if (lines[at]!.startsWith('@@') && ++seen === bad) break;
    throw new DiffParseError(`malformed hunk header: ${lines[at] ?? ''}`.slice(0, 200), Math.min(at, end - 1) + 1);
  }
  const kind = added ? 'added' : deleted ? 'deleted' : oldPath !== newPath ? 'renamed' : 'modified';
  return { oldPath: added ? undefined : oldPath, newPath: deleted ? undefined : newPath, kind, binary, hunks };
}

/** `a/path`, `"a/pa\tth"`, `/dev/null` (-> undefined). A trailing tab separates a timestamp. */
function headerPath(raw: string, prefix: string): string | undefined {
  let p = raw;
  const tab = p.indexOf('\t');
  if (tab >= 0 && !p.startsWith('"')) p = p.slice(0, tab);
  p = unquote(p.trimEnd());
  if (p === '/dev/null') return undefined;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/** Both paths of `a/X b/Y` (quoted or not). Unquoted and equal paths are split by length. */
function diffGitPaths(rest: string): [string, string] | undefined {
  if (rest.startsWith('"')) {
    const end = closingQuote(rest, 0);
    if (end < 0) return undefined;
    const a = unquote(rest.slice(0, end + 1));
    const b = unquote(rest.slice(end + 2).trim());
    return [strip(a, 'a/'), strip(b, 'b/')];
  }
  if (rest.endsWith('"')) {
    const open = rest.lastIndexOf(' "');
    if (open < 0) return undefined;
    return [strip(rest.slice(0, open), 'a/'), strip(unquote(rest.slice(open + 1)), 'b/')];
  }
  // Same path on both sides (no rename): "a/P b/P".
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (a.startsWith('a/') && b.startsWith('b/') && a.slice(2) === b.slice(2)) return [a.slice(2), b.slice(2)];
  }
  const m = /^a\/(.*?) b\/(.*)$/.exec(rest);
  return m ? [m[1], m[2]] : undefined;
}

function strip(p: string, prefix: string): string {
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

function closingQuote(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Git's C-style quoting: `"dir/\303\251t\303\251.rs"` -> `dir/été.rs` (octal escapes are UTF-8 bytes). */
export function unquote(s: string): string {
  if (!(s.length >= 2 && s.startsWith('"') && s.endsWith('"'))) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      const cp = body.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
      if (cp > 0xffff) i++;
      continue;
    }
    const next = body[i + 1];
    if (next !== undefined && /[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(oct, 8));
      i += oct.length;
    } else if (next !== undefined && next in ESCAPES) {
      bytes.push(ESCAPES[next].charCodeAt(0));
      i++;
    } else {
      bytes.push(0x5c);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
