// The report says where the baseline was built: at the base commit (the base worktree) or, for a
// baseline captured in the working tree, that it is not the base commit.
import { test, after } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { prepareReport } from '../../../src/core/report';
import { addProfileRun } from '../../../src/core/cargo/profileRuns';
import { recordTraces, remove, startedRepo } from '../report/helpers';

const repos: string[] = [];
after(() => repos.forEach(remove));

async function reportWith(source: 'base-worktree' | 'current-tree'): Promise<string> {
  const root = await startedRepo();
  repos.push(root);
  const files = recordTraces(root);
  const common = {
    milestone: '2',
    command: 'cargo run -p openvm-metal-backend --example keccakf',
    outcome: 'passed' as const,
    durationMs: 1000,
  };
  await addProfileRun(root, {
    ...common,
    label: 'baseline',
    time: '2026-11-20T11:00:00.000Z',
    file: files.baseline,
    source,
    commit: 'a'.repeat(40),
  });
  await addProfileRun(root, {
    ...common,
    label: 'after',
    time: '2026-11-21T11:00:00.000Z',
    file: files.after,
    source: 'current-tree',
    commit: 'b'.repeat(40),
  });
  return (await prepareReport(root, '2', { owner: 'tester' })).markdown;
}

test('a baseline from the current tree is labelled as such; one from the base worktree names its commit', async () => {
  const current = await reportWith('current-tree');
  const line = current.split('\n').find((l) => l.startsWith('Baseline: '));
  assert.ok(line, current);
  assert.match(
    line,
    /^Baseline: `[^`]+-baseline\.txt` \(recorded profiling run of [^,]+, built from the current working tree, not the base commit; /,
  );
  assert.doesNotMatch(line.slice(line.indexOf('After: ')), /not the base commit/);

  const base = await reportWith('base-worktree');
  const baseLine = base.split('\n').find((l) => l.startsWith('Baseline: '))!;
  assert.match(baseLine, /built at the base commit `aaaaaaaaaaaa`/);
  assert.doesNotMatch(baseLine, /current working tree/);
});

test("an A/B session's report: warm-ups left out, the files named by their folder, extra program lines said once per side", async () => {
  const root = await startedRepo();
  repos.push(root);
  const dir = '.milestone-scope/traces/2';
  const { baseline, after: afterFile } = recordTraces(root);
  const common = {
    milestone: '2',
    command: 'target/release/examples/keccakf',
    outcome: 'passed' as const,
    durationMs: 1000,
    session: 'ab-x',
  };
  const runs: Array<{ label: 'baseline' | 'after'; warmup: boolean }> = [
    { label: 'baseline', warmup: true },
    { label: 'after', warmup: true },
    ...[1, 2, 3].flatMap(() => [
      { label: 'after' as const, warmup: false },
      { label: 'baseline' as const, warmup: false },
    ]),
  ];
  for (const [i, r] of runs.entries()) {
    const file = `${dir}/2026112${i}T110000Z-${r.label}.txt`;
    const tree = readFileSync(path.join(root, r.label === 'baseline' ? baseline : afterFile), 'utf8');
    writeFileSync(path.join(root, file), `$ ${common.command}   (A/B session ab-x, run ${i})\nkeccakf: simulating 1 proof\n${tree}`);
    await addProfileRun(root, { ...common, label: r.label, warmup: r.warmup, time: `2026-11-2${i}T11:00:00.000Z`, file });
  }
  const prepared = await prepareReport(root, '2', { owner: 'tester' });
  const line = prepared.markdown.split('\n').find((l) => l.startsWith('Baseline: '))!;
  assert.match(
    line,
    /^Baseline: `3 traces in \.milestone-scope\/traces\/2\/` \(A\/B session `ab-x`; 3 proofs\)\. After: `3 traces in \.milestone-scope\/traces\/2\/` \(A\/B session `ab-x`; 3 proofs\)\.$/,
  );
  assert.match(
    prepared.markdown,
    /^> Note: All 3 baseline traces have line\(s\) that were not understood \(\d+ each; first: \S+ line 2: "keccakf: simulating 1 proof"\)\.$/m,
  );
  // The first trace of each side line by line; the other two of each side in one warning.
  const folded = prepared.report.problems.filter((p) => p.code === 'report/trace-lines');
  assert.deepEqual(
    folded.map((p) => p.message.split(',')[0]),
    [
      '2 more recorded baseline trace(s) have lines that were not understood',
      '2 more recorded after trace(s) have lines that were not understood',
    ],
  );
  const detailed = prepared.report.problems.filter((p) => p.code === 'report/trace-line');
  assert.equal(new Set(detailed.map((p) => p.file)).size, 2, detailed.map((p) => p.file).join(', '));
  assert.ok(!prepared.report.problems.some((p) => p.code === 'report/warmups-included'));
});
