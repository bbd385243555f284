import { parsePatch, type StructuredPatch } from 'diff';
import type { FileDiff, Hunk } from './types';

/** A diff that cannot be read; `line` is 1-based in the diff text. */
export class DiffParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`diff line ${line}: ${message}`);
    this.name = 'DiffParseError';
  }
}

/**
 * Parses `git diff` output (any context size) into one entry per file. jsdiff (9+) reads each
 * file's section: git's extended headers (renames and copies, new/deleted file modes, mode changes,
 * binary markers), quoted names (`"a/\303\251t\303\251.rs"`) and the hunks. Sections are cut at
 * `diff --git` here only so that an error can name its line.
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

/** A path from jsdiff: `a/x` -> `x`; `/dev/null` -> undefined. */
function gitPath(name: string | undefined, prefix: string): string | undefined {
  if (name === undefined || name === '/dev/null') return undefined;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function parseFileSection(lines: string[], start: number, end: number): FileDiff {
  // Trailing empty strings come from the final newline of the whole output, not from a hunk.
  let last = end;
  while (last > start + 1 && lines[last - 1] === '') last--;
  let firstHunk = start + 1;
  while (firstHunk < last && !lines[firstHunk]!.startsWith('@@')) firstHunk++;
  let patch: StructuredPatch;
  try {
    const parsed = parsePatch(lines.slice(start, last).join('\n'));
    if (parsed.length !== 1) throw new Error(`expected one file, read ${parsed.length}`);
    patch = parsed[0]!;
  } catch (err) {
    throw new DiffParseError(
      `cannot read ${JSON.stringify(lines[start]!.slice(0, 200))}: ${(err as Error).message}`,
      firstHunk < last ? firstHunk + 1 : start + 1,
    );
  }
  let oldPath = gitPath(patch.oldFileName, 'a/');
  let newPath = gitPath(patch.newFileName, 'b/');
  if (oldPath === undefined && newPath === undefined)
    throw new DiffParseError(`cannot read the paths of ${JSON.stringify(lines[start])}`, start + 1);
  const added = patch.isCreate === true || oldPath === undefined;
  const deleted = !added && (patch.isDelete === true || newPath === undefined);
  if (added) oldPath = undefined;
  if (deleted) newPath = undefined;
  const hunks: Hunk[] = patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines: l }) => ({
    oldStart,
    oldLines,
    newStart,
    newLines,
    lines: l,
  }));
  // jsdiff lets a header such as `@@ garbage @@` or a start beyond 2^53 through as NaN/null.
  const bad = hunks.findIndex((h) => ![h.oldStart, h.oldLines, h.newStart, h.newLines].every((n) => Number.isSafeInteger(n) && n >= 0));
  if (bad >= 0) {
    let at = firstHunk;
    for (let seen = -1; at < end; at++) if (lines[at]!.startsWith('@@') && ++seen === bad) break;
    throw new DiffParseError(`malformed hunk header: ${lines[at] ?? ''}`.slice(0, 200), Math.min(at, end - 1) + 1);
  }
  const binary = patch.isBinary === true || lines.slice(start + 1, firstHunk).some((l) => l === 'GIT binary patch');
  const kind = added ? 'added' : deleted ? 'deleted' : oldPath !== newPath ? 'renamed' : 'modified';
  return { oldPath, newPath, kind, binary, hunks };
}
