/** Document links and go-to-definition from catalog references to their code. */
import type { DocumentLink, LocationLink, Position } from 'vscode-languageserver';
import { formatRef } from '../../core/docChecks/references';
import type { Session } from '../session';
import { refAt, refRange, targetRange, targetUri } from './references';

/** One link per reference to an existing file, opening it at the referenced line. */
export function documentLinks(session: Session): DocumentLink[] {
  const { text, lineIndex } = session.catalog;
  const catalog = session.resolvedCatalog();
  const links: DocumentLink[] = [];
  for (const item of catalog.workItems) {
    for (const ref of item.hotspots) {
      const file = session.files.resolve(ref.path);
      if (file.kind !== 'file') continue;
      const lineLength = lineIndex.lineText(text, ref.source.line).length;
      links.push({
        range: refRange(ref, lineLength),
        // VS Code opens `#L110` (or `#L110-L146`) fragments of file links at that selection.
        target: `${targetUri(session, ref)}#L${ref.line}${ref.endLine > ref.line ? `-L${ref.endLine}` : ''}`,
        tooltip: `Open ${formatRef(ref.path, ref.line, ref.endLine)}`,
      });
    }
  }
  return links;
}

/** The referenced lines of the reference at `pos`. */
export function definition(session: Session, pos: Position): LocationLink[] {
  const hit = refAt(session.resolvedCatalog(), pos);
  if (!hit) return [];
  const file = session.files.resolve(hit.ref.path);
  if (file.kind !== 'file') return [];
  const lineLength = session.catalog.lineIndex.lineText(session.catalog.text, hit.ref.source.line).length;
  const range = targetRange(hit.ref, file.lines);
  return [
    {
      originSelectionRange: refRange(hit.ref, lineLength),
      targetUri: targetUri(session, hit.ref),
      targetRange: range,
      targetSelectionRange: { start: range.start, end: { line: range.start.line, character: file.lines[hit.ref.line - 1]?.length ?? 0 } },
    },
  ];
}
