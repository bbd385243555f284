// Completing a milestone on a temporary git copy of the fixture: the report's content, the
// edits to STATUS.md and the tracking file (and nothing else), idempotence, and every refusal.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { completeMilestone, planCompletion, prepareReport } from '../../../src/core/report';
import { ConcurrentChangeError } from '../../../src/core/files';
import { InputError } from '../../../src/core/problems';
import { startMilestone } from '../../../src/core/start';
import { recordRun } from '../../../src/core/cargo/validationRecord';
import { gitCopy, METAL } from '../core/helpers';
import { AFTER, BASELINE, COMMAND, MERKLE, STACKED, STATUS, TRACES, TRACKING, edit, fileText, forestMs, git, pct, readText, recordTraces, remove, section, startedRepo } from './helpers';

const repos: string[] = [];
after(() => repos.forEach(remove));
async function repo(owner = 'tester'): Promise<string> {
  const r = await startedRepo(owner);
  repos.push(r);
  return r;
}

const NOW = new Date('2026-11-24T12:00:00');
const SUMMARY = 'Batched the per-copy blits of the stacked trace into one command buffer with one sync.';
const baseText = readText(BASELINE);
const afterText = readText(AFTER);

function snapshot(root: string, files: string[]): Map<string, string> {
  return new Map(files.map((f) => [f, fileText(root, f)]));
}

