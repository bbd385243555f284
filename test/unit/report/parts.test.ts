// The report's pure parts: work item matching, recorded validation runs, file verdicts,
// section placement in tracking files, and the markdown rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseCatalog } from '../../../src/core/catalog/parse';
import { recordRunInText } from '../../../src/core/cargo/validationRecord';
import { backtickedNames, changedFiles, completionRefusals, fileVerdict, parseValidationRuns, placeSection, renderReport, workItemMatcher, PLACEMENTS, type MilestoneReport } from '../../../src/core/report';
import { code, direction, percent } from '../../../src/core/report/render';
import { formatSpanTimeChange } from '../../../src/core/trace/duration';
import { SectionError } from '../../../src/core/markdown/sections';
import type { ScopeFinding } from '../../../src/core/scope';
import type { FileDiff } from '../../../src/core/diff/types';
import { CATALOG, METAL } from '../core/helpers';
import { readText } from './helpers';

const catalog = parseCatalog(readText(path.join(METAL, CATALOG)), CATALOG);

// ---- work items ---------------------------------------------------------------------------------

test('span names of a work item: backticked text and code-like title words, not hotspot references', () => {
  const names = backtickedNames({ title: 'Batch `foo_bar` copies (rs_code_matrix path)', problem: ['`command::blit_operation` at `src/a.rs:10`'], target: ['keep `x.rs`'] });
  assert.deepEqual(names.sort(), ['command::blit_operation', 'foo_bar', 'rs_code_matrix']);
});

test('spans match work items by name, dotted suffix, path and hotspot file', () => {
  const match = workItemMatcher(catalog);
  assert.equal(match({ name: 'rs_code_matrix', path: 'root > stacked_commit > rs_code_matrix' })?.workItem.id, '1');
  assert.equal(match({ name: 'batch_ntt_small', path: 'root > batch_ntt_small' })?.workItem.id, '6');
  assert.equal(match({ name: 'merkle_tree', path: 'root > merkle_tree' }), undefined);
  // A location in a hotspot file (chrome and folded traces carry one), crate-relative or full.
  const byFile = match({ name: 'anything', path: 'root > anything', location: { file: 'src/metal/batch_ntt_small.rs', line: 3 } });
  assert.equal(byFile?.workItem.id, '6');
  assert.match(byFile!.via, /hotspot file `crates\/metal-backend\/src\/metal\/batch_ntt_small\.rs`/);
  assert.equal(match({ name: 'x', path: 'root > x', location: { file: 'src/main.rs', line: 1 } }), undefined);

  const custom = parseCatalog(
    [
      '1) Speed up `prover.rap_constraints.round0`',
      '- Current hotspot:',
      '  - `crates/a/src/b.rs:1`',
      '- Problem:',
      '  - slow `stacked_commit > merkle_tree` path',
      '- Target:',
      '  - faster',
      '',
      'Milestone-to-work mapping:',
      '- Milestone 1 -> work item 1',
      '',
    ].join('\n'),
    'c.md',
  );
  const m2 = workItemMatcher(custom);
  assert.equal(m2({ name: 'prover.rap_constraints.round0', path: 'r > prover.rap_constraints.round0' })?.workItem.id, '1');
  assert.equal(m2({ name: 'prover.rap_constraints.ple_round0', path: 'r > x > prover.rap_constraints.ple_round0' }), undefined, 'no partial-word match');
  assert.equal(m2({ name: 'merkle_tree', path: 'r > stacked_commit > merkle_tree' })?.workItem.id, '1');
  assert.equal(m2({ name: 'merkle_tree', path: 'r > whir > merkle_tree' }), undefined);
});

