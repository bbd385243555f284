// The scope guard reads its rules from the base commit: what a milestone's own change rewrites in
// the catalog, the configuration or its tracking file never switches a check off, and every such
// rewrite is itself a finding. One model for the CLI (working tree and --staged, as the
// pre-commit hook runs it), unsaved editor buffers (ScopeSession.checkText), MCP and the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { collectChanges } from '../../../src/core/report/changes';
import { resolveActiveMilestone, ScopeSession } from '../../../src/core/scope';
import { startRef } from '../../../src/core/scope/startRecord';
import { loadWorkspace } from '../../../src/core/workspace';
import { findTool, runTool } from '../../../src/mcp/tools';
import { cli, codes, edit, fixtureRepos, git, write } from './helpers';

const repo = fixtureRepos();

const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const TRACK2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const ROOT_LINE = 'let root_layer = top.to_host();';

/** An edit on milestone 3's hotspot line (merkle_tree.rs:97, inside fn root). */
function touchRoot(root: string): void {
  edit(root, MERKLE, (t) => t.replace(ROOT_LINE, `${ROOT_LINE} // shared read`));
}

function catalogLine(root: string, re: RegExp): number {
  return readFileSync(path.join(root, CATALOG), 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
}

async function scopeJson(root: string, ...extra: string[]) {
  const run = await cli(root, 'scope', '--json', ...extra);
  return { run, found: codes(run).sort(), json: JSON.parse(run.stdout) };
}

test("removing another milestone's hotspot line from the catalog does not remove the hotspot; the removal is an error", async () => {
  const root = repo();
  const at = catalogLine(root, /Root extraction: `crates\/metal-backend\/src\/merkle_tree\.rs:97`/);
  edit(root, CATALOG, (t) => t.replace(/\n  - Root extraction: `crates\/metal-backend\/src\/merkle_tree\.rs:97`/, ''));
  touchRoot(root);
  const { run, found, json } = await scopeJson(root, '--milestone', '2');
  assert.equal(run.code, 6, run.stdout);
  assert.deepEqual(found, [`other-milestone-entry@${CATALOG}:${at - 1}`, `other-milestone-hotspot@${MERKLE}:97`]);
  const entry = json.findings.find((f: { code: string }) => f.code === 'other-milestone-entry');
  assert.equal(entry.milestone, '3');
  assert.equal(entry.workItem, '3');
  assert.equal(entry.severity, 'error');
  // The same edit staged, as the pre-commit hook checks it.
  git(root, 'add', CATALOG, MERKLE);
  const staged = await scopeJson(root, '--milestone', '2', '--staged');
  assert.equal(staged.run.code, 6);
  assert.deepEqual(staged.found, found);
});

test('remapping a milestone to another work item does not change its scope; the remap is an error', async () => {
  const root = repo();
  const at = catalogLine(root, /^- Milestone 2 -> work item 1$/);
  edit(root, CATALOG, (t) => t.replace('- Milestone 2 -> work item 1', '- Milestone 2 -> work item 3'));
  touchRoot(root);
  const { run, found, json } = await scopeJson(root, '--milestone', '2');
  assert.equal(run.code, 6, run.stdout);
  assert.deepEqual(found, [`milestone-mapping-changed@${CATALOG}:${at}`, `other-milestone-hotspot@${MERKLE}:97`]);
  assert.match(json.findings.find((f: { code: string }) => f.code === 'milestone-mapping-changed').message, /milestone 2 -> work item 1 becomes work item 3/);
});

test('loosening a pin pattern in the configuration keeps the base rules; the change is an error', async () => {
  const root = repo();
  write(root, '.milestone-scope.yaml', 'crate: openvm-metal-backend\npins:\n  "p3-*": "=0.4.1"\n');
  git(root, 'add', '.milestone-scope.yaml');
  git(root, 'commit', '-qm', 'configuration');
  edit(root, '.milestone-scope.yaml', (t) => t.replace('"p3-*": "=0.4.1"', '"p3-field": "=0.4.1"'));
  edit(root, 'Cargo.toml', (t) => t.replace('p3-air = "=0.4.1"', 'p3-air = "=0.5.0"'));
  const { run, found } = await scopeJson(root, '--milestone', '2');
  assert.equal(run.code, 6, run.stdout);
  assert.deepEqual(found.map((c) => c.split(':')[0]), ['pin-changed@Cargo.toml', 'pin-rule-changed@.milestone-scope.yaml']);
  // The crate is read from the base too: renaming it in the configuration is an error, not a new scope.
  edit(root, '.milestone-scope.yaml', (t) => t.replace('crate: openvm-metal-backend', 'crate: openvm-stark-backend'));
  const crate = await scopeJson(root, '--milestone', '2');
  assert.ok(crate.found.includes('scope-config-changed@.milestone-scope.yaml:1'), crate.found.join());
  assert.ok(crate.found.includes('pin-rule-changed@.milestone-scope.yaml:3'), crate.found.join());
});

test('moving the recorded base forward past a commit that touched another milestone is refused and reported', async () => {
  const root = repo();
  const start = await cli(root, 'start', '2');
  assert.equal(start.code, 0, start.stderr);
  const startCommit = git(root, 'rev-parse', 'HEAD');
  touchRoot(root);
  git(root, 'commit', '-qm', 'read the root in place', '--', MERKLE);
  const later = git(root, 'rev-parse', 'HEAD');
  const trackingBefore = readFileSync(path.join(root, TRACK2), 'utf8');
  assert.ok(trackingBefore.includes(startCommit));
  edit(root, TRACK2, (t) => t.replace(startCommit, later));
  const { run, found, json } = await scopeJson(root);
  assert.equal(run.code, 6, run.stdout);
  assert.deepEqual(json.base, { commit: startCommit, source: 'start' });
  const baseLine = readFileSync(path.join(root, TRACK2), 'utf8').split('\n').findIndex((l) => l.includes(later)) + 1;
  assert.deepEqual(found, [`other-milestone-hotspot@${MERKLE}:97`, `recorded-base-changed@${TRACK2}:${baseLine}`]);
  // Staged, as the pre-commit hook runs it.
  git(root, 'add', TRACK2);
  const staged = await scopeJson(root, '--staged');
  assert.equal(staged.run.code, 6);
  assert.deepEqual(staged.found, found);
  // A later --base cannot skip the start record either.
  const skip = await cli(root, 'scope', '--base', 'HEAD');
  assert.equal(skip.code, 2);
  assert.match(skip.stderr, /--base HEAD is later than the base recorded when milestone 2 started/);
  // An earlier recorded base is accepted (it hides nothing).
  edit(root, TRACK2, (t) => t.replace(later, startCommit));
  const restored = await scopeJson(root);
  assert.deepEqual(restored.found, [`other-milestone-hotspot@${MERKLE}:97`]);
  assert.equal(git(root, 'rev-parse', startRef('2')), startCommit, 'Start records the base as a git ref');
});

test('starting again keeps the earlier start record while it is an ancestor of HEAD', async () => {
  const root = repo();
  assert.equal((await cli(root, 'start', '2')).code, 0);
  const first = git(root, 'rev-parse', 'HEAD');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'start 2');
  // The milestone's own row and tracking file set back to not started, then started again.
  edit(root, 'docs/metal-backend-optimization-tracking/STATUS.md', (t) => t.replace(/\| 2 \| `in_progress` \| dave \| [0-9-]+ \|/, '| 2 | `not_started` | | |'));
  edit(root, TRACK2, (t) => t.replace('`in_progress`', '`not_started`'));
  git(root, 'commit', '-qam', 'reset 2');
  const again = await cli(root, 'start', '2');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(git(root, 'rev-parse', startRef('2')), first);
  assert.match(readFileSync(path.join(root, TRACK2), 'utf8'), new RegExp(`Base commit: \`${first}\``));
});