test('complete: the report from the recorded runs, written into the tracking file; STATUS.md row completed', async () => {
  const root = await repo();
  recordTraces(root);
  edit(root, COMMAND, (t) => t + '\n// Batching helper follows.\n');
  rmSync(path.join(root, 'crates/metal-backend/examples/traces/ansi.txt'));
  const recorded = await recordRun(root, TRACKING('2'), { command: 'cargo check -p openvm-metal-backend', outcome: 'passed', exitCode: 0, durationMs: 4200, date: new Date('2026-11-21T09:30:00Z') });
  assert.ok(recorded.recorded);
  const statusBefore = fileText(root, STATUS);
  const trackingBefore = fileText(root, TRACKING('2'));

  const r = await completeMilestone(root, '2', { owner: 'tester', summary: SUMMARY, now: NOW });
  assert.deepEqual(r.refusals, []);
  assert.deepEqual(r.written.sort(), [STATUS, TRACKING('2')].sort());
  assert.equal(r.date, '2026-11-24');

  // Timing deltas: numbers computed here from the trace files' text.
  const md = r.markdown;
  const rootLine = md.split('\n').find((l) => l.startsWith('**`stark_prove_excluding_trace`'))!;
  const rb = forestMs(baseText, 'stark_prove_excluding_trace');
  const ra = forestMs(afterText, 'stark_prove_excluding_trace');
  assert.ok(rootLine.includes(`(${pct(rb, ra)})`), `${rootLine} should show ${pct(rb, ra)}`);
  assert.equal(pct(rb, ra), '-15.2%');
  const rsRow = md.split('\n').find((l) => l.startsWith('| `prover.main_trace_commit > prover.commit > stacked_commit > rs_code_matrix`') && l.includes('faster'))!;
  const rsb = forestMs(baseText, 'rs_code_matrix');
  const rsa = forestMs(afterText, 'rs_code_matrix');
  assert.ok(rsRow.includes(`| ${pct(rsb, rsa)} (`), `${rsRow} should show ${pct(rsb, rsa)}`);
  assert.ok(Math.abs((rsa - rsb) / rsb + 0.4) < 0.01);

  // The recorded validation run.
  assert.deepEqual(r.report.validation.runs.map((v) => [v.command, v.result, v.duration]), [['cargo check -p openvm-metal-backend', 'passed', '4.2 s']]);
  assert.match(md, /## Validation\n\n\| Date \(UTC\) \| Command \| Result \| Duration \|\n\| --- \| --- \| --- \| --- \|\n\| 2026-11-21 09:30 \| `cargo check -p openvm-metal-backend` \| passed \| 4\.2 s \|\n/);

  // Changed files with their verdicts.
  const rows = r.report.changes.files.map((f) => [f.path, f.kind, f.verdict.label]);
  assert.deepEqual(rows, [
    ['crates/metal-backend/examples/traces/ansi.txt', 'deleted', 'supporting change'],
    [STACKED, 'modified', 'in scope'],
    [COMMAND, 'modified', 'supporting change'],
    [TRACKING('2'), 'added', 'in scope'],
    [STATUS, 'modified', 'in scope'],
  ].sort((a, b) => a[0]!.localeCompare(b[0]!)));
  assert.match(md, /\| `crates\/metal-backend\/src\/stacked_pcs\.rs` \| modified \| \+1 -0 \| in scope \|/);

  // Residual bottlenecks led by round0.
  const res = r.report.residual!.bottlenecks;
  assert.match(res[0]!.relPath, /prover\.rap_constraints\.round0 > prover\.rap_constraints\.ple_round0$/);
  const residualRows = section(fileText(root, TRACKING('2')), 'report-residual')!.split('\n').filter((l) => l.startsWith('| `'));
  assert.match(residualRows[0]!, /round0/);

  // STATUS.md: only milestone 2's row changed.
  const statusAfter = fileText(root, STATUS);
  const bl = statusBefore.split('\n');
  const al = statusAfter.split('\n');
  assert.equal(al.length, bl.length);
  const changed = al.map((l, i) => [l, bl[i]]).filter(([a, b]) => a !== b);
  assert.deepEqual(changed, [['| 2 | `completed` | tester | 2026-11-20 | Completed 2026-11-24. |', '| 2 | `in_progress` | tester | 2026-11-20 | |']]);

  // The tracking file: Status and Completed fields, the summary heading, the marked sections; the rest as before.
  const trackingAfter = fileText(root, TRACKING('2'));
  assert.equal(section(trackingAfter, 'summary'), SUMMARY);
  const stripped = trackingAfter
    .replace(/\n<!-- milestone-scope:(summary|report-[a-z]+):start -->\n[\s\S]*?\n<!-- milestone-scope:\1:end -->\n/g, '')
    .replace('## Optimisation summary\n\n', '');
  const expected = trackingBefore.replace('- Status: `in_progress`', '- Status: `completed`').replace(/(- Base commit: `[0-9a-f]+`)/, '$1\n- Completed: 2026-11-24');
  assert.equal(stripped, expected);
  assert.ok(trackingAfter.indexOf('## Optimisation summary') < trackingAfter.indexOf('## Changes'));
  assert.ok(section(trackingAfter, 'report-changes')!.includes('`crates/metal-backend/src/metal/command.rs` | modified | +2 -0 | supporting change'));
  assert.ok(section(trackingAfter, 'report-timing')!.includes(pct(rsb, rsa)));

  // Nothing outside the two documents changed.
  assert.deepEqual(
    git(root, 'status', '--porcelain').split('\n').sort(),
    [' D crates/metal-backend/examples/traces/ansi.txt', ` M ${COMMAND}`, ` M ${STACKED}`, ` M ${STATUS}`, `?? ${TRACKING('2')}`].sort(),
  );

  // Twice: the same files, even on another day and without repeating the summary.
  const second = await completeMilestone(root, '2', { owner: 'tester', now: new Date('2026-12-01T09:00:00') });
  assert.deepEqual(second.refusals, []);
  assert.equal(second.alreadyCompleted, true);
  assert.equal(second.date, '2026-11-24');
  assert.deepEqual(second.written, []);
  assert.equal(fileText(root, STATUS), statusAfter);
  assert.equal(fileText(root, TRACKING('2')), trackingAfter);
  assert.equal(second.markdown, r.markdown);
});

test('re-running keeps prose written outside the markers byte for byte and replaces only the generated parts', async () => {
  const root = await repo();
  recordTraces(root);
  await completeMilestone(root, '2', { owner: 'tester', summary: SUMMARY, now: NOW });
  edit(root, TRACKING('2'), (t) => t.replace('## Changes\n', '## Changes\n\nHand-written:\tthe packing kernel was considered and rejected.  \n').concat('\n## Follow-up\n\nTry a packing kernel ~ maybe.\n'));
  const withProse = fileText(root, TRACKING('2'));
  const r = await completeMilestone(root, '2', { owner: 'tester', after: path.join(TRACES, 'forest_multi.txt'), now: NOW });
  assert.deepEqual(r.refusals, []);
  const now = fileText(root, TRACKING('2'));
  assert.notEqual(section(now, 'report-timing'), section(withProse, 'report-timing'), 'the timing section follows the new after trace');
  assert.match(section(now, 'report-timing')!, /8 proofs/);
  // Outside the generated sections the file is unchanged.
  const outside = (t: string) => t.replace(/(<!-- milestone-scope:([a-z-]+):start -->)[\s\S]*?(<!-- milestone-scope:\2:end -->)/g, '$1$3');
  assert.equal(outside(now), outside(withProse));
  assert.ok(now.includes('Hand-written:\tthe packing kernel was considered and rejected.  \n'));
});

test('refusals: not yours, not started, blocked, completed by someone else; nothing is written', async () => {
  const root = gitCopy(METAL, 'tester');
  repos.push(root);
  const files = [STATUS, TRACKING('0'), TRACKING('1'), TRACKING('4')];
  const before = snapshot(root, files);
  const cases: Array<[string, string, string, RegExp]> = [
    ['1', 'tester', 'not-yours', /milestone 1 is not yours \(tester\): in progress by @bob since 2026-11-20/],
    ['3', 'tester', 'not-started', /milestone 3 is not in progress .*start it/],
    ['4', 'carol', 'blocked', /blocked \(owner carol\): waiting on the M3 data layout/],
    ['0', 'tester', 'not-yours', /completed by alice on 2026-10-09, not by tester/],
  ];
  for (const [id, owner, code, message] of cases) {
    const r = await completeMilestone(root, id, { owner, summary: SUMMARY, now: NOW });
    assert.equal(r.refusals[0]?.code, code, `milestone ${id}`);
    assert.match(r.refusals[0]!.message, message);
    assert.deepEqual(r.written, []);
  }
  assert.deepEqual(snapshot(root, files), before);
  assert.equal(git(root, 'status', '--porcelain'), '');
  // bob may complete milestone 1 (his, whatever the case or @ he types).
  const bob = await planCompletion(root, '1', { owner: 'BOB', summary: SUMMARY, now: NOW });
  assert.deepEqual(bob.refusals, []);
});

test('scope errors refuse the completion unless forced with a reason, which the report records', async () => {
  const root = await repo();
  recordTraces(root);
  edit(root, MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // read back'));
  const before = snapshot(root, [STATUS, TRACKING('2')]);
  const refused = await completeMilestone(root, '2', { owner: 'tester', summary: SUMMARY, now: NOW });
  assert.deepEqual(refused.refusals.map((x) => x.code), ['scope-errors']);
  assert.equal(refused.refusals[0]!.forcible, true);
  assert.deepEqual(snapshot(root, [STATUS, TRACKING('2')]), before);
  const merkle = refused.report.changes.files.find((f) => f.path === MERKLE)!;
  assert.equal(merkle.verdict.severity, 'error');
  assert.deepEqual(merkle.verdict.milestones, ['3']);

  await assert.rejects(planCompletion(root, '2', { owner: 'tester', summary: SUMMARY, force: true }), InputError);
  const forced = await completeMilestone(root, '2', { owner: 'tester', summary: SUMMARY, force: true, reason: 'root read-back agreed with milestone 3 owner', now: NOW });
  assert.deepEqual(forced.refusals, []);
  assert.deepEqual(forced.report.forced, { reason: 'root read-back agreed with milestone 3 owner', errors: 1 });
  const changes = section(fileText(root, TRACKING('2')), 'report-changes')!;
  assert.match(changes, /\*\*Completed despite 1 scope error\.\*\* Reason given: root read-back agreed with milestone 3 owner/);
  assert.match(changes, /`crates\/metal-backend\/src\/merkle_tree\.rs` \| modified \| \+1 -1 \| error: another milestone's hotspot \(milestone 3\)/);
  assert.match(fileText(root, STATUS), /\| 2 \| `completed` \|/);
});

test('a completion needs a summary; the tracking file summary section serves as one', async () => {
  const root = await repo();
  const r = await completeMilestone(root, '2', { owner: 'tester', now: NOW });
  assert.deepEqual(r.refusals.map((x) => x.code), ['no-summary']);
  assert.deepEqual(r.written, []);
  edit(root, TRACKING('2'), (t) => t + '\n## Summary\n\n<!-- milestone-scope:summary:start -->\nWritten by hand.\n<!-- milestone-scope:summary:end -->\n');
  const ok = await completeMilestone(root, '2', { owner: 'tester', now: NOW });
  assert.deepEqual(ok.refusals, []);
  assert.equal(ok.report.summary.source, 'tracking');
  assert.match(ok.markdown, /## Optimisation summary\n\nWritten by hand\.\n/);
  // The summary stays under the user's own heading; no second heading is added.
  assert.equal(fileText(root, TRACKING('2')).match(/summary:start/g)?.length, 1);
  assert.doesNotMatch(fileText(root, TRACKING('2')), /## Optimisation summary/);
});

test('a change on disk between reading and writing: nothing is written', async () => {
  const root = await repo();
  const trackingBefore = fileText(root, TRACKING('2'));
  await assert.rejects(
    completeMilestone(root, '2', {
      owner: 'tester',
      summary: SUMMARY,
      now: NOW,
      beforeWrite: async () => writeFileSync(path.join(root, STATUS), fileText(root, STATUS) + '\nEdited meanwhile.\n'),
    }),
    ConcurrentChangeError,
  );
  assert.equal(fileText(root, TRACKING('2')), trackingBefore);
  assert.match(fileText(root, STATUS), /\| 2 \| `in_progress` \| tester \|[^\n]*\n[\s\S]*Edited meanwhile\.\n$/);
});

test('report: traces named explicitly, unreadable lines reported with their line, no recorded runs explained', async () => {
  const root = await repo();
  const none = await prepareReport(root, '2', { owner: 'tester' });
  assert.match(none.report.timingUnavailable!, /no baseline profiling run recorded for milestone 2/);
  assert.match(none.markdown, /_No residual bottlenecks: no profiling run recorded after the baseline/);

  const broken = path.join(root, 'broken-after.txt');
  const lines = afterText.split('\n');
  lines.splice(8, 0, 'INFO     │     ┝━ broken [ 12zz | 3% ]');
  writeFileSync(broken, lines.join('\n'));
  const r = await prepareReport(root, '2', { owner: 'tester', baseline: BASELINE, after: broken });
  assert.equal(r.report.timing?.after.file, 'broken-after.txt');
  assert.equal(r.report.timing?.after.source, 'option');
  assert.equal(r.report.timing?.baseline.file, BASELINE, 'a trace outside the repository keeps its path');
  const p = r.report.problems.find((x) => x.code === 'report/trace-line')!;
  assert.deepEqual([p.file, p.line], ['broken-after.txt', 9]);
  assert.ok(r.report.timing!.warnings.some((w) => /1 line\(s\) that were not understood \(first: line 9\)/.test(w)));
  await assert.rejects(prepareReport(root, '2', { owner: 'tester', after: path.join(root, 'missing.txt') }), InputError);
  await assert.rejects(prepareReport(root, '9', { owner: 'tester' }), /milestone "9" is not in/);
});

test('outside git the changes cannot be checked: refused unless forced', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ms-nogit-'));
  repos.push(root);
  cpSync(METAL, root, { recursive: true, filter: (src) => !/[\\/]target([\\/]|$)/.test(src) });
  await startMilestone(root, '2', { owner: 'tester', now: NOW });
  const r = await completeMilestone(root, '2', { owner: 'tester', summary: SUMMARY, now: NOW });
  assert.deepEqual(r.refusals.map((x) => x.code), ['scope-unavailable']);
  assert.match(r.report.changes.unavailable!, /not inside a git work tree/);
  const forced = await completeMilestone(root, '2', { owner: 'tester', summary: SUMMARY, force: true, reason: 'no git here', now: NOW });
  assert.deepEqual(forced.refusals, []);
  assert.match(readFileSync(path.join(root, TRACKING('2')), 'utf8'), /Changed files are not available: .*not inside a git work tree/);
});
