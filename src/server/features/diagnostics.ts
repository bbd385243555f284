/** Problems (1-based, columns optional) -> LSP diagnostics (0-based ranges). */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { Problem } from '../../core/problems';
import type { RefFinding } from '../../core/docChecks/references';
import { DIAGNOSTIC_SOURCE, type MoveFixData } from '../protocol';
import { LineIndex } from '../catalogDocument';

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/**
 * The range of a problem in a document. Without columns it covers the line's text (from the first
 * non-blank character), so the squiggle sits under the content rather than at the margin.
 */
export function problemRange(p: Problem, text: string | undefined, index?: LineIndex): Range {
  const lines = index ?? new LineIndex(text ?? '');
  const line0 = Math.max(0, p.line - 1);
  const lineText = text === undefined ? '' : lines.lineText(text, p.line);
  if (p.column === undefined) {
    const first = lineText.length - lineText.trimStart().length;
    return { start: { line: line0, character: first }, end: { line: line0, character: Math.max(first, lineText.trimEnd().length) } };
  }
  const start = Math.min(p.column - 1, lineText.length);
  const endLine0 = p.endLine !== undefined ? Math.max(line0, p.endLine - 1) : line0;
  let end: number;
  if (p.endColumn !== undefined) {
    const endText = endLine0 === line0 ? lineText : text === undefined ? '' : lines.lineText(text, endLine0 + 1);
    end = Math.min(p.endColumn - 1, endText.length);
  } else end = lineText.trimEnd().length;
  if (endLine0 === line0 && end < start) end = start;
  return { start: { line: line0, character: start }, end: { line: endLine0, character: end } };
}

function isFinding(p: Problem): p is RefFinding {
  return 'ref' in p;
}

export function toDiagnostic(p: Problem, text: string | undefined, index?: LineIndex): Diagnostic {
  const d: Diagnostic = {
    range: problemRange(p, text, index),
    severity: SEVERITY[p.severity],
    code: p.code,
    source: DIAGNOSTIC_SOURCE,
    message: p.message,
  };
  if (isFinding(p) && p.moveTo) {
    const data: MoveFixData = {
      kind: 'move',
      line: p.moveTo.line,
      endLine: p.moveTo.endLine,
      path: p.ref.path,
      oldLine: p.ref.line,
      oldEndLine: p.ref.endLine,
      preferred: p.moveTo.preferred,
    };
    d.data = data;
  }
  return d;
}
