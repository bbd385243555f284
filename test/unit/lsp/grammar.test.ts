/**
 * Runs the grammar assertions in test/grammar with vscode-tmgrammar-test (VS Code's own TextMate
 * engine): the trace-log grammar on its own, and the reference injection on top of the markdown
 * grammar VS Code ships (from the tm-grammars package). A deliberately wrong assertion must fail,
 * so a runner that silently passes everything cannot go unnoticed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { removeDir } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');
const RUNNER = path.join(ROOT, 'node_modules/vscode-tmgrammar-test/dist/unit.js');
const MARKDOWN = path.join(ROOT, 'node_modules/tm-grammars/grammars/markdown.json');

async function runner(args: string[]): Promise<{ code: number; output: string }> {
  const { execa } = await import('execa');
  const r = await execa(process.execPath, [RUNNER, ...args], { cwd: ROOT, reject: false, all: true });
  // The markdown grammar names dozens of embedded languages the runner does not have; their
  // "grammar not found" lines are noise here.
  const output = (r.all ?? '').split('\n').filter((l) => !/grammar not found/.test(l)).join('\n');
  return { code: r.exitCode ?? -1, output };
}

test('trace-log grammar: tracing-forest trees, ANSI colours, fmt lines and cargo output', async () => {
  const r = await runner(['test/grammar/*.test.txt']);
  assert.equal(r.code, 0, r.output);
  assert.equal((r.output.match(/run successfuly/g) ?? []).length, 3, r.output);
});

test('markdown injection: path:line references highlighted, look-alikes left alone', async () => {
  const r = await runner(['-g', MARKDOWN, 'test/grammar/*.test.md']);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /markdown-references\.test\.md run successfuly/);
});

test('a wrong expected scope fails the run', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-grammar-'));
  t.after(() => removeDir(dir));
  const wrong = path.join(dir, 'wrong.test.txt');
  copyFileSync(path.join(ROOT, 'test/grammar/trace-forest.test.txt'), wrong);
  writeFileSync(wrong, readFileSync(wrong, 'utf8').replace('entity.name.function.span.milestone-trace', 'entity.name.function.WRONG'));
  const r = await runner([wrong]);
  assert.notEqual(r.code, 0);
  assert.match(r.output, /missing required scopes: entity\.name\.function\.WRONG/);
});
