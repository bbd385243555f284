import type { Nodes, PhrasingContent } from 'mdast';
import { problem, type Problem } from '../problems';
import type { HotspotRef } from './model';
import { isBarePath, parseLinkTarget, parseRefText, type RefParse } from './refs';

/**
 * In plain text: a bare web address (a GitHub or GitLab blob URL is a reference, as a link to it
 * is), or a reference such as `crates/x/src/a.rs:110` written without backticks.
 */
const PLAIN_REF =
  /(https?:\/\/[^\s<>()[\]`]+?)(?=[.,;:!?'"]*(?:[\s<>()[\]`]|$))|(?<![\w/.`-])((?:\.{0,2}\/)?[\w.@+-]+(?:\/[\w.@+-]+)*\.[A-Za-z0-9]+(?::\d+(?:[-–]\d+)?|#L\d+(?:-L?\d+)?))(?![\w/])/g;

interface Found {
  parse: RefParse;
  line: number;
  column: number;
  endColumn: number;
  bare?: string;
  /** A link's own text when it is not itself a reference (`[dispatch_sync](x.rs#L23)`). */
  linkText?: string;
}

/**
 * Extracts the references of one hotspot entry (a list item or paragraph): inline code, links and
 * plain text, in order. The text before the first reference becomes the label (`Root extraction`).
 * Entries without a usable reference become problems with their line.
 */
export function hotspotsFromEntry(entry: Nodes, catalogFile: string): { refs: HotspotRef[]; problems: Problem[] } {
  const found: Found[] = [];
  let labelText = '';
  let labelDone = false;
  const addLabel = (s: string) => {
    if (!labelDone) labelText += s;
  };

  const visit = (node: Nodes): void => {
    const pos = node.position;
    const line = pos?.start.line ?? 1;
    const column = pos?.start.column ?? 1;
    const endColumn = pos?.end.line === line ? pos.end.column : column;
    switch (node.type) {
      case 'inlineCode': {
        const parse = parseRefText(node.value);
        if (parse) {
          found.push({ parse, line, column, endColumn });
          labelDone = true;
        } else if (isBarePath(node.value)) {
          found.push({ parse: undefined, line, column, endColumn, bare: node.value });
        } else addLabel('`' + node.value + '`');
        return;
      }
      case 'link': {
        const text = node.children.map(textOf).join('').trim();
        const parse = parseLinkTarget(node.url, catalogFile) ?? parseRefText(text);
        if (parse) {
          found.push({ parse, line, column, endColumn, ...(text && !parseRefText(text) ? { linkText: text } : {}) });
          labelDone = true;
        } else addLabel(node.children.map(textOf).join(''));
        return;
      }
      case 'text': {
        let last = 0;
        // Every plain reference has a `:` or a `#`; most text has neither.
        const scan = /[:#]/.test(node.value) ? node.value.matchAll(PLAIN_REF) : [];
        for (const m of scan) {
          const url = m[1];
          const parse = url ? parseLinkTarget(url, catalogFile) : parseRefText(m[2]!);
          if (url && !parse) continue; // an ordinary web address stays label text
          const before = node.value.slice(0, m.index);
          const nl = before.lastIndexOf('\n');
          const mLine = line + (before.match(/\n/g)?.length ?? 0);
          const mCol = nl >= 0 ? m.index! - nl : column + m.index!;
          addLabel(node.value.slice(last, m.index));
          found.push({ parse, line: mLine, column: mCol, endColumn: mCol + m[0].length });
          labelDone = true;
          last = m.index! + m[0].length;
        }
        addLabel(node.value.slice(last));
        return;
      }
      case 'list':
        return; // nested entries are handled by the caller
      default:
        if ('children' in node) for (const c of node.children as Nodes[]) visit(c);
    }
  };
  visit(entry);

  const label = labelText
    .replace(/\s+/g, ' ')
    .replace(/[\s:–—-]+$/, '')
    .trim();
  const refs: HotspotRef[] = [];
  const problems: Problem[] = [];
  const at = { file: catalogFile, line: entry.position?.start.line ?? 1 };
  for (const f of found) {
    const loc = { file: catalogFile, line: f.line, column: f.column, endColumn: f.endColumn };
    if (f.bare !== undefined) {
      problems.push(problem('warning', 'catalog/hotspot-no-line', `hotspot "${f.bare}" names a file but no line (write path:line)`, loc));
    } else if (f.parse && !f.parse.ok) {
      problems.push(problem('error', 'catalog/hotspot-bad-line', `hotspot reference: ${f.parse.reason}`, loc));
    } else if (f.parse?.ok) {
      const own = label || f.linkText;
      refs.push({
        ...f.parse.ref,
        ...(own ? { label: own } : {}),
        source: { file: catalogFile, line: f.line, column: f.column, endColumn: f.endColumn },
      });
    }
  }
  if (found.length === 0) {
    const text = textOf(entry as PhrasingContent)
      .replace(/\s+/g, ' ')
      .trim();
    problems.push(
      problem('warning', 'catalog/hotspot-not-understood', `hotspot entry has no path:line reference: "${truncate(text)}"`, at),
    );
  }
  return { refs, problems };
}

function textOf(node: Nodes): string {
  if (node.type === 'list') return '';
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  return '';
}

export function truncate(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
