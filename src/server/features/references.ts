/** Finding the catalog reference under the cursor, and where a reference leads. */
import type { Position, Range } from 'vscode-languageserver';
import type { Catalog, HotspotRef, WorkItem } from '../../core/catalog/model';
import type { Session } from '../session';
import { relToUri } from '../uris';

export interface RefAt {
  ref: HotspotRef;
  item: WorkItem;
}

const byLine = new WeakMap<Catalog, Map<number, RefAt[]>>();

/** References per catalog line, built once per parsed catalog. */
function lineMap(catalog: Catalog): Map<number, RefAt[]> {
  let m = byLine.get(catalog);
  if (m) return m;
  m = new Map();
  for (const item of catalog.workItems) {
    for (const ref of item.hotspots) {
      const list = m.get(ref.source.line) ?? [];
      list.push({ ref, item });
      m.set(ref.source.line, list);
    }
  }
  byLine.set(catalog, m);
  return m;
}

/** The reference whose text contains `pos` (0-based), if any. */
export function refAt(catalog: Catalog, pos: Position): RefAt | undefined {
  const list = lineMap(catalog).get(pos.line + 1);
  return list?.find(({ ref }) => pos.character >= ref.source.column - 1 && pos.character < refEndColumn(ref) - 1);
}

/** All references written on a 1-based catalog line. */
export function refsOnLine(catalog: Catalog, line: number): RefAt[] {
  return lineMap(catalog).get(line) ?? [];
}

/** A YAML mapping reference may span lines; its end column then lies past its first line. */
function refEndColumn(ref: HotspotRef): number {
  return ref.source.endColumn > ref.source.column ? ref.source.endColumn : ref.source.column + 1;
}

/** The 0-based range of a reference's text on its catalog line, clamped to the line. */
export function refRange(ref: HotspotRef, lineLength?: number): Range {
  const line = ref.source.line - 1;
  let end = refEndColumn(ref) - 1;
  if (lineLength !== undefined) end = Math.min(end, lineLength);
  return { start: { line, character: ref.source.column - 1 }, end: { line, character: Math.max(end, ref.source.column - 1) } };
}

/** The referenced lines as a 0-based range (start of the first line to end of the last). */
export function targetRange(ref: HotspotRef, lines?: readonly string[]): Range {
  const last = Math.max(ref.line, ref.endLine);
  return {
    start: { line: ref.line - 1, character: 0 },
    end: { line: last - 1, character: lines?.[last - 1]?.length ?? 0 },
  };
}

export function targetUri(session: Session, ref: HotspotRef): string {
  return relToUri(session.root, ref.path);
}
