import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { InputError } from './problems';

// ---- encodings ----------------------------------------------------------------------------------
//
// Documents are edited as text but written back byte for byte: a byte that is not part of valid
// UTF-8 (a Latin-1 `é` in someone's notes) is decoded to a lone surrogate U+DC80..U+DCFF (the
// "surrogateescape" of Python) and encoded back to the same byte, so every byte outside an edit
// stays as it was. A byte-order mark is kept as U+FEFF at the start of the text. UTF-16 files are
// decoded for reading but never written (see `unsafe`).

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** Why the file cannot be edited without changing other bytes; undefined when it can. */
  unsafe?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
    return {
      text,
      encoding,
      unsafe: `the file is ${encoding.toUpperCase()} encoded (it starts with a UTF-16 byte-order mark) and is only edited as UTF-8, so that no other byte changes; convert it to UTF-8`,
    };
  }
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeEscaped(bytes), encoding: 'utf-8' };
  }
}

/** UTF-8 with every byte that is not part of a valid sequence decoded to U+DC00 + byte. */
function decodeEscaped(b: Uint8Array): string {
  const out: string[] = [];
  let run = 0; // start of the current valid stretch
  const flush = (to: number) => {
    if (to > run) out.push(strictUtf8.decode(b.subarray(run, to)));
  };
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    if (c < 0x80) n = 1;
    else if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) n = 3;
    else if (c >= 0xf0 && c <= 0xf4) n = 4;
    let ok = n > 0 && i + n <= b.length;
    if (ok && n > 1) {
      const c1 = b[i + 1]!;
      const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      ok = c1 >= lo && c1 <= hi;
      for (let k = 2; ok && k < n; k++) ok = b[i + k]! >= 0x80 && b[i + k]! <= 0xbf;
    }
    if (ok) {
      i += n;
      continue;
    }
    flush(i);
    out.push(String.fromCharCode(0xdc00 + c));
    i++;
    run = i;
  }
  flush(b.length);
  return out.join('');
}

const ESCAPED = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** The bytes of decoded text: UTF-8, escaped bytes restored. */
export function encodeText(text: string): Buffer {
  if (!ESCAPED.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  const re = new RegExp(ESCAPED.source, 'g');
  let from = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > from) parts.push(Buffer.from(text.slice(from, m.index), 'utf8'));
    parts.push(Buffer.from([m[0].charCodeAt(0) - 0xdc00]));
    from = m.index + 1;
  }
  if (from < text.length) parts.push(Buffer.from(text.slice(from), 'utf8'));
  return Buffer.concat(parts);
}

// ---- reading ------------------------------------------------------------------------------------

/** `file` (as named to the user) is not a regular file: a folder, a FIFO, a socket or a device. */
function notAFile(shown: string, isDir: boolean): InputError {
  return isDir
    ? new InputError(`${shown} is a folder, not a file`, undefined, 'input/not-a-file')
    : new InputError(`${shown} is not a regular file (a FIFO, socket or device); it is not read`, undefined, 'input/not-a-file');
}

/**
 * The bytes of a file, or undefined when it does not exist. A folder, FIFO, socket or device is an
 * InputError (opened without blocking, so a FIFO with no writer cannot hang the read); so is a
 * file that cannot be read. `shown` names the file in messages (default: the path).
 */
export async function readFileBytes(file: string, shown = file): Promise<Buffer | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw notAFile(shown, true);
    if (code === 'ENOTDIR') throw new InputError(`${shown}: a folder on its path is a file`, undefined, 'input/not-a-file');
    throw new InputError(`${shown} cannot be read: ${describeErrno(err)}`, undefined, 'input/unreadable');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw notAFile(shown, st.isDirectory());
    return await handle.readFile();
  } catch (err) {
    if (err instanceof InputError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw notAFile(shown, true);
    throw new InputError(`${shown} cannot be read: ${describeErrno(err)}`, undefined, 'input/unreadable');
  } finally {
    await handle.close();
  }
}

