// A folder or a FIFO where a document, the configuration or --summary-file is expected: a one-line
// error naming the file (exit 2), never a stack trace, never a hang. Run as child processes, with a
// time limit, since a hang is what is tested.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli, CLI } from '../cli/run';
import { CATALOG, STATUS, tracking } from '../core/helpers';
import { cleanup, fixtureCopy } from './hostileHelpers';

before(buildCli);
after(cleanup);

function run(cwd: string, args: string[]): Promise<{ code: number | string; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 8_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const e = err as { code?: number; signal?: string; killed?: boolean } | null;
      resolve({ code: e ? (e.killed ? 'hung' : (e.signal ?? e.code ?? 1)) : 0, stdout, stderr });
    });
  });
}

function expectInputError(r: { code: number | string; stderr: string }, name: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |unexpected error/, what);
  assert.match(r.stderr, name, what);
}

const places: Array<[string, string, string[]]> = [
  ['STATUS.md', STATUS, ['list']],
  ['the catalog', CATALOG, ['list']],
  ['.milestone-scope.yaml', '.milestone-scope.yaml', ['list']],
  ['a tracking file', tracking('2'), ['start', '2', '--owner', 'dana', '--local']],
];

for (const [what, rel, args] of places) {
  test(`not a file: a folder as ${what}`, { timeout: 20_000 }, async () => {
    const root = fixtureCopy();
    rmSync(path.join(root, rel), { force: true });
    mkdirSync(path.join(root, rel), { recursive: true });
    expectInputError(await run(root, args), new RegExp(path.basename(rel).replace(/\./g, '\\.') + '.*(folder|directory)'), what);
  });
  test(`not a file: a FIFO as ${what} does not hang`, { timeout: 20_000 }, async () => {
    const root = fixtureCopy();
    rmSync(path.join(root, rel), { force: true });
    execFileSync('mkfifo', [path.join(root, rel)]);
    expectInputError(await run(root, args), new RegExp(path.basename(rel).replace(/\./g, '\\.') + '.*not a regular file'), what);
  });
}

test('not a file: --summary-file naming a FIFO or a folder', { timeout: 30_000 }, async () => {
  const root = fixtureCopy();
  execFileSync('mkfifo', [path.join(root, 'summary.fifo')]);
  mkdirSync(path.join(root, 'summary.d'));
  await run(root, ['start', '2', '--owner', 'tester', '--local']);
  for (const f of ['summary.fifo', 'summary.d']) {
    expectInputError(await run(root, ['complete', '2', '--owner', 'tester', '--summary-file', f]), new RegExp(f.replace('.', '\\.')), f);
  }
});