test('a hotspot file renamed after the catalog was written is followed to its new name', async () => {
  const root = repo();
  const moved = 'crates/metal-backend/src/merkle.rs';
  git(root, 'mv', MERKLE, moved);
  edit(root, 'crates/metal-backend/src/lib.rs', (t) => t.replace('pub mod merkle_tree;', 'pub mod merkle;'));
  git(root, 'commit', '-qam', 'rename merkle_tree');
  edit(root, moved, (t) => t.replace(ROOT_LINE, `${ROOT_LINE} // shared read`));
  const { run, found, json } = await scopeJson(root, '--milestone', '2');
  assert.equal(run.code, 6, run.stdout);
  assert.deepEqual(found, [`other-milestone-hotspot@${moved}:97`]);
  assert.deepEqual(json.problems.filter((p: { code: string }) => p.code === 'scope/hotspot-file-gone'), []);
});

test("a wording edit of the milestone's own catalog entry after a code commit moves no other milestone's lines", async () => {
  const root = repo();
  assert.equal((await cli(root, 'start', '2')).code, 0);
  // Milestone 2's own commit: ten lines in fn new of merkle_tree.rs (nobody's hotspot) move fn root down.
  const notes = Array.from({ length: 10 }, (_, i) => `        // note ${i + 1}`).join('\n');
  edit(root, MERKLE, (t) => t.replace('        Ok(Self { layers, height })', `${notes}\n        Ok(Self { layers, height })`));
  git(root, 'commit', '-qm', 'notes', '--', MERKLE);
  // Then a routine wording fix of its own entry (work item 1).
  edit(root, CATALOG, (t) => t.replace('is called repeatedly in a loop', 'is called again and again in a loop'));
  git(root, 'commit', '-qm', 'wording', '--', CATALOG);
  const saved = readFileSync(path.join(root, MERKLE), 'utf8');
  assert.equal(saved.split('\n').findIndex((l) => l.includes(ROOT_LINE)) + 1, 107);
  touchRoot(root);
  const { run, found } = await scopeJson(root);
  assert.equal(run.code, 6, run.stdout);
  const wording = catalogLine(root, /is called again and again in a loop/);
  assert.deepEqual(found, [`milestone-docs@${CATALOG}:${wording}`, `other-milestone-hotspot@${MERKLE}:107`, `supporting-change@${MERKLE}:89`]);
});

