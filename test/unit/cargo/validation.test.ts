// End to end on temporary git copies of the fixture, with real cargo (offline).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { planValidation, executePlan, type ValidationTarget } from '../../../src/core/cargo/validation';
import { listProfileRuns } from '../../../src/core/cargo/profileRuns';
import { recordedRows } from '../../../src/core/cargo/validationRecord';
import { RefusedCommand } from '../../../src/core/cargo/invocation';
import type { CargoDiagnostic } from '../../../src/core/cargo/messages';
import { DEFAULT_CONFIG, type MilestoneScopeConfig } from '../../../src/core/config/types';
import { fixtureCopy, shareTargetDir, groupMembers, FIXTURE } from './helpers';

const TRACKING_1 = 'docs/metal-backend-optimization-tracking/milestone-1.md';
// One copy for the whole file (cargo fingerprints include the path, so a new copy would
// recompile); each test starts from its committed state.
let targetDir: string;
let copy: ReturnType<typeof fixtureCopy>;
before(() => {
  targetDir = shareTargetDir('validation');
  copy = fixtureCopy();
});
after(() => {
  copy.cleanup();
  rmSync(targetDir, { recursive: true, force: true });
});

function freshCopy(): { root: string; head: string } {
  execFileSync('git', ['checkout', '-q', '--', '.'], { cwd: copy.root });
  execFileSync('git', ['clean', '-fdqx'], { cwd: copy.root });
  return copy;
}

function target(root: string, config: MilestoneScopeConfig = structuredClone(DEFAULT_CONFIG), base?: string): ValidationTarget {
  return { root, config, milestone: '1', trackingFile: TRACKING_1, baseCommit: base };
}

test('check passes, and its run is recorded in the tracking file', { timeout: 300_000 }, async () => {
  const copy = freshCopy();
  {
    const before = readFileSync(path.join(copy.root, TRACKING_1), 'utf8');
    const t = target(copy.root);
    const plan = await planValidation('check', t);
    assert.deepEqual(plan.runs.map((r) => r.invocation.display), ['cargo check -p openvm-metal-backend']);
    const lines: string[] = [];
    const [r] = await executePlan(plan, t, { onLine: (l) => lines.push(l) });
    assert.equal(r!.outcome, 'passed');
    assert.deepEqual(r!.diagnostics, []);
    assert.ok(lines.some((l) => /Finished/.test(l)), `no Finished line in ${lines.join('\n')}`);
    assert.deepEqual(r!.record, { recorded: true, file: TRACKING_1 });
    const text = readFileSync(path.join(copy.root, TRACKING_1), 'utf8');
    assert.ok(text.startsWith(before.replace(/\n$/, '')), 'text before the section changed');
    const rows = recordedRows(text);
    assert.equal(rows.length, 1);
    assert.match(rows[0]!, /\| `cargo check -p openvm-metal-backend` \| passed \| \d/);
  }
});

test('a compile error becomes a diagnostic at its line and a failed run', { timeout: 300_000 }, async () => {
  const copy = freshCopy();
  {
    const file = path.join(copy.root, 'crates/metal-backend/src/stacked_pcs.rs');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[109] = lines[109]!.replace('command::blit_operation(', 'command::blit_operatio(');
    writeFileSync(file, lines.join('\n'));
    const t = target(copy.root);
    const seen: CargoDiagnostic[] = [];
    const [r] = await executePlan(await planValidation('check', t), t, { onDiagnostic: (d) => seen.push(d) });
    assert.equal(r!.outcome, 'failed');
    assert.equal(r!.exitCode, 101);
    const err = seen.find((d) => d.severity === 'error' && d.location);
    assert.ok(err, 'no located error');
    assert.equal(err.location!.file, file);
    assert.equal(err.location!.line, 110);
    assert.match(err.message, /cannot find function `blit_operatio`/);
    assert.match(recordedRows(readFileSync(path.join(copy.root, TRACKING_1), 'utf8'))[0]!, /failed \(exit 101\)/);
  }
});

