/**
 * The catalog's last commit as the reference point for its `path:line` references: when the
 * catalog was committed, each reference pointed at some line of code. Comparing that line (the
 * file as it was at that commit) with the file now says whether the reference still holds, and
 * if the code moved, where to.
 */
import { diffTexts, invertHunks, mapLine, readBlobs, blobSpec, lastCommitTouching, type Hunk } from '../diff';
import { splitLines, type FileContent } from './fileCache';

/** What became of a referenced line since the catalog's last commit. */
export type Drift =
  | { kind: 'same' }
  /** The same code, now at other lines. */
  | { kind: 'moved'; line: number; endLine: number; text: string }
  /** The line's own text changed (`line`: where it is now). */
  | { kind: 'edited'; line: number; oldText: string; newText: string }
  /** The line was deleted. */
  | { kind: 'removed'; oldText: string }
  /** The line did not exist at the commit either (the reference was already past the end). */
  | { kind: 'unknown' };

/**
 * Per line of `current` (index = line - 1): 1 when the line is unchanged since `committed`.
 * Callers that follow edits keep this up to date themselves instead of diffing on every edit.
 */
export function committedLineFlags(committed: string, current: string): Uint8Array {
  const inverse = invertHunks(diffTexts(committed, current));
  let count = 1;
  for (let i = current.indexOf('\n'); i >= 0; i = current.indexOf('\n', i + 1)) count++;
  if (count > 1 && current.endsWith('\n')) count--; // as splitLines counts
  const flags = new Uint8Array(count).fill(1);
  for (const h of inverse) {
    // Inverted hunks run new -> old: their "old" side is the current text.
    for (let n = h.oldStart; n < h.oldStart + h.oldLines; n++) if (n >= 1 && n <= count) flags[n - 1] = 0;
  }
  return flags;
}

/** Lines of code too generic to follow by their text alone (`}`, `);`, `else {`). */
function distinctive(text: string): boolean {
  const t = text.trim();
  return t.length >= 6 && /[A-Za-z0-9_]{3}/.test(t);
}

interface HunkCacheEntry {
  version: number;
  hunks: Hunk[];
}

export class ReferenceBaseline {
  private readonly oldLines = new Map<string, readonly string[]>();
  private readonly hunkCache = new Map<string, HunkCacheEntry>();
  private catalogHunks: { text: string; inverse: Hunk[] } | undefined;

  /**
   * @param commit the catalog's last commit
   * @param catalogText the catalog at that commit
   * @param files referenced paths -> their text at that commit (undefined: not in that commit)
   */
  constructor(
    readonly commit: string,
    private readonly catalogText: string | undefined,
    private readonly files: Map<string, string | undefined>,
  ) {}

  get shortCommit(): string {
    return this.commit.slice(0, 7);
  }

  /** The catalog's text at the commit (undefined when git had none). */
  get catalogAtCommit(): string | undefined {
    return this.catalogText;
  }

  /** True when the baseline knows (has asked git about) the path. */
  covers(path: string): boolean {
    return this.files.has(path);
  }

  /** Adds texts of more paths (after the catalog started referencing new files). */
  add(files: Map<string, string | undefined>): void {
    for (const [p, t] of files) this.files.set(p, t);
  }

  /**
   * True when catalog line `line` of `currentCatalog` is the same as a line of the committed
   * catalog: only such references were written against the commit. An edited reference is the
   * user's new claim and is not compared with the old code.
   */
  catalogLineCommitted(currentCatalog: string, line: number): boolean {
    if (this.catalogText === undefined) return false;
    if (this.catalogHunks?.text !== currentCatalog) {
      this.catalogHunks = { text: currentCatalog, inverse: invertHunks(diffTexts(this.catalogText, currentCatalog)) };
    }
    return mapLine(this.catalogHunks.inverse, line).kind === 'unchanged';
  }

