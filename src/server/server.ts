/**
 * The language server for the milestone documents (catalog, STATUS.md, tracking files,
 * `.milestone-scope.yaml`). Started by the extension over IPC; any LSP client can run it with
 * `node dist/server.js --stdio` (src/server/launch.ts, which loads this bundle as dist/serverMain.js).
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocumentSyncKind,
  createConnection,
  type Connection,
  type Disposable,
  type FileSystemWatcher,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentIdentifier,
} from 'vscode-languageserver/node';
import { runGit } from '../core/git/run';
import { CrateIndex } from './crates';
import { DocumentStore } from './documents';
import { codeActions } from './features/codeActions';
import { completion } from './features/completion';
import { toDiagnostic } from './features/diagnostics';
import { hover } from './features/hover';
import { definition, documentLinks } from './features/navigation';
import { documentSymbols, workspaceSymbols } from './features/symbols';
import { ReferencedDocumentNotification, ReferencedFilesNotification, trackingGlob } from './protocol';
import { CONFIG_FILES } from '../core/config';
import { Session, type DocRole } from './session';
import { relToUri, relativeTo, uriToPath } from './uris';
import { LineIndex } from './catalogDocument';

interface Workspace {
  session: Session;
  crates: CrateIndex;
  uri: string;
  gitDir?: string;
  watchers?: Promise<Disposable>;
  watchKey?: string;
}

export function startServer(connection: Connection): void {
  const documents = new DocumentStore();
  const workspaces = new Map<string, Workspace>();
  let dynamicWatchers = false;
  let relativePatterns = false;

  /** The workspace folder containing a file, and the file's path relative to it. */
  const locate = (uri: string): { ws: Workspace; rel: string } | undefined => {
    const fsPath = uriToPath(uri);
    if (!fsPath) return undefined;
    let best: { ws: Workspace; rel: string } | undefined;
    for (const ws of workspaces.values()) {
      const rel = relativeTo(ws.session.root, fsPath);
      if (rel !== undefined && (!best || ws.session.root.length > best.ws.session.root.length)) best = { ws, rel };
    }
    return best;
  };

  const openDocFor = (root: string, rel: string) => {
    const abs = path.join(root, rel);
    return documents.all().find((d) => uriToPath(d.uri) === abs);
  };

  const addWorkspace = (folderUri: string) => {
    const root = uriToPath(folderUri);
    if (!root || workspaces.has(root)) return;
    const ws: Workspace = { uri: folderUri, crates: new CrateIndex(root), session: undefined as unknown as Session };
    ws.session = new Session(root, {
      openText: (rel) => openDocFor(root, rel)?.getText(),
      publish: (rel, problems) => {
        const doc = openDocFor(root, rel);
        const text = doc?.getText() ?? ws.session.documentText(rel);
        const index = text !== undefined ? new LineIndex(text) : undefined;
        void connection.sendDiagnostics({
          uri: doc?.uri ?? relToUri(root, rel),
          diagnostics: problems.map((p) => toDiagnostic(p, text, index)),
        });
      },
      referencedFilesChanged: (paths) => {
        void connection.sendNotification(ReferencedFilesNotification.type, {
          folder: folderUri,
          uris: paths.map((p) => relToUri(root, p)),
        });
        registerWatchers(ws);
      },
      log: (m) => connection.console.log(m),
    });
    workspaces.set(root, ws);
  };

  /** Watches the documents, the referenced files and git's HEAD, through the client. */
  const registerWatchers = (ws: Workspace) => {
    if (!dynamicWatchers) return;
    const s = ws.session;
    const docs = [...CONFIG_FILES, s.config.catalog, s.config.status, trackingGlob(s.config.tracking)];
    const globsOf = (patterns: string[]) => `{${patterns.map((p) => p.replace(/[{}]/g, '?')).join(',')}}`;
    const pattern = (base: string, baseUri: string, glob: string) =>
      relativePatterns ? { baseUri, pattern: glob } : `${base.split(path.sep).join('/')}/${glob}`;
    const watchers: FileSystemWatcher[] = [{ globPattern: pattern(s.root, ws.uri, globsOf(docs)) }];
    if (s.referencedPaths.length > 0) {
      watchers.push({ globPattern: pattern(s.root, ws.uri, globsOf([...s.referencedPaths])) });
    }
    const trackingDir = path.posix.dirname(s.config.tracking);
    if (!trackingDir.includes('{id}')) watchers.push({ globPattern: pattern(s.root, ws.uri, `${trackingDir}/*`) });
    if (ws.gitDir) {
      const gitUri = relToUri(ws.gitDir, '');
      watchers.push({ globPattern: pattern(ws.gitDir, gitUri.replace(/\/$/, ''), '{HEAD,logs/HEAD}') });
    }
    const key = JSON.stringify(watchers);
    if (key === ws.watchKey) return;
    ws.watchKey = key;
    const previous = ws.watchers;
    ws.watchers = connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    void previous?.then((d) => d.dispose());
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const watched = params.capabilities.workspace?.didChangeWatchedFiles;
    dynamicWatchers = watched?.dynamicRegistration === true;
    relativePatterns = watched?.relativePatternSupport === true;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    for (const f of folders) addWorkspace(f);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        documentLinkProvider: { resolveProvider: false },
        definitionProvider: true,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['`', '/', '|', ' '] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, `${CodeActionKind.SourceFixAll}.milestoneScope`] },
        documentSymbolProvider: { label: 'Milestone Scope' },
        workspaceSymbolProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'milestone-scope-language-server' },
    };
  });

  connection.onInitialized(() => {
    for (const ws of workspaces.values()) void loadWorkspace(ws);
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) {
        const root = uriToPath(f.uri);
        const ws = root ? workspaces.get(root) : undefined;
        if (!ws || !root) continue;
        ws.session.dispose();
        void ws.watchers?.then((d) => d.dispose());
        workspaces.delete(root);
      }
      for (const f of e.added) {
        addWorkspace(f.uri);
        const ws = workspaces.get(uriToPath(f.uri) ?? '');
        if (ws) void loadWorkspace(ws);
      }
    });
  });

  const loadWorkspace = async (ws: Workspace) => {
    ws.session.load();
    try {
      const r = await runGit(ws.session.root, ['rev-parse', '--absolute-git-dir'], { okCodes: [128] });
      if (r.exitCode === 0) ws.gitDir = r.stdout.trim();
    } catch {
      // not a git work tree, or no git: no baseline to watch
    }
    registerWatchers(ws);
  };

  // ---- documents ----------------------------------------------------------------------------------

  connection.onDidOpenTextDocument((p) => {
    documents.open(p);
    const at = locate(p.textDocument.uri);
    if (at) at.ws.session.documentChanged(at.rel);
  });
  connection.onDidChangeTextDocument((p) => {
    const changed = documents.change(p);
    const at = locate(p.textDocument.uri);
    if (changed && at) at.ws.session.documentChanged(at.rel, changed.changes);
  });
  connection.onDidCloseTextDocument((p) => {
    documents.close(p);
    const at = locate(p.textDocument.uri);
    if (at) at.ws.session.documentChanged(at.rel);
  });

  connection.onNotification(ReferencedDocumentNotification.type, (p) => {
    const at = locate(p.uri);
    if (at) at.ws.session.referencedDocument(at.rel, p.text ?? undefined);
  });

  connection.onDidChangeWatchedFiles((p) => {
    for (const change of p.changes) {
      const fsPath = uriToPath(change.uri);
      if (!fsPath) continue;
      for (const ws of workspaces.values()) {
        if (ws.gitDir && relativeTo(ws.gitDir, fsPath) !== undefined) {
          ws.session.refreshBaseline();
          continue;
        }
        const rel = relativeTo(ws.session.root, fsPath);
        if (rel === undefined) continue;
        if (change.type !== FileChangeType.Changed || rel.endsWith('Cargo.toml')) ws.crates.invalidate();
        ws.session.fileChanged(rel);
      }
    }
  });

  // ---- features -------------------------------------------------------------------------------------

  const withRole = (doc: TextDocumentIdentifier): { ws: Workspace; rel: string; role: DocRole } | undefined => {
    const at = locate(doc.uri);
    const role = at?.ws.session.roleOf(at.rel);
    return at && role ? { ...at, role } : undefined;
  };
  const catalogOnly = (doc: TextDocumentIdentifier) => {
    const at = withRole(doc);
    return at?.role.role === 'catalog' ? at.ws.session : undefined;
  };

  connection.onDocumentLinks((p) => {
    const s = catalogOnly(p.textDocument);
    return s ? documentLinks(s) : [];
  });
  connection.onDefinition((p) => {
    const s = catalogOnly(p.textDocument);
    return s ? definition(s, p.position) : [];
  });
  connection.onHover((p) => {
    const s = catalogOnly(p.textDocument);
    return s ? hover(s, p.position) : null;
  });
  connection.onCompletion((p) => {
    const at = withRole(p.textDocument);
    const doc = documents.get(p.textDocument.uri);
    if (!at || !doc) return [];
    return completion(at.ws.session, at.ws.crates, at.role, doc.getText(), p.position);
  });
  connection.onCodeAction((p) => {
    const s = catalogOnly(p.textDocument);
    return s ? codeActions(s, p.textDocument.uri, p.context.diagnostics, p.context.only) : [];
  });
  connection.onDocumentSymbol((p) => {
    const at = withRole(p.textDocument);
    if (!at) return [];
    const text = documents.get(p.textDocument.uri)?.getText() ?? at.ws.session.documentText(at.rel) ?? '';
    return documentSymbols(at.ws.session, at.role, text, new LineIndex(text));
  });
  connection.onWorkspaceSymbol((p) => [...workspaces.values()].flatMap((ws) => workspaceSymbols(ws.session, p.query)));

  connection.onShutdown(() => {
    for (const ws of workspaces.values()) ws.session.dispose();
  });

  connection.listen();
}

/** The process entry: dist/server.js (src/server/launch.ts) calls this; tests call startServer. */
export function runServer(): void {
  startServer(createConnection(ProposedFeatures.all));
}
