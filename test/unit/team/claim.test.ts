// The team-wide claim check: two clones of one bare repository.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { git, gitCopy, METAL, STATUS, tracking } from '../core/helpers';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {} };
  const code = await main(argv, io);
  let json: any = null;
  if (argv.includes('--json')) json = JSON.parse(stdout);
  return { code, stdout, stderr, json };
}

/** A bare repository holding the fixture, and two clones of it with different users. */
function team(): { bare: string; alice: string; bob: string } {
  const seed = gitCopy(METAL, 'seed');
  const top = mkdtempSync(path.join(tmpdir(), 'ms-team-'));
  dirs.push(seed, top);
  const bare = path.join(top, 'shared.git');
  git(top, 'clone', '-q', '--bare', seed, bare);
  const clone = (name: string) => {
    const dir = path.join(top, name);
    git(top, 'clone', '-q', bare, dir);
    git(dir, 'config', 'user.name', name);
    git(dir, 'config', 'user.email', `${name}@example.invalid`);
    git(dir, 'config', 'commit.gpgsign', 'false');
    return dir;
  };
  return { bare, alice: clone('alice'), bob: clone('bob') };
}

const read = (root: string, rel: string) => readFileSync(path.join(root, rel), 'utf8');

test('a milestone started and pushed from one clone is a conflict for the other', async () => {
  const { bare, alice, bob } = team();
  const branch = git(alice, 'symbolic-ref', '--short', 'HEAD');
  const bareBefore = git(bare, 'rev-parse', branch);

  const before = await cli(bob, 'preflight', '2', '--json');
  assert.equal(before.code, 0);
  assert.equal(before.json.decision, 'ready');
  assert.equal(before.json.remote.ref, `origin/${branch}`);
  assert.equal(before.json.remote.decision, 'ready');
  assert.deepEqual(before.json.warnings, []);

  const start = await cli(alice, 'start', '2', '--push', '--json');
  assert.equal(start.code, 0, start.stderr);
  assert.equal(start.json.started, true);
  assert.equal(start.json.pushed.ok, true);
  assert.equal(start.json.pushed.adopted, true);
  // One small commit on the shared branch, holding only the claim.
  const claim = git(bare, 'rev-parse', branch);
  assert.equal(start.json.pushed.commit, claim);
  assert.equal(git(bare, 'rev-parse', `${branch}^`), bareBefore);
  assert.deepEqual(git(bare, 'diff', '--name-only', bareBefore, claim).split('\n').sort(), [STATUS, tracking('2')].sort());
  assert.equal(git(bare, 'log', '-1', '--format=%s', branch), 'Start milestone 2 (alice)');
  // Alice's branch took the claim commit; her working copy is clean.
  assert.equal(git(alice, 'rev-parse', 'HEAD'), claim);
  assert.equal(git(alice, 'status', '--porcelain'), '');

  // Bob's copy still says M2 is not started, but the remote says alice has it.
  assert.doesNotMatch(read(bob, STATUS), /\|\s*2\s*\|[^\n]*alice/);
  const pre = await cli(bob, 'preflight', '2', '--json');
  assert.equal(pre.code, 4, pre.stderr);
  assert.equal(pre.json.decision, 'conflict');
  assert.equal(pre.json.owner, 'alice');
  assert.match(pre.json.reason, new RegExp(`in progress by alice .*on origin/${branch}; not yet in your copy`));
  assert.equal(pre.json.sources.status.decision, 'ready');
  assert.equal(pre.json.remote.decision, 'conflict');
  assert.equal(pre.json.remote.commit, claim);
  const text = await cli(bob, 'preflight', '2');
  assert.match(text.stdout, /CONFLICT/);
  assert.match(text.stdout, new RegExp(`origin/${branch}\\s+${claim.slice(0, 12)}: in progress by alice`));

  const statusBefore = read(bob, STATUS);
  const bobStart = await cli(bob, 'start', '2', '--json');
  assert.equal(bobStart.code, 4);
  assert.equal(bobStart.json.started, false);
  assert.deepEqual(bobStart.json.written, []);
  assert.equal(read(bob, STATUS), statusBefore);

  // --local looks only at the local documents.
  const local = await cli(bob, 'preflight', '2', '--local', '--json');
  assert.equal(local.code, 0);
  assert.equal(local.json.remote, null);

  // Alice herself resumes from either copy.
  const mine = await cli(alice, 'preflight', '2', '--json');
  assert.equal(mine.json.decision, 'resume');
});

