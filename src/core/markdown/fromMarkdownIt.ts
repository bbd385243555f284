import type * as md from 'mdast';
import markdownIt from 'markdown-it';
import type MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { Point, Position } from 'unist';
import type { LineSpan } from './';
import { fixCodeSpanMemory } from './codeSpanCache';
import { hasSpan, recordInlineSpans, spanEnd, spanStart } from './inlineSpans';

type Parent = md.Parent & { children: md.Nodes[] };

/**
 * GitHub-flavoured enough for milestone documents: CommonMark plus tables and strikethrough. Links
 * are kept as written (no percent-encoding, no scheme filter): nothing here renders HTML, and the
 * catalog reads link targets as file references.
 */
/**
 * How deep lists and block quotes may nest. CommonMark's preset stops at 20 and silently drops the
 * rest of the enclosing block (with a lazy block quote or list, the rest of the document); real
 * documents stay far below 100 (markdown-it's default preset). Deeper content is still dropped,
 * and reported (see `MarkdownCut`).
 */
export const MAX_NESTING = 100;

/** Where the parser stopped reading because of the nesting limit: 1-based first and last line dropped. */
export interface MarkdownCut {
  line: number;
  endLine: number;
}

function createParser(): MarkdownIt {
  const parser = markdownIt('commonmark', { html: true }).enable(['table', 'strikethrough']);
  (parser.options as { maxNesting: number }).maxNesting = MAX_NESTING;
  // The block parser gives up on content nested deeper than the limit without a trace: note where.
  const tokenize = parser.block.tokenize.bind(parser.block);
  parser.block.tokenize = (state, startLine, endLine) => {
    if (state.level >= MAX_NESTING) {
      const first = state.skipEmptyLines(startLine);
      const env = state.env as { cuts?: MarkdownCut[] };
      if (first < endLine) (env.cuts ??= []).push({ line: first + 1, endLine });
    }
    tokenize(state, startLine, endLine);
  };
  parser.normalizeLink = (url) => url;
  parser.validateLink = () => true;
  fixCodeSpanMemory(parser);
  recordInlineSpans(parser);
  return parser;
}

let shared: ReturnType<typeof createParser> | undefined;

/**
 * Parses markdown into mdast nodes with source positions (line, column, offset), the subset the
 * milestone documents use: headings, paragraphs, lists, block quotes, code, HTML, thematic breaks,
 * tables; text, inline code, links, images, emphasis, strong, delete and breaks.
 */
export function parseWithMarkdownIt(text: string, lines: LineSpan[]): md.Root {
  shared ??= createParser();
  // A byte-order mark is not content; a space in its place keeps every offset.
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const env: { cuts?: MarkdownCut[] } = {};
  const root = new TreeBuilder(source, lines).build(shared.parse(source, env));
  if (env.cuts?.length) root.data = { ...(root.data ?? {}), cuts: env.cuts } as md.Root['data'];
  return root;
}

class TreeBuilder {
  constructor(
    private readonly text: string,
    private readonly lines: LineSpan[],
  ) {}

  build(tokens: Token[]): md.Root {
    const root: md.Root = { type: 'root', children: [], position: this.range(0, this.lines.length - 1, 1) };
    const stack: Parent[] = [root as Parent];
    // Whether each open token made a node (table sections do not).
    const opened: boolean[] = [];
    let cells: [number, number][] = [];
    let cell = 0;
    let row = 0;
    for (const t of tokens) {
      const parent = stack[stack.length - 1]!;
      if (t.nesting === -1) {
        if (opened.pop()) stack.pop();
        continue;
      }
      if (t.type === 'inline') {
        if (parent.type === 'tableCell') {
          const range = cells[cell++];
          const lines = range ? this.cellLines(range, row) : [];
          if (lines[0]) parent.position = { start: this.point(lines, 0), end: this.point(lines, t.content.length) };
          parent.children.push(...this.inline(t, lines));
        } else {
          const lines = this.contentLines(t);
          parent.children.push(...this.inline(t, lines));
          // A paragraph starts at its text, not at the list marker before it.
          if (parent.type === 'paragraph' && parent.position && lines[0]) {
            const start = this.point(lines, 0);
            parent.position = { start, end: parent.position.end };
          }
        }
        continue;
      }
      if (t.type === 'tr_open' && t.map) {
        row = Math.min(t.map[0], this.lines.length - 1);
        cells = this.rowCells(row);
        cell = 0;
      }
      const node = this.block(t);
      if (t.nesting === 1) opened.push(node !== undefined);
      if (!node) continue;
      parent.children.push(node);
      if (t.nesting === 1) stack.push(node as Parent);
    }
    return root;
  }

