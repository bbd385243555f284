import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gitHead, gitShowFile, gitTopLevel, gitUserName } from '../../../src/core/git/repo';
import { gitEnv, GitError, runGit, runGitBytes } from '../../../src/core/git/run';
import { ownerKey, resolveOwner, sameOwner } from '../../../src/core/owner';
import { METAL, STATUS, fixtureText, git, gitCopy } from './helpers';

test('git wrappers: top level, HEAD, user.name and a file at a revision', async () => {
  const dir = gitCopy(METAL, 'Bob Builder');
  const sub = path.join(dir, 'docs');
  assert.equal(realpathSync(await gitTopLevel(sub) ?? ''), realpathSync(dir));
  assert.equal(await gitHead(dir), git(dir, 'rev-parse', 'HEAD'));
  assert.equal(await gitUserName(dir), 'Bob Builder');
  assert.equal(await gitShowFile(dir, 'HEAD', STATUS), fixtureText(METAL, STATUS), 'the file as stored, final newline included');
  assert.equal(await gitShowFile(dir, 'HEAD', 'no/such/file'), undefined);
});

test('outside a repository the wrappers answer undefined', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-nogit-'));
  mkdirSync(path.join(dir, 'x'));
  const env = process.env.GIT_CEILING_DIRECTORIES;
  process.env.GIT_CEILING_DIRECTORIES = path.dirname(dir);
  try {
    assert.equal(await gitTopLevel(path.join(dir, 'x')), undefined);
    assert.equal(await gitHead(dir), undefined);
  } finally {
    if (env === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = env;
  }
});

test('owner: --owner, else git user.name, else the login; compared without case or @', async () => {
  const dir = gitCopy(METAL, 'carol');
  assert.deepEqual(await resolveOwner(dir, ' @dave '), { name: '@dave', source: 'option' });
  assert.deepEqual(await resolveOwner(dir), { name: 'carol', source: 'git' });
  git(dir, 'config', '--unset', 'user.name');
  const fallback = await resolveOwner(dir);
  if (fallback.source === 'login') assert.ok(fallback.name.length > 0);
  else assert.equal(fallback.source, 'git', 'a global user.name may still apply');
  assert.equal(ownerKey('@Bob '), 'bob');
  assert.equal(sameOwner('@bob', 'BOB'), true);
  assert.equal(sameOwner('bob', 'bobby'), false);
  assert.equal(sameOwner(undefined, 'bob'), false);
  assert.equal(sameOwner('@', ''), false);
});

test('the git runner: one environment, argument arrays, a GitError naming the command and git\'s message', async () => {
  const env = gitEnv();
  assert.equal(env.GIT_OPTIONAL_LOCKS, '0');
  assert.equal(env.LC_ALL, 'C');
  assert.equal(env.GIT_TERMINAL_PROMPT, '0');
  const dir = gitCopy(METAL, 'Bob Builder');
  // The environment reaches git: an alias running `env` prints what git was given.
  const seen = (await runGit(dir, ['-c', 'alias.showenv=!env', 'showenv'])).stdout;
  assert.match(seen, /^GIT_OPTIONAL_LOCKS=0$/m);
  assert.match(seen, /^LC_ALL=C$/m);
  // An argument with shell metacharacters is one argument, never run by a shell.
  const odd = 'x; echo pwned $(id)';
  await assert.rejects(runGit(dir, ['rev-parse', '--verify', odd]), (err: unknown) => {
    assert.ok(err instanceof GitError);
    assert.equal(err.message.startsWith(`git rev-parse --verify ${odd} failed: `), true, err.message);
    assert.match(err.stderr, /fatal: /);
    assert.equal(err.exitCode, 128);
    assert.deepEqual(err.args, ['rev-parse', '--verify', odd]);
    return true;
  });
  // Exit codes given as answers are not failures.
  const quiet = await runGit(dir, ['rev-parse', '--verify', '--quiet', 'no-such-ref'], { okCodes: [1] });
  assert.equal(quiet.exitCode, 1);
  // Bytes in, bytes out.
  const head = git(dir, 'rev-parse', 'HEAD');
  const bytes = await runGitBytes(dir, ['cat-file', '--batch-check'], { input: `${head}\n` });
  assert.equal(bytes.stdout.toString('utf8'), `${head} commit ${git(dir, 'cat-file', '-s', 'HEAD')}\n`);
});

test('the git runner: a timeout stops git and what it started, a missing folder and unread input are told apart', async () => {
  const dir = gitCopy(METAL, 'Bob Builder');
  // An alias's shell keeps git's pipes open: the timeout still answers at once.
  const t0 = Date.now();
  await assert.rejects(runGit(dir, ['-c', 'alias.slow=!sleep 60', 'slow'], { timeoutMs: 300 }), (err: unknown) => {
    assert.ok(err instanceof GitError);
    assert.equal(err.timedOut, true);
    assert.match(err.message, /^git -c alias\.slow=!sleep 60 slow gave no answer within 300 ms$/);
    return true;
  });
  assert.ok(Date.now() - t0 < 50_000, 'answered before the alias ended');
  await assert.rejects(runGit(path.join(dir, 'no-such-folder'), ['status']), (err: unknown) => {
    assert.ok(err instanceof GitError);
    assert.match(err.message, /^git status failed: no folder .*no-such-folder$/);
    return true;
  });
  // Input git never reads (it exits first) is not an error: its exit status is the answer.
  const head = await runGit(dir, ['rev-parse', 'HEAD'], { input: 'x'.repeat(4 * 1024 * 1024) });
  assert.equal(head.stdout.trim(), git(dir, 'rev-parse', 'HEAD'));
});
