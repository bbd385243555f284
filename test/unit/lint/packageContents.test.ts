// The .vsix ships a chosen part of dist/ (.vscodeignore leaves out the command line's entry and its
// MCP chunk). Every file the extension can load must be in it: the entry points package.json and
// the code name, and every chunk they import, statically or on first use, followed transitively.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
/** What the extension loads by name: its main, the features and tools it imports by path, the worker and the server. */
const ENTRIES = ['dist/extension.js', 'dist/languageClient.js', 'dist/extensionFeatures.mjs', 'dist/agentTools.mjs', 'dist/traceWorker.js', 'dist/server.js', 'dist/serverMain.js'];

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.\.?\/[^"]+)"/g)].map((m) => m[1]!);
  return specs.map((s) => normalize(join(dirname(file), s)).replace(/\\/g, '/'));
}

test('the .vsix holds every file the extension can load', { skip: !existsSync(join(root, 'dist', 'extension.js')) && 'not built' }, () => {
  const listed = new Set(
    execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  const needed = new Set<string>();
  const queue = [...ENTRIES];
  while (queue.length > 0) {
    const f = queue.pop()!;
    if (needed.has(f)) continue;
    needed.add(f);
    queue.push(...importsOf(f));
  }
  const missing = [...needed].filter((f) => !listed.has(f));
  assert.deepEqual(missing, []);
  assert.ok(!listed.has('dist/cli.mjs'), 'the command line entry is left out');
  assert.ok(needed.size > ENTRIES.length, 'chunks were followed');
});
