/**
 * Minimal text edits, expressed both as string offsets (for applying to a string) and as
 * 0-based line/character ranges (LSP and VS Code `Range` conventions, UTF-16 code units), so the
 * editor can apply the same change as a WorkspaceEdit to a document that is open and unsaved.
 */
export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 offset in the line. */
  character: number;
}

export interface TextEdit {
  /** Offset of the first replaced character in the original text. */
  offset: number;
  /** Offset just after the last replaced character. */
  end: number;
  newText: string;
  range: { start: Position; end: Position };
}

export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

export function makeEdit(text: string, offset: number, end: number, newText: string): TextEdit {
  return { offset, end, newText, range: { start: positionAt(text, offset), end: positionAt(text, end) } };
}

/** Applies non-overlapping edits (any order) to `text`. Overlapping edits are a programming error. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.offset < at) throw new Error(`overlapping edits at offset ${e.offset}`);
    out += text.slice(at, e.offset) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Drops edits that replace text with the same text. */
export function effectiveEdits(text: string, edits: readonly TextEdit[]): TextEdit[] {
  return edits.filter((e) => text.slice(e.offset, e.end) !== e.newText);
}
