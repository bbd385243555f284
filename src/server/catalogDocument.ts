/**
 * The catalog as the server holds it: its text, a line index, and the parsed model.
 *
 * A full parse of a large catalog costs far more than the checks (the markdown parser dominates),
 * so a one-line edit inside a hotspot entry, the common case while fixing references, takes a fast
 * path: only the edited line is parsed again, with the catalog parser's own hotspot reader, and
 * its references replace the old ones. A full parse follows shortly after as a safety net, so the
 * model always converges to exactly what the parser says.
 */
import type { List, ListItem } from 'mdast';
import { hotspotsFromEntry } from '../core/catalog/hotspots';
import { classifyLabel, splitLabel } from '../core/catalog/fields';
import type { Catalog, HotspotRef, WorkItem } from '../core/catalog/model';
import { parseCatalog } from '../core/catalog/parse';
import { committedLineFlags } from '../core/docChecks/baseline';
import { parseMarkdown } from '../core/markdown';

/** Line start offsets of a text, for 1-based (line, column) -> offset. */
export class LineIndex {
  readonly starts: number[];
  constructor(text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** Offset of a 1-based line and column. */
  offset(line: number, column = 1): number {
    return (this.starts[line - 1] ?? 0) + column - 1;
  }
  /** The text of a 1-based line, without its line break. */
  lineText(text: string, line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    let end = next === undefined ? text.length : next - 1;
    if (text[end - 1] === '\r') end--;
    return text.slice(start, end);
  }
  /** The text between two 1-based columns of a line. */
  slice(text: string, line: number, column: number, endColumn: number): string {
    return this.lineText(text, line).slice(column - 1, endColumn - 1);
  }
}

/** An LSP-style content change (0-based positions); `range` absent means the whole text. */
export interface ContentChange {
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

const ENTRY_PREFIX = /^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+)/;
const BLOCK_START = /^(?:#{1,6}(?:\s|$)|>|```|~~~|[-*+](?:\s|$)|\d{1,9}[.)](?:\s|$)|\||<|(?:[-*_]\s*){3,}$)/;

export class CatalogDocument {
  text = '';
  exists = false;
  catalog: Catalog;
  lineIndex = new LineIndex('');
  /** Counts fast-path edits (tests and benchmarks read it). */
  fastEdits = 0;
  private fullParseTimer: NodeJS.Timeout | undefined;
  /** Which lines are unchanged since the committed catalog `base`, for the text `of`. */
  private committed: { base: string; of: string; flags: Uint8Array } | undefined;
  /** Called after a deferred full parse changed the model. */
  onReparsed: (() => void) | undefined;

  constructor(public file: string) {
    this.catalog = { file, workItems: [], milestones: [], problems: [] };
  }

  setFile(file: string): void {
    if (file === this.file) return;
    this.file = file;
    this.text = '';
    this.exists = false;
  }

  /**
   * True when `line` is unchanged since the committed catalog text `base`. Computed with a diff
   * once per text, then kept up to date by fast-path edits (an edited line is not committed).
   */
  committedLine(base: string, line: number): boolean {
    if (this.committed?.base !== base || this.committed.of !== this.text) {
      this.committed = { base, of: this.text, flags: committedLineFlags(base, this.text) };
    }
    return this.committed.flags[line - 1] === 1;
  }

  /** Full parse of new text (undefined: the file does not exist). */
  replace(text: string | undefined): void {
    this.cancelDeferred();
    this.exists = text !== undefined;
    const t = text ?? '';
    if (t === this.text && this.catalog.file === this.file && this.exists) return;
    this.text = t;
    this.lineIndex = new LineIndex(t);
    this.catalog = parseCatalog(t, this.file);
  }

  /** Applies an editor edit: the fast path when it qualifies, else a full parse. */
  edit(newText: string, changes: readonly ContentChange[]): void {
    if (this.exists && !/\.ya?ml$/i.test(this.file) && this.tryFastPath(newText, changes)) {
      this.fastEdits++;
      this.deferFullParse();
      return;
    }
    this.replace(newText);
  }

  dispose(): void {
    this.cancelDeferred();
  }

  private cancelDeferred(): void {
    if (this.fullParseTimer) clearTimeout(this.fullParseTimer);
    this.fullParseTimer = undefined;
  }

  private deferFullParse(): void {
    this.cancelDeferred();
    this.fullParseTimer = setTimeout(() => {
      this.fullParseTimer = undefined;
      const before = JSON.stringify(this.catalog);
      this.catalog = parseCatalog(this.text, this.file);
      this.committed = undefined; // an edit may have restored a committed line: diff once more
      if (JSON.stringify(this.catalog) !== before) this.onReparsed?.();
    }, 400);
    this.fullParseTimer.unref?.();
  }

  /** Re-reads only the edited line when the edit cannot change the document's structure. */
  private tryFastPath(newText: string, changes: readonly ContentChange[]): boolean {
    if (changes.length !== 1) return false;
    const range = changes[0]!.range;
    if (!range || range.start.line !== range.end.line || /[\r\n]/.test(changes[0]!.text)) return false;
    const line = range.start.line + 1;
    const onLine = this.refsOnLine(line);
    if (!onLine) return false;

    const index = new LineIndex(newText);
    if (index.lineCount !== this.lineIndex.lineCount) return false;
    const oldLine = this.lineIndex.lineText(this.text, line);
    const newLine = index.lineText(newText, line);
    const oldPrefix = ENTRY_PREFIX.exec(oldLine);
    const newPrefix = ENTRY_PREFIX.exec(newLine);
    if (!oldPrefix || !newPrefix || oldPrefix[0] !== newPrefix[0]) return false;
    const content = newLine.slice(newPrefix[0].length);
    if (BLOCK_START.test(content) || !lineLocal(content) || !lineLocal(oldLine.slice(oldPrefix[0].length))) return false;
    const split = splitLabel(content);
    if (split && classifyLabel(split.label)) return false; // an inline `Hotspots: ...` field
    const next = index.lineText(newText, line + 1);
    if (line < index.lineCount && next.trim() !== '' && !ENTRY_PREFIX.test(next) && !/^#{1,6}\s/.test(next)) return false;

    const indent = newPrefix[1]!.length;
    const root = parseMarkdown(newLine.slice(indent));
    const list = root.children[0] as List | undefined;
    if (root.children.length !== 1 || list?.type !== 'list' || list.children.length !== 1) return false;
    const entry = list.children[0] as ListItem;
    const { refs, problems } = hotspotsFromEntry(entry, this.file);
    if (refs.length === 0) return false;
    const place = <T extends { line: number; column?: number; endColumn?: number }>(p: T) => {
      p.line = line;
      if (p.column !== undefined) p.column += indent;
      if (p.endColumn !== undefined) p.endColumn += indent;
    };
    for (const r of refs) place(r.source);
    for (const p of problems) {
      place(p);
      if (p.endLine !== undefined) p.endLine = line;
    }

    const { item, first, count } = onLine;
    const hotspots: HotspotRef[] = [...item.hotspots.slice(0, first), ...refs, ...item.hotspots.slice(first + count)];
    const workItems = this.catalog.workItems.map((w) => (w === item ? { ...w, hotspots } : w));
    const kept = this.catalog.problems.filter((p) => !(p.line === line && p.code.startsWith('catalog/hotspot')));
    const merged = [...kept, ...problems].sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
    this.catalog = { ...this.catalog, workItems, problems: merged };
    if (this.committed?.of === this.text) {
      // The edited line is the user's new text; every other line keeps its state.
      this.committed.flags[line - 1] = 0;
      this.committed.of = newText;
    }
    this.text = newText;
    this.lineIndex = index;
    return true;
  }

  /** The work item whose hotspots are written on `line`, and their index range. */
  private refsOnLine(line: number): { item: WorkItem; first: number; count: number } | undefined {
    for (const item of this.catalog.workItems) {
      const first = item.hotspots.findIndex((h) => h.source.line === line);
      if (first < 0) continue;
      let count = 0;
      while (item.hotspots[first + count]?.source.line === line) count++;
      // Every reference of the line must be in this one run (one entry per line).
      if (item.hotspots.slice(first + count).some((h) => h.source.line === line)) return undefined;
      return { item, first, count };
    }
    return undefined;
  }
}

/**
 * True when the inline constructs of a line close on the line: every backtick run has a partner
 * of the same length, and brackets balance. Otherwise a code span or link could continue on the
 * next line and only a full parse reads it right.
 */
function lineLocal(text: string): boolean {
  const runs = new Map<number, number>();
  for (const m of text.matchAll(/`+/g)) runs.set(m[0].length, (runs.get(m[0].length) ?? 0) + 1);
  for (const n of runs.values()) if (n % 2 !== 0) return false;
  let depth = 0;
  for (const ch of text.replace(/`+[^`]*`+/g, '')) {
    if (ch === '[') depth++;
    else if (ch === ']' && --depth < 0) return false;
  }
  return depth === 0;
}
