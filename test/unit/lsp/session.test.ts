import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { codeActions } from '../../../src/server/features/codeActions';
import { toDiagnostic } from '../../../src/server/features/diagnostics';
import { applyEdits, makeEdit } from '../../../src/core/textEdits';
import {
  CATALOG, STARK, STATUS, describeProblems, edit, gitCopy, insertLines, lineOf, loadSession, plainCopy, read, removeDir, write,
} from './helpers';

const PCS = 'crates/metal-backend/src/stacked_pcs.rs';
const TRACKING1 = 'docs/metal-backend-optimization-tracking/milestone-1.md';

test('the fixture workspace has no problems at all, with and without git', async (t) => {
  const root = await gitCopy(STARK);
  const plain = plainCopy(STARK);
  t.after(() => (removeDir(root), removeDir(plain)));
  const { session, host } = await loadSession(root);
  assert.ok(session.baseline, 'a committed catalog gives a baseline');
  assert.equal(describeProblems(host.all()), '');
  assert.ok(host.published.has(CATALOG) && host.published.has(STATUS), 'documents were published (empty)');
  assert.equal(session.referencedPaths.length, 9, 'every referenced file is known');
  const noGit = await loadSession(plain);
  assert.equal(noGit.session.baseline, undefined);
  assert.equal(describeProblems(noGit.host.all()), '');
});

test('a reference past the end and one to a missing file are reported at the reference', async (t) => {
  const root = await gitCopy(STARK);
  t.after(() => removeDir(root));
  edit(root, CATALOG, 'stacked_pcs.rs:129`', 'stacked_pcs.rs:9999`');
  edit(root, CATALOG, 'src/merkle_tree.rs:97`', 'src/merkle_tree_v2.rs:97`');
  const { host } = await loadSession(root);
  const problems = host.published.get(CATALOG)!;
  const text = read(root, CATALOG);
  const past = problems.find((p) => p.code === 'ref/line-past-end');
  const missing = problems.find((p) => p.code === 'ref/missing-file');
  assert.ok(past && missing, describeProblems(problems));
  assert.equal(past.line, lineOf(text, 'stacked_pcs.rs:9999'));
  assert.equal(past.column, text.split('\n')[past.line - 1]!.indexOf('`') + 1, 'starts at the backtick');
  const pcsLines = read(root, 'crates/metal-backend/src/stacked_pcs.rs').split('\n').length - 1;
  assert.equal(past.message, `line 9999 is past the end of crates/metal-backend/src/stacked_pcs.rs (${pcsLines} lines)`);
  assert.equal(missing.line, lineOf(text, 'merkle_tree_v2.rs'));
  const d = toDiagnostic(past, text);
  const lineText = text.split('\n')[past.line - 1]!;
  assert.equal(lineText.slice(d.range.start.character, d.range.end.character), '`crates/metal-backend/src/stacked_pcs.rs:9999`');
  assert.equal(problems.length, 2, describeProblems(problems));
});

test('code moved on disk: diagnostics follow, with a fix that rewrites the line', async (t) => {
  const root = await gitCopy(STARK);
  t.after(() => removeDir(root));
  const { session, host } = await loadSession(root);
  insertLines(root, PCS, 1, ['// A new header comment', '// spanning two lines']);
  assert.equal(session.fileChanged(PCS), true);
  session.publishNow();
  const moved = host.published.get(CATALOG)!;
  assert.deepEqual(moved.map((p) => p.code), ['ref/moved', 'ref/moved', 'ref/moved'], describeProblems(moved));
  assert.match(moved[0]!.message, /stacked_pcs\.rs:110: the code it pointed at \(`command::blit_operation\(&ctx\.queue, \|blit\| \{`\) moved to line 112/);

  const text = read(root, CATALOG);
  const uri = 'file:///catalog.md';
  const diagnostics = moved.map((p) => toDiagnostic(p, text));
  const actions = codeActions(session, uri, [diagnostics[0]!]);
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix, JSON.stringify(actions));
  assert.equal(fix.title, 'Point the reference at line 112');
  const edits = fix.edit!.changes![uri]!;
  const fixed = applyEdits(text, edits.map((e) => makeEdit(text, offsetOf(text, e.range.start), offsetOf(text, e.range.end), e.newText)));
  assert.ok(fixed.includes('stacked_pcs.rs:112`') && fixed.includes('stacked_pcs.rs:129`'), 'only the one reference changed');
  const all = actions.find((a) => a.title.startsWith('Point all 3'));
  assert.ok(all, 'a fix for every moved reference at once');

  // The user applies the fixes; the edited references are new claims and hold.
  const allFixed = applyEdits(text, all.edit!.changes![uri]!.map((e) => makeEdit(text, offsetOf(text, e.range.start), offsetOf(text, e.range.end), e.newText)));
  host.open.set(CATALOG, allFixed);
  session.documentChanged(CATALOG);
  session.publishNow();
  assert.equal(describeProblems(host.published.get(CATALOG)!), '');
});

