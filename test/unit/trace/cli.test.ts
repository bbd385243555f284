import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TRACES } from './helpers';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: TRACES, env: {} };
  const code = await main(argv, io);
  return { code, out, err };
}

test('trace summary lists the hottest spans per run', async () => {
  const r = await run('trace', 'summary', 'forest_multi.txt', '--top', '3');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /forest_multi\.txt: tracing-forest tree text, busy time/);
  assert.match(r.out, /312 spans in 24 roots/);
  assert.match(r.out, /stark_prove_excluding_trace ×8/);
  const table = r.out.split('Hottest spans by self time (top 3):\n')[1]!.split('\n\n')[0]!.trim().split('\n');
  assert.equal(table.length, 4, 'header and three rows');
  assert.match(table[1]!, /rs_code_matrix$/);
  assert.match(r.out, /kernel_count=12 sync_count=3 +stark_prove_excluding_trace > .* > rs_code_matrix/);
});

test('trace summary --json', async () => {
  const r = await run('trace', 'summary', 'chrome_trace.json', '--json', '--top', '2');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.version, 1);
  assert.equal(j.format, 'chrome');
  assert.equal(j.durationKind, 'wall');
  assert.equal(j.spanCount, 312);
  assert.equal(j.hottest.length, 2);
  assert.match(j.hottest[0], /rs_code_matrix$/);
  const rs = j.paths.find((p: { path: string }) => p.path === j.hottest[0]);
  assert.equal(rs.rootCount, 8);
  assert.equal(rs.perRootNs.length, 8);
});

test('trace diff: text, markdown and json agree on rs_code_matrix', async () => {
  const text = await run('trace', 'diff', 'forest_baseline.txt', 'forest_after.txt');
  assert.equal(text.code, 0, text.err);
  assert.match(
    text.out,
    /faster +149ms +89\.4ms +-59\.6ms +−40\.0 % \[no interval: 1 run\] +- +- +1\/1 +stark_prove_excluding_trace > .* > rs_code_matrix/,
  );
  assert.match(text.out, /1 faster, 0 slower, 4 moved with a descendant, 0 unchanged, 21 inconclusive/);
  assert.match(text.out, /One run on a side: .* only changes beyond ±25 % are called/);
  const md = await run('trace', 'diff', 'forest_baseline.txt', 'forest_after.txt', '--markdown');
  assert.match(
    md.out,
    /^\| `stark_prove_excluding_trace > prover\.main_trace_commit > prover\.commit > stacked_commit > rs_code_matrix` \| 149ms \| 89\.4ms \| -59\.6ms \| −40\.0 % \[no interval: 1 run\] \| - \| - \| 1\/1 \| faster \|$/m,
  );
  assert.match(md.out, /\| follows `rs_code_matrix` \|/);
  const json = JSON.parse((await run('trace', 'diff', 'forest_baseline.txt', 'forest_after.txt', '--json')).out);
  assert.equal(json.summary.faster, 1);
  const rs = json.rows.find((r: { name: string }) => r.name === 'rs_code_matrix');
  assert.equal(rs.verdict, 'faster');
  const mixed = await run('trace', 'diff', 'forest_multi.txt', 'chrome_trace.json');
  assert.match(mixed.out, /Warning: The two sides measure different things/);
});

