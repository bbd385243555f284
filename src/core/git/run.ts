/**
 * The one way this project runs git: an argument array (never a shell), the same environment for
 * every call (no prompts, no optional locks, C locale, output that ignores the user's colour and
 * path-quoting configuration) and one error type naming the command and git's own message.
 */

// execa is ESM-only; loading it on first use keeps this module importable from CommonJS
// (tests run through tsx, the extension bundle) and off the extension's activation path.
let execaModule: Promise<typeof import('execa')> | undefined;
function loadExeca(): Promise<typeof import('execa')> {
  return (execaModule ??= import('execa'));
}

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

async function exec<T extends string | Buffer>(
  cwd: string,
  args: readonly string[],
  options: GitRunOptions,
  bytes: boolean,
): Promise<GitResult<T>> {
  const { execa } = await loadExeca();
  const command = `git ${args.join(' ')}`;
  let r;
  try {
    r = await execa('git', [...STABLE, ...args], {
      cwd,
      input: options.input,
      encoding: bytes ? 'buffer' : 'utf8',
      stripFinalNewline: false,
      reject: false,
      timeout: options.timeoutMs,
      env: gitEnv(options.env),
      maxBuffer: 1024 * 1024 * 1024,
    });
  } catch (err) {
    throw new GitError(`${command} failed: ${(err as Error).message}`, args);
  }
  const text = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v ?? ''));
  const stderr = text(r.stderr).trim();
  if ((r as { code?: string }).code === 'ENOENT') throw new GitError('git was not found on PATH', args);
  if (r.timedOut)
    throw new GitError(`${command} gave no answer within ${Math.round((options.timeoutMs ?? 0) / 1000)}s`, args, stderr, {
      stdout: text(r.stdout),
      timedOut: true,
    });
  const exitCode = r.exitCode;
  if (exitCode === undefined || (exitCode !== 0 && !(options.okCodes ?? []).includes(exitCode))) {
    const why = stderr ? `: ${stderr}` : exitCode === undefined ? `: ${r.message ?? 'it did not run'}` : ` (exit ${exitCode})`;
    throw new GitError(`${command} failed${why}`, args, stderr, { exitCode, stdout: text(r.stdout) });
  }
  const stdout = (bytes ? Buffer.from(r.stdout as Uint8Array) : text(r.stdout)) as T;
  return { stdout, stderr, exitCode };
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
