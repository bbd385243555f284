import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { CONFIG_FILES, loadConfig } from '../core/config';
import type { MilestoneScopeConfig } from '../core/config/types';
import {
  CLIENT_ID,
  CLIENT_NAME,
  DIAGNOSTIC_SOURCE,
  ReferencedDocumentNotification,
  ReferencedFilesNotification,
  documentGlobs,
  type DocumentPaths,
} from '../server/protocol';
import type { ExtensionContextHolder } from './context';
import type { settings } from './settings';

/**
 * What the client takes from the features' bundle (features.ts): dist/languageClient.js is a bundle
 * of its own and would otherwise carry a second copy of the configuration reader (yaml) and of the
 * settings module.
 */
export interface LanguageClientHost {
  /** The workspace model's change event, so the documents' paths are re-read. */
  modelChanged: vscode.Event<unknown>;
  settings: typeof settings;
  loadConfig: typeof loadConfig;
  configFiles: typeof CONFIG_FILES;
  defaultConfig: MilestoneScopeConfig;
}

/** Unsaved edits of referenced files are forwarded after this pause in typing. */
const FORWARD_DELAY_MS = 150;

async function documentPaths(host: LanguageClientHost, folder: vscode.WorkspaceFolder): Promise<DocumentPaths> {
  let config = host.defaultConfig;
  if (folder.uri.scheme === 'file') {
    try {
      config = (await host.loadConfig(folder.uri.fsPath)).config;
    } catch {
      // unreadable configuration: the server reports it; serve the default layout meanwhile
    }
  }
  return {
    catalog: config.catalog,
    status: config.status,
    tracking: config.tracking,
    config: [...host.configFiles],
  };
}

/** The milestone documents of every workspace folder, as a selector. */
async function buildSelector(host: LanguageClientHost): Promise<vscode.DocumentFilter[]> {
  const filters: vscode.DocumentFilter[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    for (const glob of documentGlobs(await documentPaths(host, folder))) {
      filters.push({ scheme: 'file', pattern: new vscode.RelativePattern(folder, glob) });
    }
  }
  return filters;
}

function selectorKey(filters: readonly vscode.DocumentFilter[]): string {
  return JSON.stringify(
    filters.map((f) => (f.pattern instanceof vscode.RelativePattern ? [f.pattern.baseUri.toString(), f.pattern.pattern] : f.pattern)),
  );
}

/** Glob characters in a folder path must not act as glob syntax. */
function escapeGlob(text: string): string {
  return text.replace(/[[\]{}*?]/g, (c) => `[${c}]`);
}

/** LSP document filters take a glob string: the folder's absolute path joined with the glob. */
function toProtocolSelector(filters: readonly vscode.DocumentFilter[]): DocumentSelector {
  return filters.map((f) => {
    const p = f.pattern as vscode.RelativePattern;
    const base = escapeGlob(p.baseUri.fsPath.replace(/\\/g, '/'));
    return { scheme: 'file', pattern: `${base}/${p.pattern}` };
  });
}

/**
 * The milestone-document language server. Started only when a milestone document or the
 * configuration is opened (not at activation), restarted when the configuration moves the
 * documents, stopped with the extension.
 */
export function activateLanguageClient(ctx: ExtensionContextHolder, host: LanguageClientHost): void {
  const { settings, modelChanged } = host;
  let client: LanguageClient | undefined;
  let starting: Promise<void> | undefined;
  let selector: vscode.DocumentFilter[] = [];
  let key = '';
  const clientDisposables: vscode.Disposable[] = [];
  let referenced = new Set<string>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The last unsaved texts forwarded (length, or null for "use the disk"), for tests. */
  const forwarded: Array<{ uri: string; text: number | null; version: number }> = [];

  const enabled = () => settings.get('languageServerEnabled');
  const matches = (doc: vscode.TextDocument) => selector.length > 0 && vscode.languages.match(selector, doc) > 0;

  /** Sends the unsaved text of a referenced file (null: the disk is the truth again). */
  const forward = (doc: vscode.TextDocument, immediately = false) => {
    const uri = doc.uri.toString();
    if (!client || !referenced.has(uri)) return;
    clearTimeout(timers.get(uri));
    const send = () => {
      timers.delete(uri);
      const text = doc.isClosed || !doc.isDirty ? null : doc.getText();
      forwarded.push({ uri, text: text === null ? null : text.length, version: doc.version });
      if (forwarded.length > 50) forwarded.shift();
      void client?.sendNotification(ReferencedDocumentNotification.type, { uri, text });
    };
    if (immediately) send();
    else timers.set(uri, setTimeout(send, FORWARD_DELAY_MS));
  };

  const start = async () => {
    if (client || starting || !enabled()) return;
    starting = (async () => {
      const module = ctx.extension.asAbsolutePath('dist/server.js');
      const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
      };
      const clientOptions: LanguageClientOptions = {
        documentSelector: toProtocolSelector(selector),
        diagnosticCollectionName: DIAGNOSTIC_SOURCE,
        initializationFailedHandler: (err) => {
          ctx.output.error(`The milestone language server failed to start: ${String(err)}`);
          return false;
        },
      };
      const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
      client = c;
      clientDisposables.push(
        c.onNotification(ReferencedFilesNotification.type, (p) => {
          referenced = new Set(p.uris.map((u) => vscode.Uri.parse(u).toString()));
          for (const doc of vscode.workspace.textDocuments) if (doc.isDirty) forward(doc, true);
        }),
        vscode.workspace.onDidChangeTextDocument((e) => {
          if (e.contentChanges.length > 0 || !e.document.isDirty) forward(e.document);
        }),
        vscode.workspace.onDidSaveTextDocument((doc) => forward(doc, true)),
        vscode.workspace.onDidCloseTextDocument((doc) => forward(doc, true)),
      );
      try {
        await c.start();
        ctx.output.info('Milestone language server started');
      } catch (err) {
        ctx.output.error(`The milestone language server failed to start: ${String(err)}`);
      }
    })().finally(() => (starting = undefined));
    await starting;
  };

  const stop = async () => {
    await starting;
    const c = client;
    client = undefined;
    referenced = new Set();
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    clientDisposables.splice(0).forEach((d) => d.dispose());
    if (c) await c.dispose().catch((err) => ctx.output.warn(`Stopping the milestone language server: ${String(err)}`));
  };

  /** Recomputes the selector; restarts a running server when the documents moved. */
  const refresh = async () => {
    const next = await buildSelector(host);
    const nextKey = selectorKey(next);
    if (nextKey === key) return;
    selector = next;
    key = nextKey;
    if (client) {
      await stop();
      await start();
    } else if (vscode.workspace.textDocuments.some(matches)) await start();
  };

  ctx.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (!client && matches(doc)) void start();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void refresh()),
    modelChanged(() => void refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!settings.affects(e, 'languageServerEnabled')) return;
      if (enabled()) void refresh().then(() => (vscode.workspace.textDocuments.some(matches) ? start() : undefined));
      else void stop();
    }),
    // For tests: whether the server runs, which files it wants forwarded and what was sent.
    vscode.commands.registerCommand('milestoneScope.internal.languageServerState', () => ({
      running: client?.isRunning() ?? false,
      referenced: [...referenced],
      forwarded: [...forwarded],
    })),
    vscode.commands.registerCommand('milestoneScope.restartLanguageServer', async () => {
      await stop();
      key = '';
      await refresh();
      await start();
    }),
    { dispose: () => void stop() },
  );
  void refresh();
}
