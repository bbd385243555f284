/**
 * Runs a child process with an argument array (never a shell), streaming its output, and ends
 * the whole process tree on cancellation: the child starts in its own process group (POSIX) so
 * cargo, rustc, build scripts and the program cargo runs all receive the signal.
 */

// execa is ESM-only; loading it on first use keeps this module importable from CommonJS
// (tests through tsx, the extension bundle).
let execaModule: Promise<typeof import('execa')> | undefined;
function loadExeca(): Promise<typeof import('execa')> {
  return (execaModule ??= import('execa'));
}

export interface RunOptions {
  cwd: string;
  /** Added to the current environment. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Called once the process has a pid. */
  onSpawn?: (pid: number) => void;
  /** Time between SIGTERM and SIGKILL on cancellation. */
  killGraceMs?: number;
}

export interface RunResult {
  /** undefined when the process ended by a signal or never started. */
  exitCode: number | undefined;
  signal: string | undefined;
  cancelled: boolean;
  durationMs: number;
  /** Set when the program could not be started (e.g. not on PATH). */
  spawnError: string | undefined;
  pid: number | undefined;
}

/** Sends `signal` to the process group led by `pid` (POSIX) or ends the tree (Windows). */
export async function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (process.platform === 'win32') {
    const { execa } = await loadExeca();
    await execa('taskkill', ['/pid', String(pid), '/T', '/F'], { reject: false });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // ESRCH: already gone
  }
}

/** True while any process of the group led by `pid` is alive (POSIX). */
export function groupAlive(pid: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function runProcess(file: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  if (opts.signal?.aborted) {
    return { exitCode: undefined, signal: undefined, cancelled: true, durationMs: 0, spawnError: undefined, pid: undefined };
  }
  const { execa } = await loadExeca();
  const child = execa(file, [...args], {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // Its own process group, so cancellation can signal every descendant at once.
    detached: process.platform !== 'win32',
    windowsHide: true,
    encoding: 'utf8',
  });
  const pid = child.pid;
  if (pid !== undefined) opts.onSpawn?.(pid);
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => opts.onStdout?.(chunk));
  child.stderr?.on('data', (chunk: string) => opts.onStderr?.(chunk));

  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (pid === undefined || cancelled) return;
    cancelled = true;
    void killTree(pid, 'SIGTERM');
    killTimer = setTimeout(() => {
      if (groupAlive(pid)) void killTree(pid, 'SIGKILL');
    }, opts.killGraceMs ?? 3000);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const r = await child;
    const spawnError =
      r.failed && r.exitCode === undefined && !r.signal ? ((r.cause as Error | undefined)?.message ?? r.shortMessage) : undefined;
    if (cancelled && pid !== undefined) await waitForGroupExit(pid, (opts.killGraceMs ?? 3000) + 2000);
    return {
      exitCode: r.exitCode,
      signal: r.signal,
      cancelled,
      durationMs: Date.now() - started,
      spawnError: cancelled ? undefined : spawnError,
      pid,
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
  }
}

/**
 * After the group leader exits, grandchildren may still be shutting down; wait (bounded) until
 * the group is empty, escalating to SIGKILL, so "cancelled" means nothing is left running.
 */
async function waitForGroupExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let killed = false;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) {
      if (killed) return;
      await killTree(pid, 'SIGKILL');
      killed = true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
