/**
 * Anchors: where a catalog `path:line` is now. A hotspot is written against the catalog's
 * revision; the code moves under it as the engineer works. An anchor follows its line first
 * through the diff from the base revision to the file on disk, then through the unsaved
 * changes of an open buffer, and is never left pointing at a line that no longer holds its code:
 * a line whose own text changed is `edited`, one that was deleted is `removed`.
 */
import { mapFileLine, mapLine } from './mapLine';
import type { FileDiff, Hunk } from './types';

/** `current`: same code as at the base revision; `edited`: the line itself changed; `removed`: deleted. */
export type AnchorState = 'current' | 'edited' | 'removed';

export interface Anchor {
  /** 1-based line in the current text. For a removed anchor: the line where its code was. */
  line: number;
  state: AnchorState;
  /**
   * The line's text at the base revision, when known (without its end-of-line). Lets a live edit
   * that restores the line (an undo) make the anchor current again.
   */
  text?: string;
}

/** A text change in editor conventions (0-based lines, UTF-16 columns), as VS Code reports it. */
export interface LineChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

interface Tracked {
  /** 0-based. */
  line: number;
  state: AnchorState;
  text?: string;
  touched: boolean;
}

/**
 * Moves one anchor through one change. The change's range refers to the text after the
 * previous changes of the same event (VS Code applies `contentChanges` in order).
 */
function follow(a: Tracked, change: LineChange): void {
  const { start: s, end: e } = change.range;
  const t = change.text;
  const delta = newlines(t) - (e.line - s.line);
  const L = a.line;
  if (e.line < L) {
    a.line += delta;
    return;
  }
  if (s.line > L) return;
  // The change ends exactly where line L begins and leaves that boundary a line break:
  // lines were inserted or deleted above; the line itself is intact.
  if (e.line === L && e.character === 0 && (t.endsWith('\n') || (t === '' && s.character === 0))) {
    a.line += delta;
    return;
  }
  // Enter pressed (or lines replaced) right after the end of line L: the line itself is intact.
  if (s.line === L && a.state === 'current' && a.text !== undefined && s.character >= a.text.length && /^\r?\n/.test(t)) {
    return;
  }
  if (a.state === 'removed') {
    a.line = Math.min(a.line, s.line + newlines(t));
    return;
  }
  a.touched = true;
  const knownLength = a.state === 'current' && a.text !== undefined ? a.text.length : undefined;
  const endsPastLine = e.line > L || (e.line === L && knownLength !== undefined && e.character >= knownLength && s.line < L);
  const coversWholeLine = (s.line < L || s.character === 0) && endsPastLine;
  if (coversWholeLine) {
    // The line's text was replaced. If the same text comes back in the replacement (a paste
    // over it, a whole-document format), follow it there; the final check confirms it.
    const replacement = t.split('\n').map(stripCr);
    const want = a.text;
    let best = -1;
    if (want !== undefined && want.trim() !== '') {
      for (let i = 0; i < replacement.length; i++) {
        if (replacement[i] !== want) continue;
        if (best < 0 || Math.abs(i - (L - s.line)) < Math.abs(best - (L - s.line))) best = i;
      }
    }
    if (best >= 0) a.line = s.line + best;
    else {
      a.line = s.line;
      a.state = 'removed';
    }
    return;
  }
  // Part of the line changed; its start stays on line s.line, or its tail follows the replacement.
  a.line = s.line === L ? L : s.line + newlines(t);
}

/**
 * Moves anchors through a document's changes. `lineAt(line0)` reads the document after the
 * changes; it decides whether a touched line still holds its original text.
 */
export function applyChanges(
  anchors: readonly Anchor[],
  changes: readonly LineChange[],
  lineAt: (line0: number) => string | undefined,
): Anchor[] {
  return anchors.map((anchor) => {
    const a: Tracked = { line: anchor.line - 1, state: anchor.state, text: anchor.text, touched: false };
    for (const change of changes) follow(a, change);
    if (a.line < 0) a.line = 0;
    if (a.touched && a.state !== 'removed') {
      const now = lineAt(a.line);
      if (now === undefined) a.state = 'removed';
      else a.state = a.text !== undefined && stripCr(now) === a.text ? 'current' : 'edited';
    }
    const out: Anchor = { line: a.line + 1, state: a.state };
    if (a.text !== undefined) out.text = a.text;
    return out;
  });
}

/** Where a catalog reference is now: its current path (after renames) and its anchor there. */
export interface ResolvedAnchor {
  path: string;
  anchor: Anchor;
}

/**
 * Follows a base-revision `path:line` to the working tree: through the base->disk diffs (renames
 * included, as `mapFileLine` reads them), then through an open buffer's unsaved changes
 * (`bufferHunks(path)`: disk->buffer hunks, undefined when the file has no unsaved changes).
 * `lineText(path, line)` reads the current text (the buffer when open); it records the text of a
 * current line so later live edits can tell an edit of the line from a move.
 */
export function resolveAnchor(
  baseDiffs: ReadonlyMap<string, FileDiff>,
  path: string,
  line: number,
  bufferHunks: (path: string) => readonly Hunk[] | undefined,
  lineText: (path: string, line: number) => string | undefined,
): ResolvedAnchor {
  const onDisk = mapFileLine(baseDiffs, path, line);
  if (onDisk.kind === 'file-deleted') return { path, anchor: { line, state: 'removed' } };
  let state: AnchorState = onDisk.kind === 'unchanged' ? 'current' : onDisk.kind;
  let now = onDisk.line;
  const hunks = bufferHunks(onDisk.path);
  if (hunks && hunks.length > 0) {
    const inBuffer = mapLine(hunks, now);
    now = inBuffer.line;
    if (state === 'current' && inBuffer.kind !== 'unchanged') state = inBuffer.kind;
    else if (state === 'edited' && inBuffer.kind === 'removed') state = 'removed';
  }
  const text = lineText(onDisk.path, now);
  // A line past the end of the file cannot be current, whatever the diff says.
  if (text === undefined && state !== 'removed') state = 'removed';
  const anchor: Anchor = { line: now, state };
  if (state === 'current' && text !== undefined) anchor.text = stripCr(text);
  return { path: onDisk.path, anchor };
}