test('start without --push changes only the local copy; the other clone stays ready', async () => {
  const { bare, alice, bob } = team();
  const branch = git(alice, 'symbolic-ref', '--short', 'HEAD');
  const head = git(bare, 'rev-parse', branch);
  const start = await cli(alice, 'start', '3', '--json');
  assert.equal(start.code, 0, start.stderr);
  assert.equal(start.json.pushed, null);
  assert.equal(git(bare, 'rev-parse', branch), head);
  const pre = await cli(bob, 'preflight', '3', '--json');
  assert.equal(pre.json.decision, 'ready');
});

test('claims pushed by both: the second push is refused after the fetch sees the first', async () => {
  const { alice, bob } = team();
  assert.equal((await cli(alice, 'start', '5', '--push', '--json')).code, 0);
  const second = await cli(bob, 'start', '5', '--push', '--json');
  assert.equal(second.code, 4);
  assert.equal(second.json.pushed, null);
  assert.deepEqual(second.json.written, []);
  assert.equal(git(bob, 'status', '--porcelain'), '');
});

test('an unreachable remote is a warning; the local decision stands', async () => {
  const { alice } = team();
  git(alice, 'remote', 'set-url', 'origin', path.join(tmpdir(), 'ms-no-such-remote', 'gone.git'));
  const pre = await cli(alice, 'preflight', '0', '--json');
  assert.equal(pre.code, 3);
  assert.equal(pre.json.decision, 'noop');
  assert.equal(pre.json.warnings.length, 1);
  assert.match(pre.json.warnings[0], /could not fetch origin/);
  const text = await cli(alice, 'preflight', '2');
  assert.equal(text.code, 0);
  assert.match(text.stderr, /^warning: could not fetch origin/m);
  const push = await cli(alice, 'start', '2', '--push', '--json');
  assert.equal(push.code, 1);
  assert.equal(push.json.started, false);
  assert.equal(push.json.pushed.ok, false);
  assert.match(push.json.pushed.error, /not pushed/);
  assert.equal(git(alice, 'status', '--porcelain'), '');
});

test('--push needs a remote; a repository without one is checked locally without warnings', async () => {
  const solo = gitCopy(METAL, 'solo');
  dirs.push(solo);
  const pre = await cli(solo, 'preflight', '2', '--json');
  assert.equal(pre.code, 0);
  assert.equal(pre.json.remote, null);
  assert.deepEqual(pre.json.warnings, []);
  const push = await cli(solo, 'start', '2', '--push');
  assert.equal(push.code, 2);
  assert.match(push.stderr, /--push: the repository has no remote/);
  assert.equal(git(solo, 'status', '--porcelain'), '');
  const bad = await cli(solo, 'preflight', '2', '--timeout', 'soon');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--timeout takes a positive number of seconds/);
});

test('a claim pushed against a branch that moved since the fetch is rejected, not forced', async () => {
  const { bare, alice, bob } = team();
  const { readRemoteClaim, pushClaim } = await import('../../../src/core/git/remoteClaim');
  const stale = await readRemoteClaim(bob, { status: STATUS, tracking: tracking('6') });
  assert.equal(stale.kind, 'ok');
  if (stale.kind !== 'ok') return;
  assert.equal((await cli(alice, 'start', '6', '--push', '--json')).code, 0);
  const moved = git(bare, 'rev-parse', stale.view.branch);
  const r = await pushClaim(bob, stale.view, { [STATUS]: 'overwritten\n' }, 'Start milestone 6 (bob)');
  assert.equal(r.ok, false);
  assert.match(r.error!, /moved since it was fetched \(someone else pushed\); run the pre-flight again/);
  assert.equal(git(bare, 'rev-parse', stale.view.branch), moved);
  assert.equal(git(bob, 'status', '--porcelain'), '');
});