/** A document's text (see decodeText), or undefined when it does not exist; errors as readFileBytes. */
export async function readTextFile(file: string, shown = file): Promise<string | undefined> {
  const bytes = await readFileBytes(file, shown);
  return bytes === undefined ? undefined : decodeText(bytes).text;
}

/** A file's content as read, so a later write can detect a concurrent change on disk. */
export interface FileSnapshot {
  path: string;
  /** undefined when the file did not exist at read time. */
  text: string | undefined;
  /** Of the bytes on disk. */
  hash: string | undefined;
  /** Why the file cannot be edited safely (UTF-16...); writing it is refused with this reason. */
  unsafe?: string;
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function readSnapshot(file: string): Promise<FileSnapshot> {
  const bytes = await readFileBytes(file);
  if (bytes === undefined) return { path: file, text: undefined, hash: undefined };
  const d = decodeText(bytes);
  return { path: file, text: d.text, hash: hashBytes(bytes), ...(d.unsafe ? { unsafe: d.unsafe } : {}) };
}

export class ConcurrentChangeError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed on disk since it was read; nothing was written. Re-run to apply the change to the new content.`);
    this.name = 'ConcurrentChangeError';
  }
}

// ---- errors -------------------------------------------------------------------------------------

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EPERM: 'the operation is not permitted',
  EACCES: 'permission denied',
  EFBIG: 'the file is too large',
  EIO: 'an input/output error',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a folder on its path is a file',
  EMLINK: 'too many links',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
};

function describeErrno(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code && ERRNO_TEXT[code] ? `${ERRNO_TEXT[code]} (${code})` : undefined) ?? (err as Error).message;
}

/** A write that failed for a reason in the user's hands (disk full, permissions...) is an InputError naming the file. */
function writeError(err: unknown, shown: string): unknown {
  if (err instanceof InputError || err instanceof ConcurrentChangeError || err instanceof FileLockedError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code && ERRNO_TEXT[code])
    return new InputError(`${shown} cannot be written: ${describeErrno(err)}; nothing was written`, undefined, 'input/write-failed');
  return err;
}

// ---- fault injection (tests) --------------------------------------------------------------------

let faultSteps = 0;
const FAULT = /^kill-at:(\d+)$/.exec(process.env.MILESTONE_SCOPE_FAULT ?? '');

/**
 * A numbered point in a write. With MILESTONE_SCOPE_FAULT=kill-at:N the process kills itself
 * (SIGKILL) at the N-th point, so tests can stop a write at every step.
 */
function faultPoint(): void {
  faultSteps++;
  if (FAULT && Number(FAULT[1]) === faultSteps) process.kill(process.pid, 'SIGKILL');
}

// ---- temporaries ----------------------------------------------------------------------------------

function tempPath(file: string): string {
  // pid and a random part: two writes of one file in the same millisecond must not share a temporary.
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

const TEMP_NAME = /^\.(.+?)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * True for the files this tool creates beside a document while writing it: temporaries
 * (`.<name>.<pid>.<random>.tmp`), locks (`.<name>.lock`) and journals (`.<name>.journal`). They are
 * never a milestone's changes.
 */
export function isOwnArtifact(file: string): boolean {
  const base = file.split(/[\\/]/).pop() ?? '';
  return TEMP_NAME.test(base) || /^\..+\.(lock|journal)$/.test(base);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Removes the temporaries of `file` (and of its lock) left by processes that died while writing. */
async function removeDeadTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (n) => {
      const m = TEMP_NAME.exec(n);
      // The file's own temporaries, and those of its lock and journal (`..<name>.lock.<pid>...tmp`).
      if (!m || (m[1] !== base && m[1] !== `.${base}.lock` && m[1] !== `.${base}.journal`)) return;
      if (!processAlive(Number(m[2]))) await fs.rm(path.join(dir, n), { force: true }).catch(() => undefined);
    }),
  );
}

// ---- the atomic writer ----------------------------------------------------------------------------

/** Where a write of `file` lands: the file a symbolic link (or a chain of them) points to, else `file`. */
async function writeTarget(file: string): Promise<string> {
  let at = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = await fs.lstat(at);
    } catch {
      return at; // does not exist yet (or its folder does not)
    }
    if (!st.isSymbolicLink()) return at;
    at = path.resolve(path.dirname(at), await fs.readlink(at));
  }
  throw new InputError(`${file}: too many symbolic links`, undefined, 'input/not-a-file');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Writes atomically: a temporary file in the same folder, then a rename. The file keeps its mode
 * (and, written as root, its owner); a symbolic link is written through (the file it points to
 * changes, the link stays). A read-only file is refused, also for root. Failures the user can fix
 * (disk full, read-only file system, permissions) are InputErrors naming the file; the temporary
 * is removed on every path.
 */
export async function writeAtomic(file: string, text: string | Uint8Array): Promise<void> {
  const target = await writeTarget(file);
  let st: import('node:fs').Stats | undefined;
  try {
    st = await fs.stat(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(err, file);
  }
  if (st && !st.isFile()) throw writeError(notAFile(file, st.isDirectory()), file);
  if (st) {
    const writable = isRoot()
      ? (st.mode & 0o222) !== 0
      : await fs.access(target, constants.W_OK).then(
          () => true,
          () => false,
        );
    if (!writable)
      throw new InputError(
        `${file} is read-only; nothing was written (make it writable to let the workflow edit it)`,
        undefined,
        'input/read-only',
      );
  }
  const bytes = typeof text === 'string' ? encodeText(text) : text;
  let tmp: string | undefined;
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
    tmp = tempPath(target);
    await fs.writeFile(tmp, bytes, { flag: 'wx', mode: st ? st.mode & 0o7777 : 0o666 });
    if (st) {
      await fs.chmod(tmp, st.mode & 0o7777);
      if (isRoot() && (st.uid !== 0 || st.gid !== 0)) await fs.chown(tmp, st.uid, st.gid).catch(() => undefined);
    }
    faultPoint();
    await fs.rename(tmp, target);
    tmp = undefined;
  } catch (err) {
    if (tmp) await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(err, file);
  }
  await removeDeadTemporaries(target);
}

/**
 * Writes `text` only if the file on disk is still what `snapshot` saw; otherwise throws
 * ConcurrentChangeError and writes nothing. The check and the write happen under the file's lock.
 */
export async function writeIfUnchanged(snapshot: FileSnapshot, text: string): Promise<void> {
  await writeAllIfUnchanged([{ file: snapshot.path, after: text }], new Map([[snapshot.path, snapshot]]));
}

// ---- several files, one decision --------------------------------------------------------------------
//
// Several files written as one decision (STATUS.md and a tracking file) go through a journal: the
// new content of every file, and the old, written beside the first file before any of them is
// replaced, and removed once all are. A writer that is killed between its files leaves the journal;
// the next writer (or reader, see recoverInterruptedWrites) finds it and completes the write.
// A write that fails between its files puts the files already written back (a rollback) before
// reporting the failure.

interface JournalEntry {
  path: string;
  /** Base64 of the bytes before; null when the file did not exist. */
  before: string | null;
  after: string;
}

interface Journal {
  pid: number;
  host: string;
  time: number;
  files: JournalEntry[];
}

export function journalPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.journal`);
}

