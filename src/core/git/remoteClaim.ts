/**
 * The team-wide view of a milestone's claim: STATUS.md and the tracking file as they are on the
 * remote's default branch, so a milestone started and pushed elsewhere is a conflict here too,
 * and `start --push` publishes a claim as one small commit on that branch.
 */
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseStatus, type StatusDocument } from '../status';
import { parseTracking, type TrackingDocument } from '../tracking';
import { gitShowFile } from './repo';
import { GitError, runGit, type GitRunOptions } from './run';

/** How long a `git fetch` / `git push` may take before the remote counts as unreachable. */
export const DEFAULT_REMOTE_TIMEOUT_MS = 15_000;

interface GitRun {
  ok: boolean;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The runner's answer as a value: a failed command here is a decision (a warning, a refusal), not an error. */
async function git(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<GitRun> {
  try {
    const r = await runGit(cwd, args, opts);
    return { ok: true, stdout: r.stdout.replace(/\n$/, ''), stderr: r.stderr, timedOut: false };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    return { ok: false, stdout: err.stdout, stderr: err.stderr || err.message, timedOut: err.timedOut };
  }
}

export interface RemoteBranch {
  remote: string;
  /** Branch name on the remote, e.g. `main`. */
  branch: string;
  /** Remote-tracking ref, e.g. `origin/main`. */
  ref: string;
}

/** The remote to compare with: the current branch's upstream remote, else `origin`, else the only one. */
export async function chooseRemote(root: string): Promise<string | undefined> {
  const list = await git(root, ['remote']);
  const remotes = list.ok
    ? list.stdout
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  if (remotes.length === 0) return undefined;
  const upstream = await git(root, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  const fromUpstream = upstream.ok ? remotes.find((r) => upstream.stdout.startsWith(`${r}/`)) : undefined;
  return fromUpstream ?? (remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : remotes.sort()[0]);
}

/** The remote's default branch: its HEAD as last fetched, else as the remote says, else main/master. */
async function defaultBranch(root: string, remote: string, timeoutMs: number): Promise<string | undefined> {
  const local = await git(root, ['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`]);
  if (local.ok && local.stdout.startsWith(`refs/remotes/${remote}/`)) return local.stdout.slice(`refs/remotes/${remote}/`.length);
  const asked = await git(root, ['ls-remote', '--symref', remote, 'HEAD'], { timeoutMs });
  const m = asked.ok ? /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(asked.stdout) : null;
  if (m) return m[1];
  for (const b of ['main', 'master'])
    if ((await git(root, ['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${b}`])).ok) return b;
  return undefined;
}

export interface RemoteClaimView extends RemoteBranch {
  commit: string;
  status: StatusDocument;
  tracking: TrackingDocument;
}

export type RemoteLookup =
  /** No remote configured: nothing to compare with. */
  | { kind: 'none' }
  /** Compared with the remote's default branch (possibly as last fetched, see warning). */
  | { kind: 'ok'; view: RemoteClaimView; warning?: string }
  /** The remote's state is unknown; the decision rests on the local documents. */
  | { kind: 'unavailable'; warning: string };

export interface RemoteOptions {
  timeoutMs?: number;
}

async function showFile(root: string, rev: string, file: string): Promise<string | undefined> {
  const text = await gitShowFile(root, rev, file);
  return text === undefined || text === '' || text.endsWith('\n') ? text : text + '\n';
}

/** Fetches the remote (bounded by a timeout) and reads both documents on its default branch. */
export async function readRemoteClaim(
  root: string,
  files: { status: string; tracking: string },
  opts: RemoteOptions = {},
): Promise<RemoteLookup> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
  const remote = await chooseRemote(root);
  if (!remote) return { kind: 'none' };
  const fetched = await git(root, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', remote], { timeoutMs });
  let warning: string | undefined;
  if (!fetched.ok) {
    const why = fetched.timedOut ? `no answer within ${Math.round(timeoutMs / 1000)}s` : firstLine(fetched.stderr) || 'git fetch failed';
    warning = `could not fetch ${remote} (${why}); claims pushed since the last fetch are not seen`;
  }
  const branch = await defaultBranch(root, remote, fetched.ok ? timeoutMs : 1);
  if (!branch)
    return { kind: 'unavailable', warning: warning ?? `the default branch of ${remote} is unknown; only the local documents were checked` };
  const ref = `${remote}/${branch}`;
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `refs/remotes/${ref}^{commit}`]);
  if (!commit.ok) return { kind: 'unavailable', warning: warning ?? `${ref} has not been fetched; only the local documents were checked` };
  const [statusText, trackingText] = await Promise.all([
    showFile(root, commit.stdout, files.status),
    showFile(root, commit.stdout, files.tracking),
  ]);
  const view: RemoteClaimView = {
    remote,
    branch,
    ref,
    commit: commit.stdout.trim(),
    status: parseStatus(statusText ?? '', files.status, statusText !== undefined),
    tracking: parseTracking(trackingText ?? '', files.tracking, trackingText !== undefined),
  };
  return warning ? { kind: 'ok', view, warning } : { kind: 'ok', view };
}

function firstLine(s: string): string {
  return (
    s
      .trim()
      .split('\n')[0]
      ?.replace(/^fatal:\s*/, '') ?? ''
  );
}

export interface PushResult {
  ok: boolean;
  /** The claim commit (made on top of the remote branch). */
  commit?: string;
  ref: string;
  error?: string;
}

/**
 * Commits `files` (repository-relative path -> new content) on top of the remote branch's commit
 * without touching the working tree, index or current branch, and pushes it to that branch. A
 * push rejected because the branch moved means someone else pushed first: run pre-flight again.
 */
export async function pushClaim(
  root: string,
  view: RemoteBranch & { commit: string },
  files: Record<string, string>,
  message: string,
  opts: RemoteOptions = {},
): Promise<PushResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'milestone-scope-claim-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  const fail = (error: string): PushResult => ({ ok: false, ref: view.ref, error });
  try {
    const read = await git(root, ['read-tree', view.commit], { env });
    if (!read.ok) return fail(`git read-tree ${view.ref}: ${firstLine(read.stderr)}`);
    for (const [file, text] of Object.entries(files)) {
      const blob = await git(root, ['hash-object', '-w', '--stdin'], { input: text });
      if (!blob.ok) return fail(`git hash-object: ${firstLine(blob.stderr)}`);
      const add = await git(root, ['update-index', '--add', '--cacheinfo', `100644,${blob.stdout.trim()},${file.replace(/\\/g, '/')}`], {
        env,
      });
      if (!add.ok) return fail(`git update-index ${file}: ${firstLine(add.stderr)}`);
    }
    const tree = await git(root, ['write-tree'], { env });
    if (!tree.ok) return fail(`git write-tree: ${firstLine(tree.stderr)}`);
    const commit = await git(root, ['commit-tree', tree.stdout.trim(), '-p', view.commit, '-m', message]);
    if (!commit.ok) return fail(`git commit-tree: ${firstLine(commit.stderr)}`);
    const sha = commit.stdout.trim();
    const push = await git(root, ['push', '--quiet', '--porcelain', view.remote, `${sha}:refs/heads/${view.branch}`], { timeoutMs });
    if (!push.ok) {
      const rejected = /rejected|non-fast-forward|fetch first/i.test(push.stdout + push.stderr);
      const why = push.timedOut
        ? `no answer within ${Math.round(timeoutMs / 1000)}s`
        : rejected
          ? `${view.ref} moved since it was fetched (someone else pushed); run the pre-flight again`
          : firstLine(push.stderr) || 'git push failed';
      return { ok: false, commit: sha, ref: view.ref, error: `the claim was not pushed: ${why}` };
    }
    // Keep the remote-tracking ref in step, so the next pre-flight sees the claim without a fetch.
    await git(root, ['update-ref', `refs/remotes/${view.ref}`, sha, view.commit]);
    return { ok: true, commit: sha, ref: view.ref };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * After a pushed claim, moves the current branch onto the claim commit when it is the remote's
 * default branch and was level with it, so the working copy stays clean. The claim's files in the
 * working tree already hold the committed text; only their index entries are refreshed.
 */
export async function adoptClaimCommit(
  root: string,
  view: RemoteBranch & { commit: string },
  claim: string,
  files: string[],
): Promise<boolean> {
  const head = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  const branch = await git(root, ['symbolic-ref', '--quiet', 'HEAD']);
  if (!head.ok || head.stdout.trim() !== view.commit || !branch.ok || branch.stdout.trim() !== `refs/heads/${view.branch}`) return false;
  const moved = await git(root, ['update-ref', '-m', 'milestone-scope: claim', `refs/heads/${view.branch}`, claim, view.commit]);
  if (!moved.ok) return false;
  await git(root, ['reset', '--quiet', '--', ...files.map((f) => f.replace(/\\/g, '/'))]);
  return true;
}
