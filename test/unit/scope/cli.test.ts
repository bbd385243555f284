import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cli, codes, edit, FIXTURE, fixtureRepo, git, remove, write } from './helpers';

const repos: string[] = [];
function repo(): string {
  const r = fixtureRepo();
  repos.push(r);
  return r;
}
after(() => repos.forEach(remove));

const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const TRACK = (id: string) => `docs/metal-backend-optimization-tracking/milestone-${id}.md`;
const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';

/** An edit inside milestone 2's own hotspot function (stack_traces, around stacked_pcs.rs:110). */
function ownEdit(root: string): void {
  edit(root, STACKED, (t) => t.replace(/\n(\s*)(for [^\n]*\{)/, '\n$1// Copies are batched below.\n$1$2'));
}

test('a change inside the milestone scope exits 0 with no findings', async () => {
  const root = repo();
  ownEdit(root);
  const run = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  assert.deepEqual(json.findings, []);
  assert.equal(json.milestone.id, '2');
  assert.equal(json.base.source, 'head');
  assert.equal(json.base.commit, git(root, 'rev-parse', 'HEAD'));
  assert.equal(json.filesChecked, 1);
  assert.equal(json.exitCode, 0);
});

test("an edit in another milestone's hotspot function exits 6 with other-milestone-hotspot", async () => {
  const root = repo();
  edit(root, MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // read back'));
  const run = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.equal(run.code, 6);
  assert.deepEqual(codes(run), [`other-milestone-hotspot@${MERKLE}:97`]);
  const f = JSON.parse(run.stdout).findings[0];
  assert.equal(f.milestone, '3');
  assert.equal(f.severity, 'error');
  const text = await cli(root, 'scope', '--milestone', '2');
  assert.equal(text.code, 6);
  assert.match(text.stdout, new RegExp(`^${MERKLE}:97: error: Changes milestone 3's hotspot fn root .*\\[other-milestone-hotspot\\]$`, 'm'));
  assert.match(text.stdout, /1 error, 0 warnings, 0 information in 1 changed file: scope violations/);
});

test("another milestone's tracking file or STATUS.md row exits 6 with other-milestone-tracking", async () => {
  const root = repo();
  edit(root, TRACK('1'), (t) => t + '\n- Note from someone else.\n');
  edit(root, STATUS, (t) => t.replace('| 4 | `blocked` | carol |', '| 4 | `in_progress` | carol |'));
  const run = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.equal(run.code, 6);
  const found = codes(run);
  assert.equal(found.length, 2);
  assert.ok(found.every((c) => c.startsWith('other-milestone-tracking@')), found.join());
  assert.deepEqual(JSON.parse(run.stdout).findings.map((f: { milestone: string }) => f.milestone).sort(), ['1', '4']);
});

test('changing the Plonky3 pin exits 6 with pin-changed', async () => {
  const root = repo();
  edit(root, 'Cargo.toml', (t) => t.replace('p3-field = "=0.4.1"', 'p3-field = "=0.5.0"'));
  const run = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.equal(run.code, 6);
  assert.deepEqual(codes(run).map((c) => c.split('@')[0]), ['pin-changed']);
  assert.match(JSON.parse(run.stdout).findings[0].message, /p3-field \("=0\.4\.1" -> "=0\.5\.0"\)/);
});

test('cross-crate and unsafe-without-safety are warnings: exit 0, or 6 with --strict', async () => {
  const root = repo();
  edit(root, 'crates/stark-backend/src/field.rs', (t) => t + '\n// helper for shared buffers\n');
  write(root, 'crates/metal-backend/src/raw.rs', 'pub fn first(p: *const u32) -> u32 {\n    unsafe { *p }\n}\n');
  const run = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.equal(run.code, 0, run.stdout);
  assert.deepEqual(codes(run).sort(), [
    'cross-crate@crates/stark-backend/src/field.rs:274',
    'supporting-change@crates/metal-backend/src/raw.rs:1',
    'unsafe-without-safety@crates/metal-backend/src/raw.rs:2',
  ]);
  const strict = await cli(root, 'scope', '--milestone', '2', '--json', '--strict');
  assert.equal(strict.code, 6);
  const quiet = await cli(root, 'scope', '--milestone', '2', '--strict', '--severity', 'cross-crate=information', '--severity', 'unsafe-without-safety=off', '--json');
  assert.equal(quiet.code, 0);
  assert.deepEqual(codes(quiet).sort(), ['cross-crate@crates/stark-backend/src/field.rs:274', 'supporting-change@crates/metal-backend/src/raw.rs:1']);
});

test('scope.severity in .milestone-scope.yaml is honoured by the CLI; --severity flags win code by code', async () => {
  const root = repo();
  write(root, '.milestone-scope.yaml', 'scope:\n  severity:\n    cross-crate: error\n    supporting-change: off\n');
  git(root, 'add', '.milestone-scope.yaml');
  git(root, 'commit', '-q', '-m', 'team severities');
  edit(root, 'crates/stark-backend/src/field.rs', (t) => t + '\n// helper for shared buffers\n');
  write(root, 'crates/metal-backend/src/raw.rs', 'pub fn first() -> u32 {\n    1\n}\n');
  const run = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.equal(run.code, 6, 'cross-crate is an error by the repository configuration');
  assert.deepEqual(codes(run).sort(), ['cross-crate@crates/stark-backend/src/field.rs:274'], 'supporting-change is off');
  const flagged = await cli(root, 'scope', '--milestone', '2', '--json', '--severity', 'cross-crate=warning');
  assert.equal(flagged.code, 0, 'the flag wins over the file');
  assert.deepEqual(codes(flagged).sort(), ['cross-crate@crates/stark-backend/src/field.rs:274']);
});

test('scope.severity: an unknown code or level is a configuration error with its line', async () => {
  const { parseConfig } = await import('../../../src/core/config');
  const { config, problems } = parseConfig('scope:\n  severity:\n    cross-crate: fatal\n    no-such-code: error\n    pin-changed: warning\n');
  assert.deepEqual(config.scope, { severity: { 'pin-changed': 'warning' } });
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[3, 'config/type'], [4, 'config/type']]);
});