async function currentBytes(file: string): Promise<Buffer | undefined> {
  return readFileBytes(file);
}

const sameBytes = (a: Buffer | undefined, b: string | null) =>
  a === undefined ? b === null : b !== null && a.equals(Buffer.from(b, 'base64'));

/** Completes the journal's write (under the files' locks): files still as before get their new content. */
async function rollForward(journal: Journal, shown: (f: string) => string): Promise<string> {
  const done: string[] = [];
  const changed: string[] = [];
  for (const e of journal.files) {
    const now = await currentBytes(e.path);
    if (sameBytes(now, e.after)) continue;
    if (sameBytes(now, e.before)) {
      await writeAtomic(e.path, Buffer.from(e.after, 'base64'));
      done.push(shown(e.path));
    } else changed.push(shown(e.path));
  }
  const all = journal.files.map((e) => shown(e.path)).join(' and ');
  let note = `completed an interrupted write of ${all} (process ${journal.pid} stopped between the files)`;
  note += done.length ? `: wrote ${done.join(', ')}` : ': every file already held its new content';
  if (changed.length) note += `; ${changed.join(', ')} changed since and was left as it is`;
  return note;
}

async function readJournal(file: string): Promise<Journal | undefined> {
  const bytes = await readFileBytes(file).catch(() => undefined);
  if (!bytes) return undefined;
  try {
    const j = JSON.parse(bytes.toString('utf8')) as Journal;
    return Array.isArray(j.files) ? j : undefined;
  } catch {
    return undefined; // never written whole (it is renamed into place): not ours to act on
  }
}

