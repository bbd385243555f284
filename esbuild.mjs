// One build for every entry point: the extension, the language server, the CLI, the agent tools,
// the webview apps and the extension-host test suite.
//
// `--production` (npm run package): minified, no source maps. Development builds keep the maps.
//
// Start-up: the CLI and the agent tools are ES modules built together with code splitting
// (`nodeChunks`): each CLI subcommand's loader (`() => import('./x')` in src/cli/main.ts) becomes a
// chunk shared by both, so a subcommand loads only its own code. `dist/cli.js` and `dist/server.js`
// are small CommonJS launchers that turn on V8's compile cache before loading the real code.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Options of every Node.js bundle (also used by benchmarks that measure bundled code, as it ships). */
export const node = {
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

/**
 * `vscode` in an ES module chunk: the extension host hands the API to `require('vscode')` (its
 * hook on Node's module loader, keyed by the requiring file), so the chunks take it from the
 * banner's `require` rather than from an `import` Node could not resolve.
 */
const vscodeThroughRequire = {
  name: 'vscode-through-require',
  setup(b) {
    b.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', namespace: 'vscode-api' }));
    b.onLoad({ filter: /.*/, namespace: 'vscode-api' }, () => ({ contents: 'module.exports = __msRequireVscode();', loader: 'js' }));
  },
};

/**
 * The CLI, the agent tools and the extension's features: ES modules with shared chunks
 * (dist/chunks/). Bundled CommonJS dependencies call `require` for Node's built-in modules, which
 * an ES module does not have: the banner gives every output file one.
 */
export const nodeChunks = {
  ...node,
  format: 'esm',
  splitting: true,
  entryPoints: { cli: 'src/cli/main.ts', agentTools: 'src/mcp/tools.ts', extensionFeatures: 'src/extension/features.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  external: [],
  plugins: [vscodeThroughRequire],
  banner: {
    js: [
      "import { createRequire as __msCreateRequire } from 'node:module';",
      "import { dirname as __msDirname } from 'node:path';",
      "import { fileURLToPath as __msFileURLToPath } from 'node:url';",
      'const require = __msCreateRequire(import.meta.url);',
      // Bundled CommonJS code may use these too.
      'const __filename = __msFileURLToPath(import.meta.url);',
      'const __dirname = __msDirname(__filename);',
      "const __msRequireVscode = () => require('vscode');",
    ].join(' '),
  },
};

/** The `milestone-scope` executable: the launcher and the chunks it loads (also built by the CLI tests). */
export const cliEntries = [
  nodeChunks,
  { ...node, entryPoints: { cli: 'src/cli/launch.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];

/** Every entry point; add new ones here. */
export const entries = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  // Required by extension.js once activate() has returned: the client is most of the code.
  { ...node, entryPoints: { languageClient: 'src/extension/languageClient.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { server: 'src/server/launch.ts', serverMain: 'src/server/server.ts' }, outdir: 'dist' },
  ...cliEntries,
  // Started by the flame chart for each load: parses traces off the extension host's thread.
  { ...node, entryPoints: { traceWorker: 'src/extension/flame/traceWorker.ts' }, outdir: 'dist' },
  // Flame chart webview app (browser code; media/flame.css sits beside it).
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'chrome114', sourcemap: !production, minify: production,
    logLevel: 'warning', entryPoints: { flame: 'src/webview/flame/main.ts' }, outdir: 'media',
  },
  // Extension-host test suite (test/host/); never packaged.
  ...(production ? [] : [{ ...node, entryPoints: { suite: 'test/host/suite.ts' }, outdir: 'out/test', sourcemap: true, minify: false }]),
];

/** Builds every entry point (or watches them). */
export async function build() {
  const active = entries.filter((e) => Object.values(e.entryPoints).every((p) => existsSync(p)));
  // Chunk names carry a hash: old ones would pile up (and be packaged).
  if (!watch) {
    rmSync('dist/chunks', { recursive: true, force: true });
    // A production build leaves no stale maps behind from a development build.
    if (production) {
      for (const dir of ['dist', 'media']) {
        for (const f of readdirSync(dir)) if (f.endsWith('.map')) rmSync(`${dir}/${f}`);
      }
    }
    // Left by earlier layouts of dist/.
    for (const old of ['agentTools.js', 'agentTools.js.map', 'serverMain.mjs', 'serverMain.mjs.map']) rmSync(`dist/${old}`, { force: true });
  }
  if (watch) {
    for (const e of active) (await esbuild.context(e)).watch();
  } else {
    await Promise.all(active.map((e) => esbuild.build(e)));
    if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await build();