test('--staged checks only what is staged', async () => {
  const root = repo();
  ownEdit(root);
  edit(root, MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // read back'));
  git(root, 'add', STACKED);
  const staged = await cli(root, 'scope', '--milestone', '2', '--staged', '--json');
  assert.equal(staged.code, 0, staged.stdout);
  assert.equal(JSON.parse(staged.stdout).staged, true);
  git(root, 'add', MERKLE);
  const both = await cli(root, 'scope', '--milestone', '2', '--staged', '--json');
  assert.equal(both.code, 6);
  assert.deepEqual(codes(both), [`other-milestone-hotspot@${MERKLE}:97`]);
});

test('--base compares against another revision; the recorded base is used by default', async () => {
  const root = repo();
  const first = git(root, 'rev-parse', 'HEAD');
  edit(root, MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // read back'));
  git(root, 'commit', '-qam', 'touch merkle');
  assert.equal((await cli(root, 'scope', '--milestone', '2')).code, 0);
  assert.equal((await cli(root, 'scope', '--milestone', '2', '--base', first)).code, 6);
  // Milestone 2 in progress for dave, with its base recorded in its tracking file.
  edit(root, STATUS, (t) => t.replace('| 2 | `not_started` | | | |', '| 2 | `in_progress` | dave | 2026-12-01 | |'));
  write(root, TRACK('2'), `# Milestone 2: Batch blits\n\n- Status: \`in_progress\`\n- Owner: dave\n- Base commit: \`${first}\`\n`);
  const run = await cli(root, 'scope', '--json');
  assert.equal(run.code, 6);
  const json = JSON.parse(run.stdout);
  assert.deepEqual(json.base, { commit: first, source: 'recorded' });
  assert.deepEqual(codes(run), [`other-milestone-hotspot@${MERKLE}:97`]);
  assert.equal((await cli(root, 'scope', '--base', 'HEAD')).code, 0);
});

test('a recorded base that is not in the repository falls back to HEAD with a note', async () => {
  const root = repo();
  const run = await cli(root, 'scope', '--milestone', '1');
  assert.equal(run.code, 0);
  assert.match(run.stdout, /against [0-9a-f]{12} \(HEAD\)/);
  const baseLine = readFileSync(path.join(root, TRACK('1')), 'utf8').split('\n').findIndex((l) => l.startsWith('- Base commit:')) + 1;
  assert.match(run.stderr, new RegExp(`${TRACK('1')}:${baseLine}: note: the base commit recorded for milestone 1 \\(4c2d8f1a.*is not in this repository; comparing against HEAD \\[scope/recorded-base-missing\\]`));
});

test('untracked files are checked; allowed files are respected', async () => {
  const root = repo();
  write(root, 'tools/profile.sh', '#!/bin/sh\ncargo run -p openvm-metal-backend --example keccakf\n');
  const run = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.deepEqual(codes(run), ['cross-crate@tools/profile.sh:1']);
  write(root, TRACK('2'), '# Milestone 2\n\n## Allowed files\n\n- `tools/**`: profiling helper scripts\n');
  const allowed = await cli(root, 'scope', '--milestone', '2', '--json');
  assert.deepEqual(codes(allowed), []);
});

test('usage errors exit 2: no active milestone, unknown milestone, bad severity, bad base', async () => {
  const root = repo();
  const none = await cli(root, 'scope');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no milestone is in progress for dave; pass --milestone ID/);
  const unknown = await cli(root, 'scope', '--milestone', '42');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /milestone 42 is not in the catalog/);
  const severity = await cli(root, 'scope', '--milestone', '2', '--severity', 'cross-crate=fatal');
  assert.equal(severity.code, 2);
  assert.match(severity.stderr, /severity of cross-crate must be error, warning, information or off/);
  const base = await cli(root, 'scope', '--milestone', '2', '--base', 'no-such-rev');
  assert.equal(base.code, 2);
  assert.match(base.stderr, /--base no-such-rev does not name a commit/);
  const plain = mkdtempSync(path.join(tmpdir(), 'ms-scope-nogit-'));
  repos.push(plain);
  cpSync(FIXTURE, plain, { recursive: true });
  const notGit = await cli(plain, 'scope', '--milestone', '2', '--root', plain);
  assert.equal(notGit.code, 2);
  assert.match(notGit.stderr, /is not inside a git work tree/);
});
