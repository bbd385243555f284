/**
 * Outline of the milestone documents (work items with their hotspots, milestones; STATUS.md rows)
 * and workspace symbols (`M2`, work item titles) that jump into the catalog.
 */
import { SymbolKind, type DocumentSymbol, type Range, type WorkspaceSymbol } from 'vscode-languageserver-types';
import { formatRef } from '../../core/docChecks/references';
import type { LineIndex } from '../catalogDocument';
import type { DocRole, Session } from '../session';
import { relToUri } from '../uris';
import { refRange } from './references';

function lineRange(index: LineIndex, text: string, first: number, last = first): Range {
  return {
    start: { line: first - 1, character: 0 },
    end: { line: last - 1, character: index.lineText(text, last).length },
  };
}

function catalogSymbols(session: Session): DocumentSymbol[] {
  const { catalog, text, lineIndex } = session.catalog;
  const items = [...catalog.workItems].sort((a, b) => a.line - b.line);
  const itemSymbols: DocumentSymbol[] = items.map((w, i) => {
    const lastRef = Math.max(w.line, ...w.hotspots.map((h) => h.source.line));
    const nextStart = items[i + 1]?.line;
    const last = Math.max(w.line, Math.min(lastRef + 0, nextStart !== undefined ? nextStart - 1 : lastRef));
    return {
      name: `${w.id}) ${w.title}`,
      detail: `${w.hotspots.length} hotspot${w.hotspots.length === 1 ? '' : 's'}`,
      kind: SymbolKind.Class,
      range: lineRange(lineIndex, text, w.line, Math.max(last, lastRef)),
      selectionRange: lineRange(lineIndex, text, w.line),
      children: w.hotspots.map((h) => {
        const r = refRange(h, lineIndex.lineText(text, h.source.line).length);
        return { name: formatRef(h.path, h.line, h.endLine), detail: h.label ?? '', kind: SymbolKind.File, range: r, selectionRange: r };
      }),
    };
  });
  const milestoneSymbols: DocumentSymbol[] = catalog.milestones.map((m) => ({
    name: `M${m.id} ${m.title}`,
    detail: m.scope.kind === 'work-items' ? `work item ${m.scope.workItems.join(', ')}` : m.scope.kind,
    kind: SymbolKind.Event,
    range: lineRange(lineIndex, text, m.line),
    selectionRange: lineRange(lineIndex, text, m.line),
  }));
  const out: DocumentSymbol[] = [];
  const group = (name: string, children: DocumentSymbol[]) => {
    if (children.length === 0) return;
    const first = children.reduce((a, c) => Math.min(a, c.range.start.line), Infinity);
    const last = children.reduce((a, c) => Math.max(a, c.range.end.line), 0);
    const range = lineRange(lineIndex, text, first + 1, last + 1);
    out.push({ name, kind: SymbolKind.Namespace, range, selectionRange: { start: range.start, end: range.start }, children });
  };
  group('Work items', itemSymbols);
  group('Milestones', milestoneSymbols);
  return out;
}

function statusSymbols(session: Session, text: string, index: LineIndex): DocumentSymbol[] {
  return session.status.entries.map((e) => ({
    name: `M${e.id} ${e.status ?? e.rawStatus.trim()}`,
    detail: [e.owner, e.started].filter(Boolean).join(' · '),
    kind: SymbolKind.Event,
    range: lineRange(index, text, e.line),
    selectionRange: lineRange(index, text, e.line),
  }));
}

export function documentSymbols(session: Session, role: DocRole, text: string, index: LineIndex): DocumentSymbol[] {
  if (role.role === 'catalog') return catalogSymbols(session);
  if (role.role === 'status') return statusSymbols(session, text, index);
  return [];
}

/** Case-insensitive subsequence match (`m2` matches `M2 Remove…`, `rpcs` matches `Remove per-copy sync`). */
export function fuzzyMatch(query: string, name: string): boolean {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of n) if (ch === q[i]) i++;
  return i === q.length;
}

export function workspaceSymbols(session: Session, query: string): WorkspaceSymbol[] {
  const { catalog, text, lineIndex } = session.catalog;
  const uri = relToUri(session.root, session.config.catalog);
  const out: WorkspaceSymbol[] = [];
  for (const m of catalog.milestones) {
    const name = `M${m.id} ${m.title}`;
    if (!fuzzyMatch(query, name)) continue;
    out.push({ name, kind: SymbolKind.Event, containerName: 'Milestones', location: { uri, range: lineRange(lineIndex, text, m.line) } });
  }
  for (const w of catalog.workItems) {
    const name = `${w.id}) ${w.title}`;
    if (!fuzzyMatch(query, name) && !fuzzyMatch(query, `Work item ${w.id} ${w.title}`)) continue;
    out.push({ name, kind: SymbolKind.Class, containerName: 'Work items', location: { uri, range: lineRange(lineIndex, text, w.line) } });
  }
  return out;
}
