/**
 * Profiling runs of a milestone: each run's full output is captured to
 * `.milestone-scope/traces/<milestone>/<time>-<label>.txt` (a git-ignored folder), and an index
 * (`index.json` beside the captures) lists the runs with their label, time and command so the
 * report and the flame chart can find the baseline and the latest `after` run.
 */
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import { readSnapshot, writeAtomic, writeIfUnchanged, ConcurrentChangeError } from '../files';
import { resolveInside } from '../paths';
import { InputError, problem, type Problem } from '../problems';
import type { RunOutcome } from './validationRecord';

export const STATE_DIR = '.milestone-scope';
export const TRACES_DIR = `${STATE_DIR}/traces`;
export const INDEX_FILE = 'index.json';

export type ProfileLabel = 'baseline' | 'after';

export interface ProfileRun {
  milestone: string;
  label: ProfileLabel;
  /** ISO 8601 start time. */
  time: string;
  /** Repository-relative path of the captured output (forward slashes). */
  file: string;
  command: string;
  outcome: RunOutcome;
  exitCode?: number;
  durationMs: number;
  /**
   * Where the program was built and run: the base worktree at the milestone's base commit, or
   * the user's working tree (absent in indexes written before this was recorded).
   */
  source?: 'base-worktree' | 'current-tree';
  /** The commit checked out where it ran (the working tree may hold uncommitted edits on top). */
  commit?: string;
  /** The A/B session the run belongs to (`milestone-scope ab`). */
  session?: string;
  /**
   * In an A/B session: whether the run was a warm-up (captured, not counted). Written on every
   * session run; absent from sessions recorded before it was, whose warm-ups cannot be told apart.
   */
  warmup?: boolean;
}

interface IndexFile {
  version: 1;
  runs: ProfileRun[];
}

/** A folder name for a milestone id (ids are short; anything unusual becomes `_`). */
export function milestoneDir(milestone: string): string {
  const safe = milestone
    .trim()
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_');
  return `${TRACES_DIR}/${safe || '_'}`;
}

/** `20261124T134005Z`: sortable, no characters file systems dislike. */
export function compactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

const CAPTURE_NAME = /^(\d{8}T\d{6}Z)(?:-(\d+))?-(baseline|after)\.txt$/;

function parseCompactTime(s: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
}

/**
 * Keeps the capture folder out of git without touching the user's .gitignore: the folder
 * carries its own `.gitignore` that ignores everything in it.
 */
