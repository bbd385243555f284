/**
 * The cargo runs executing in this extension host, so that none outlives it. Each run's
 * process tree is in a session of its own (see `runProcess`), so nothing reaches it when the
 * host goes unless we send it:
 * - deactivation (window closed or reloaded, extension disabled or updated) cancels every run
 *   and waits for the trees to end, so the host does not exit first and the runs are recorded;
 * - a SIGTERM, SIGINT or SIGHUP that would end the host without deactivation (the server
 *   stopped with Ctrl+C or by a service manager) first sends SIGTERM to every run's group.
 * No `vscode` import, so it is tested in plain Node.
 */
import { killTree } from '../core/cargo/run';

export interface LiveRun {
  readonly abort: AbortController;
  /** The process group of the command running now (its leader's pid). */
  pid?: number;
  /** Settles (never rejects) when the run has ended and been recorded. */
  readonly finished: Promise<void>;
}

const live = new Set<LiveRun>();

/** Registers a run for as long as `execute` takes; `execute` must not start before this returns. */
export function trackRun(abort: AbortController, execute: (run: LiveRun) => Promise<void>): LiveRun {
  const run = { abort, pid: undefined as number | undefined, finished: Promise.resolve() };
  live.add(run);
  if (live.size === 1) watchSignals(true);
  run.finished = execute(run)
    .catch(() => undefined)
    .finally(() => {
      live.delete(run);
      if (live.size === 0) watchSignals(false);
    });
  return run;
}

/** The runs executing now. */
export function liveRunCount(): number {
  return live.size;
}

/** Cancels every run: SIGTERM to each process group, sent before this returns. */
export function abortLiveRuns(): void {
  for (const run of live) run.abort.abort();
}

/**
 * For deactivation: cancels every run and resolves once they have all ended, SIGKILLing a group
 * still alive after `graceMs`. The extension host exits as soon as deactivation resolves (after
 * 5 s at the latest): without waiting, the runs' usual 3 s SIGTERM-to-SIGKILL grace would never
 * end and their "cancelled" records would be lost. Resolves after `timeoutMs` in any case.
 */
export async function endLiveRuns({ graceMs = 1500, timeoutMs = 4000 } = {}): Promise<void> {
  const runs = [...live];
  if (runs.length === 0) return;
  abortLiveRuns();
  const timers: NodeJS.Timeout[] = [];
  try {
    await Promise.race([
      Promise.all(runs.map((r) => r.finished)),
      new Promise<void>((resolve) => {
        timers.push(
          setTimeout(() => {
            for (const r of runs) if (live.has(r) && r.pid !== undefined) void killTree(r.pid, 'SIGKILL');
          }, graceMs),
          setTimeout(resolve, timeoutMs),
        );
      }),
    ]);
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
const onSignal = new Map(SIGNALS.map((signal) => [signal, () => endBySignal(signal)]));

function watchSignals(on: boolean): void {
  if (process.platform === 'win32') return;
  for (const [signal, listener] of onSignal) {
    if (on) process.on(signal, listener);
    else process.removeListener(signal, listener);
  }
}

function endBySignal(signal: (typeof SIGNALS)[number]): void {
  abortLiveRuns();
  watchSignals(false);
  // A listener replaces the signal's default action (ending the process): with ours gone and no
  // other, raise it again so the host ends as it would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
