// A/B sessions on a temporary git copy of the fixture, with real cargo (offline): the base commit
// against an uncommitted edit that halves rs_code_matrix's work, an A/A session without an edit,
// the user's working tree, index and stash left exactly as they were, and cancellation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { loadWorkspace } from '../../../src/core/workspace';
import { abTargetFor, runAbSession, type AbEvent } from '../../../src/core/measure/ab';
import { diffSessionRuns } from '../../../src/core/measure/spans';
import { listProfileRuns, sessionRuns } from '../../../src/core/cargo/profileRuns';
import { recordedRows } from '../../../src/core/cargo/validationRecord';
import { workspaceProcesses } from '../../support/processes';
import { fixtureCopy, shareTargetDir } from '../cargo/helpers';

const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
const TRACKING_2 = 'docs/metal-backend-optimization-tracking/milestone-2.md';
const RS_PATH = 'stark_prove_excluding_trace > prover.main_trace_commit > prover.commit > stacked_commit > rs_code_matrix';
/** Fixed seeds: the run order, the example's jitter and the bootstrap are the same every time. */
const SEED = 20261205;

let copy: ReturnType<typeof fixtureCopy>;
let targetDir: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: copy.root, encoding: 'utf8' });
}

/** Everything of the user's git state a session must not touch. */
function gitState() {
  return {
    status: git('status', '--porcelain', '--untracked-files=all'),
    stash: git('stash', 'list'),
    index: git('diff', '--cached'),
    worktree: git('diff'),
    head: git('rev-parse', 'HEAD'),
  };
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: copy.root, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function workConstant(text: string): number {
  const m = /pub const RS_CODE_MATRIX_WORK_US: u64 = ([\d_]+);/.exec(text);
  assert.ok(m, 'RS_CODE_MATRIX_WORK_US in stacked_pcs.rs');
  return Number(m[1]!.replace(/_/g, ''));
}

before(async () => {
  targetDir = shareTargetDir('ab');
  delete process.env.KECCAKF_TRACE; // the simulated proof
  copy = fixtureCopy('ms-ab-');
  const r = await cli(['start', '2', '--owner', 'dave']);
  assert.equal(r.code, 0, r.stderr);
  // A user's state a session must leave alone: a stash entry and a staged file.
  writeFileSync(path.join(copy.root, 'crates/metal-backend/src/lib.rs'), readFileSync(path.join(copy.root, 'crates/metal-backend/src/lib.rs'), 'utf8') + '\n// stashed thought\n');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'stash', 'push', '-q', '-m', 'work in progress');
  writeFileSync(path.join(copy.root, 'docs/notes.md'), '# Notes\n\nStaged, not committed.\n');
  git('add', 'docs/notes.md');
});

after(() => {
  copy.cleanup();
  rmSync(targetDir, { recursive: true, force: true });
});

test('A/B: halving rs_code_matrix\'s work is found faster, with an interval holding the true change; git state untouched', { timeout: 900_000 }, async (t) => {
  const file = path.join(copy.root, STACKED);
  const original = readFileSync(file, 'utf8');
  const baseWork = workConstant(original);
  const edited = original.replace(/(pub const RS_CODE_MATRIX_WORK_US: u64 = )[\d_]+;/, `$1${baseWork / 2};`);
  writeFileSync(file, edited);
  const truth = workConstant(edited) / baseWork - 1; // -0.5
  const before = gitState();

  // The A/A test below needs the file as it was, whatever happens here.
  t.after(() => writeFileSync(file, original));

  const ws = await loadWorkspace(copy.root);
  const { target } = await abTargetFor(ws, '2', 'dave');
  const events: AbEvent[] = [];
  // A target no interval reaches: the session runs to its maximum (on a steady machine ±1% can
  // be reached within 8 runs, and the session would rightly stop there as converged).
  const result = await runAbSession(target, { runs: 8, maxRuns: 8, targetCi: 1e-9, warmup: 1, seed: SEED, onEvent: (e) => events.push(e) });
  assert.equal(result.outcome, 'max-runs', result.failure);
  assert.equal(result.commits.base, copy.head);
  assert.deepEqual([result.files.base.length, result.files.after.length], [8, 8]);
  assert.equal(result.root, 'stark_prove_excluding_trace');

  // Builds come first, then runs in blocks of one per side, in a seeded order, warm-ups first.
  const kinds = events.filter((e) => e.kind === 'build' || e.kind === 'run').map((e) => (e.kind === 'build' ? `build-${e.side}-${e.phase}` : `run-${e.run.side}`));
  assert.deepEqual(kinds.slice(0, 4), ['build-baseline-start', 'build-baseline-end', 'build-after-start', 'build-after-end']);
  const runs = kinds.slice(4);
  assert.equal(runs.length, 18);
  for (let i = 0; i < runs.length; i += 2) assert.notEqual(runs[i], runs[i + 1], `block ${i / 2 + 1} holds one run of each side`);
  const orders = new Set(Array.from({ length: 9 }, (_, b) => runs[2 * b]));
  assert.equal(orders.size, 2, 'both orders occur (A B and B A)');
  assert.deepEqual(result.runs.filter((r) => r.warmup).map((r) => r.n), [1, 1]);

  // Span by span: rs_code_matrix faster; the interval holds the change of its work.
  const diff = await diffSessionRuns(copy.root, result.files, { seed: SEED });
  const rs = diff.rows.find((r) => r.path === RS_PATH);
  assert.ok(rs, 'the rs_code_matrix row');
  assert.equal(rs.verdict, 'faster', rs.reason);
  assert.deepEqual(rs.runs, { base: 8, after: 8 });
  assert.ok(rs.ci95 && rs.ci95.lo <= truth && truth <= rs.ci95.hi, `interval [${rs.ci95?.lo}, ${rs.ci95?.hi}] misses ${truth}`);
  assert.ok(result.comparison && result.comparison.ci95.hi < 0, 'the root is faster too');

  // Recorded like profiling runs: the index (session, source, commit) and the tracking file.
  const { runs: indexed } = await listProfileRuns(copy.root, '2');
  const mine = sessionRuns(indexed, result.session);
  assert.equal(mine.length, 18);
  assert.ok(mine.every((r) => (r.label === 'baseline') === (r.source === 'base-worktree')));
  assert.ok(mine.filter((r) => r.label === 'baseline').every((r) => r.commit === copy.head));
  const rows = recordedRows(readFileSync(path.join(copy.root, TRACKING_2), 'utf8'));
  assert.equal(rows.filter((r) => r.includes(`A/B session ${result.session}`)).length, 18);

  // The base worktree is where it belongs, at the base commit, and the user's git state is as it was.
  assert.equal(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: path.join(copy.root, '.milestone-scope/base'), encoding: 'utf8' }).trim(), copy.head);
  assert.equal(workConstant(readFileSync(path.join(copy.root, '.milestone-scope/base', STACKED), 'utf8')), baseWork);
  assert.deepEqual(gitState(), before);
  assert.deepEqual(workspaceProcesses(copy.root), []);
});

