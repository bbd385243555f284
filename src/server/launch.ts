/**
 * `dist/server.js`, the language server's process entry: turns on V8's compile cache (Node 22.1+)
 * before the server's bundle (`dist/serverMain.js`) is loaded, so a new server process reuses the
 * code compiled by the previous one. The bundle is loaded synchronously: over IPC a message that
 * arrives before the server listens would be lost.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// A computed path keeps the bundler from inlining the server.
(require(path.join(__dirname, 'serverMain.js')) as typeof import('./server')).runServer();