test('unsaved edits of a referenced file count, and closing the editor goes back to the disk', async (t) => {
  const root = await gitCopy(STARK);
  t.after(() => removeDir(root));
  const { session, host } = await loadSession(root);
  const original = read(root, PCS);
  const lines = original.split('\n');
  lines.splice(128, 1); // delete line 129
  session.referencedDocument(PCS, lines.join('\n'));
  session.publishNow();
  const problems = host.published.get(CATALOG)!;
  assert.deepEqual(problems.map((p) => p.code).sort(), ['ref/changed', 'ref/moved'], describeProblems(problems));
  session.referencedDocument(PCS, undefined);
  session.publishNow();
  assert.equal(describeProblems(host.published.get(CATALOG)!), '');
});

test('STATUS.md and a tracking file that disagree are flagged in both, at the cells', async (t) => {
  const root = await gitCopy(STARK);
  t.after(() => removeDir(root));
  edit(root, TRACKING1, '- Status: `in_progress`', '- Status: `completed`');
  edit(root, TRACKING1, '- Owner: @bob', '- Owner: dave');
  const { host } = await loadSession(root);
  const inStatus = host.published.get(STATUS)!;
  const inTracking = host.published.get(TRACKING1)!;
  assert.equal(inStatus.length, 2, describeProblems(inStatus));
  assert.equal(inTracking.length, 2, describeProblems(inTracking));
  assert.ok(inStatus.every((p) => p.code === 'status/tracking-mismatch'));
  const statusText = read(root, STATUS);
  const row = statusText.split('\n')[inStatus[0]!.line - 1]!;
  assert.equal(row.slice(inStatus[0]!.column! - 1, inStatus[0]!.endColumn! - 1), '`in_progress`');
  assert.match(inStatus[0]!.message, /milestone 1: STATUS\.md gives status in_progress, milestone-1\.md gives completed/);
  const trackingText = read(root, TRACKING1);
  const statusLine = trackingText.split('\n')[inTracking[0]!.line - 1]!;
  assert.equal(statusLine.slice(inTracking[0]!.column! - 1, inTracking[0]!.endColumn! - 1), '`completed`');
  assert.match(inTracking[1]!.message, /owner dave, STATUS\.md gives @bob/);
});

test('unknown status values, duplicate milestones, unknown work items and configuration errors', async (t) => {
  const root = await gitCopy(STARK);
  t.after(() => removeDir(root));
  edit(root, STATUS, '| 3 | `not_started` |', '| 3 | `almost_done` |');
  edit(root, CATALOG, '- Milestone 6 -> work item 6\n', '- Milestone 6 -> work item 6\n- Milestone 6 -> work item 5\n- Milestone 8 -> work item 9\n');
  write(root, '.milestone-scope.yaml', 'crate: openvm-metal-backend\ncatalgo: docs/x.md\nchecks: 3\n');
  const { host } = await loadSession(root);
  const codes = (rel: string) => (host.published.get(rel) ?? []).map((p) => p.code).sort();
  assert.deepEqual(codes(STATUS), ['status/unknown-status']);
  assert.deepEqual(codes(CATALOG), ['catalog/duplicate-milestone', 'catalog/unknown-work-item'], describeProblems(host.published.get(CATALOG)!));
  const config = host.published.get('.milestone-scope.yaml')!;
  assert.deepEqual(config.map((p) => [p.code, p.line]), [['config/unknown-key', 2], ['config/type', 3]], describeProblems(config));
});

test('a configuration pointing at a missing catalog is reported in the configuration', async (t) => {
  const root = plainCopy(STARK);
  t.after(() => removeDir(root));
  write(root, '.milestone-scope.yaml', '# layout\ncatalog: docs/nope.md\n');
  const { host } = await loadSession(root, { git: false });
  const config = host.published.get('.milestone-scope.yaml')!;
  assert.deepEqual(config.map((p) => [p.code, p.line]), [['catalog/missing', 2]]);
});

