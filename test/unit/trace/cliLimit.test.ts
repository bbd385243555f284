// The trace size limit in the CLI: `--max-trace-mb` on trace summary/diff, report and complete.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { MB } from '../../../src/core/trace/index';
import { recordTraces, remove, startedRepo } from '../report/helpers';
import { TRACES } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'ms-cli-limit-'));
const repos: string[] = [];
after(() => {
  rmSync(dir, { recursive: true, force: true });
  repos.forEach(remove);
});

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, env: {} };
  const code = await main(argv, io);
  return { code, out, err };
}

test('trace summary and diff refuse a file over --max-trace-mb (default 1024) before reading it; 0 lifts the limit', async () => {
  // Not a trace: had any of it been read, the error would be unknown-format.
  writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(Math.round(2.5 * MB), 0x7a));
  const over = await run(dir, 'trace', 'summary', 'big.bin', '--max-trace-mb', '1');
  assert.equal(over.code, 2);
  assert.match(over.err, /big\.bin is 2\.5 MB, over the 1 MB limit for trace files; pass --max-trace-mb with a larger size \(0 for no limit\) to read it\./);

  writeFileSync(path.join(dir, 'sparse.txt'), '');
  truncateSync(path.join(dir, 'sparse.txt'), 1100 * MB);
  const byDefault = await run(dir, 'trace', 'diff', path.join(TRACES, 'forest_baseline.txt'), 'sparse.txt');
  assert.equal(byDefault.code, 2);
  assert.match(byDefault.err, /sparse\.txt is 1,100 MB, over the 1,024 MB limit for trace files/);

  copyFileSync(path.join(TRACES, 'folded.txt'), path.join(dir, 'folded.txt'));
  assert.equal((await run(dir, 'trace', 'summary', 'folded.txt', '--max-trace-mb', '0.1')).code, 2, 'folded.txt is 0.17 MB');
  for (const limit of ['0.2', '0']) {
    const ok = await run(dir, 'trace', 'summary', 'folded.txt', '--max-trace-mb', limit);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /tracing-flame folded stacks/);
  }
  for (const bad of ['=-1', '=lots', '=']) {
    const r = await run(dir, 'trace', 'summary', 'folded.txt', `--max-trace-mb${bad}`);
    assert.equal(r.code, 2);
    assert.match(r.err, /--max-trace-mb takes a size in MB \(0 for no limit\)/);
  }
  assert.match((await run(dir, 'trace', '--help')).out, /--max-trace-mb N/);
});

test('report and complete pass --max-trace-mb to the traces they read', async () => {
  const root = await startedRepo('tester');
  repos.push(root);
  recordTraces(root);
  const limited = await run(root, 'report', '2', '--owner', 'tester', '--json', '--max-trace-mb', '0.001');
  assert.equal(limited.code, 0, limited.err);
  const text = limited.out + limited.err;
  assert.match(text, /over the 1,048 bytes limit for trace files; pass --max-trace-mb with a larger size/);
  const normal = await run(root, 'report', '2', '--owner', 'tester', '--json');
  assert.equal(normal.code, 0, normal.err);
  assert.doesNotMatch(normal.out, /limit for trace files/);
  assert.ok(JSON.parse(normal.out).timing, 'the default limit reads the recorded traces');
  assert.match((await run(root, 'complete', '--help')).out, /--max-trace-mb N/);
});
