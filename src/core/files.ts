import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';

/** A file's content as read, so a later write can detect a concurrent change on disk. */
export interface FileSnapshot {
  path: string;
  /** undefined when the file did not exist at read time. */
  text: string | undefined;
  hash: string | undefined;
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function readSnapshot(file: string): Promise<FileSnapshot> {
  try {
    const text = await fs.readFile(file, 'utf8');
    return { path: file, text, hash: hashText(text) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, text: undefined, hash: undefined };
    throw err;
  }
}

export class ConcurrentChangeError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed on disk since it was read; nothing was written. Re-run to apply the change to the new content.`);
    this.name = 'ConcurrentChangeError';
  }
}

/** Writes atomically: a temporary file in the same folder, then a rename. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  // pid and a random part: two writes of one file in the same millisecond must not share a temporary.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await fs.writeFile(tmp, text, 'utf8');
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes `text` only if the file on disk is still what `snapshot` saw; otherwise throws
 * ConcurrentChangeError and writes nothing. The check and the write happen under the file's lock.
 */
export async function writeIfUnchanged(snapshot: FileSnapshot, text: string): Promise<void> {
  await writeAllIfUnchanged([{ file: snapshot.path, after: text }], new Map([[snapshot.path, snapshot]]));
}

/**
 * Writes several files, each only if still as its snapshot saw it. Every file is checked before any
 * is written, so a concurrent change to one leaves all of them untouched. The files' locks are held
 * from the check to the last write, so two processes cannot both pass the check and both write.
 * Returns the files written.
 */
export async function writeAllIfUnchanged(
  changes: ReadonlyArray<{ file: string; after: string }>,
  snapshots: ReadonlyMap<string, FileSnapshot>,
): Promise<string[]> {
  const snap = (file: string): FileSnapshot => {
    const s = snapshots.get(file);
    if (!s) throw new Error(`no snapshot was taken of ${file}`);
    return s;
  };
  if (changes.length === 0) return [];
  return withFileLocks(
    changes.map((c) => snap(c.file).path),
    async () => {
      for (const c of changes) {
        const now = await readSnapshot(snap(c.file).path);
        if (now.hash !== snap(c.file).hash) throw new ConcurrentChangeError(c.file);
      }
      const written: string[] = [];
      for (const c of changes) {
        await writeAtomic(snap(c.file).path, c.after);
        written.push(c.file);
      }
      return written;
    },
  );
}

// ---- locks --------------------------------------------------------------------------------------

/** How long a writer waits for another's lock before giving up. */
const LOCK_WAIT_MS = 10_000;
/** A lock older than this is left over from a process that died while writing. */
const LOCK_STALE_MS = 30_000;

export class FileLockedError extends Error {
  constructor(readonly file: string, holder: string) {
    super(`${file} is being written by another process (${holder}); nothing was written. Try again when it has finished.`);
    this.name = 'FileLockedError';
  }
}

/** `<folder>/.<name>.lock`: hidden, beside the file, so every writer of the file finds it. */
export function lockPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

interface LockOwner {
  pid: number;
  host: string;
  time: number;
}

function lockIsStale(text: string | undefined, mtimeMs: number): boolean {
  if (Date.now() - mtimeMs > LOCK_STALE_MS) return true;
  let owner: Partial<LockOwner> = {};
  try {
    owner = JSON.parse(text ?? '') as Partial<LockOwner>;
  } catch {
    return false; // being written right now
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function acquire(file: string): Promise<() => Promise<void>> {
  const lock = lockPath(file);
  await fs.mkdir(path.dirname(lock), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: hostname(), time: Date.now() };
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      // O_CREAT | O_EXCL: exactly one process creates the lock file.
      const handle = await fs.open(lock, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return () => fs.rm(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [text, stat] = await Promise.all([fs.readFile(lock, 'utf8').catch(() => undefined), fs.stat(lock).catch(() => undefined)]);
    if (!stat) continue; // released meanwhile
    if (lockIsStale(text, stat.mtimeMs)) {
      // Only the holder's own record is removed: another waiter may have replaced it already.
      if ((await fs.readFile(lock, 'utf8').catch(() => undefined)) === text) await fs.rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      let holder = 'another process';
      try {
        const o = JSON.parse(text ?? '') as Partial<LockOwner>;
        if (o.pid) holder = `process ${o.pid}${o.host && o.host !== hostname() ? ` on ${o.host}` : ''}`;
      } catch {
        // keep the generic name
      }
      throw new FileLockedError(file, holder);
    }
    await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
  }
}

/**
 * Runs `fn` holding an exclusive lock on each file (a `.<name>.lock` created with O_EXCL beside
 * it), taken in path order so two writers of the same files cannot deadlock. Locks left by a
 * process that died are taken over.
 */
export async function withFileLocks<T>(files: readonly string[], fn: () => Promise<T>): Promise<T> {
  const ordered = [...new Set(files.map((f) => path.resolve(f)))].sort();
  const releases: Array<() => Promise<void>> = [];
  try {
    for (const f of ordered) releases.push(await acquire(f));
    return await fn();
  } finally {
    for (const release of releases.reverse()) await release();
  }
}