export async function ensureStateDirIgnored(root: string): Promise<void> {
  const inside = resolveInside(root, STATE_DIR);
  if (!inside.ok) throw new InputError(`run captures are not written: ${inside.message}`, undefined, 'input/outside-workspace');
  const dir = inside.abs;
  await fs.mkdir(dir, { recursive: true });
  const ignore = path.join(dir, '.gitignore');
  try {
    await fs.writeFile(ignore, '# Created by Milestone Scope: local run captures, not for version control.\n*\n', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** A new, unused capture path for a run starting at `date`. */
export async function newCapturePath(root: string, milestone: string, label: ProfileLabel, date: Date): Promise<string> {
  const dir = milestoneDir(milestone);
  const inside = resolveInside(root, dir);
  if (!inside.ok) throw new InputError(`run captures are not written: ${inside.message}`, undefined, 'input/outside-workspace');
  await fs.mkdir(path.join(root, dir), { recursive: true });
  for (let n = 1; ; n++) {
    const name = `${compactTime(date)}${n > 1 ? `-${n}` : ''}-${label}.txt`;
    try {
      await fs.access(path.join(root, dir, name));
    } catch {
      return `${dir}/${name}`;
    }
  }
}

/** Streams a run's output into its capture file. */
export class TraceCapture {
  private readonly stream: WriteStream;
  private failed: Error | undefined;
  constructor(readonly absPath: string) {
    this.stream = createWriteStream(absPath, { encoding: 'utf8' });
    this.stream.on('error', (err) => (this.failed = err));
  }
  writeLine(line: string): void {
    if (!this.failed) this.stream.write(line + '\n');
  }
  /** Resolves when everything is on disk; rejects if writing failed. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.stream.end(() => (this.failed ? reject(this.failed) : resolve()));
    });
  }
}

function indexPath(root: string, milestone: string): string {
  return path.join(root, milestoneDir(milestone), INDEX_FILE);
}

function validRun(r: unknown): r is ProfileRun {
  const o = r as Partial<ProfileRun> | null;
  return (
    !!o &&
    typeof o.time === 'string' &&
    typeof o.file === 'string' &&
    (o.label === 'baseline' || o.label === 'after') &&
    typeof o.command === 'string' &&
    typeof o.durationMs === 'number'
  );
}

export interface ProfileRunList {
  /** Oldest first. */
  runs: ProfileRun[];
  problems: Problem[];
}

/**
 * The recorded runs of a milestone, oldest first. Runs whose capture file is gone are left out
 * with a problem; captures missing from the index (or every capture, when the index cannot be
 * read) are listed from their file names.
 */
export async function listProfileRuns(root: string, milestone: string): Promise<ProfileRunList> {
  const problems: Problem[] = [];
  const dir = milestoneDir(milestone);
  const indexRel = `${dir}/${INDEX_FILE}`;
  let indexed: ProfileRun[] = [];
  const snap = await readSnapshot(indexPath(root, milestone));
  if (snap.text !== undefined) {
    try {
      const parsed = JSON.parse(snap.text) as Partial<IndexFile>;
      const runs = Array.isArray(parsed.runs) ? parsed.runs : [];
      runs.forEach((r, i) => {
        if (validRun(r)) indexed.push({ ...r, milestone });
        else
          problems.push(
            problem('warning', 'profile/bad-index-entry', `entry ${i + 1} of the run index is not a run record; ignored`, {
              file: indexRel,
              line: 1,
            }),
          );
      });
    } catch (err) {
      problems.push(
        problem(
          'error',
          'profile/bad-index',
          `the run index is not valid JSON (${(err as Error).message}); runs are listed from file names`,
          { file: indexRel, line: 1 },
        ),
      );
      indexed = [];
    }
  }
  let names: string[] = [];
  try {
    names = await fs.readdir(path.join(root, dir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const present = new Set(names.map((n) => `${dir}/${n}`));
  const runs: ProfileRun[] = [];
  for (const r of indexed) {
    if (present.has(r.file)) runs.push(r);
    else
      problems.push(
        problem('warning', 'profile/missing-capture', `the capture of the ${r.label} run of ${r.time} (${r.file}) no longer exists`, {
          file: indexRel,
          line: 1,
        }),
      );
  }
  const known = new Set(indexed.map((r) => r.file));
  for (const name of names) {
    const m = CAPTURE_NAME.exec(name);
    const file = `${dir}/${name}`;
    if (!m || known.has(file)) continue;
    runs.push({
      milestone,
      label: m[3] as ProfileLabel,
      time: parseCompactTime(m[1]!),
      file,
      command: '',
      outcome: 'passed',
      durationMs: 0,
    });
  }
  runs.sort((a, b) => a.time.localeCompare(b.time) || a.file.localeCompare(b.file));
  // A capture that is a symbolic link out of the workspace is never read (the folder may come
  // from a repository someone else prepared).
  const inside = runs.filter((r) => {
    const v = resolveInside(root, r.file);
    if (!v.ok)
      problems.push(
        problem('error', 'profile/outside-workspace', `the capture of the ${r.label} run of ${r.time} is not used: ${v.message}`, {
          file: r.file,
          line: 1,
        }),
      );
    return v.ok;
  });
  return { runs: inside, problems };
}

/** The runs of one A/B session, oldest first. */
export function sessionRuns(runs: readonly ProfileRun[], session: string): ProfileRun[] {
  return runs.filter((r) => r.session === session);
}

/** The run to compare against: the latest baseline. */
export function latestBaseline(runs: readonly ProfileRun[]): ProfileRun | undefined {
  return [...runs].reverse().find((r) => r.label === 'baseline' && r.outcome === 'passed');
}

/** The latest `after` run, newer than the latest baseline. */
export function latestAfter(runs: readonly ProfileRun[]): ProfileRun | undefined {
  const base = latestBaseline(runs);
  return [...runs].reverse().find((r) => r.label === 'after' && r.outcome === 'passed' && (!base || r.time > base.time));
}

/** The A/B session a run belongs to, when the recorder gave it one (a string), else undefined. */
function sessionOf(r: ProfileRun): string | undefined {
  const s = (r as unknown as { session?: unknown }).session;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

export interface ComparedRuns {
  baseline: ProfileRun[];
  after: ProfileRun[];
  /** The A/B session compared, when the runs are one session's. */
  session?: string;
  /** Warm-up runs of that session left out. */
  warmups?: number;
  /** True when the session's runs do not say which were warm-ups (recorded before they did): all are kept. */
  warmupsUnmarked?: boolean;
}

/**
 * Every run to compare, per side: when the newest passed run belongs to an A/B session, the passed
 * counted runs of that session (baseline and after runs interleave there; warm-ups are left out, as
 * the session itself left them out); otherwise every passed baseline run, and every passed `after`
 * run newer than the latest baseline. Oldest first.
 */
export function comparedRuns(runs: readonly ProfileRun[]): ComparedRuns {
  const passed = runs.filter((r) => r.outcome === 'passed');
  const newest = passed[passed.length - 1];
  const session = newest && sessionOf(newest);
  if (session !== undefined) {
    const mine = passed.filter((r) => sessionOf(r) === session);
    const unmarked = mine.some((r) => typeof r.warmup !== 'boolean');
    const counted = unmarked ? mine : mine.filter((r) => !r.warmup);
    return {
      baseline: counted.filter((r) => r.label === 'baseline'),
      after: counted.filter((r) => r.label === 'after'),
      session,
      warmups: mine.length - counted.length,
      ...(unmarked ? { warmupsUnmarked: true } : {}),
    };
  }
  const base = latestBaseline(runs);
  return {
    baseline: passed.filter((r) => r.label === 'baseline'),
    after: passed.filter((r) => r.label === 'after' && (!base || r.time > base.time)),
  };
}

/**
 * `baseline` for an explicit capture, or when no successful baseline was recorded since the
 * milestone started (`started`: the tracking file's start date, `YYYY-MM-DD`); else `after`.
 */
export function chooseLabel(runs: readonly ProfileRun[], opts: { explicitBaseline?: boolean; started?: string }): ProfileLabel {
  if (opts.explicitBaseline) return 'baseline';
  const since = opts.started && /^\d{4}-\d{2}-\d{2}/.test(opts.started) ? opts.started.slice(0, 10) : undefined;
  const hasBaseline = runs.some((r) => r.label === 'baseline' && r.outcome === 'passed' && (!since || r.time.slice(0, 10) >= since));
  return hasBaseline ? 'after' : 'baseline';
}

/** Adds a run to the milestone's index (re-reading and retrying if another run wrote it meanwhile). */
export async function addProfileRun(root: string, run: ProfileRun): Promise<void> {
  await ensureStateDirIgnored(root);
  const file = indexPath(root, run.milestone);
  await fs.mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const snap = await readSnapshot(file);
    let index: IndexFile = { version: 1, runs: [] };
    if (snap.text !== undefined) {
      try {
        const parsed = JSON.parse(snap.text) as Partial<IndexFile>;
        index = { version: 1, runs: (Array.isArray(parsed.runs) ? parsed.runs : []).filter(validRun) };
      } catch {
        // An unreadable index is rebuilt; the captures themselves are untouched.
      }
    }
    index.runs.push(run);
    const text = JSON.stringify(index, null, 2) + '\n';
    try {
      if (snap.text === undefined) await writeAtomic(file, text);
      else await writeIfUnchanged(snap, text);
      return;
    } catch (err) {
      if (!(err instanceof ConcurrentChangeError)) throw err;
    }
  }
  throw new Error(`${path.relative(root, file)} kept changing on disk; the run was not indexed`);
}