test('edits of the active milestone\'s own entry, its row and tracking prose stay in scope', async () => {
  const root = repo();
  assert.equal((await cli(root, 'start', '2')).code, 0);
  edit(root, CATALOG, (t) => t.replace('  - `crates/metal-backend/src/stacked_pcs.rs:146`', '  - `crates/metal-backend/src/stacked_pcs.rs:146`\n  - `crates/metal-backend/src/stacked_pcs.rs:150`'));
  edit(root, TRACK2, (t) => t + '\n## Progress\n\n- Batched the first copies.\n');
  edit(root, 'docs/metal-backend-optimization-tracking/STATUS.md', (t) => t.replace(/(\| 2 \| `in_progress` \| dave \| [0-9-]+ \|)[^\n]*/, '$1 batching copies |'));
  const { run, found, json } = await scopeJson(root);
  assert.equal(run.code, 0, run.stdout);
  const own = catalogLine(root, /stacked_pcs\.rs:150/);
  assert.deepEqual(found, [`milestone-docs@${CATALOG}:${own}`]);
  assert.equal(json.findings[0].severity, 'information');
  assert.match(json.findings[0].message, /milestone 2's own catalog entry/);
});

test('an unsaved catalog buffer that changes another entry is flagged live, and the report shows the verdict', async () => {
  const root = repo();
  const ws = await loadWorkspace(root);
  const choice = await resolveActiveMilestone(ws, { milestone: '2' });
  const session = await ScopeSession.open(ws, { milestone: choice.milestone });
  await session.prepareFile(CATALOG);
  const text = readFileSync(path.join(root, CATALOG), 'utf8');
  const buffer = text.replace('`crates/metal-backend/src/data_transporter.rs:170`', '`crates/metal-backend/src/data_transporter.rs:171`');
  const live = session.checkText(CATALOG, buffer)!;
  assert.deepEqual(live.findings.map((f) => [f.code, f.line, f.milestone, f.severity]), [['other-milestone-entry', catalogLine(root, /data_transporter\.rs:170/), '3', 'error']]);
  // The same file saved: the report's changed-files verdict says the same.
  write(root, CATALOG, buffer);
  const changes = await collectChanges(session);
  const row = changes.part.files.find((f) => f.path === CATALOG)!;
  assert.deepEqual([row.verdict.severity, row.verdict.codes, row.verdict.milestones], ['error', ['other-milestone-entry'], ['3']]);
  assert.match(row.verdict.label, /another milestone's catalog entry/);
});

test('MCP scope_check reports a remapped milestone as scope violations', async () => {
  const root = repo();
  edit(root, CATALOG, (t) => t.replace('- Milestone 2 -> work item 1', '- Milestone 2 -> work item 3'));
  touchRoot(root);
  const r = await runTool(findTool('scope_check')!, { milestone: '2' }, root);
  assert.equal(r.outcome, 'scope-violations');
  const result = r.result as { findings: Array<{ code: string }> };
  assert.deepEqual(result.findings.map((f) => f.code).sort(), ['milestone-mapping-changed', 'other-milestone-hotspot']);
});

test("deleting the milestone's own mapping line does not switch the guard off", async () => {
  const root = repo();
  edit(root, CATALOG, (t) => t.replace('- Milestone 2 -> work item 1\n', ''));
  touchRoot(root);
  const { run, found } = await scopeJson(root, '--milestone', '2');
  assert.equal(run.code, 6, run.stdout + run.stderr);
  assert.deepEqual(found.map((c) => c.split('@')[0]), ['milestone-mapping-changed', 'other-milestone-hotspot']);
});

test('a configuration added during the milestone is compared with the defaults the base applied', async () => {
  const root = repo();
  write(root, '.milestone-scope.yml', 'pins: {}\n');
  edit(root, 'Cargo.toml', (t) => t.replace('p3-air = "=0.4.1"', 'p3-air = "=0.5.0"'));
  const { run, found } = await scopeJson(root, '--milestone', '2');
  assert.equal(run.code, 6, run.stdout);
  assert.deepEqual(found.map((c) => c.split(':')[0]), ['pin-changed@Cargo.toml', 'pin-rule-changed@.milestone-scope.yml']);
});