test('one-line edits of references take the fast path and agree with a full parse', async (t) => {
  const root = plainCopy(STARK);
  t.after(() => removeDir(root));
  const { session, host } = await loadSession(root, { git: false });
  let text = read(root, CATALOG);
  const apply = (from: string, to: string) => {
    const offset = text.indexOf(from);
    assert.ok(offset >= 0, from);
    const start = positionOf(text, offset);
    const end = positionOf(text, offset + from.length);
    text = text.slice(0, offset) + to + text.slice(offset + from.length);
    host.open.set(CATALOG, text);
    session.documentChanged(CATALOG, [{ range: { start, end }, text: to }]);
  };
  const fullParse = () => {
    const { parseCatalog } = require('../../../src/core/catalog/parse') as typeof import('../../../src/core/catalog/parse');
    return parseCatalog(text, CATALOG);
  };
  const edits: Array<[string, string]> = [
    ['stacked_pcs.rs:110`', 'stacked_pcs.rs:9999`'],
    ['Root extraction: `crates', 'Root of the tree: `crates'],
    ['data_transporter.rs:170`', 'data_transporter.rs:170` and `crates/metal-backend/src/metal/matrix.rs:1`'],
    ['`crates/metal-backend/src/metal/batch_ntt_small.rs:57`', 'no reference any more'],
    ['mod.rs:2222`', 'mod.rs:2222'],
  ];
  const fastBefore = session.catalog.fastEdits;
  for (const [from, to] of edits) {
    apply(from, to);
    assert.deepEqual(stripPositionsOf(session.catalog.catalog), stripPositionsOf(fullParse()), `after ${from} -> ${to}`);
  }
  assert.equal(session.catalog.fastEdits - fastBefore, 3, 'the last two change the structure and need a full parse');
  session.publishNow();
  const codes = host.published.get(CATALOG)!.map((p) => p.code).sort();
  assert.deepEqual(codes, ['catalog/hotspot-not-understood', 'catalog/hotspot-not-understood', 'ref/comment-line', 'ref/line-past-end']);
});

test('configuration changes move the documents the server serves', async (t) => {
  const root = plainCopy(STARK);
  t.after(() => removeDir(root));
  const { session, host } = await loadSession(root, { git: false });
  assert.equal(session.roleOf(CATALOG)?.role, 'catalog');
  writeFileSync(path.join(root, 'docs/other.md'), '# Other\n\n1) One\n- Current hotspot:\n  - `crates/metal-backend/src/lib.rs:9999`\n- Problem:\n  - p\n- Target:\n  - t\n\nMilestone-to-work mapping:\n- Milestone 1 -> work item 1\n');
  write(root, '.milestone-scope.yaml', 'catalog: docs/other.md\n');
  session.fileChanged('.milestone-scope.yaml');
  session.publishNow();
  assert.equal(session.roleOf(CATALOG), undefined);
  assert.equal(session.roleOf('docs/other.md')?.role, 'catalog');
  assert.deepEqual(host.published.get('docs/other.md')!.map((p) => p.code), ['ref/line-past-end']);
  assert.equal(host.published.get(CATALOG)?.length ?? 0, 0, 'the old catalog is cleared');
});

function positionOf(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function offsetOf(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let i = 0; i < pos.line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset + pos.character;
}

/** The catalog model in comparable form (problems sorted the same way). */
function stripPositionsOf(c: unknown): unknown {
  return JSON.parse(JSON.stringify(c));
}

test('the one-shot check (for the CLI) finds what the server finds', async (t) => {
  const { checkDocuments } = await import('../../../src/core/docChecks');
  const root = await gitCopy(STARK);
  t.after(() => removeDir(root));
  assert.deepEqual(await checkDocuments(root), []);
  edit(root, CATALOG, 'stacked_pcs.rs:129`', 'stacked_pcs.rs:9999`');
  edit(root, TRACKING1, '- Owner: @bob', '- Owner: dave');
  insertLines(root, PCS, 1, ['// one more line']);
  const found = await checkDocuments(root);
  const { host } = await loadSession(root);
  const key = (p: { file: string; line: number; code: string }) => `${p.file}:${p.line} ${p.code}`;
  assert.deepEqual(found.map(key).sort(), host.all().map(key).sort());
  assert.deepEqual([...new Set(found.map((p) => p.code))].sort(), ['ref/line-past-end', 'ref/moved', 'status/tracking-mismatch']);
});