test('titles in plain words match span-name segments ("logup round0" -> prover.rap_constraints.round0), unrelated spans do not', () => {
  const match = workItemMatcher(catalog);
  const round0 = match({ name: 'prover.rap_constraints.round0', path: 'prover > prover.rap_constraints > prover.rap_constraints.round0' });
  assert.equal(round0?.workItem.id, '5', 'item 5: "... batch reductions in logup round0"');
  assert.equal(round0?.via, 'title words `round0`');
  for (const name of ['prover.rap_constraints.ple_round0', 'prover.rap_constraints.round1', 'prover.openings.whir', 'prover.rap_constraints.mle_rounds', 'dispatch', 'prover.rap_constraints', 'round']) {
    assert.equal(match({ name, path: `prover > ${name}` }), undefined, name);
  }
  const two = parseCatalog(
    ['1) Batch reductions in logup round0', '- Current hotspot: `crates/a/src/b.rs:1`', '', '2) Stacked reduction round0 on the device', '- Current hotspot: `crates/a/src/c.rs:1`', ''].join('\n'),
    'c.md',
  );
  const m2 = workItemMatcher(two);
  assert.equal(m2({ name: 'prover.openings.stacked_reduction.round0', path: 'p > prover.openings.stacked_reduction.round0' })?.workItem.id, '2', 'the item naming more of the span wins');
  assert.equal(m2({ name: 'prover.rap_constraints.round0', path: 'p > prover.rap_constraints.round0' })?.workItem.id, '1');
  assert.equal(m2({ name: 'prover.openings.stacked_reduction', path: 'p > prover.openings.stacked_reduction' })?.workItem.id, '2', 'joined words name an `_` segment');
  assert.equal(m2({ name: 'prover.stacked_commit', path: 'p > prover.stacked_commit' }), undefined, 'one word of a segment is not enough');
});

test('a work-item title keeps its backticks in the model, so a backticked plain name in a title matches its span', () => {
  const c = parseCatalog(['1) Fuse `keccakf` rounds', '- Current hotspot: `crates/a/src/b.rs:1`', ''].join('\n'), 'c.md');
  assert.equal(c.workItems[0]!.title, 'Fuse keccakf rounds');
  assert.equal(workItemMatcher(c)({ name: 'keccakf', path: 'root > keccakf' })?.via, 'span name `keccakf`');
});

// ---- validation runs -----------------------------------------------------------------------------

test('recorded validation runs are read back with result and duration', () => {
  let text = '# Milestone 2\n\n## Validation\n\n- [ ] `cargo check -p openvm-metal-backend`\n';
  text = recordRunInText(text, { command: 'cargo check -p openvm-metal-backend', outcome: 'passed', exitCode: 0, durationMs: 1234, date: new Date('2026-11-24T10:00:00Z') });
  text = recordRunInText(text, { command: 'cargo test -p openvm-metal-backend --test ntt_roundtrip', outcome: 'failed', exitCode: 101, durationMs: 65_000, date: new Date('2026-11-24T10:05:00Z'), note: 'a|b' });
  const { runs, problems } = parseValidationRuns(text, 'm2.md');
  assert.deepEqual(problems, []);
  assert.equal(runs.length, 2);
  assert.deepEqual(
    runs.map((r) => [r.date, r.command, r.outcome, r.result, r.duration, r.durationMs, r.note]),
    [
      ['2026-11-24 10:00', 'cargo check -p openvm-metal-backend', 'passed', 'passed', '1.2 s', 1200, ''],
      ['2026-11-24 10:05', 'cargo test -p openvm-metal-backend --test ntt_roundtrip', 'failed', 'failed (exit 101)', '1 min 5 s', 65_000, 'a|b'],
    ],
  );
  const lines = text.split('\n');
  assert.match(lines[runs[1]!.line - 1]!, /ntt_roundtrip/);
});

test('malformed validation rows become problems at their line', () => {
  const text = [
    '# M',
    '<!-- milestone-scope:validation:start -->',
    '| Date (UTC) | Command | Result | Duration | Notes |',
    '| --- | --- | --- | --- | --- |',
    '| 2026-11-24 10:00 | `cargo check -p x` | passed | 12 ms | |',
    '| broken row |',
    '| 2026-11-24 10:01 | `cargo check -p x` | exploded | soon | |',
    '<!-- milestone-scope:validation:end -->',
  ].join('\n');
  const { runs, problems } = parseValidationRuns(text, 'm.md');
  assert.deepEqual(runs.map((r) => [r.line, r.outcome, r.durationMs]), [[5, 'passed', 12], [7, 'unknown', undefined]]);
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[6, 'report/bad-validation-row'], [7, 'report/bad-validation-duration'], [7, 'report/unknown-validation-result']]);
  assert.ok(problems.every((p) => p.file === 'm.md'));
  assert.deepEqual(parseValidationRuns('# no section\n', 'm.md'), { runs: [], problems: [] });
});

// ---- verdicts --------------------------------------------------------------------------------------

function finding(file: string, code: ScopeFinding['code'], severity: ScopeFinding['severity'], milestone?: string): ScopeFinding {
  return { file, line: 1, code, severity, message: code, ...(milestone ? { milestone } : {}) };
}

