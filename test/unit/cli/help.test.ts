import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helpText } from '../../../src/cli/help';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';

test('helpText aligns each block of option rows, with their continuation lines, to one column', () => {
  const text = helpText([
    'Usage: x [options]',
    '  check    not an option row: kept as written',
    '',
    'Options:',
    '  --milestone ID     the milestone',
    '  --test NAME  a test target; repeatable',
    '               continued under its description',
    '  --root DIR     repository root',
    '  -h, --help     this help',
    '',
    'Exit code: 0.',
  ]);
  assert.equal(
    text,
    [
      'Usage: x [options]',
      '  check    not an option row: kept as written',
      '',
      'Options:',
      '  --milestone ID  the milestone',
      '  --test NAME     a test target; repeatable',
      '                  continued under its description',
      '  --root DIR      repository root',
      '  -h, --help      this help',
      '',
      'Exit code: 0.',
    ].join('\n'),
  );
});

test("every command's options share one description column", async () => {
  for (const command of [
    'list',
    'show',
    'preflight',
    'start',
    'scope',
    'trace',
    'run',
    'ab',
    'base-worktree',
    'report',
    'complete',
    'mcp',
  ]) {
    let out = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: () => {}, cwd: process.cwd(), env: {} };
    assert.equal(await main([command, '--help'], io), 0, command);
    const columns = new Set(
      out
        .split('\n')
        .map((l) => /^ {2}(-\S.*?) {2,}\S/.exec(l))
        .filter((m) => m !== null)
        .map((m) => m[0].length),
    );
    assert.ok(columns.size >= 1, `${command}: no option rows`);
    assert.equal(columns.size, 1, `${command}: option descriptions start at columns ${[...columns].join(', ')}`);
  }
});