/**
 * Finds journals left beside `files` by a writer that stopped between its files and completes
 * their writes. Returns one note per write completed, for the user. Call before reading the files.
 */
export async function recoverInterruptedWrites(files: readonly string[], shown: (abs: string) => string = (f) => f): Promise<string[]> {
  const notes: string[] = [];
  for (const f of [...new Set(files.map((x) => path.resolve(x)))]) {
    await removeStaleLock(f);
    await removeDeadTemporaries(f);
    const jp = journalPath(f);
    const first = await readJournal(jp);
    if (!first) continue;
    await withFileLocks(
      first.files.map((e) => e.path),
      async () => {
        // Under the locks, the journal's writer is gone (it held them while the journal existed).
        const journal = await readJournal(jp);
        if (!journal) return;
        notes.push(await rollForward(journal, shown));
        await fs.rm(jp, { force: true });
      },
      { recover: false },
    );
  }
  return notes;
}

/**
 * Writes several files, each only if still as its snapshot saw it. Every file is checked before any
 * is written, so a concurrent change to one leaves all of them untouched. The files' locks are held
 * from the check to the last write, so two processes cannot both pass the check and both write.
 * Several files are written through a journal (see above). A file that cannot be edited safely
 * (UTF-16) is refused before anything is written. Returns the files written.
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
  for (const c of changes) {
    const why = snap(c.file).unsafe;
    if (why) throw new InputError(`${c.file}: ${why}; nothing was written`, undefined, 'input/unsafe-encoding');
  }
  return withFileLocks(
    changes.map((c) => snap(c.file).path),
    async () => {
      faultPoint();
      const befores = new Map<string, Buffer | undefined>();
      for (const c of changes) {
        const p = snap(c.file).path;
        const bytes = await currentBytes(p);
        if ((bytes === undefined ? undefined : hashBytes(bytes)) !== snap(c.file).hash) throw new ConcurrentChangeError(c.file);
        befores.set(p, bytes);
      }
      const paths = changes.map((c) => path.resolve(snap(c.file).path));
      const journal = changes.length > 1 ? journalPath([...paths].sort()[0]!) : undefined;
      const written: string[] = [];
      try {
        if (journal) {
          const j: Journal = {
            pid: process.pid,
            host: hostname(),
            time: Date.now(),
            files: changes.map((c) => {
              const b = befores.get(snap(c.file).path);
              return {
                path: path.resolve(snap(c.file).path),
                before: b === undefined ? null : b.toString('base64'),
                after: encodeText(c.after).toString('base64'),
              };
            }),
          };
          await writeAtomic(journal, JSON.stringify(j));
          faultPoint();
        }
        for (const c of changes) {
          await writeAtomic(snap(c.file).path, c.after);
          written.push(c.file);
          faultPoint();
        }
      } catch (err) {
        if (journal && (await rollBack(changes, written, snap, befores))) await fs.rm(journal, { force: true }).catch(() => undefined);
        throw writeError(err, written.length < changes.length ? changes[written.length]!.file : changes[0]!.file);
      }
      if (journal) {
        await fs.rm(journal, { force: true });
        faultPoint();
      }
      return written;
    },
  );
}

/** Puts back the files already written; false when that failed too (the journal then stays for the next run). */
async function rollBack(
  changes: ReadonlyArray<{ file: string; after: string }>,
  written: string[],
  snap: (file: string) => FileSnapshot,
  befores: Map<string, Buffer | undefined>,
): Promise<boolean> {
  try {
    for (const c of changes.filter((x) => written.includes(x.file)).reverse()) {
      const p = snap(c.file).path;
      const b = befores.get(p);
      if (b === undefined) await fs.rm(await writeTarget(p), { force: true });
      else await writeAtomic(p, b);
    }
    return true;
  } catch {
    return false;
  }
}

