/**
 * `dist/server.js`, the language server's process entry: turns on V8's compile cache (Node 22.1+)
 * before the server's code (`dist/serverMain.mjs` and the chunks it shares with the CLI, see
 * esbuild.mjs) is loaded, so a new server process reuses the code compiled by the previous one.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Over IPC (the extension's transport), a message that arrives while no 'message' listener is
// attached is lost, and the server's code loads asynchronously: hold what arrives meanwhile and
// hand it over once the server listens.
const early: unknown[] = [];
const hold = (m: unknown) => early.push(m);
if (process.send) process.on('message', hold);

// A computed path keeps the bundler from inlining the server.
import(pathToFileURL(path.join(__dirname, 'serverMain.mjs')).href).then(
  (server: typeof import('./server')) => {
    server.runServer();
    process.off('message', hold);
    for (const m of early.splice(0)) process.emit('message', m as never, undefined as never);
  },
  (err: unknown) => {
    process.stderr.write(`milestone language server: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