  // ---- blocks ---------------------------------------------------------------------------------

  private block(t: Token): md.Nodes | undefined {
    const map = t.map;
    const position = map ? this.blockRange(map, t) : undefined;
    switch (t.type) {
      case 'paragraph_open':
        return { type: 'paragraph', children: [], position };
      case 'heading_open':
        return { type: 'heading', depth: Number(t.tag.slice(1)) as md.Heading['depth'], children: [], position };
      case 'bullet_list_open':
        return { type: 'list', ordered: false, start: null, spread: false, children: [], position };
      case 'ordered_list_open':
        return { type: 'list', ordered: true, start: Number(t.attrGet('start') ?? 1), spread: false, children: [], position };
      case 'list_item_open':
        return { type: 'listItem', spread: false, checked: null, children: [], position };
      case 'blockquote_open':
        return { type: 'blockquote', children: [], position };
      case 'hr':
        return { type: 'thematicBreak', position };
      case 'code_block':
      case 'fence': {
        const info = t.info.trim();
        const space = info.search(/\s/);
        return {
          type: 'code',
          lang: info ? (space < 0 ? info : info.slice(0, space)) : null,
          meta: space < 0 ? null : info.slice(space + 1).trim() || null,
          value: t.content.replace(/\n$/, ''),
          position,
        };
      }
      case 'html_block':
        return { type: 'html', value: t.content.replace(/\n+$/, ''), position };
      case 'table_open':
        return { type: 'table', align: [], children: [], position };
      case 'tr_open':
        return { type: 'tableRow', children: [], position };
      case 'th_open':
      case 'td_open':
        return { type: 'tableCell', children: [] };
      default:
        return undefined;
    }
  }

  /** A block's lines, without the blank lines markdown-it counts at the end of list items. */
  private blockRange(map: [number, number], t: Token): Position {
    const first = Math.min(map[0], this.lines.length - 1);
    let last = Math.max(first, Math.min(map[1], this.lines.length) - 1);
    while (last > first && this.isBlank(last)) last--;
    return this.range(first, last, this.startColumn(first, t));
  }

  /** 1-based column where a block starts: its list marker (after any quote marks), or its first character. */
  private startColumn(line: number, t: Token): number {
    const list = t.type === 'list_item_open' || t.type === 'bullet_list_open' || t.type === 'ordered_list_open';
    const { start, end } = this.lines[line]!;
    let i = start;
    for (; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (!(c === 32 || c === 9 || (list && c === 62))) break;
    }
    return i - start + 1;
  }

  // ---- inline ---------------------------------------------------------------------------------

  /** Where each line of an inline token's content starts in the source. */
  private contentLines(t: Token): ContentLine[] {
    const out: ContentLine[] = [];
    const first = t.map ? t.map[0] : 0;
    let content = 0;
    t.content.split('\n').forEach((piece: string, i: number) => {
      const line = Math.min(first + i, this.lines.length - 1);
      const { start, end } = this.lines[line]!;
      // The content line is the end of the source line, less trailing blanks on the last line.
      let at = piece ? this.text.lastIndexOf(piece, end - piece.length) : -1;
      // Tabs in indentation can be expanded into spaces in the content: fall back to the line's end.
      if (at < start) at = Math.max(start, end - piece.length);
      out.push({ content, source: at, line });
      content += piece.length + 1;
    });
    return out;
  }

