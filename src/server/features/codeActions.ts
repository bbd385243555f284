/** Quick fixes that point a moved reference at the line its code moved to. */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import type { HotspotRef } from '../../core/catalog/model';
import { rewriteReferenceLines } from '../../core/docChecks/rewrite';
import type { RefFinding } from '../../core/docChecks/references';
import type { MoveFixData } from '../protocol';
import type { Session } from '../session';

function isMove(data: unknown): data is MoveFixData {
  return typeof data === 'object' && data !== null && (data as MoveFixData).kind === 'move';
}

function spec(line: number, endLine: number): string {
  return endLine > line ? `${line}-${endLine}` : String(line);
}

/** The edits that move one reference, computed against the current catalog text. */
function moveEdits(
  session: Session,
  ref: Pick<HotspotRef, 'path' | 'source'>,
  from: { line: number; endLine: number },
  to: { line: number; endLine: number },
): TextEdit[] {
  const { text, lineIndex } = session.catalog;
  const s = ref.source;
  const start = lineIndex.offset(s.line, s.column);
  // YAML mapping references span lines: their end column counts characters from the start.
  const end = s.endColumn > s.column ? start + (s.endColumn - s.column) : lineIndex.offset(s.line + 1);
  return rewriteReferenceLines(text, start, Math.min(end, text.length), ref.path, from, to).map((e) => ({
    range: e.range,
    newText: e.newText,
  }));
}

function findingFor(session: Session, d: Diagnostic): RefFinding | undefined {
  return session.findings.find(
    (f) => f.code === d.code && f.line - 1 === d.range.start.line && (f.column ?? 1) - 1 === d.range.start.character,
  );
}

export function codeActions(session: Session, uri: string, diagnostics: readonly Diagnostic[], only?: readonly string[]): CodeAction[] {
  const wantQuickFix = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix));
  const wantFixAll = !only || only.some((k) => k === CodeActionKind.Source || k.startsWith(CodeActionKind.SourceFixAll));
  const actions: CodeAction[] = [];
  if (wantQuickFix) {
    for (const d of diagnostics) {
      if (!isMove(d.data)) continue;
      const finding = findingFor(session, d);
      if (!finding) continue;
      const data = d.data;
      const edits = moveEdits(
        session,
        finding.ref,
        { line: data.oldLine, endLine: data.oldEndLine },
        { line: data.line, endLine: data.endLine },
      );
      if (edits.length === 0) continue;
      actions.push({
        title: `Point the reference at line ${spec(data.line, data.endLine)}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: data.preferred,
        edit: { changes: { [uri]: edits } },
      });
    }
  }
  // Every moved reference of the catalog at once (quick fix when asked from a diagnostic, and as a
  // source action for "fix all").
  const moved = session.findings.filter((f) => f.moveTo?.preferred);
  if (moved.length > 1 && (wantFixAll || (wantQuickFix && diagnostics.some((d) => isMove(d.data))))) {
    const edits = moved.flatMap((f) =>
      moveEdits(session, f.ref, { line: f.ref.line, endLine: f.ref.endLine }, { line: f.moveTo!.line, endLine: f.moveTo!.endLine }),
    );
    if (edits.length > 0) {
      actions.push({
        title: `Point all ${moved.length} moved references at their code's new lines`,
        kind: wantFixAll && !wantQuickFix ? `${CodeActionKind.SourceFixAll}.milestoneScope` : CodeActionKind.QuickFix,
        edit: { changes: { [uri]: edits } },
      });
    }
  }
  return actions;
}
