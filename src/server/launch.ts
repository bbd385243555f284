/**
 * `dist/server.js`, the language server's process entry: turns on V8's compile cache (Node 22.1+)
 * before the server's code (`dist/serverMain.mjs` and the chunks it shares with the CLI, see
 * esbuild.mjs) is loaded, so a new server process reuses the code compiled by the previous one.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// A computed path keeps the bundler from inlining the server.
import(pathToFileURL(path.join(__dirname, 'serverMain.mjs')).href).then(
  (server: typeof import('./server')) => server.runServer(),
  (err: unknown) => {
    process.stderr.write(`milestone language server: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