// ---- locks --------------------------------------------------------------------------------------

/** How long a writer waits for another's lock before giving up. */
const LOCK_WAIT_MS = 10_000;
/** A lock older than this is left over from a process that died while writing. */
const LOCK_STALE_MS = 30_000;

export class FileLockedError extends Error {
  constructor(
    readonly file: string,
    holder: string,
  ) {
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
    // Locks appear whole (linked from a written temporary): one without an owner is debris, unless
    // it was created the old way (open, then write) a moment ago.
    return Date.now() - mtimeMs > 1_000;
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  return !processAlive(owner.pid);
}

/**
 * Creates `lock` holding `content`, atomically: the content is written to a temporary first and the
 * lock is a hard link to it (fails with EEXIST when the lock exists), so no process ever sees an
 * empty lock and a failure leaves none. Where hard links are not supported, falls back to O_EXCL.
 */
async function createLock(lock: string, content: string, shown: string): Promise<boolean> {
  const tmp = tempPath(lock);
  try {
    await fs.writeFile(tmp, content, { flag: 'wx' });
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(err, `${shown} (its lock ${path.basename(lock)})`);
  }
  try {
    await fs.link(tmp, lock);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV')
      throw writeError(err, shown);
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
  // No hard links here: O_CREAT | O_EXCL, and the lock removed again if its content cannot be written.
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lock, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeError(err, shown);
  }
  try {
    await handle.writeFile(content);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(lock, { force: true }).catch(() => undefined);
    throw writeError(err, shown);
  }
  await handle.close();
  return true;
}

/** Removes the lock of `file` when the process holding it died (so a reader leaves no debris behind either). */
async function removeStaleLock(file: string): Promise<void> {
  const lock = lockPath(file);
  const [text, stat] = await Promise.all([fs.readFile(lock, 'utf8').catch(() => undefined), fs.stat(lock).catch(() => undefined)]);
  if (!stat || !lockIsStale(text, stat.mtimeMs)) return;
  if ((await fs.readFile(lock, 'utf8').catch(() => undefined)) === text) await fs.rm(lock, { force: true }).catch(() => undefined);
}

async function acquire(file: string): Promise<() => Promise<void>> {
  const lock = lockPath(file);
  try {
    await fs.mkdir(path.dirname(lock), { recursive: true });
  } catch (err) {
    throw writeError(err, file);
  }
  const me: LockOwner = { pid: process.pid, host: hostname(), time: Date.now() };
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    if (await createLock(lock, JSON.stringify(me), file)) return () => fs.rm(lock, { force: true });
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
 * Runs `fn` holding an exclusive lock on each file (a `.<name>.lock` created atomically with its
 * content beside it), taken in path order so two writers of the same files cannot deadlock. Locks
 * left by a process that died are taken over; so is a journal it left (the write is completed
 * first, unless `recover` is false).
 */
export async function withFileLocks<T>(files: readonly string[], fn: () => Promise<T>, opts: { recover?: boolean } = {}): Promise<T> {
  const ordered = [...new Set(files.map((f) => path.resolve(f)))].sort();
  const releases: Array<() => Promise<void>> = [];
  try {
    for (const f of ordered) releases.push(await acquire(f));
    if (opts.recover !== false) {
      for (const f of ordered) {
        const j = await readJournal(journalPath(f));
        if (j && j.files.every((e) => ordered.includes(path.resolve(e.path)))) {
          await rollForward(j, (x) => x);
          await fs.rm(journalPath(f), { force: true });
        }
      }
    }
    return await fn();
  } finally {
    for (const release of releases.reverse()) await release();
  }
}
