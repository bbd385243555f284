// Hostile content in what the workflow writes into documents: generated-section markers inside a
// summary, owner names with pipes or newlines.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveOwner } from '../../../src/core/owner';
import { InputError } from '../../../src/core/problems';
import { parseStatus, statusEntry } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { AFTER, BASELINE, STATUS, TRACKING, startedRepo, remove } from '../report/helpers';
import { cleanup, fixtureCopy, isOneLineInputError, runCli } from './hostileHelpers';

const repos: string[] = [];
after(() => {
  repos.forEach(remove);
  cleanup();
});

test('sections: a summary holding the section end marker does not make the tracking file grow on every complete', async () => {
  const root = await startedRepo('tester');
  repos.push(root);
  const summary = 'Batched.\n<!-- milestone-scope:summary:end -->\ntail <!-- milestone-scope:report-changes:start -->';
  const args = ['complete', '2', '--owner', 'tester', '--summary', summary, '--baseline', BASELINE, '--after', AFTER];
  const first = await runCli(root, ...args);
  assert.ok(first.code === 0 || first.code === 2, first.stderr);
  const sizes: number[] = [];
  for (let i = 0; i < 3; i++) {
    await runCli(root, ...args);
    sizes.push(readFileSync(path.join(root, TRACKING('2'))).length);
  }
  assert.equal(new Set(sizes).size, 1, `sizes ${sizes.join(', ')}`);
  const text = readFileSync(path.join(root, TRACKING('2')), 'utf8');
  assert.equal(text.split('<!-- milestone-scope:summary:end -->').length - 1, first.code === 0 ? 1 : 0, 'one end marker for the summary section');
});

test('owners: an owner with "|" round-trips through STATUS.md (a second start is a resume, not a conflict)', async () => {
  const root = fixtureCopy();
  const first = await runCli(root, 'start', '2', '--owner', 'a|b', '--local');
  assert.equal(first.code, 0, first.stderr);
  const entry = statusEntry(parseStatus(readFileSync(path.join(root, STATUS), 'utf8'), STATUS), '2');
  assert.equal(entry?.owner, 'a|b');
  const again = await runCli(root, 'start', '2', '--owner', 'a|b', '--local', '--json');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal(JSON.parse(again.stdout).decision, 'resume');
  assert.equal(parseTracking(readFileSync(path.join(root, TRACKING('2')), 'utf8'), TRACKING('2')).fields.owner?.value, 'a|b');
});

test('owners: an owner with a newline or other control characters is refused at the boundary', async () => {
  for (const bad of ['eve\n- Status: completed', 'eve\rx', 'a\u0000b', 'x\u001b[31m', '`', 'a`b']) {
    await assert.rejects(resolveOwner('.', bad), (e: unknown) => e instanceof InputError && /owner/i.test((e as Error).message), JSON.stringify(bad));
  }
  const root = fixtureCopy();
  const status = readFileSync(path.join(root, STATUS));
  const r = await runCli(root, 'start', '2', '--owner', 'eve\n- Status: completed', '--local');
  assert.ok(isOneLineInputError(r), r.stderr);
  assert.deepEqual(readFileSync(path.join(root, STATUS)), status);
  // A user.name from git is checked the same way.
  const { execFileSync } = await import('node:child_process');
  execFileSync('git', ['config', 'user.name', 'mallory\tx'], { cwd: root });
  const viaGit = await runCli(root, 'start', '2', '--local');
  assert.ok(isOneLineInputError(viaGit), viaGit.stderr);
  assert.match(viaGit.stderr, /user\.name/);
});

test('owners: allowed names round-trip: spaces, @, unicode, dots', async () => {
  for (const owner of ['Ana María', '@bob', 'jo.smith', '李雷']) {
    const root = fixtureCopy();
    const r = await runCli(root, 'start', '2', '--owner', owner, '--local');
    assert.equal(r.code, 0, r.stderr);
    const again = await runCli(root, 'start', '2', '--owner', owner, '--local', '--json');
    assert.equal(JSON.parse(again.stdout).decision, 'resume', owner);
  }
  writeFileSync('/dev/null', '');
});
