/**
 * A file's changes between two versions, in unified-diff terms.
 *
 * Line numbers are 1-based. `oldStart` is the first old line the hunk covers; when the hunk
 * removes nothing (`oldLines === 0`) it is the old line before which the new lines go (one past
 * the last line for an append). The same holds for `newStart`/`newLines`. This is the convention
 * of jsdiff's `parsePatch` and `structuredPatch`.
 */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Diff lines with their prefix: `' '` context, `'-'` removed, `'+'` added, `'\'` no-newline marker. */
  lines: string[];
}

export type FileChangeKind = 'modified' | 'added' | 'deleted' | 'renamed';

export interface FileDiff {
  /** Repository-relative path before the change (forward slashes); undefined for an added file. */
  oldPath: string | undefined;
  /** Repository-relative path after the change; undefined for a deleted file. */
  newPath: string | undefined;
  kind: FileChangeKind;
  /** Binary content: no hunks are available. */
  binary: boolean;
  /** True for a file git does not track yet (shown as added). */
  untracked?: boolean;
  /** Ordered by position; no overlaps. */
  hunks: Hunk[];
}

/** The path a change is best reported on: the new path, or the old one for a deletion. */
export function displayPath(file: FileDiff): string {
  return (file.newPath ?? file.oldPath)!;
}
