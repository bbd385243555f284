/**
 * The baseline's own checkout: a git worktree of the milestone's base commit under
 * `.milestone-scope/base` (git-ignored with the rest of the state folder), with its own cargo
 * target folder `.milestone-scope/base-target` kept between runs so rebuilds are incremental.
 *
 * It never touches the user's working tree, index or stash: the worktree is added detached
 * (`git worktree add --detach`, which writes only under `.git/worktrees/`), and every later
 * command runs inside it (`git -C <worktree>`). A worktree is created under a temporary name and
 * renamed (`git worktree move`) once complete, so an interrupted creation never leaves a
 * half-made worktree under the real name; leftovers of an interrupted creation are removed the
 * next time. Hooks are disabled for these commands (a user's post-checkout hook is for the
 * user's checkout).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveCommit } from '../git/diff';
import { GitError, runGit } from '../git/run';
import { ensureStateDirIgnored, STATE_DIR } from '../cargo/profileRuns';
import { InputError } from '../problems';

export const BASE_WORKTREE = `${STATE_DIR}/base`;
export const BASE_TARGET_DIR = `${STATE_DIR}/base-target`;
const TEMP_PREFIX = 'base.tmp-';

/** Where the baseline of a profiling run was built and run. */
export type BaselineSource = 'base-worktree' | 'current-tree';

export interface BaseWorktree {
  /** Absolute path of the worktree. */
  dir: string;
  /** Absolute path of its cargo target folder. */
  targetDir: string;
  /** The commit checked out (full id). */
  commit: string;
  /** What this call did. */
  action: 'created' | 'reused' | 'moved';
}

/** git options for commands on the base worktree: no user hooks, no optional locks. */
const QUIET = ['-c', 'core.hooksPath=/dev/null'];

function worktreeGit(cwd: string, args: string[], okCodes?: number[]) {
  return runGit(cwd, [...QUIET, ...args], { okCodes });
}

interface ListedWorktree {
  path: string;
  head?: string;
}

async function listWorktrees(root: string): Promise<ListedWorktree[]> {
  const { stdout } = await worktreeGit(root, ['worktree', 'list', '--porcelain']);
  const out: ListedWorktree[] = [];
  let cur: ListedWorktree | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('worktree ')) {
      cur = { path: line.slice('worktree '.length) };
      out.push(cur);
    } else if (line.startsWith('HEAD ') && cur) cur.head = line.slice(5).trim();
  }
  return out;
}

async function samePath(a: string, b: string): Promise<boolean> {
  const real = async (p: string) => fs.realpath(p).catch(() => path.resolve(p));
  return (await real(a)) === (await real(b));
}

async function findListed(root: string, dir: string): Promise<ListedWorktree | undefined> {
  for (const w of await listWorktrees(root)) if (await samePath(w.path, dir)) return w;
  return undefined;
}

/** Removes a worktree registration and its folder, whatever state it is in. */
async function discard(root: string, dir: string): Promise<void> {
  await worktreeGit(root, ['worktree', 'remove', '--force', '--force', dir], [128]).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
  await worktreeGit(root, ['worktree', 'prune'], [128]).catch(() => undefined);
}

/** Leftovers of an interrupted creation. */
async function removeLeftovers(root: string): Promise<void> {
  const state = path.join(root, STATE_DIR);
  let names: string[] = [];
  try {
    names = await fs.readdir(state);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(TEMP_PREFIX)) await discard(root, path.join(state, n));
}

function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}

/**
 * The base worktree at `base` (a commit or revision of the repository at `root`): created the
 * first time, reused when it is already there, moved to the new commit when the base changed
 * (checkout in place, so cargo rebuilds only what changed). Files changed inside the worktree
 * are reset: it always holds exactly the base commit.
 */
export async function ensureBaseWorktree(root: string, base: string, opts: { signal?: AbortSignal } = {}): Promise<BaseWorktree> {
  const commit = await resolveCommit(root, base);
  if (!commit)
    throw new InputError(
      `the base commit ${base} is not in this repository; the baseline cannot be built at it`,
      undefined,
      'measure/bad-base',
    );
  await ensureStateDirIgnored(root);
  const dir = path.join(root, BASE_WORKTREE);
  const targetDir = path.join(root, BASE_TARGET_DIR);
  await removeLeftovers(root);
  if (opts.signal?.aborted) throw abortError();

  const listed = await findListed(root, dir);
  const present = await fs.stat(path.join(dir, '.git')).then(
    () => true,
    () => false,
  );
  if (listed && present) {
    if (listed.head === commit) {
      const { stdout } = await worktreeGit(dir, ['status', '--porcelain', '--untracked-files=all', '--ignored=no']);
      if (stdout.trim() !== '') {
        await worktreeGit(dir, ['reset', '-q', '--hard', commit]);
        await worktreeGit(dir, ['clean', '-q', '-f', '-d']);
      }
      return { dir, targetDir, commit, action: 'reused' };
    }
    await worktreeGit(dir, ['checkout', '-q', '--force', '--detach', commit]);
    await worktreeGit(dir, ['clean', '-q', '-f', '-d']);
    return { dir, targetDir, commit, action: 'moved' };
  }
  // Registered but gone, or a folder git does not know: start again.
  if (
    listed ||
    (await fs.stat(dir).then(
      () => true,
      () => false,
    ))
  )
    await discard(root, dir);

  const temp = path.join(root, STATE_DIR, `${TEMP_PREFIX}${process.pid}-${Date.now().toString(36)}`);
  try {
    await worktreeGit(root, ['worktree', 'add', '-q', '--detach', temp, commit]);
    if (opts.signal?.aborted) throw abortError();
    await worktreeGit(root, ['worktree', 'move', temp, dir]);
  } catch (err) {
    await discard(root, temp);
    if (err instanceof GitError)
      throw new InputError(`the base worktree could not be created at ${BASE_WORKTREE}: ${err.message}`, undefined, 'measure/worktree');
    throw err;
  }
  return { dir, targetDir, commit, action: 'created' };
}

/** The base worktree's state, if there is one. */
export async function baseWorktreeInfo(root: string): Promise<{ dir: string; commit: string | undefined } | undefined> {
  const dir = path.join(root, BASE_WORKTREE);
  const listed = await findListed(root, dir);
  return listed ? { dir, commit: listed.head } : undefined;
}

/**
 * Removes the base worktree and, unless `keepTarget`, its cargo target folder. Says what it
 * removed (nothing when there was none).
 */
export async function removeBaseWorktree(
  root: string,
  opts: { keepTarget?: boolean } = {},
): Promise<{ worktree: boolean; targetDir: boolean }> {
  const dir = path.join(root, BASE_WORKTREE);
  const targetDir = path.join(root, BASE_TARGET_DIR);
  const exists = (p: string) =>
    fs.stat(p).then(
      () => true,
      () => false,
    );
  const worktree = (await findListed(root, dir)) !== undefined || (await exists(dir));
  if (worktree) await discard(root, dir);
  await removeLeftovers(root);
  const target = !opts.keepTarget && (await exists(targetDir));
  if (target) await fs.rm(targetDir, { recursive: true, force: true });
  return { worktree, targetDir: target };
}
