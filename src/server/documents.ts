/**
 * Open documents, kept with the raw content changes of each edit (the catalog's fast path needs
 * them, and `TextDocuments` from vscode-languageserver does not expose them).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  DidChangeTextDocumentParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';

export class DocumentStore {
  private readonly docs = new Map<string, TextDocument>();

  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  all(): TextDocument[] {
    return [...this.docs.values()];
  }

  open(p: DidOpenTextDocumentParams): TextDocument {
    const d = TextDocument.create(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
    this.docs.set(d.uri, d);
    return d;
  }

  change(p: DidChangeTextDocumentParams): { doc: TextDocument; changes: TextDocumentContentChangeEvent[] } | undefined {
    const d = this.docs.get(p.textDocument.uri);
    if (!d) return undefined;
    const next = TextDocument.update(d, p.contentChanges, p.textDocument.version);
    this.docs.set(next.uri, next);
    return { doc: next, changes: p.contentChanges };
  }

  close(p: DidCloseTextDocumentParams): TextDocument | undefined {
    const d = this.docs.get(p.textDocument.uri);
    this.docs.delete(p.textDocument.uri);
    return d;
  }
}
