/** A comparable outline of an mdast tree: node kinds, key fields and where each starts and ends. */
import type { Nodes, PhrasingContent } from 'mdast';

/**
 * Differences between markdown-it and micromark's GFM that are deliberate (docs/documents.md):
 * reference definitions and footnotes make no nodes; bare web addresses stay text (the catalog
 * scans text for them); a line break inside inline code is a space, as CommonMark renders it; line
 * ends in values are `\n`. Table cells are left out: markdown-it pads or cuts a row to the header's
 * width, micromark keeps the cells as written, and the documents read rows from their lines.
 */
const SKIPPED = new Set(['definition', 'footnoteDefinition', 'footnoteReference', 'yaml', 'tableCell']);

export function outline(node: Nodes): string[] {
  const out: string[] = [];
  const walk = (n: Nodes, depth: number) => {
    if (SKIPPED.has(n.type)) return;
    const p = n.position;
    const where = p ? `${p.start.line}` + (isInline(n) ? `:${p.start.column}-${p.end.line}:${p.end.column}` : '') : '?';
    out.push(`${'  '.repeat(depth)}${n.type}${fields(n)} @${where}`);
    if ('children' in n) for (const c of withoutLiteralLinks(n.children as Nodes[])) walk(c, depth + 1);
  };
  walk(node, 0);
  return out;
}

/** GFM's autolinked bare addresses (`www.x.org`, `https://x`), back as the text they were. */
function withoutLiteralLinks(children: Nodes[]): Nodes[] {
  const out: Nodes[] = [];
  for (const c of children) {
    const literal = c.type === 'link' && c.children.length === 1 && c.children[0]!.type === 'text' && isLiteral(c.url, c.children[0]!.value);
    const node: Nodes = literal ? { type: 'text', value: (c.children[0] as { value: string }).value, position: c.position } : c;
    const last = out[out.length - 1];
    if (node.type === 'text' && last?.type === 'text') {
      out[out.length - 1] = { type: 'text', value: last.value + node.value, position: last.position && node.position ? { start: last.position.start, end: node.position.end } : undefined } as PhrasingContent;
    } else out.push(node);
  }
  return out;
}

function isLiteral(url: string, text: string): boolean {
  return url === text || url === `http://${text}` || url === `mailto:${text}`;
}

function isInline(n: Nodes): boolean {
  return n.type === 'inlineCode' || n.type === 'link' || n.type === 'text';
}

function fields(n: Nodes): string {
  switch (n.type) {
    case 'heading':
      return ` h${n.depth}`;
    case 'list':
      return n.ordered ? ` ordered from ${n.start}` : ' bullet';
    case 'inlineCode':
      return ` ${JSON.stringify(n.value.replace(/\r\n?|\n/g, ' '))}`;
    case 'html':
      return ` ${JSON.stringify(n.value.replace(/\r\n?/g, '\n').replace(/\n+$/, ''))}`;
    case 'text':
    case 'code':
      return ` ${JSON.stringify(n.value.replace(/\r\n?/g, '\n'))}`;
    case 'link':
      return ` ${JSON.stringify(n.url)}`;
    case 'image':
      return ` ${JSON.stringify(n.url)} ${JSON.stringify(n.alt)}`;
    default:
      return '';
  }
}

/** Just what a reference can be written in: inline code and links, with where they are. */
export function referenceSites(node: Nodes): string[] {
  const out: string[] = [];
  const walk = (n: Nodes) => {
    const p = n.position;
    const where = p ? `${p.start.line}:${p.start.column}-${p.end.line}:${p.end.column}` : '?';
    // Whitespace inside code that spans lines differs (markdown-it drops a continuation line's indent).
    if (n.type === 'inlineCode' && n.value.trim()) out.push(`code ${JSON.stringify(n.value.replace(/\s+/g, ' '))} @${where}`);
    if (n.type === 'link') out.push(`link ${JSON.stringify(n.url)} @${where}`);
    if ('children' in n) for (const c of n.children as Nodes[]) walk(c);
  };
  walk(node);
  return out;
}
