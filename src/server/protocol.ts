/**
 * Everything the language client and server agree on beyond LSP itself. Imported by both sides;
 * type-level plus message-type objects only (no `vscode` import, nothing server-specific).
 */
import { NotificationType } from 'vscode-jsonrpc';

export { CLIENT_ID, CLIENT_NAME } from './clientId';

/** Language id of captured trace logs (contributed grammar). */
export const TRACE_LANGUAGE_ID = 'milestone-scope-trace';

/** Diagnostic `source` shown next to each problem. */
export const DIAGNOSTIC_SOURCE = 'milestone-scope';

/** The documents the server serves, by role. Paths are workspace-relative. */
export interface DocumentPaths {
  catalog: string;
  status: string;
  /** Tracking file template with `{id}`. */
  tracking: string;
  /** Configuration file names at the root. */
  config: string[];
}

/** Glob (relative to the workspace folder) matching the tracking files of a template. */
export function trackingGlob(template: string): string {
  return template.split('{id}').join('*');
}

/** Glob patterns (relative to a workspace folder) of every document the server serves. */
export function documentGlobs(paths: DocumentPaths): string[] {
  return [paths.catalog, paths.status, trackingGlob(paths.tracking), ...paths.config];
}

export interface ReferencedFilesParams {
  /** Workspace folder URI. */
  folder: string;
  /** URIs of every file the catalog references. */
  uris: string[];
}

/**
 * Server -> client: the files the catalog references. The client forwards the unsaved text of
 * those files (ReferencedDocumentNotification) so diagnostics follow edits before a save.
 */
export namespace ReferencedFilesNotification {
  export const method = 'milestoneScope/referencedFiles' as const;
  export const type = new NotificationType<ReferencedFilesParams>(method);
}

export interface ReferencedDocumentParams {
  uri: string;
  /** The editor's text; null when the editor closed or the buffer matches the disk again. */
  text: string | null;
}

/** Client -> server: the unsaved text of an open referenced file (or null to use the disk). */
export namespace ReferencedDocumentNotification {
  export const method = 'milestoneScope/referencedDocument' as const;
  export const type = new NotificationType<ReferencedDocumentParams>(method);
}

/** Diagnostic `data` of reference findings that a code action can fix. */
export interface MoveFixData {
  kind: 'move';
  line: number;
  endLine: number;
  /** The reference as written (its target), to find the text to rewrite. */
  path: string;
  oldLine: number;
  oldEndLine: number;
  preferred: boolean;
}
