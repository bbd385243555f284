// The lint configuration holds the layering: code under src/core, src/webview and the protocol
// modules cannot import `vscode`; the extension glue can. Linted as text at those paths, so no file
// is written into the source tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..', '..', '..');
const probe = "import * as vscode from 'vscode';\nexport const version = vscode.version;\n";
const typeOnly = "import type * as vscode from 'vscode';\nexport type Uri = vscode.Uri;\n";

// Type-aware rules need the file in the TypeScript project; these probes are not on disk.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', 'import-x/no-cycle': 'off' },
  },
});

async function restricted(text: string, rel: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(root, rel) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

test('a vscode import in src/core fails the lint', async () => {
  const messages = await restricted(probe, 'src/core/layeringProbe.ts');
  assert.equal(messages.length, 1);
  assert.match(messages[0], /'vscode' import is restricted/);
});

test('a vscode import in src/webview fails the lint', async () => {
  assert.equal((await restricted(probe, 'src/webview/flame/layeringProbe.ts')).length, 1);
});

test('a protocol module may import vscode types only', async () => {
  assert.equal((await restricted(typeOnly, 'src/extension/layeringProbeProtocol.ts')).length, 0);
  assert.equal((await restricted(probe, 'src/extension/layeringProbeProtocol.ts')).length, 1);
});

test('the extension glue may import vscode', async () => {
  assert.equal((await restricted(probe, 'src/extension/layeringProbe.ts')).length, 0);
});