test('each changed file gets the verdict of its most severe finding', () => {
  assert.equal(fileVerdict([]).label, 'in scope');
  const v = fileVerdict([finding('a', 'supporting-change', 'information'), finding('a', 'other-milestone-hotspot', 'error', '3')]);
  assert.equal(v.severity, 'error');
  assert.deepEqual(v.codes, ['other-milestone-hotspot', 'supporting-change']);
  assert.equal(v.label, "error: another milestone's hotspot, supporting change (milestone 3)");
  assert.equal(fileVerdict([finding('a', 'supporting-change', 'information')]).label, 'supporting change');

  const hunk = { oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: ['-a', '+b', '+c'] };
  const diffs: FileDiff[] = [
    { oldPath: 'z.rs', newPath: 'z.rs', kind: 'modified', binary: false, hunks: [hunk] },
    { oldPath: undefined, newPath: 'new.md', kind: 'added', binary: false, hunks: [] },
    { oldPath: 'gone.rs', newPath: undefined, kind: 'deleted', binary: false, hunks: [{ oldStart: 1, oldLines: 2, newStart: 0, newLines: 0, lines: ['-x', '-y'] }] },
    { oldPath: 'old.bin', newPath: 'img.bin', kind: 'renamed', binary: true, hunks: [] },
  ];
  const rows = changedFiles(diffs, [finding('z.rs', 'cross-crate', 'warning'), finding('gone.rs', 'other-milestone-hotspot', 'error', '5')]);
  assert.deepEqual(
    rows.map((r) => [r.path, r.kind, r.added, r.removed, r.verdict.label, r.oldPath]),
    [
      ['gone.rs', 'deleted', 0, 2, "error: another milestone's hotspot (milestone 5)", undefined],
      ['img.bin', 'renamed', undefined, undefined, 'in scope', 'old.bin'],
      ['new.md', 'added', 0, 0, 'in scope', undefined],
      ['z.rs', 'modified', 2, 1, 'warning: outside the crate', undefined],
    ],
  );
});

// ---- section placement -------------------------------------------------------------------------

const [SUMMARY, CHANGES, TIMING, RESIDUAL] = PLACEMENTS as [typeof PLACEMENTS[0], typeof PLACEMENTS[0], typeof PLACEMENTS[0], typeof PLACEMENTS[0]];

test('a section goes at the end of its own heading, after the prose written there', () => {
  const text = '# M2\n\n## Changes\n\n- hand-written note\n\n## Validation\n\n- [x] check\n';
  const out = placeSection(text, CHANGES, 'generated');
  assert.equal(out, '# M2\n\n## Changes\n\n- hand-written note\n\n<!-- milestone-scope:report-changes:start -->\ngenerated\n<!-- milestone-scope:report-changes:end -->\n\n## Validation\n\n- [x] check\n');
  // Again: only the body is replaced.
  assert.equal(placeSection(out, CHANGES, 'generated'), out);
  assert.equal(placeSection(out, CHANGES, 'other'), out.replace('\ngenerated\n', '\nother\n'));
});

test('a heading at the end of the file, with or without a final newline, and headings with no blank line', () => {
  assert.equal(placeSection('## Residual bottlenecks\n', RESIDUAL, 'x'), '## Residual bottlenecks\n\n<!-- milestone-scope:report-residual:start -->\nx\n<!-- milestone-scope:report-residual:end -->\n');
  assert.equal(placeSection('## Residual bottlenecks', RESIDUAL, 'x'), '## Residual bottlenecks\n\n<!-- milestone-scope:report-residual:start -->\nx\n<!-- milestone-scope:report-residual:end -->\n');
  assert.equal(placeSection('## Timing\n## Residual\n', TIMING, 'x'), '## Timing\n\n<!-- milestone-scope:report-timing:start -->\nx\n<!-- milestone-scope:report-timing:end -->\n\n## Residual\n');
});

test('without its heading a section gets one, before the parts that follow it, else at the end', () => {
  const text = '# M2\n\n- Status: x\n\n## Changes\n\nprose\n';
  assert.equal(
    placeSection(text, SUMMARY, 'did it'),
    '# M2\n\n- Status: x\n\n## Optimisation summary\n\n<!-- milestone-scope:summary:start -->\ndid it\n<!-- milestone-scope:summary:end -->\n\n## Changes\n\nprose\n',
  );
  assert.equal(placeSection('# M2\n\nprose', RESIDUAL, 'r'), '# M2\n\nprose\n\n## Residual bottlenecks\n\n<!-- milestone-scope:report-residual:start -->\nr\n<!-- milestone-scope:report-residual:end -->\n');
});

