import type { FileDiff, Hunk } from './types';

/**
 * Where an old line is after a diff:
 * - `unchanged`: the same line, now at `line`;
 * - `edited`: the line was replaced; `line` is the best new line for it (same offset inside the
 *   replacement, clamped to its last line);
 * - `removed`: deleted with nothing in its place; `line` is the new line now at its position
 *   (the line after the removal; may be one past the end of the file).
 */
export type LineMapping = { kind: 'unchanged'; line: number } | { kind: 'edited'; line: number } | { kind: 'removed'; line: number };

/**
 * Maps a 1-based old line through hunks ordered by position (git's order, jsdiff's order).
 * Hunks may carry context lines; a context line maps as unchanged.
 */
export function mapLine(hunks: readonly Hunk[], oldLine: number): LineMapping {
  let delta = 0;
  for (const h of hunks) {
    if (oldLine < h.oldStart) break;
    if (oldLine >= h.oldStart + h.oldLines) {
      delta += h.newLines - h.oldLines;
      continue;
    }
    return mapInsideHunk(h, oldLine);
  }
  return { kind: 'unchanged', line: oldLine + delta };
}

function mapInsideHunk(h: Hunk, oldLine: number): LineMapping {
  let o = h.oldStart;
  let n = h.newStart;
  let i = 0;
  const lines = h.lines;
  while (i < lines.length) {
    const op = lines[i][0];
    if (op === ' ' || op === undefined) {
      if (o === oldLine) return { kind: 'unchanged', line: n };
      o++;
      n++;
      i++;
      continue;
    }
    if (op === '\\') {
      i++;
      continue;
    }
    // One change block: the removed and added lines between two context lines.
    let removed = 0;
    let added = 0;
    while (i < lines.length && lines[i][0] !== ' ' && lines[i].length > 0) {
      if (lines[i][0] === '-') removed++;
      else if (lines[i][0] === '+') added++;
      i++;
    }
    if (oldLine >= o && oldLine < o + removed) {
      const offset = oldLine - o;
      return added > 0 ? { kind: 'edited', line: n + Math.min(offset, added - 1) } : { kind: 'removed', line: Math.max(1, n) };
    }
    o += removed;
    n += added;
  }
  // Inconsistent hunk (counts disagree with its lines): fall back to the hunk's end.
  return { kind: 'unchanged', line: h.newStart + h.newLines + (oldLine - (h.oldStart + h.oldLines)) };
}

/** The hunks of the reverse diff (new -> old), to map a new line back to the old text. */
export function invertHunks(hunks: readonly Hunk[]): Hunk[] {
  return hunks.map((h) => ({
    oldStart: h.newStart,
    oldLines: h.newLines,
    newStart: h.oldStart,
    newLines: h.oldLines,
    lines: invertLines(h.lines),
  }));
}

function invertLines(lines: readonly string[]): string[] {
  // Keep the removed-before-added order within each change block.
  const out: string[] = [];
  let minus: string[] = [];
  let plus: string[] = [];
  const flush = () => {
    out.push(...minus, ...plus);
    minus = [];
    plus = [];
  };
  for (const l of lines) {
    if (l[0] === '+') minus.push('-' + l.slice(1));
    else if (l[0] === '-') plus.push('+' + l.slice(1));
    else if (l[0] === '\\') (plus.length ? plus : minus).push(l);
    else {
      flush();
      out.push(l);
    }
  }
  flush();
  return out;
}

/** A line of one file followed across a set of file diffs (renames included). */
export type FileLineMapping = (LineMapping & { path: string }) | { kind: 'file-deleted'; path: string };

/** Index of file diffs by old path, for repeated lookups. */
export function indexByOldPath(files: readonly FileDiff[]): Map<string, FileDiff> {
  const map = new Map<string, FileDiff>();
  for (const f of files) if (f.oldPath !== undefined) map.set(f.oldPath, f);
  return map;
}

/**
 * Maps `path:line` from the old side of a set of file diffs to the new side, following renames.
 * A file with no diff is unchanged. A deleted file gives `file-deleted`.
 */
export function mapFileLine(files: ReadonlyMap<string, FileDiff> | readonly FileDiff[], path: string, line: number): FileLineMapping {
  const index = files instanceof Map ? files : indexByOldPath(files as readonly FileDiff[]);
  const diff = index.get(path);
  if (!diff) return { kind: 'unchanged', line, path };
  if (diff.kind === 'deleted' || diff.newPath === undefined) return { kind: 'file-deleted', path };
  if (diff.binary) return { kind: 'edited', line, path: diff.newPath };
  return { ...mapLine(diff.hunks, line), path: diff.newPath };
}
