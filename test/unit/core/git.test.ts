import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gitHead, gitShowFile, gitTopLevel, gitUserName } from '../../../src/core/git';
import { ownerKey, resolveOwner, sameOwner } from '../../../src/core/owner';
import { METAL, STATUS, fixtureText, git, gitCopy } from './helpers';

test('git wrappers: top level, HEAD, user.name and a file at a revision', async () => {
  const dir = gitCopy(METAL, 'Bob Builder');
  const sub = path.join(dir, 'docs');
  assert.equal(realpathSync(await gitTopLevel(sub) ?? ''), realpathSync(dir));
  assert.equal(await gitHead(dir), git(dir, 'rev-parse', 'HEAD'));
  assert.equal(await gitUserName(dir), 'Bob Builder');
  assert.equal(await gitShowFile(dir, 'HEAD', STATUS), fixtureText(METAL, STATUS).replace(/\n$/, ''));
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
