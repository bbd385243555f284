/**
 * The one way this project runs git: an argument array (never a shell), the same environment for
 * every call (no prompts, no optional locks, C locale, output that ignores the user's colour and
 * path-quoting configuration) and one error type naming the command and git's own message.
 */

import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';

/** A git command that failed: the command, its exit code (undefined when it did not run to an end) and its output. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderr = '',
    readonly details: { exitCode?: number; stdout?: string; timedOut?: boolean } = {},
  ) {
    super(message);
    this.name = 'GitError';
  }
  get exitCode(): number | undefined {
    return this.details.exitCode;
  }
  get stdout(): string {
    return this.details.stdout ?? '';
  }
  get timedOut(): boolean {
    return this.details.timedOut === true;
  }
}

/**
 * Options that make git output the same whatever the user's configuration: no colour, no
 * external diff or text conversion, `a/` `b/` prefixes, unquoted UTF-8 paths.
 */
const STABLE = ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'color.ui=false'];

/** The environment of every git call (on top of the process's own). */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    // Never wait for a password or a host key: a prompt would hang the editor or the CLI.
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    // Read-only commands must not take the index lock the user's own git commands need.
    GIT_OPTIONAL_LOCKS: '0',
    // Messages in English, whatever the user's locale, so they can be recognised.
    LC_ALL: 'C',
    ...extra,
  };
}

export interface GitRunOptions {
  /** Text written to git's standard input. */
  input?: string;
  /** Exit codes that are not failures (e.g. 1 for "not found"). */
  okCodes?: number[];
  /** Variables added to the environment (e.g. `GIT_INDEX_FILE`). */
  env?: Record<string, string>;
  /** Stops git after this long; the GitError then has `timedOut`. */
  timeoutMs?: number;
}

export interface GitResult<T> {
  stdout: T;
  stderr: string;
  exitCode: number;
}

/** Git's output is read whole; past this it is stopped rather than exhausting memory. */
const MAX_OUTPUT = 1024 * 1024 * 1024;
/** After a timeout's SIGTERM, git gets this long before SIGKILL. */
const KILL_GRACE_MS = 5000;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
  tooLarge: boolean;
  spawnError?: NodeJS.ErrnoException;
}

/**
 * Node's own `spawn` rather than execa: git needs neither execa's streams nor its process-tree
 * handling, and loading execa cost a CLI run more than all of `scope`'s rule checks (README,
 * Dependencies).
 */
function spawnGit(cwd: string, args: readonly string[], options: GitRunOptions): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn('git', [...STABLE, ...args], {
      cwd,
      env: { ...process.env, ...gitEnv(options.env) },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let tooLarge = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const stop = () => {
      child.kill('SIGTERM');
      // What git started (a hook, an alias's shell) may hold the pipes open: stop reading them.
      child.stdout.destroy();
      child.stderr.destroy();
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs)
        : undefined;
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_OUTPUT) {
        if (!tooLarge) stop();
        tooLarge = true;
        return;
      }
      out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // git may exit before reading all its input (EPIPE): its exit status tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
    child.on('error', (e: NodeJS.ErrnoException) => (spawnError = e));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), timedOut, tooLarge, spawnError });
    });
  });
}

async function exec<T extends string | Buffer>(
  cwd: string,
  args: readonly string[],
  options: GitRunOptions,
  bytes: boolean,
): Promise<GitResult<T>> {
  const command = `git ${args.join(' ')}`;
  const r = await spawnGit(cwd, args, options);
  const stderr = r.stderr.trim();
  const text = () => r.stdout.toString('utf8');
  if (r.spawnError) {
    if (r.spawnError.code === 'ENOENT' && !isDirectory(cwd)) throw new GitError(`${command} failed: no folder ${cwd}`, args);
    if (r.spawnError.code === 'ENOENT') throw new GitError('git was not found on PATH', args);
    throw new GitError(`${command} failed: ${r.spawnError.message}`, args);
  }
  if (r.timedOut)
    throw new GitError(`${command} gave no answer within ${waited(options.timeoutMs ?? 0)}`, args, stderr, {
      stdout: text(),
      timedOut: true,
    });
  if (r.tooLarge) throw new GitError(`${command} failed: its output passed ${MAX_OUTPUT / 1024 / 1024} MiB`, args, stderr);
  const exitCode = r.code ?? undefined;
  if (exitCode === undefined || (exitCode !== 0 && !(options.okCodes ?? []).includes(exitCode))) {
    const why = stderr ? `: ${stderr}` : exitCode === undefined ? `: it was stopped by ${r.signal ?? 'a signal'}` : ` (exit ${exitCode})`;
    throw new GitError(`${command} failed${why}`, args, stderr, { exitCode, stdout: text() });
  }
  const stdout = (bytes ? r.stdout : text()) as T;
  return { stdout, stderr, exitCode };
}

function waited(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)}s`;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Runs git in `cwd`; a failure (an exit code not in `okCodes`, a timeout, no git) is a GitError. */
export function runGit(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult<string>> {
  return exec<string>(cwd, args, options, false);
}

/** As runGit, with the standard output as bytes (for blobs that may not be text). */
export function runGitBytes(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult<Buffer>> {
  return exec<Buffer>(cwd, args, options, true);
}

/** Git's answer trimmed, or undefined when git fails (not a repository, no such object, no git). */
export async function gitAnswer(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<string | undefined> {
  try {
    return (await runGit(cwd, args, options)).stdout.trim() || undefined;
  } catch (err) {
    if (err instanceof GitError) return undefined;
    throw err;
  }
}
