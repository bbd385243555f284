// One build for every entry point: the extension, the language server, the CLI,
// the webview apps and the extension-host test suite.
import * as esbuild from 'esbuild';
import { chmodSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // `vscode` is provided by the extension host at run time.
  external: ['vscode'],
};

/** Every entry point; add new ones here. */
export const entries = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  // Loaded lazily by the language-model tools; keeps the CLI and the MCP SDK out of extension.js.
  { ...node, entryPoints: { agentTools: 'src/mcp/tools.ts' }, outdir: 'dist' },
  // Started by the flame chart for each load: parses traces off the extension host's thread.
  { ...node, entryPoints: { traceWorker: 'src/extension/traceWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // Flame chart webview app (browser code; media/flame.css sits beside it).
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'chrome114', sourcemap: !production, minify: production,
    logLevel: 'warning', entryPoints: { flame: 'src/webview/flame/main.ts' }, outdir: 'media',
  },
  // Extension-host test suite (test/host/); never packaged.
  { ...node, entryPoints: { suite: 'test/host/suite.ts' }, outdir: 'out/test', sourcemap: true, minify: false },
];

const existing = (await import('node:fs')).existsSync;
const active = entries.filter((e) => Object.values(e.entryPoints).every((p) => existing(p)));

if (watch) {
  for (const e of active) (await esbuild.context(e)).watch();
} else {
  await Promise.all(active.map((e) => esbuild.build(e)));
  if (existing('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