  /** Where the code a reference pointed at (lines `line..endLine` at the commit) is in `now`. */
  drift(path: string, line: number, endLine: number, now: FileContent): Drift {
    const oldText = this.files.get(path);
    if (oldText === undefined) return { kind: 'unknown' };
    const hunks = this.hunks(path, oldText, now);
    // Unchanged since the commit (the common case): no need to look at the old lines.
    if (hunks.length === 0) return line > now.lines.length ? { kind: 'unknown' } : { kind: 'same' };
    const old = this.linesOf(path, oldText);
    if (line > old.length) return { kind: 'unknown' };
    const was = old[line - 1]!;
    const start = mapLine(hunks, line);
    const lastOld = Math.min(endLine, old.length);
    const end = mapLine(hunks, lastOld);
    if (start.kind === 'unchanged' && end.kind === 'unchanged') {
      if (start.line === line && end.line === lastOld) return { kind: 'same' };
      return { kind: 'moved', line: start.line, endLine: start.line + Math.max(0, end.line - start.line), text: was };
    }
    if (start.kind === 'unchanged') {
      // The first line is intact; only the tail of the range changed. Still the same place.
      if (start.line === line) return { kind: 'same' };
      return { kind: 'moved', line: start.line, endLine: start.line + (endLine - line), text: was };
    }
    // The line itself was edited or removed: follow its exact text if it is distinctive and
    // appears again nearby (code cut and pasted a few lines away).
    const found = distinctive(was) ? nearestAddedLine(hunks, now.lines, was, start.line) : undefined;
    if (found !== undefined) {
      return found === line ? { kind: 'same' } : { kind: 'moved', line: found, endLine: found + (endLine - line), text: was };
    }
    if (start.kind === 'edited') return { kind: 'edited', line: start.line, oldText: was, newText: now.lines[start.line - 1] ?? '' };
    return { kind: 'removed', oldText: was };
  }

  /** The text of a line at the commit, when known. */
  oldLine(path: string, line: number): string | undefined {
    const t = this.files.get(path);
    return t === undefined ? undefined : this.linesOf(path, t)[line - 1];
  }

  private linesOf(path: string, text: string): readonly string[] {
    let l = this.oldLines.get(path);
    if (!l) this.oldLines.set(path, (l = splitLines(text)));
    return l;
  }

  private hunks(path: string, oldText: string, now: FileContent): Hunk[] {
    const c = this.hunkCache.get(path);
    if (c && c.version === now.version) return c.hunks;
    const hunks = oldText === now.text ? [] : diffTexts(normaliseEol(oldText), normaliseEol(now.text));
    this.hunkCache.set(path, { version: now.version, hunks });
    return hunks;
  }
}

function normaliseEol(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
}

/**
 * The added line (1-based, in the new text) equal to `text` ignoring surrounding space, closest to
 * `near`. Only added lines qualify: a line that was already there at the commit is other code,
 * however alike (the same call written twice), not where this line went.
 */
function nearestAddedLine(hunks: readonly Hunk[], lines: readonly string[], text: string, near: number): number | undefined {
  const want = text.trim();
  let best: number | undefined;
  for (const h of hunks) {
    let n = h.newStart;
    for (const l of h.lines) {
      const op = l[0];
      if (op === '-' || op === '\\') continue;
      if (op === '+' && lines[n - 1]?.trim() === want && (best === undefined || Math.abs(n - near) < Math.abs(best - near))) best = n;
      n++;
    }
  }
  return best;
}

/** The catalog's last commit, or undefined outside git or for a catalog git does not track. */
export async function catalogCommit(root: string, catalogFile: string): Promise<string | undefined> {
  try {
    return await lastCommitTouching(root, catalogFile);
  } catch {
    return undefined;
  }
}

/** Reads the committed texts a baseline needs: the catalog and each referenced path, in one git process. */
export async function readCommittedTexts(root: string, commit: string, paths: readonly string[]): Promise<Map<string, string | undefined>> {
  const specs = paths.map((p) => blobSpec(commit, p));
  const blobs = await readBlobs(root, specs);
  const out = new Map<string, string | undefined>();
  paths.forEach((p, i) => out.set(p, blobs.get(specs[i]!)));
  return out;
}

/**
 * Builds the baseline for a catalog at `root`: its last commit, the catalog then and the
 * referenced files then. Undefined when there is no commit to compare with.
 */
export async function loadReferenceBaseline(
  root: string,
  catalogFile: string,
  paths: readonly string[],
): Promise<ReferenceBaseline | undefined> {
  const commit = await catalogCommit(root, catalogFile);
  if (!commit) return undefined;
  const unique = [...new Set(paths)].filter((p) => p !== catalogFile);
  let texts: Map<string, string | undefined>;
  try {
    texts = await readCommittedTexts(root, commit, [catalogFile, ...unique]);
  } catch {
    return undefined;
  }
  const catalogText = texts.get(catalogFile);
  texts.delete(catalogFile);
  return new ReferenceBaseline(commit, catalogText, texts);
}
