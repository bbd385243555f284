/**
 * The real server as a separate process, spoken to over stdio with the LSP protocol library:
 * initialization, diagnostics on the fixture catalog, unsaved edits of a referenced file,
 * dynamic file-watcher registration and a clean shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  ExitNotification,
  HoverRequest,
  type PublishDiagnosticsParams,
  type Registration,
} from 'vscode-languageserver-protocol/node';
import { ReferencedDocumentNotification, ReferencedFilesNotification, type ReferencedFilesParams } from '../../../src/server/protocol';
import { CATALOG, STARK, edit, gitCopy, read, removeDir } from './helpers';

const SERVER = path.resolve(__dirname, 'runServer.ts');
const PCS = 'crates/metal-backend/src/stacked_pcs.rs';

test('the server process publishes diagnostics and follows unsaved edits of referenced files', async (t) => {
  const root = await gitCopy(STARK);
  edit(root, CATALOG, 'data_transporter.rs:217`', 'data_transporter.rs:21700`');
  const proc = spawn(process.execPath, ['--import', 'tsx', SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  t.after(() => {
    proc.kill();
    removeDir(root);
  });

  const diagnostics: PublishDiagnosticsParams[] = [];
  const waiters: Array<() => void> = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    diagnostics.push(p);
    waiters.splice(0).forEach((w) => w());
  });
  const registrations: Registration[] = [];
  conn.onRequest(RegistrationRequest.type, (p) => {
    registrations.push(...p.registrations);
    return null;
  });
  let referenced: ReferencedFilesParams | undefined;
  conn.onNotification(ReferencedFilesNotification.type, (p) => (referenced = p));
  conn.listen();

  const catalogUri = pathToFileURL(path.join(root, CATALOG)).toString();
  /** Waits for the catalog's diagnostics to satisfy `ok` (explicit condition, bounded). */
  const until = (ok: (p: PublishDiagnosticsParams) => boolean, what: string) =>
    new Promise<PublishDiagnosticsParams>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(diagnostics.at(-1))}`)), 20000);
      const check = () => {
        const hit = [...diagnostics].reverse().find((p) => p.uri === catalogUri);
        if (hit && ok(hit)) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });

  const folder = pathToFileURL(root).toString();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: 'fixture' }],
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } },
  });
  assert.equal(init.capabilities.hoverProvider, true);
  assert.ok(init.capabilities.documentLinkProvider);
  conn.sendNotification(InitializedNotification.type, {});

  const text = read(root, CATALOG);
  conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: catalogUri, languageId: 'markdown', version: 1, text } });
  const first = await until((p) => p.diagnostics.length === 1, 'the broken reference');
  const d = first.diagnostics[0]!;
  assert.equal(d.code, 'ref/line-past-end');
  assert.equal(d.source, 'milestone-scope');
  const line = text.split('\n')[d.range.start.line]!;
  assert.equal(line.slice(d.range.start.character, d.range.end.character), '`crates/metal-backend/src/data_transporter.rs:21700`');

  // The referenced files are announced and watched.
  assert.ok(referenced && referenced.uris.some((u) => u.endsWith('/crates/metal-backend/src/stacked_pcs.rs')), 'referenced files announced');
  const watchers = registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles');
  assert.ok(watchers.length > 0, 'file watchers registered');
  assert.match(JSON.stringify(watchers[0]!.registerOptions), /stacked_pcs\.rs/);

  // An unsaved edit above the hotspots of stacked_pcs.rs moves them.
  const pcsUri = pathToFileURL(path.join(root, PCS)).toString();
  conn.sendNotification(ReferencedDocumentNotification.type, { uri: pcsUri, text: '// unsaved line\n' + read(root, PCS) });
  const moved = await until((p) => p.diagnostics.filter((x) => x.code === 'ref/moved').length === 3, 'three moved references');
  assert.deepEqual(moved.diagnostics.filter((x) => x.code === 'ref/moved').map((x) => (x.data as { line: number }).line), [111, 130, 147]);

  // Closing the buffer (null) goes back to the disk; fixing the catalog clears the rest.
  conn.sendNotification(ReferencedDocumentNotification.type, { uri: pcsUri, text: null });
  const lineNo = d.range.start.line;
  conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: catalogUri, version: 2 },
    contentChanges: [{ range: { start: { line: lineNo, character: line.indexOf('21700') }, end: { line: lineNo, character: line.indexOf('21700') + 5 } }, text: '217' }],
  });
  await until((p) => p.diagnostics.length === 0, 'no diagnostics after the fix');

  const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: catalogUri }, position: { line: lineNo, character: line.indexOf('data_') } });
  assert.match(JSON.stringify(hover), /```rust/);

  await conn.sendRequest(ShutdownRequest.type);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  conn.sendNotification(ExitNotification.type);
  assert.equal(await exited, 0);
  conn.dispose();
});
