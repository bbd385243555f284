import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProcess, groupAlive } from '../../../src/core/cargo/run';
import { groupMembers } from './helpers';

// A parent that starts two grandchildren and waits on them: the shape of cargo running rustc.
const TREE = `
const { spawn } = require('node:child_process');
for (let i = 0; i < 2; i++) spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
console.log('started');
setTimeout(() => {}, 60000);
`;

test('streams output and reports the exit code', async () => {
  let out = '';
  let err = '';
  const r = await runProcess(process.execPath, ['-e', 'console.log("a b"); console.error("warn"); process.exit(3)'], {
    cwd: process.cwd(),
    onStdout: (c) => (out += c),
    onStderr: (c) => (err += c),
  });
  assert.equal(r.exitCode, 3);
  assert.equal(r.cancelled, false);
  assert.equal(out, 'a b\n');
  assert.equal(err, 'warn\n');
});

test('arguments are passed as they are, never through a shell', async () => {
  let out = '';
  const tricky = ['$(echo injected)', 'a;b', '"quoted" \'x\'', '*'];
  await runProcess(process.execPath, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...tricky], {
    cwd: process.cwd(),
    onStdout: (c) => (out += c),
  });
  assert.deepEqual(JSON.parse(out), tricky);
});

test('a missing program is a spawn error, not a crash', async () => {
  const r = await runProcess('definitely-not-a-program-ms', [], { cwd: process.cwd() });
  assert.ok(r.spawnError, 'expected a spawn error');
  assert.equal(r.exitCode, undefined);
});

test('cancelling ends the whole process tree', { skip: process.platform === 'win32' }, async () => {
  const ac = new AbortController();
  let pid: number | undefined;
  let members: Array<{ pid: number; comm: string }> = [];
  const done = runProcess(process.execPath, ['-e', TREE], {
    cwd: process.cwd(),
    signal: ac.signal,
    onSpawn: (p) => (pid = p),
    onStdout: (c) => {
      if (c.includes('started')) {
        members = groupMembers(pid!);
        ac.abort();
      }
    },
  });
  const r = await done;
  assert.equal(r.cancelled, true);
  assert.ok(members.length >= 3, `expected the parent and two children in the group, saw ${JSON.stringify(members)}`);
  assert.equal(groupAlive(pid!), false, 'processes of the group are still alive');
  assert.deepEqual(groupMembers(pid!), []);
});

test('an already aborted signal starts nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  let spawned = false;
  const r = await runProcess(process.execPath, ['-e', ''], { cwd: process.cwd(), signal: ac.signal, onSpawn: () => (spawned = true) });
  assert.equal(r.cancelled, true);
  assert.equal(spawned, false);
});
