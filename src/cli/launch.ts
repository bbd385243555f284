/**
 * `dist/cli.js`, the `milestone-scope` executable: turns on V8's compile cache (Node 22.1+; the
 * bundles' compiled code is reused by the next run) before any of the CLI is loaded, then loads the
 * CLI's entry chunk (`dist/cli.mjs`), which loads the chunk of the one subcommand asked for.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

import(pathToFileURL(path.join(__dirname, 'cli.mjs')).href).then(
  (cli: { runCli(): void }) => cli.runCli(),
  (err: unknown) => {
    process.stderr.write(`milestone-scope: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
