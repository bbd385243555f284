import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
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
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
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
 * ConcurrentChangeError and writes nothing.
 */
export async function writeIfUnchanged(snapshot: FileSnapshot, text: string): Promise<void> {
  const now = await readSnapshot(snapshot.path);
  if (now.hash !== snapshot.hash) throw new ConcurrentChangeError(snapshot.path);
  await writeAtomic(snapshot.path, text);
}

/**
 * Writes several files, each only if still as its snapshot saw it. Every file is checked before any
 * is written, so a concurrent change to one leaves all of them untouched. Returns the files written.
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
  for (const c of changes) {
    const now = await readSnapshot(snap(c.file).path);
    if (now.hash !== snap(c.file).hash) throw new ConcurrentChangeError(c.file);
  }
  const written: string[] = [];
  for (const c of changes) {
    await writeIfUnchanged(snap(c.file), c.after);
    written.push(c.file);
  }
  return written;
}