test('A/A (no edit, from the CLI): no span is faster or slower; git state untouched', { timeout: 900_000 }, async () => {
  const before = gitState();
  // As above, a target no interval reaches: the session runs all six.
  const r = await cli(['ab', '--milestone', '2', '--owner', 'dave', '--runs', '6', '--max-runs', '6', '--target-ci', '0.0000001', '--seed', String(SEED), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.kind, 'ab');
  assert.equal(json.outcome, 'max-runs');
  assert.match(r.stderr, /reusing \.milestone-scope\/base/);
  // A line per run with the side, the run number and the root's time; the interval once there are two per side.
  assert.equal(r.stderr.split('\n').filter((l) => /^(A baseline|B after) +run +\d+ /.test(l)).length, 14);
  assert.match(r.stderr, /^(A baseline|B after) +run +\d+ +stark_prove_excluding_trace [\d.]+ms +change [−+±][\d.]+% \[[−+±][\d.]+%, [−+±][\d.]+%\] \(n=\d\+\d\)$/m);
  // More than 20 span paths are compared at once: "no span" is a claim about the family, so the
  // false discovery rate is held (--fdr), as a user asking it of every span would. Per row, p < 0.01
  // alone calls about one A/A run in four somewhere among them.
  const diff = await diffSessionRuns(copy.root, json.files, { seed: SEED, fdr: 0.05 });
  const called = diff.rows.filter((x) => x.verdict === 'faster' || x.verdict === 'slower');
  assert.deepEqual(called.map((x) => `${x.path}: ${x.verdict} (${x.reason})`), []);
  assert.ok(diff.rows.length > 20, 'every span path compared');
  assert.deepEqual(gitState(), before);
});

test('cancelling a session ends every process it started and leaves no half-made worktree', { timeout: 900_000 }, async () => {
  const before = gitState();
  const ws = await loadWorkspace(copy.root);
  const { target } = await abTargetFor(ws, '2', 'dave');
  // Cancelled while the example runs.
  const ac = new AbortController();
  const result = await runAbSession(target, {
    runs: 4,
    seed: SEED,
    signal: ac.signal,
    onEvent: (e) => {
      if (e.kind === 'run-start' && e.n === 2) setTimeout(() => ac.abort(), 30);
    },
  });
  assert.equal(result.outcome, 'cancelled');
  assert.deepEqual(workspaceProcesses(copy.root), []);
  assert.ok(result.runs.length <= 4, `${result.runs.length} runs after the cancel`);

  // Cancelled while the base worktree is being created, at several moments: afterwards there is
  // either no worktree or a complete one, never a temporary one.
  assert.equal((await cli(['base-worktree', 'remove'])).code, 0);
  assert.ok(!existsSync(path.join(copy.root, '.milestone-scope/base')));
  for (const delay of [0, 5, 20, 60]) {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), delay);
    const r = await runAbSession(target, { runs: 2, maxRuns: 2, seed: SEED, signal: stop.signal });
    assert.equal(r.outcome, 'cancelled');
    const leftovers = readdirSync(path.join(copy.root, '.milestone-scope')).filter((n) => n.startsWith('base.tmp-'));
    assert.deepEqual(leftovers, []);
    const listed = git('worktree', 'list', '--porcelain');
    assert.doesNotMatch(listed, /base\.tmp-/);
    if (existsSync(path.join(copy.root, '.milestone-scope/base'))) assert.match(listed, /\.milestone-scope\/base\n/);
    assert.deepEqual(workspaceProcesses(copy.root), []);
  }
  assert.deepEqual(gitState(), before);
});
