// VS Code counts loading dist/extension.js as the extension's activation time: the entry may hold
// only the context and the registration of the language-model tools. The features, the language
// client and everything they pull in (yaml, markdown-it, execa, the core) load after activate()
// has returned. This builds the entry as the real build does and lists what went into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..', '..', '..');
const ALLOWED = new Set(['src/extension/extension.ts', 'src/extension/context.ts', 'src/extension/activeMilestone.ts', 'src/extension/lmTools.ts']);

/** The source files that go into one CommonJS entry of esbuild.mjs, built as the real build does. */
async function entryInputs(name: string, source: string): Promise<{ inputs: string[]; bytes: number }> {
  const { entries } = (await import(join(root, 'esbuild.mjs'))) as { entries: Array<{ entryPoints: Record<string, string> }> };
  const entry = entries.find((e) => e.entryPoints[name] === source);
  assert.ok(entry, `the ${name} entry point is in esbuild.mjs`);
  const result = await esbuild.build({ ...entry, absWorkingDir: root, write: false, metafile: true, sourcemap: false, outdir: 'unused' });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + (o.bytes ?? 0), 0);
  return { inputs: Object.keys(result.metafile.inputs), bytes };
}

test('dist/extension.js bundles only the activation code', async () => {
  const { inputs, bytes } = await entryInputs('extension', 'src/extension/extension.ts');
  const extra = inputs.filter((i) => !ALLOWED.has(i));
  assert.deepEqual(extra, [], `dist/extension.js pulls in ${extra.join(', ')}: load it from features.ts or languageClient.ts instead`);
  assert.ok(bytes < 32 * 1024, `dist/extension.js is ${bytes} bytes`);
});

test('the features load no language-server library (only dist/languageClient.js and the server do)', async () => {
  const { nodeChunks } = (await import(join(root, 'esbuild.mjs'))) as { nodeChunks: esbuild.BuildOptions };
  const result = await esbuild.build({ ...nodeChunks, absWorkingDir: root, write: false, metafile: true, sourcemap: false, outdir: 'unused' });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((k) => k.endsWith('extensionFeatures.mjs'));
  assert.ok(entry, 'the features are an entry of the ES module build');
  // The static import graph: what loading the features compiles.
  const graph = new Set<string>();
  const walk = (k: string) => {
    if (graph.has(k)) return;
    graph.add(k);
    for (const i of outputs[k]!.imports) if (i.kind === 'import-statement' && outputs[i.path]) walk(i.path);
  };
  walk(entry);
  const lsp = [...graph].flatMap((k) => Object.keys(outputs[k]!.inputs)).filter((i) => /node_modules\/vscode-(jsonrpc|languageserver|languageclient)/.test(i));
  assert.deepEqual([...new Set(lsp.map((i) => i.split('/').slice(0, 2).join('/')))], []);
});

test('dist/languageClient.js takes the configuration reader and the settings from the features (no second copy)', async () => {
  const { inputs } = await entryInputs('languageClient', 'src/extension/languageClient.ts');
  const copies = inputs.filter((i) => /node_modules\/(yaml|execa|markdown-it)\/|src\/core\/|src\/extension\/settings/.test(i));
  assert.deepEqual(copies, []);
});
