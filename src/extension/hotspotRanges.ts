import * as vscode from 'vscode';
import type { HotspotEntry } from './hotspotIndex';

/**
 * The lines a placed hotspot covers in `doc` (whole lines), or undefined when it has no line to
 * show on (removed, unresolved, or outside the document).
 */
export function hotspotRange(entry: HotspotEntry, doc: vscode.TextDocument): vscode.Range | undefined {
  if (entry.unresolved || entry.anchor.state === 'removed') return undefined;
  const first = entry.anchor.line - 1;
  if (first < 0 || first >= doc.lineCount) return undefined;
  let last = first;
  if (entry.end && entry.end.state !== 'removed' && entry.end.line - 1 > first) last = Math.min(entry.end.line - 1, doc.lineCount - 1);
  return new vscode.Range(first, 0, last, doc.lineAt(last).text.length);
}

/** The line a lens or message refers to: the hotspot's line, or where a removed one was. */
export function hotspotLine(entry: HotspotEntry, doc: vscode.TextDocument): number {
  return Math.max(0, Math.min(entry.anchor.line - 1, doc.lineCount - 1));
}
