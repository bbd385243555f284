import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseGitDiff } from '../diff/parse';
import type { FileDiff, Hunk } from '../diff/types';
import { isOwnArtifact } from '../files';
import { GitError, runGit, runGitBytes } from './run';

/** The empty tree's id: the base of a repository without commits. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** The commit a revision names, or undefined when it does not name one. */
export async function resolveCommit(cwd: string, rev: string): Promise<string | undefined> {
  if (rev.startsWith('-')) return undefined;
  const r = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okCodes: [1, 128] });
  const sha = r.stdout.trim();
  return r.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}

/**
 * One git call answering two questions: is `cwd` in a work tree, and which commit does `rev`
 * name (undefined when none). Saves a process per check.
 */
export async function probeRevision(cwd: string, rev: string): Promise<{ workTree: boolean; commit: string | undefined }> {
  if (rev.startsWith('-')) return { workTree: await isGitWorkTree(cwd), commit: undefined };
  const r = await runGit(cwd, ['rev-parse', '--is-inside-work-tree', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    okCodes: [1, 128],
  });
  const [first, second] = r.stdout.split('\n').map((l) => l.trim());
  const workTree = first === 'true';
  const commit = r.exitCode === 0 && second && /^[0-9a-f]{40,64}$/.test(second) ? second : undefined;
  return { workTree, commit };
}

/** True when `cwd` is inside a git work tree. */
export async function isGitWorkTree(cwd: string): Promise<boolean> {
  try {
    const r = await runGit(cwd, ['rev-parse', '--is-inside-work-tree'], { okCodes: [128] });
    return r.exitCode === 0 && r.stdout.trim() === 'true';
  } catch {
    return false;
  }
}

/** The last commit that changed `file` (relative to cwd), or undefined if none did. */
export async function lastCommitTouching(cwd: string, file: string): Promise<string | undefined> {
  const r = await runGit(cwd, ['log', '-1', '--format=%H', '--', file], { okCodes: [128] });
  const sha = r.stdout.trim();
  return r.exitCode === 0 && sha ? sha : undefined;
}

const DIFF_ARGS = [
  'diff',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--find-renames',
  '--relative',
  '-U0',
];

/** `git diff` between two commits (or a commit and the empty tree), paths relative to cwd. */
export async function diffCommits(cwd: string, from: string, to: string, paths: readonly string[] = []): Promise<FileDiff[]> {
  const r = await runGit(cwd, [...DIFF_ARGS, from, to, '--', ...paths]);
  return parseGitDiff(r.stdout);
}

export interface WorkingDiff {
  /** The commit diffed against (or EMPTY_TREE in a repository without commits). */
  base: string;
  files: FileDiff[];
}

export interface WorkingDiffOptions {
  /** Revision to diff from; default HEAD. */
  base?: string;
  /** Diff the index (what a commit would contain) instead of the working tree; no untracked files. */
  staged?: boolean;
  /** Largest untracked file read as text; bigger ones are reported as binary. */
  maxUntrackedBytes?: number;
}

/**
 * Every change from the base revision to the working tree (or the index with `staged`), with
 * untracked files as added files. Paths are relative to `cwd` and limited to it.
 */
export async function diffWorkingTree(cwd: string, options: WorkingDiffOptions = {}): Promise<WorkingDiff> {
  const requested = options.base ?? 'HEAD';
  // A full object id (as a session passes on every re-check) needs no second rev-parse.
  let base = /^[0-9a-f]{40}$/.test(requested) ? requested : await resolveCommit(cwd, requested);
  if (!base) {
    if (options.base !== undefined) throw new GitError(`${options.base} does not name a commit`, ['rev-parse', options.base]);
    base = EMPTY_TREE; // no commits yet
  }
  const diffArgs = options.staged ? [...DIFF_ARGS, '--cached', base, '--'] : [...DIFF_ARGS, base, '--'];
  const [diff, untracked] = await Promise.all([
    runGit(cwd, diffArgs),
    options.staged ? Promise.resolve([]) : untrackedFiles(cwd, options.maxUntrackedBytes ?? 2 * 1024 * 1024),
  ]);
  const files = parseGitDiff(diff.stdout);
  files.push(...untracked);
  return { base, files };
}

async function untrackedFiles(cwd: string, maxBytes: number): Promise<FileDiff[]> {
  const r = await runGit(cwd, ['ls-files', '--others', '--exclude-standard', '-z']);
  // The workflow's own temporaries, locks and journals beside a document are never changes.
  const names = r.stdout.split('\0').filter((n) => n.length > 0 && !isOwnArtifact(n));
  return Promise.all(names.map((name) => untrackedFile(cwd, name, maxBytes)));
}

async function untrackedFile(cwd: string, name: string, maxBytes: number): Promise<FileDiff> {
  const entry: FileDiff = { oldPath: undefined, newPath: name, kind: 'added', binary: false, untracked: true, hunks: [] };
  let buf: Buffer;
  try {
    const file = path.join(cwd, name);
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > maxBytes) return { ...entry, binary: true };
    buf = await fs.readFile(file);
  } catch {
    return entry; // gone since it was listed
  }
  if (buf.subarray(0, 8000).includes(0)) return { ...entry, binary: true };
  return { ...entry, hunks: addedFileHunks(buf.toString('utf8')) };
}

/** The single hunk of a file added with `text`. */
export function addedFileHunks(text: string): Hunk[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  const noEol = lines[lines.length - 1] !== '';
  if (!noEol) lines.pop();
  const out = lines.map((l) => '+' + l);
  if (noEol) out.push('\\ No newline at end of file');
  return [{ oldStart: 1, oldLines: 0, newStart: 1, newLines: lines.length, lines: out }];
}

/**
 * Reads several blobs in one git process. Specs are `rev:./path` (relative to cwd) or `:./path`
 * (the index). Missing objects map to undefined; binary blobs are returned decoded as UTF-8.
 */
export async function readBlobs(cwd: string, specs: readonly string[]): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  const unique = [...new Set(specs)].filter((s) => !s.includes('\n'));
  if (unique.length === 0) return out;
  const { stdout: buf } = await runGitBytes(cwd, ['cat-file', '--batch'], { input: unique.join('\n') + '\n' });
  let pos = 0;
  for (const spec of unique) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      out.set(spec, undefined); // "<spec> missing" or "ambiguous"
      continue;
    }
    const size = Number(m[2]);
    out.set(spec, m[1] === 'blob' ? buf.subarray(pos, pos + size).toString('utf8') : undefined);
    pos += size + 1;
  }
  return out;
}

/** The blob spec of a cwd-relative path at a revision (`undefined` rev = the index). */
export function blobSpec(rev: string | undefined, file: string): string {
  return `${rev ?? ''}:./${file}`;
}

/** Cwd-relative paths of tracked and untracked (not ignored) files matching git pathspecs. */
export async function listFiles(cwd: string, pathspecs: readonly string[]): Promise<string[]> {
  const r = await runGit(cwd, ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', ...pathspecs]);
  return [...new Set(r.stdout.split('\0').filter((n) => n.length > 0))];
}
