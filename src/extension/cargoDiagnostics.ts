import * as vscode from 'vscode';
import type { CargoDiagnostic } from '../core/cargo/messages';

const SEVERITY: Record<CargoDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function range(l: { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  return new vscode.Range(l.line - 1, l.column - 1, Math.max(l.endLine - 1, l.line - 1), Math.max(l.endColumn - 1, 0));
}

/**
 * cargo's compiler messages in the Problems panel (source `cargo`). Each run replaces what the
 * previous run reported; diagnostics appear as they arrive.
 */
export class CargoDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('milestone-scope-cargo');
  private byFile = new Map<string, vscode.Diagnostic[]>();
  private seen = new Set<string>();

  /** Forgets the previous run's diagnostics. */
  startRun(): void {
    this.collection.clear();
    this.byFile.clear();
    this.seen.clear();
  }

  add(d: CargoDiagnostic): void {
    if (!d.location) return; // shown in the terminal only: nothing to point at
    // cargo test compiles the library twice (lib and test harness) and reports twice.
    const key = `${d.location.file}:${d.location.line}:${d.location.column}:${d.severity}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const diag = new vscode.Diagnostic(range(d.location), d.message, SEVERITY[d.severity]);
    diag.source = 'cargo';
    if (d.code) {
      diag.code = /^E\d{4}$/.test(d.code)
        ? { value: d.code, target: vscode.Uri.parse(`https://doc.rust-lang.org/error_codes/${d.code}.html`) }
        : d.code;
    }
    if (d.related.length) {
      diag.relatedInformation = d.related.map(
        (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), range(r)), r.message),
      );
    }
    const list = this.byFile.get(d.location.file) ?? [];
    list.push(diag);
    this.byFile.set(d.location.file, list);
    this.collection.set(vscode.Uri.file(d.location.file), list);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