test('trace diff with several files per side: --base/--after, folders, JSON rows with intervals', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-trace-diff-'));
  try {
    copyFileSync(path.join(TRACES, 'forest_multi.txt'), path.join(dir, 'a.txt'));
    copyFileSync(path.join(TRACES, 'forest_baseline.txt'), path.join(dir, 'b.txt'));
    writeFileSync(path.join(dir, 'index.json'), '{"version":1,"runs":[]}');
    const r = await run(
      'trace',
      'diff',
      '--base',
      'forest_multi.txt',
      '--base',
      'forest_single.txt',
      '--after',
      dir,
      '--after',
      'chrome_trace.json',
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.base.sources, ['forest_multi.txt', 'forest_single.txt']);
    assert.deepEqual(
      j.after.sources,
      [path.join(dir, 'a.txt'), path.join(dir, 'b.txt'), 'chrome_trace.json'],
      "the folder's traces by name; index.json skipped",
    );
    const root = j.rows.find((x: { path: string }) => x.path === 'stark_prove_excluding_trace');
    assert.deepEqual(root.runs, { base: 9, after: 17 });
    assert.ok(root.ci95.lo < root.relative && root.relative < root.ci95.hi);
    assert.ok(typeof root.p === 'number' && typeof root.q === 'number');
    assert.ok(['faster', 'slower', 'unchanged', 'inconclusive', 'inherited'].includes(root.verdict));
    assert.equal(j.options.threshold, 0.01);
    // The old two-argument form gives the same rows as one file per side.
    const two = JSON.parse((await run('trace', 'diff', 'forest_multi.txt', 'chrome_trace.json', '--json')).out);
    const named = JSON.parse((await run('trace', 'diff', '--base', 'forest_multi.txt', '--after', 'chrome_trace.json', '--json')).out);
    assert.deepEqual(two.rows, named.rows);
    // Text shows the interval.
    const text = await run('trace', 'diff', '--base', 'forest_multi.txt', '--after', dir, '--all', '--threshold', '5');
    assert.match(text.out, /[−+]?\d+\.\d % \[[−+]?\d+\.\d %, [−+]?\d+\.\d %\]/);
    assert.match(text.out, /^After:    2 files in \S+\/ \(tracing-forest/m);
    // Bad input: an empty folder, a missing path, a side without files, both forms at once.
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    for (const argv of [
      ['--base', empty, '--after', 'forest_multi.txt'],
      ['--base', 'nowhere.txt', '--after', 'forest_multi.txt'],
      ['--base', 'forest_multi.txt'],
      ['forest_multi.txt', 'folded.txt', '--after', 'folded.txt'],
      ['--base', 'README.md', '--after', 'folded.txt'],
      ['forest_multi.txt', 'folded.txt', '--seed', 'x'],
    ]) {
      const bad = await run('trace', 'diff', ...argv);
      assert.equal(bad.code, 2, argv.join(' '));
      assert.match(bad.err, /milestone-scope trace: /, argv.join(' '));
      assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace');
    }
    assert.match((await run('trace', 'diff', '--base', empty, '--after', 'folded.txt')).err, /empty: no trace files in it/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trace usage errors exit 2 with a message', async () => {
  for (const argv of [
    ['trace', 'summary'],
    ['trace', 'diff', 'forest_baseline.txt'],
    ['trace', 'frob', 'x'],
    ['trace', 'summary', 'folded.txt', '--top', 'many'],
    ['trace', 'summary', 'missing.txt'],
    ['trace', 'summary', 'README.md'],
  ]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, /milestone-scope trace: /, argv.join(' '));
  }
  const help = await run('trace', '--help');
  assert.equal(help.code, 0);
  // Trace files where the subcommand goes: the command that was probably meant, said once.
  const pair = await run('trace', 'forest_baseline.txt', 'forest_after.txt');
  assert.equal(pair.code, 2);
  assert.equal(pair.out, '');
  assert.equal(
    pair.err,
    'milestone-scope trace: unknown subcommand "forest_baseline.txt" (summary, diff); forest_baseline.txt is a file: did you mean milestone-scope trace diff forest_baseline.txt forest_after.txt?\n',
  );
  assert.match((await run('trace', 'forest_multi.txt')).err, /did you mean milestone-scope trace summary forest_multi\.txt\?/);
  assert.doesNotMatch((await run('trace', 'missing.txt')).err, /did you mean/);
  assert.match(help.out, /trace diff <BASE> <AFTER>/);
});

test('usage errors name their command once', async () => {
  for (const argv of [
    ['ab', '--runs', '0'],
    ['run', 'frob'],
    ['base-worktree', 'frob'],
    ['trace', 'frob', 'x'],
  ]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.ok(r.err.startsWith(`milestone-scope ${argv[0]}: `), r.err);
    assert.ok(!r.err.includes(`${argv[0]}: ${argv[0]}:`), r.err);
  }
});
