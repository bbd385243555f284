// `milestone-scope report` and `milestone-scope complete` through the CLI's entry point.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { gitCopy, METAL } from '../core/helpers';
import { AFTER, BASELINE, MERKLE, STATUS, TRACES, TRACKING, edit, fileText, forestMs, pct, readText, recordTraces, remove, startedRepo } from './helpers';

const repos: string[] = [];
after(() => repos.forEach(remove));
async function repo(): Promise<string> {
  const r = await startedRepo('tester');
  repos.push(r);
  return r;
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const baseText = readText(BASELINE);
const afterText = readText(AFTER);

test('report --json: timing deltas, changed files, residual bottlenecks; changes nothing', async () => {
  const root = await repo();
  recordTraces(root);
  const statusBefore = fileText(root, STATUS);
  const r = await cli(root, 'report', '2', '--owner', 'tester', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.version, 1);
  assert.equal(json.milestone.id, '2');
  assert.equal(json.workItems[0].id, '1');
  assert.match(json.workItems[0].problem[0], /command::blit_operation/);
  const rb = forestMs(baseText, 'stark_prove_excluding_trace');
  const ra = forestMs(afterText, 'stark_prove_excluding_trace');
  assert.ok(Math.abs(json.timing.root.relative - (ra - rb) / rb) < 1e-9);
  const rs = json.timing.changes[0];
  assert.equal(rs.name, 'rs_code_matrix');
  const rsb = forestMs(baseText, 'rs_code_matrix');
  const rsa = forestMs(afterText, 'rs_code_matrix');
  assert.ok(Math.abs(rs.relative - (rsa - rsb) / rsb) < 1e-9);
  assert.equal(json.timing.baseline.source, 'recorded');
  assert.match(json.timing.baseline.file, /^\.milestone-scope\/traces\/2\/.*-baseline\.txt$/);
  assert.match(json.residual.bottlenecks[0].relPath, /round0/);
  assert.deepEqual(
    json.changes.files.map((f: { path: string; verdict: { label: string } }) => [f.path, f.verdict.label]),
    [
      ['crates/metal-backend/src/stacked_pcs.rs', 'in scope'],
      [TRACKING('2'), 'in scope'],
      [STATUS, 'in scope'],
    ],
  );
  assert.equal(json.summary.text, null);
  assert.equal(json.forced, null);
  assert.match(json.markdown, /^# Milestone 2 report:/);
  assert.equal(fileText(root, STATUS), statusBefore);

  const text = await cli(root, 'report', '2', '--owner', 'tester', '--summary', 'Batched.');
  assert.equal(text.code, 0);
  assert.match(text.stdout, /## Timing deltas\n/);
  // One run per side: the root's −15 % is below what one run can call, and the headline says so.
  assert.ok(text.stdout.includes(`(${pct(rb, ra)}), not settled: one run on a side`), text.stdout);
  assert.ok(text.stdout.includes(`| ${pct(rsb, rsa)} (40.0% faster) |`));
  assert.match(text.stdout, /## Optimisation summary\n\nBatched\.\n/);
});

test('complete: exit 0, files written; a second run with the summary from a file writes nothing', async () => {
  const root = await repo();
  const summaryFile = path.join(root, 'summary.md');
  writeFileSync(summaryFile, 'One command buffer for all blit copies.\n');
  const first = await cli(root, 'complete', '2', '--owner', 'tester', '--summary-file', 'summary.md', '--baseline', path.relative(root, BASELINE), '--after', path.relative(root, AFTER), '--json');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const json = JSON.parse(first.stdout);
  assert.equal(json.completed, true);
  assert.deepEqual(json.written.sort(), [STATUS, TRACKING('2')].sort());
  assert.equal(json.report.summary.text, 'One command buffer for all blit copies.');
  assert.equal(json.report.timing.baseline.source, 'option');
  const status = fileText(root, STATUS);
  const tracking = fileText(root, TRACKING('2'));
  const again = await cli(root, 'complete', '2', '--owner', 'tester', '--baseline', BASELINE, '--after', AFTER);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /^Milestone 2 was already completed on \d{4}-\d{2}-\d{2} by tester; report regenerated\.$/m);
  assert.match(again.stdout, /nothing changed: the files already hold this report/);
  assert.equal(fileText(root, STATUS), status);
  assert.equal(fileText(root, TRACKING('2')), tracking);
});

test('complete refuses with the workflow exit codes and changes nothing', async () => {
  const fixture = gitCopy(METAL, 'tester');
  repos.push(fixture);
  const before = fileText(fixture, STATUS);
  const notYours = await cli(fixture, 'complete', '1', '--owner', 'tester', '--summary', 'x');
  assert.equal(notYours.code, 4);
  assert.match(notYours.stdout, /^Milestone 1 was not completed:\n {2}- milestone 1 is not yours \(tester\): in progress by @bob since 2026-11-20\nNothing changed\.\n$/);
  assert.equal((await cli(fixture, 'complete', '3', '--owner', 'tester', '--summary', 'x')).code, 5);
  assert.equal((await cli(fixture, 'complete', '4', '--owner', 'carol', '--summary', 'x')).code, 5);
  const json = JSON.parse((await cli(fixture, 'complete', '0', '--owner', 'tester', '--summary', 'x', '--json')).stdout);
  assert.equal(json.exitCode, 4);
  assert.equal(json.completed, false);
  assert.equal(json.refusals[0].code, 'not-yours');
  assert.equal(fileText(fixture, STATUS), before);

  const root = await repo();
  assert.equal((await cli(root, 'complete', '2', '--owner', 'tester')).code, 2, 'no summary');
  edit(root, MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // read back'));
  const scope = await cli(root, 'complete', '2', '--owner', 'tester', '--summary', 'x');
  assert.equal(scope.code, 6);
  assert.match(scope.stdout, /scope check finds 1 error.*\(--force --reason TEXT overrides\)/);
  assert.match(fileText(root, STATUS), /\| 2 \| `in_progress` \|/);
  const forced = await cli(root, 'complete', '2', '--owner', 'tester', '--summary', 'x', '--force', '--reason', 'agreed with the M3 owner');
  assert.equal(forced.code, 0, forced.stdout + forced.stderr);
  assert.match(forced.stdout, /forced past 1 scope error\(s\): agreed with the M3 owner/);
});

test('usage errors exit 2', async () => {
  const root = await repo();
  const cases: string[][] = [
    ['complete', '2', '--summary', 'x', '--force'],
    ['complete', '2', '--summary', 'x', '--reason', 'why'],
    ['complete', '2', '--summary', 'x', '--summary-file', 'f'],
    ['complete', '2', '--summary-file', 'does-not-exist.md'],
    ['report', '2', '--after', path.join(TRACES, 'nope.txt')],
    ['report'],
    ['report', '42'],
    ['complete', '2', '--bogus'],
  ];
  for (const argv of cases) {
    const r = await cli(root, ...argv, '--owner', 'tester');
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /milestone-scope (report|complete): /);
  }
  const help = await cli(root, '--help');
  assert.match(help.stdout, /report +print a milestone's report/);
  assert.match(help.stdout, /complete +write the report into the tracking file/);
  assert.match((await cli(root, 'complete', '--help')).stdout, /--force +complete despite scope errors/);
});
