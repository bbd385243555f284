// Soak: `milestone-scope start` and `complete` (real CLI processes, dist/cli.js) killed with SIGKILL
// at random (seeded) moments. After each kill every one of the two files (STATUS.md, the tracking
// file) is its old or its new content, never a mix; after the next run of the same command the pair
// is the new one, consistent, and no lock, temporary or journal is left.
//
// 2 kills by default (one start, one complete: short, for `npm run test:unit`), 100 under `npm run fuzz`; SOAK_KILLS sets
// another number, SOAK_SEED another seed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli, CLI } from '../cli/run';
import { AFTER, BASELINE, remove, startedRepo, STATUS, TRACKING } from '../report/helpers';
import { git } from '../core/helpers';

const KILLS = Number(process.env.SOAK_KILLS ?? (process.env.npm_lifecycle_event === 'fuzz' ? 100 : 2));
const SEED = Number(process.env.SOAK_SEED ?? 20);

let root: string;
before(async () => {
  await buildCli();
  root = await startedRepo('tester');
});
after(() => remove(root));

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ARGS: Record<'start' | 'complete', string[]> = {
  start: ['start', '2', '--owner', 'tester', '--local'],
  complete: ['complete', '2', '--owner', 'tester', '--summary', 'Batched the copies.', '--baseline', BASELINE, '--after', AFTER],
};

/** Runs a command; with `killAfterMs`, SIGKILLs it then. Resolves with whether it was killed and its exit code. */
function run(cmd: 'start' | 'complete', killAfterMs?: number, killAtStep?: number): Promise<{ killed: boolean; code: number | null; ms: number; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const env = killAtStep === undefined ? process.env : { ...process.env, MILESTONE_SCOPE_FAULT: `kill-at:${killAtStep}` };
    const child = spawn(process.execPath, [CLI, ...ARGS[cmd]], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code, ms: Date.now() - t0, stderr });
    });
  });
}

type Pair = { status: string; tracking: string | undefined };
const files = () => ({ status: path.join(root, STATUS), tracking: path.join(root, TRACKING('2')) });
function readPair(): Pair {
  const f = files();
  return { status: readFileSync(f.status, 'latin1'), tracking: existsSync(f.tracking) ? readFileSync(f.tracking, 'latin1') : undefined };
}
function writePair(p: Pair): void {
  const f = files();
  writeFileSync(f.status, Buffer.from(p.status, 'latin1'));
  if (p.tracking === undefined) rmSync(f.tracking, { force: true });
  else writeFileSync(f.tracking, Buffer.from(p.tracking, 'latin1'));
}
function leftovers(): string[] {
  const dir = path.dirname(files().status);
  const own = (n: string) => /^\..*\.(lock|tmp|journal)$/.test(n);
  return [...readdirSync(dir).filter(own), ...readdirSync(root).filter(own)];
}

test(`soak: ${KILLS} kill -9 at random points during start and complete; old-or-new, whole after the next run, nothing left`, { timeout: 60_000 + KILLS * 20_000 }, async () => {
  // The states each command goes from and to, and how long it takes unkilled.
  git(root, 'checkout', '-q', '--', STATUS);
  rmSync(files().tracking, { force: true });
  const notStarted = readPair();
  const s = await run('start');
  assert.equal(s.code, 0, s.stderr);
  const started = readPair();
  const c = await run('complete');
  assert.equal(c.code, 0, c.stderr);
  const completed = readPair();
  const took = { start: s.ms, complete: c.ms };
  const from = { start: notStarted, complete: started };
  const to = { start: started, complete: completed };

  const random = rng(SEED);
  const tally = { killed: 0, finished: 0, halfDone: 0, midWrite: 0 };
  for (let i = 0; i < KILLS; i++) {
    const cmd = i % 2 === 0 ? 'start' : 'complete';
    writePair(from[cmd]);
    // Half the kills come from outside at a random moment (the files are written at the end of a
    // run: most land in its second half, some after it); the write itself lasts milliseconds, so
    // the other half are SIGKILLs the process sends itself at a random one of the eight points of
    // its write (MILESTONE_SCOPE_FAULT; a ninth value lets it finish).
    const r = random() < 0.5 ? await run(cmd, Math.floor(took[cmd] * (0.3 + 0.8 * random()))) : await run(cmd, undefined, 1 + Math.floor(random() * 9));
    if (r.killed) tally.killed++;
    else tally.finished++;
    const now = readPair();
    const what = `kill ${i + 1} (${cmd}, ${r.killed ? 'killed' : `exit ${r.code}`})`;
    assert.ok(now.status === from[cmd].status || now.status === to[cmd].status, `${what}: STATUS.md is neither old nor new`);
    assert.ok(now.tracking === from[cmd].tracking || now.tracking === to[cmd].tracking, `${what}: the tracking file is neither old nor new`);
    if ((now.status === to[cmd].status) !== (now.tracking === to[cmd].tracking)) tally.halfDone++;
    if (leftovers().length > 0) tally.midWrite++;

    const next = await run(cmd);
    assert.equal(next.code, 0, `${what}, then the next run: ${next.stderr}`);
    assert.deepEqual(readPair(), to[cmd], `${what}: the next run leaves the new pair`);
    assert.deepEqual(leftovers(), [], `${what}: the next run leaves no lock, temporary or journal`);
  }
  console.log(`soak: ${KILLS} runs, ${tally.killed} killed, ${tally.finished} finished first; ${tally.halfDone} left a half-done pair and ${tally.midWrite} left a lock, temporary or journal, all repaired by the next run`);
});
