import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { fixtureCopy, shareTargetDir } from './helpers';

const TRACKING = (id: string) => `docs/metal-backend-optimization-tracking/milestone-${id}.md`;
let copy: ReturnType<typeof fixtureCopy>;
let targetDir: string;

before(async () => {
  targetDir = shareTargetDir('cli');
  // The example replays its recorded trace (its default is a simulated proof with jitter).
  process.env.KECCAKF_TRACE = 'baseline';
  copy = fixtureCopy('ms-cli-run-');
  const r = await cli(['start', '2', '--owner', 'dave']);
  assert.equal(r.code, 0, r.stderr);
});
after(() => {
  delete process.env.KECCAKF_TRACE;
  copy.cleanup();
  rmSync(targetDir, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: copy.root, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

test('run check records the result in the started milestone', { timeout: 300_000 }, async () => {
  const r = await cli(['run', 'check', '--milestone', '2', '--owner', 'dave']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\$ cargo check -p openvm-metal-backend/);
  assert.match(r.stderr, /Finished/);
  assert.match(r.stderr, /cargo check -p openvm-metal-backend: passed in .*; recorded in docs\/metal-backend-optimization-tracking\/milestone-2\.md/);
  assert.match(readFileSync(path.join(copy.root, TRACKING('2')), 'utf8'), /\| `cargo check -p openvm-metal-backend` \| passed \|/);
});

test('without --milestone the one in progress by you is used', { timeout: 300_000 }, async () => {
  const r = await cli(['run', 'test', '--owner', 'dave', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.milestone, '2');
  assert.equal(json.outcome, 'passed');
  assert.deepEqual(json.runs.map((x: { command: string }) => x.command), ['cargo test -p openvm-metal-backend --test ntt_roundtrip']);
  assert.deepEqual(json.runs[0].recorded, { file: TRACKING('2') });
  assert.match(r.stderr, /test result: ok/, 'cargo output should go to stderr with --json');
});

test('profile captures a baseline, then an after run', { timeout: 300_000 }, async () => {
  const first = JSON.parse((await cli(['run', 'profile', '--milestone', '2', '--owner', 'dave', '--json'])).stdout);
  const second = JSON.parse((await cli(['run', 'profile', '--milestone', '2', '--owner', 'dave', '--json'])).stdout);
  const explicit = JSON.parse((await cli(['run', 'profile', '--milestone', '2', '--owner', 'dave', '--json', '--baseline'])).stdout);
  assert.deepEqual([first, second, explicit].map((j) => j.runs[0].capture.label), ['baseline', 'after', 'baseline']);
  // The first run after start is a baseline of the current tree; --baseline builds at the base commit.
  assert.deepEqual([first, second, explicit].map((j) => j.runs[0].capture.source), ['current-tree', 'current-tree', 'base-worktree']);
  assert.equal(explicit.runs[0].capture.commit, copy.head);
  const worktrees = execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: copy.root, encoding: 'utf8' });
  assert.match(worktrees, new RegExp(`worktree .*/\\.milestone-scope/base\nHEAD ${copy.head}\ndetached`));
  const index = JSON.parse(readFileSync(path.join(copy.root, '.milestone-scope/traces/2/index.json'), 'utf8'));
  assert.deepEqual(index.runs.map((r: { source: string }) => r.source), ['current-tree', 'current-tree', 'base-worktree']);
  // The baseline ran the base commit's example, built in its own target folder.
  assert.ok(readdirSync(path.join(copy.root, '.milestone-scope/base-target')).includes('debug'));
  const content = readFileSync(path.join(copy.root, second.runs[0].capture.file), 'utf8');
  assert.match(content, /INFO     stark_prove_excluding_trace \[ 388ms/);
  const files = readdirSync(path.join(copy.root, '.milestone-scope/traces/2')).sort();
  assert.equal(files.filter((f) => f.endsWith('.txt')).length, 3);
  assert.ok(files.includes('index.json'));
});

test('a milestone in progress by someone else runs but is not recorded', { timeout: 300_000 }, async () => {
  const before = readFileSync(path.join(copy.root, TRACKING('1')), 'utf8');
  const r = await cli(['run', 'check', '--milestone', '1', '--owner', 'dave']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: not recorded in .*milestone-1\.md: .*in progress by @bob/);
  assert.equal(readFileSync(path.join(copy.root, TRACKING('1')), 'utf8'), before);
});

test('a failing check exits 7 (validation failed, not 1: unexpected) and reports the error location in JSON', { timeout: 300_000 }, async () => {
  const file = path.join(copy.root, 'crates/metal-backend/src/merkle_tree.rs');
  const original = readFileSync(file, 'utf8');
  try {
    writeFileSync(file, original.replace('let root_layer = top.to_host();', 'let root_layer: u8 = top.to_host();'));
    const r = await cli(['run', 'check', '--milestone', '2', '--owner', 'dave', '--json']);
    assert.equal(r.code, 7);
    const json = JSON.parse(r.stdout);
    assert.equal(json.outcome, 'failed');
    const err = json.runs[0].diagnostics.find((d: { severity: string }) => d.severity === 'error');
    assert.deepEqual([err.file, err.line, err.code], ['crates/metal-backend/src/merkle_tree.rs', 97, 'E0308']);
  } finally {
    writeFileSync(file, original);
  }
});

test('workspace-wide configuration is refused with exit 2 and nothing recorded', async () => {
  const cfg = path.join(copy.root, '.milestone-scope.yaml');
  writeFileSync(cfg, 'checks:\n  - cargo check --workspace\n');
  const before = readFileSync(path.join(copy.root, TRACKING('2')), 'utf8');
  try {
    const r = await cli(['run', 'check', '--milestone', '2', '--owner', 'dave']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Refused: "--workspace" makes "cargo check" workspace-wide/);
    assert.equal(readFileSync(path.join(copy.root, TRACKING('2')), 'utf8'), before);
  } finally {
    rmSync(cfg);
  }
});

test('usage errors exit 2', async () => {
  assert.equal((await cli(['run', 'bench'])).code, 2);
  assert.equal((await cli(['run'])).code, 2);
  assert.equal((await cli(['run', 'check', '--test', 'x'])).code, 2);
  assert.equal((await cli(['run', 'check', '--milestone', '99'])).code, 2);
  const help = await cli(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: milestone-scope run <check\|test\|profile>/);
});

test('the working tree is untouched apart from tracking files and the ignored capture folder', () => {
  const status = execFileSync('git', ['status', '--porcelain'], { cwd: copy.root, encoding: 'utf8' });
  assert.deepEqual(status.split('\n').filter(Boolean).map((l) => l.slice(3)).sort(), [
    'docs/metal-backend-optimization-tracking/STATUS.md',
    'docs/metal-backend-optimization-tracking/milestone-2.md',
  ]);
});