  private inline(t: Token, map: ContentLine[]): md.PhrasingContent[] {
    const out: md.PhrasingContent[] = [];
    const stack: { children: md.PhrasingContent[]; node?: md.Nodes }[] = [{ children: out }];
    const at = (offset: number) => this.point(map, offset);
    for (const c of t.children ?? []) {
      const top = stack[stack.length - 1]!;
      const position = hasSpan(c) ? { start: at(spanStart(c)), end: this.point(map, spanEnd(c), true) } : undefined;
      switch (c.type) {
        case 'text':
        case 'text_special':
          appendText(top.children, c.content, position);
          break;
        case 'softbreak':
          appendText(top.children, '\n', position);
          break;
        case 'hardbreak':
          top.children.push({ type: 'break', position });
          break;
        case 'code_inline':
          top.children.push({ type: 'inlineCode', value: c.content, position });
          break;
        case 'html_inline':
          top.children.push({ type: 'html', value: c.content, position });
          break;
        case 'image':
          top.children.push({ type: 'image', url: attr(c, 'src') ?? '', alt: c.content, title: attr(c, 'title'), position });
          break;
        case 'link_open':
        case 'em_open':
        case 'strong_open':
        case 's_open': {
          const node = openInline(c, position);
          top.children.push(node);
          stack.push({ children: node.children, node });
          break;
        }
        case 'link_close':
        case 'em_close':
        case 'strong_close':
        case 's_close': {
          const open = stack.length > 1 ? stack.pop()!.node : undefined;
          // An emphasis span runs from its opening delimiter to the end of its closing one.
          if (open?.position && position && c.type !== 'link_close') open.position = { start: open.position.start, end: position.end };
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  /**
   * The source point of a content offset. An end that falls where a new piece of the map begins
   * belongs to the piece before it: just past a line break (the next line's start, as in mdast), or
   * just before the `|` of an escaped `\\|` in a table cell.
   */
  private point(map: ContentLine[], offset: number, end = false): Point {
    let i = map.length - 1;
    while (i > 0 && map[i]!.content > offset) i--;
    let m = map[i]!;
    if (end && i > 0 && offset === m.content) {
      const before = map[i - 1]!;
      if (before.line !== m.line) {
        const next = this.lines[m.line]!;
        return { line: next.line, column: 1, offset: next.start };
      }
      m = before;
    }
    const source = m.source + (offset - m.content);
    const line = this.lines[m.line]!;
    return { line: line.line, column: source - line.start + 1, offset: source };
  }

  /** A table row's cells as trimmed source ranges, split at unescaped pipes as markdown-it does. */
  private rowCells(row: number): [number, number][] {
    const { start, end } = this.lines[Math.min(row, this.lines.length - 1)]!;
    const cells: [number, number][] = [];
    let from = start;
    for (let i = start; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 124) {
        cells.push(this.trimmed(from, i));
        from = i + 1;
      }
    }
    cells.push(this.trimmed(from, end));
    const edge = this.text.slice(start, end).trim();
    if (edge.startsWith('|')) cells.shift();
    if (edge.endsWith('|') && !edge.endsWith('\\|') && cells.length > 0) cells.pop();
    return cells;
  }

  private trimmed(from: number, to: number): [number, number] {
    while (from < to && /\s/.test(this.text[from]!)) from++;
    while (to > from && /\s/.test(this.text[to - 1]!)) to--;
    return [from, to];
  }

  /** Content-to-source map of one cell: each `\\|` in the source is one `|` in the content. */
  private cellLines([from, to]: [number, number], line: number): ContentLine[] {
    const out: ContentLine[] = [{ content: 0, source: from, line }];
    let removed = 0;
    for (let i = from; i < to; i++) {
      const c = this.text.charCodeAt(i);
      if (c !== 92) continue;
      if (this.text.charCodeAt(i + 1) === 124) {
        removed++;
        out.push({ content: i + 1 - from - removed, source: i + 1, line });
      }
      i++;
    }
    return out;
  }

  // ---- positions ------------------------------------------------------------------------------

  private isBlank(i: number): boolean {
    const { start, end } = this.lines[i]!;
    for (let k = start; k < end; k++) {
      const c = this.text.charCodeAt(k);
      if (c !== 32 && c !== 9) return false;
    }
    return true;
  }

  private range(first: number, last: number, column: number): Position {
    const a = this.lines[first]!;
    const b = this.lines[last]!;
    return {
      start: { line: a.line, column, offset: a.start + column - 1 },
      end: { line: b.line, column: b.end - b.start + 1, offset: b.end },
    };
  }
}

interface ContentLine {
  /** Offset of the line's first character in the inline content. */
  content: number;
  /** Offset of that character in the document. */
  source: number;
  /** 0-based line index. */
  line: number;
}

/** Adjacent text and soft line breaks form one text node, as in mdast. */
function appendText(children: md.PhrasingContent[], value: string, position: Position | undefined) {
  if (value === '') return; // an emphasis delimiter the emphasis pass used up
  const last = children[children.length - 1];
  if (last?.type === 'text') {
    last.value += value;
    if (last.position && position) last.position = { start: last.position.start, end: position.end };
    return;
  }
  children.push({ type: 'text', value, position });
}

function openInline(c: Token, position: Position | undefined): md.Link | md.Emphasis | md.Strong | md.Delete {
  switch (c.type) {
    case 'link_open':
      return { type: 'link', url: attr(c, 'href') ?? '', title: attr(c, 'title'), children: [], position };
    case 'em_open':
      return { type: 'emphasis', children: [], position };
    case 'strong_open':
      return { type: 'strong', children: [], position };
    default:
      return { type: 'delete', children: [], position };
  }
}

function attr(t: Token, name: string): string | null {
  const v = t.attrGet(name);
  return v === null ? null : String(v);
}
