import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helpText } from '../../../src/cli/help';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';

test('helpText aligns each block of option rows, with their continuation lines, to one column', () => {
  const input = [
    'Usage: x [options]',
    '  check    not an option row: kept as written',
    '',
    'Options:',
    '  --milestone ID     the milestone',
    '  --test NAME  a test target; repeatable',
    '               continued under its description',
    '  -h, --help     this help',
    '',
    'Exit code: 0.',
  ];
  const out = helpText(input).split('\n');
  // The same words on the same lines; only option rows changed, and only in their spacing.
  assert.deepEqual(
    out.map((l) => l.replace(/ +/g, ' ')),
    input.map((l) => l.replace(/ +/g, ' ')),
  );
  assert.deepEqual(out.slice(0, 4), input.slice(0, 4));
  assert.deepEqual(out.slice(8), input.slice(8));
  // One column, two spaces after the longest flag, continuation lines included.
  assert.deepEqual(
    out.slice(4, 8).map((l) => l.search(/(?<=\S  +|^ +)[^ -]/)),
    [18, 18, 18, 18],
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