test('tests: NTT changes select ntt_roundtrip, which runs and passes', { timeout: 300_000 }, async () => {
  const copy = freshCopy();
  {
    appendFileSync(path.join(copy.root, 'crates/metal-backend/src/metal/batch_ntt_small.rs'), '\n// occupancy notes\n');
    const t = target(copy.root, undefined, copy.head);
    const plan = await planValidation('test', t);
    assert.deepEqual(plan.runs.map((r) => r.invocation.display), ['cargo test -p openvm-metal-backend --test ntt_roundtrip']);
    assert.match(plan.runs[0]!.note ?? '', /selected by changes to crates\/metal-backend\/src\/metal\/batch_ntt_small\.rs/);
    const out: string[] = [];
    const [r] = await executePlan(plan, t, { onLine: (l) => out.push(l) });
    assert.equal(r!.outcome, 'passed');
    assert.ok(out.some((l) => /test result: ok\. 6 passed/.test(l)), out.join('\n'));
    assert.match(recordedRows(readFileSync(path.join(copy.root, TRACKING_1), 'utf8'))[0]!, /ntt_roundtrip` \| passed .*selected by changes/);
  }
});

test('a failing test assertion becomes a panic diagnostic at its line', { timeout: 300_000 }, async () => {
  const copy = freshCopy();
  {
    const file = path.join(copy.root, 'crates/metal-backend/tests/ntt_roundtrip.rs');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('fn forward_matches_reference_for_every_small_size()'));
    assert.ok(at > 0, 'test function not found in the fixture');
    lines.splice(at + 1, 0, '    assert_eq!(1 + 1, 3, "deliberately failing");');
    writeFileSync(file, lines.join('\n'));
    const t = target(copy.root, undefined, copy.head);
    const plan = await planValidation('test', t);
    const seen: CargoDiagnostic[] = [];
    const [r] = await executePlan(plan, t, { onDiagnostic: (d) => seen.push(d) });
    assert.equal(r!.outcome, 'failed');
    const panic = seen.find((d) => d.code === 'panic');
    assert.ok(panic, `no panic diagnostic in ${JSON.stringify(seen.map((d) => d.message))}`);
    assert.equal(panic.location!.file, file);
    assert.equal(panic.location!.line, at + 2);
    assert.match(panic.message, /forward_matches_reference_for_every_small_size' panicked: assertion `left == right` failed: deliberately failing/);
    assert.match(panic.message, /left: 2\n\s*right: 3/);
  }
});

test('profile: the first run is the baseline, the next an after run, each with the full output', { timeout: 300_000 }, async () => {
  const copy = freshCopy();
  {
    const config = structuredClone(DEFAULT_CONFIG);
    // The recorded trace, replayed (the example's default is a simulated proof with jitter).
    config.profile = { ...config.profile, env: { KECCAKF_TRACE: 'baseline' } };
    const t = target(copy.root, config);
    const [first] = await executePlan(await planValidation('profile', t), t);
    assert.equal(first!.outcome, 'passed');
    assert.equal(first!.capture?.label, 'baseline');
    const baseline = readFileSync(path.join(copy.root, first!.capture!.file), 'utf8');
    const recorded = readFileSync(path.join(FIXTURE, 'crates/metal-backend/examples/traces/baseline.txt'), 'utf8');
    assert.ok(baseline.includes(recorded), 'the capture does not hold the whole replayed trace');
    assert.match(baseline, /Running `.*keccakf`/);
    assert.match(baseline, /^keccakf: committed 64 Keccak-f permutations/m);
    assert.match(baseline, /^keccakf: proof verified/m);
    assert.doesNotMatch(baseline, /\u001b\[|"reason":/, 'escape codes or JSON messages in the capture');

    config.profile = { ...config.profile, env: { KECCAKF_TRACE: 'after' } };
    const [second] = await executePlan(await planValidation('profile', t), t);
    assert.equal(second!.capture?.label, 'after');
    assert.match(readFileSync(path.join(copy.root, second!.capture!.file), 'utf8'), /rs_code_matrix \[ 89\.4ms/);

    const { runs, problems } = await listProfileRuns(copy.root, '1');
    assert.deepEqual(problems, []);
    assert.deepEqual(runs.map((r) => [r.label, r.file, r.outcome]), [
      ['baseline', first!.capture!.file, 'passed'],
      ['after', second!.capture!.file, 'passed'],
    ]);
    const rows = recordedRows(readFileSync(path.join(copy.root, TRACKING_1), 'utf8'));
    assert.match(rows[0]!, /baseline trace `\.milestone-scope\/traces\/1\/\d{8}T\d{6}Z-baseline\.txt`/);
    assert.match(rows[1]!, /after trace/);
  }
});

test('cancelling a long profiling run ends cargo and the example, and records the cancellation', { timeout: 300_000 }, async () => {
  const copy = freshCopy();
  {
    const config = structuredClone(DEFAULT_CONFIG);
    config.profile = { ...config.profile, env: { KECCAKF_REPLAY_DELAY_MS: '1000' } };
    const t = target(copy.root, config);
    const ac = new AbortController();
    let pgid = 0;
    let during: Array<{ pid: number; comm: string }> = [];
    const [r] = await executePlan(await planValidation('profile', t), t, {
      signal: ac.signal,
      onSpawn: (pid) => (pgid = pid),
      onLine: (line) => {
        if (line.startsWith('INFO') && !ac.signal.aborted) {
          during = groupMembers(pgid);
          ac.abort();
        }
      },
    });
    assert.equal(r!.outcome, 'cancelled');
    // `cargo run` execs the example on Unix, so the example is what runs in the group.
    assert.ok(during.some((p) => p.comm.startsWith('keccakf')), `the example not in the group: ${JSON.stringify(during)}`);
    assert.deepEqual(groupMembers(pgid), [], 'processes left behind');
    assert.match(recordedRows(readFileSync(path.join(copy.root, TRACKING_1), 'utf8'))[0]!, /\| cancelled \|/);
  }
});

test('cancelling while rustc compiles ends cargo and rustc', { timeout: 300_000 }, async () => {
  const copy = freshCopy();
  const fresh = path.join(tmpdir(), `ms-cargo-fresh-${process.pid}`);
  try {
    const config = structuredClone(DEFAULT_CONFIG);
    config.checks = [{ label: 'check', command: 'check', env: { CARGO_TARGET_DIR: fresh } }];
    const t = target(copy.root, config);
    const ac = new AbortController();
    let pgid = 0;
    let during: Array<{ pid: number; comm: string }> = [];
    const [r] = await executePlan(await planValidation('check', t), t, {
      signal: ac.signal,
      onSpawn: (pid) => (pgid = pid),
      onLine: (line) => {
        if (!/Checking openvm-metal-backend/.test(line)) return;
        // rustc starts just after cargo announces the crate: wait until it is in the group.
        const poll = setInterval(() => {
          during = groupMembers(pgid);
          if (during.some((p) => p.comm === 'rustc') || during.length === 0) {
            clearInterval(poll);
            ac.abort();
          }
        }, 10);
      },
    });
    assert.equal(r!.outcome, 'cancelled');
    assert.ok(during.some((p) => p.comm === 'cargo'), `cargo not in the group: ${JSON.stringify(during)}`);
    assert.ok(during.some((p) => p.comm === 'rustc'), `rustc not in the group: ${JSON.stringify(during)}`);
    assert.deepEqual(groupMembers(pgid), [], 'processes left behind');
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test('a workspace-wide configured check is refused before cargo runs', async () => {
  const copy = freshCopy();
  {
    const config = structuredClone(DEFAULT_CONFIG);
    config.checks = [{ label: 'check', command: 'check', args: ['--workspace'] }];
    await assert.rejects(planValidation('check', target(copy.root, config)), RefusedCommand);
    assert.deepEqual(recordedRows(readFileSync(path.join(copy.root, TRACKING_1), 'utf8')), []);
  }
});
