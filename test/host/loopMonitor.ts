// Measures how long the code on an event loop's thread runs without a break, while other work
// (a worker thread, other processes) runs beside it. A 10 ms timer ticks on the loop; a task of
// L ms keeps it from ticking, so some interval between two ticks holds all of that task. For each
// interval three figures are kept, and their maximum reported:
// - cpu: CPU time the thread used (process.threadCpuUsage from Node 23.9, else
//   /proc/thread-self/schedstat on Linux). An upper bound of the longest task's CPU time that a busy machine does not inflate:
//   the figure the "no task over 50 ms" budget is checked against;
// - busy: time the loop spent outside its wait for events (performance.eventLoopUtilization);
//   also counts the time the thread waited for a CPU in the middle of a task;
// - gap: wall-clock time between the ticks (what a user waits for), which also grows when a
//   loaded machine leaves an idle thread waiting for a CPU after its timer is due.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface LoopStats {
  /** Longest CPU time of the thread between two ticks, ms (undefined where it cannot be read). */
  maxCpuMs: number | undefined;
  /** Longest busy (non-idle) time between two ticks, ms. */
  maxBusyMs: number;
  /** Longest wall-clock time between two ticks, ms. */
  maxGapMs: number;
  /** Event-loop delay histogram (perf_hooks.monitorEventLoopDelay): max and p99, ms. */
  delayMaxMs: number;
  delayP99Ms: number;
  /** Time the thread waited for a CPU while runnable, ms in all (Linux schedstat), when known. */
  runQueueMs: number | undefined;
  /** The intervals with the most CPU (or busy) time, at most 5: when they ended (ms after start). */
  worst: Array<{ atMs: number; cpuMs?: number; busyMs: number; gapMs: number }>;
  ticks: number;
  durationMs: number;
}

export const TICK_MS = 10;

type CpuClock = () => { cpuMs: number; waitMs?: number };

/** The calling thread's CPU time (and, on Linux, its time waiting for a CPU), ms; undefined where neither source exists. */
export function cpuClock(): CpuClock | undefined {
  const threadCpu = (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage;
  const file = '/proc/thread-self/schedstat';
  let schedstat = false;
  try {
    readFileSync(file, 'utf8');
    schedstat = true;
  } catch {
    // not Linux
  }
  const sched = () => readFileSync(file, 'utf8').split(' ').map(Number) as [number, number];
  if (threadCpu) {
    return () => {
      const u = threadCpu.call(process);
      return { cpuMs: (u.user + u.system) / 1000, ...(schedstat ? { waitMs: sched()[1] / 1e6 } : {}) };
    };
  }
  if (schedstat) {
    return () => {
      const [run, wait] = sched();
      return { cpuMs: run / 1e6, waitMs: wait / 1e6 };
    };
  }
  return undefined;
}

export class LoopMonitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: TICK_MS });
  private readonly clock = cpuClock();
  private timer: ReturnType<typeof setInterval> | undefined;
  private started = 0;
  private last = 0;
  private lastElu: EventLoopUtilization | undefined;
  private lastCpu: { cpuMs: number; waitMs?: number } | undefined;
  private firstCpu: { cpuMs: number; waitMs?: number } | undefined;
  private maxGap = 0;
  private maxBusy = 0;
  private maxCpu = 0;
  private ticks = 0;
  private worst: LoopStats['worst'] = [];

  start(): this {
    this.started = this.last = performance.now();
    this.lastElu = performance.eventLoopUtilization();
    this.firstCpu = this.lastCpu = this.clock?.();
    this.histogram.enable();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    return this;
  }

  private tick(): void {
    const now = performance.now();
    const elu = performance.eventLoopUtilization();
    const cpu = this.clock?.();
    const gap = now - this.last;
    const busy = elu.active - this.lastElu!.active;
    const cpuMs = cpu && this.lastCpu ? cpu.cpuMs - this.lastCpu.cpuMs : undefined;
    this.maxGap = Math.max(this.maxGap, gap);
    this.maxBusy = Math.max(this.maxBusy, busy);
    if (cpuMs !== undefined) this.maxCpu = Math.max(this.maxCpu, cpuMs);
    const score = cpuMs ?? busy;
    if (this.worst.length < 5 || score > (this.worst.at(-1)!.cpuMs ?? this.worst.at(-1)!.busyMs)) {
      this.worst.push({ atMs: now - this.started, ...(cpuMs !== undefined ? { cpuMs } : {}), busyMs: busy, gapMs: gap });
      this.worst.sort((a, b) => (b.cpuMs ?? b.busyMs) - (a.cpuMs ?? a.busyMs));
      this.worst.length = Math.min(this.worst.length, 5);
    }
    this.last = now;
    this.lastElu = elu;
    this.lastCpu = cpu;
    this.ticks++;
  }

  stop(): LoopStats {
    this.tick();
    if (this.timer) clearInterval(this.timer);
    this.histogram.disable();
    const wait = this.lastCpu?.waitMs !== undefined && this.firstCpu?.waitMs !== undefined ? this.lastCpu.waitMs - this.firstCpu.waitMs : undefined;
    return {
      maxCpuMs: this.clock ? this.maxCpu : undefined,
      maxBusyMs: this.maxBusy,
      maxGapMs: this.maxGap,
      delayMaxMs: this.histogram.max / 1e6,
      delayP99Ms: this.histogram.percentile(99) / 1e6,
      runQueueMs: wait,
      worst: this.worst,
      ticks: this.ticks,
      durationMs: performance.now() - this.started,
    };
  }
}

const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(1)} ms`);

export function formatLoopStats(s: LoopStats): string {
  const worst = s.worst.map((w) => `${w.cpuMs !== undefined ? `cpu ${w.cpuMs.toFixed(0)}/` : ''}busy ${w.busyMs.toFixed(0)}/gap ${w.gapMs.toFixed(0)} ms at ${(w.atMs / 1000).toFixed(2)} s`).join(', ');
  return (
    `longest stretch: CPU ${ms(s.maxCpuMs)}, busy ${ms(s.maxBusyMs)}, timer gap ${ms(s.maxGapMs)}; ` +
    `loop delay max ${ms(s.delayMaxMs)} / p99 ${ms(s.delayP99Ms)}; waited for a CPU ${ms(s.runQueueMs)} in all; ` +
    `${s.ticks} ticks over ${(s.durationMs / 1000).toFixed(1)} s; worst intervals: ${worst}`
  );
}
