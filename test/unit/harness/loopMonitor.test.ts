// The event-loop monitor the big-trace host test and benchmark rely on: it must see a long task
// on the loop, and not mistake waiting (or other threads' work) for one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuClock, LoopMonitor } from '../../host/loopMonitor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clock = cpuClock();

/** A synchronous task that uses `ms` of this thread's CPU (however long a busy machine makes it take). */
function spin(ms: number): void {
  const now = clock ? () => clock().cpuMs : () => performance.now();
  const end = now() + ms;
  while (now() < end) {
    // a synchronous task
  }
}

test('a synchronous task of 120 ms of CPU shows as a stretch of as much CPU, busy time and timer gap', async () => {
  const m = new LoopMonitor().start();
  await sleep(50);
  spin(120);
  await sleep(50);
  const s = m.stop();
  assert.ok(s.maxGapMs >= 115, `gap ${s.maxGapMs}`);
  assert.ok(s.maxBusyMs >= 115, `busy ${s.maxBusyMs}`);
  // Wall-clock figures can only be longer than the CPU time.
  if (s.maxCpuMs !== undefined) assert.ok(s.maxCpuMs >= 115 && s.maxCpuMs <= s.maxBusyMs + 5, `cpu ${s.maxCpuMs}, busy ${s.maxBusyMs}`);
  assert.ok(s.worst[0]!.gapMs >= 115);
});

test('waiting is not counted as a task: no stretch holds the wait as CPU time', async () => {
  const m = new LoopMonitor().start();
  // A wait of 120 ms with nothing else on the loop, then short tasks between waits.
  await sleep(120);
  for (let i = 0; i < 20; i++) {
    spin(2);
    await sleep(5);
  }
  const s = m.stop();
  assert.ok(s.ticks >= 5);
  // The 20 spins hold 40 ms of CPU in all; a stretch that counted the 120 ms wait as work would
  // hold more than 100. A busy machine lengthens the gaps (wall clock), never the thread's CPU
  // time, so this holds on any machine. (The longest gap need not be the wait's: the monitor
  // ticks through an idle wait, so on a quiet machine the longest gap is a stretch of spins.)
  if (s.maxCpuMs !== undefined) assert.ok(s.maxCpuMs < 100, `cpu ${s.maxCpuMs}, gap ${s.maxGapMs}`);
});
