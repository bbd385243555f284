import type { Nodes, Root } from 'mdast';
import { MAX_NESTING, parseWithMarkdownIt, type MarkdownCut } from './fromMarkdownIt';
import { problem, type Problem } from '../problems';

/**
 * Parses markdown (CommonMark with tables and strikethrough) into mdast with source positions.
 * markdown-it does the parsing: it is 20–30 times faster than micromark on a large catalog.
 */
export function parseMarkdown(text: string): Root {
  return parseWithMarkdownIt(text, lineSpans(text));
}

/**
 * Content the parser did not read because it is nested deeper than MAX_NESTING lists or block
 * quotes: one warning at the first line dropped.
 */
export function nestingProblems(root: Root, file: string): Problem[] {
  const cuts = ((root.data ?? {}) as { cuts?: MarkdownCut[] }).cuts ?? [];
  return cuts.map((c) =>
    problem(
      'warning',
      'markdown/too-deep',
      `lists or block quotes nested more than ${MAX_NESTING} levels deep: the content from here${c.endLine > c.line ? ` to line ${c.endLine}` : ''} is not read`,
      { file, line: c.line },
    ),
  );
}

/** Plain text of a node: inline code keeps its content, markup is dropped. */
export function nodeText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(nodeText).join('');
  return '';
}

/** 1-based start line of a node (1 when the parser gave no position). */
export function startLine(node: Nodes): number {
  return node.position?.start.line ?? 1;
}

/** Splits text into lines, each with the offset of its first character and its end (before the EOL). */
export interface LineSpan {
  /** 1-based line number. */
  line: number;
  start: number;
  end: number;
  /** The line's end-of-line sequence (`\n`, `\r\n`, a lone `\r`, or `` for the last line). */
  eol: string;
}

/**
 * A lone `\r` ends a line too, as it does for the markdown parser and the editor; otherwise the
 * line numbers of parsed nodes and of these spans would disagree.
 */
const EOL = /\r\n?|\n/g;

export function lineSpans(text: string): LineSpan[] {
  const spans: LineSpan[] = [];
  let start = 0;
  let line = 1;
  EOL.lastIndex = 0;
  for (let m = EOL.exec(text); m; m = EOL.exec(text)) {
    spans.push({ line, start, end: m.index, eol: m[0] });
    start = m.index + m[0].length;
    line++;
  }
  spans.push({ line, start, end: text.length, eol: '' });
  return spans;
}

/** The document's dominant end-of-line sequence. */
export function detectEol(text: string): string {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const cr = (text.match(/\r/g) ?? []).length - crlf;
  if (cr > lf && cr > crlf) return '\r';
  return crlf > lf ? '\r\n' : '\n';
}

/** Like nodeText, but inline code keeps its backticks (for Problem/Target prose). */
export function inlineText(node: Nodes): string {
  if (node.type === 'inlineCode') return '`' + node.value + '`';
  if (node.type === 'list') return '';
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(inlineText).join('');
  return '';
}