test('CRLF documents stay CRLF; headings in code fences are not headings; broken markers are errors', () => {
  const crlf = '# M\r\n\r\n## Changes\r\n\r\ntext\r\n';
  const out = placeSection(crlf, CHANGES, 'a\nb');
  assert.equal(out, '# M\r\n\r\n## Changes\r\n\r\ntext\r\n\r\n<!-- milestone-scope:report-changes:start -->\r\na\r\nb\r\n<!-- milestone-scope:report-changes:end -->\r\n');
  const fenced = '# M\n\n```\n## Changes\n```\n';
  assert.match(placeSection(fenced, CHANGES, 'x'), /```\n## Changes\n```\n\n## Changes\n\n<!-- milestone-scope:report-changes:start -->/);
  assert.throws(() => placeSection('a\n<!-- milestone-scope:report-changes:end -->\n', CHANGES, 'x'), SectionError);
  assert.throws(() => placeSection('a\n<!-- milestone-scope:report-changes:start -->\n', CHANGES, 'x'), SectionError);
});

// ---- rendering --------------------------------------------------------------------------------------

test('numbers and code are written the way the report reads', () => {
  assert.equal(percent(-0.4), '-40.0%');
  assert.equal(percent(0.031), '+3.1%');
  assert.equal(percent(-0.00001), '0.0%');
  assert.equal(direction(-0.152), '15.2% faster');
  assert.equal(direction(0.2), '20.0% slower');
  assert.equal(direction(0), 'unchanged');
  assert.equal(direction(null), 'new');
  assert.equal(formatSpanTimeChange(-59.6e6), '-59.6ms');
  assert.equal(formatSpanTimeChange(1.5e3), '+1.50µs');
  assert.equal(code('a`b'), '`` a`b ``');
});

test('a report without git, traces or runs says why each part is missing', () => {
  const r: MilestoneReport = {
    milestone: { id: '7', title: 'End-to-end validation/reporting only', kind: 'validation', description: 'end-to-end validation/reporting only (no new optimization scope)' },
    workItems: [],
    status: { status: 'in_progress', owner: 'me', started: '2026-11-20' },
    changes: { files: [], counts: { error: 0, warning: 0, information: 0 }, unavailable: '/x is not inside a git work tree' },
    summary: { text: undefined, source: 'none' },
    validation: { file: 'm7.md', runs: [] },
    timingUnavailable: 'no baseline profiling run recorded for milestone 7',
    residualUnavailable: 'no after run',
    problems: [],
  };
  const md = renderReport(r);
  assert.match(md, /^# Milestone 7 report: End-to-end validation\/reporting only$/m);
  assert.match(md, /maps to no optimisation work item: end-to-end validation\/reporting only/);
  assert.match(md, /Changed files are not available: \/x is not inside a git work tree\./);
  assert.match(md, /_No optimisation summary yet\./);
  assert.match(md, /_No validation runs recorded in `m7\.md`\._/);
  assert.match(md, /_No timing deltas: no baseline profiling run recorded for milestone 7\._/);
  assert.match(md, /_No residual bottlenecks: no after run\._/);
  assert.match(md, /- Status: in progress by me \(started 2026-11-20\)/);
});

// ---- refusals ------------------------------------------------------------------------------------

test('refusals: only the ownership reason for a milestone that is not yours; forcible ones dropped when forced', () => {
  const notYours = { alreadyCompleted: false, refusal: { code: 'not-yours' as const, forcible: false, message: 'not yours' } };
  assert.deepEqual(completionRefusals({ ownership: notYours, scopeErrors: 3, summary: undefined }).map((r) => r.code), ['not-yours']);
  const mine = { alreadyCompleted: false };
  assert.deepEqual(completionRefusals({ ownership: mine, scopeErrors: 2, summary: '' }).map((r) => r.code), ['scope-errors', 'no-summary']);
  assert.deepEqual(completionRefusals({ ownership: mine, scopeErrors: 2, summary: '', forceReason: 'agreed' }).map((r) => r.code), ['no-summary']);
  assert.deepEqual(completionRefusals({ ownership: mine, scopeErrors: 0, scopeUnavailable: 'no git', summary: 's' }).map((r) => r.code), ['scope-unavailable']);
  assert.deepEqual(completionRefusals({ ownership: mine, scopeErrors: 1, summary: 's', forceReason: '  ' }).map((r) => r.code), ['scope-errors'], 'a blank reason forces nothing');
  assert.deepEqual(completionRefusals({ ownership: mine, scopeErrors: 0, summary: 's' }), []);
});
