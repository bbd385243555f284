// The report says where the baseline was built: at the base commit (the base worktree) or, for a
// baseline captured in the working tree, that it is not the base commit.
import { test, after } from 'node:test';
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
  const common = { milestone: '2', command: 'cargo run -p openvm-metal-backend --example keccakf', outcome: 'passed' as const, durationMs: 1000 };
  await addProfileRun(root, { ...common, label: 'baseline', time: '2026-11-20T11:00:00.000Z', file: files.baseline, source, commit: 'a'.repeat(40) });
  await addProfileRun(root, { ...common, label: 'after', time: '2026-11-21T11:00:00.000Z', file: files.after, source: 'current-tree', commit: 'b'.repeat(40) });
  return (await prepareReport(root, '2', { owner: 'tester' })).markdown;
}

test('a baseline from the current tree is labelled as such; one from the base worktree names its commit', async () => {
  const current = await reportWith('current-tree');
  const line = current.split('\n').find((l) => l.startsWith('Baseline: '));
  assert.ok(line, current);
  assert.match(line, /^Baseline: `[^`]+-baseline\.txt` \(recorded profiling run of [^,]+, built from the current working tree, not the base commit; /);
  assert.doesNotMatch(line.slice(line.indexOf('After: ')), /not the base commit/);

  const base = await reportWith('base-worktree');
  const baseLine = base.split('\n').find((l) => l.startsWith('Baseline: '))!;
  assert.match(baseLine, /built at the base commit `aaaaaaaaaaaa`/);
  assert.doesNotMatch(baseLine, /current working tree/);
});
