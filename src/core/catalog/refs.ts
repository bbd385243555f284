import * as path from 'node:path';

/** A code location parsed from one piece of reference text. */
export interface ParsedRef {
  path: string;
  line: number;
  endLine: number;
  /**
   * For a relative link in a document below the root (`[x](crates/a.rs#L4)` in `docs/plans/gpu.md`):
   * the path read from the repository root (`crates/a.rs`), used only when the file-relative path
   * (`docs/plans/crates/a.rs`, GitHub's reading) does not exist. See resolveLinkRefs.
   */
  rootPath?: string;
}

export type RefParse = { ok: true; ref: ParsedRef } | { ok: false; reason: string } | undefined;

// A path with at least one `/` or a file extension, followed by a line spec.
const PATH = String.raw`((?:\.{0,2}/)?[\w.@+-]+(?:/[\w.@+-]+)*\.[A-Za-z0-9]+|(?:\.{0,2}/)?[\w.@+-]+(?:/[\w.@+-]+)+)`;
const COLON_SPEC = new RegExp(String.raw`^${PATH}:(\d+)(?:[-–](\d+))?(?::\d+)?$`);
const HASH_SPEC = new RegExp(String.raw`^${PATH}#L(\d+)(?:C\d+)?(?:-L?(\d+)(?:C\d+)?)?$`);
const BARE_PATH = new RegExp(String.raw`^${PATH}$`);

/** Normalises a repository-relative path: forward slashes, no `./`, no duplicate separators. */
export function normaliseRefPath(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/'));
  return n.replace(/^\.\//, '').replace(/^\/+/, '');
}

function build(p: string, a: string, b: string | undefined): RefParse {
  const line = Number(a);
  const endLine = b === undefined ? line : Number(b);
  if (line < 1) return { ok: false, reason: `line numbers start at 1, got ${line}` };
  if (!Number.isSafeInteger(line) || !Number.isSafeInteger(endLine)) return { ok: false, reason: `line number ${b ?? a} is too large` };
  if (endLine < line) return { ok: false, reason: `range ends (${endLine}) before it starts (${line})` };
  return { ok: true, ref: { path: normaliseRefPath(p), line, endLine } };
}

/**
 * Parses `path:line`, `path:line-line`, `path#L110`, `path#L110-L146`.
 * Returns undefined when the text is not reference-shaped at all, and `{ ok: false }` when it is
 * reference-shaped but unusable (a bad range), so the caller can report it.
 */
export function parseRefText(text: string): RefParse {
  const t = text.trim();
  const colon = COLON_SPEC.exec(t);
  if (colon) return build(colon[1]!, colon[2]!, colon[3]);
  const hash = HASH_SPEC.exec(t);
  if (hash) return build(hash[1]!, hash[2]!, hash[3]);
  return undefined;
}

/** True for text that names a file but no line (`crates/x/src/lib.rs`). */
export function isBarePath(text: string): boolean {
  return BARE_PATH.test(text.trim()) && /\.[A-Za-z0-9]+$/.test(text.trim());
}

/**
 * Resolves a link target to a repository-relative reference. Relative link targets are
 * resolved against the folder of the document they are written in (markdown semantics);
 * `/path` is repository-rooted; GitHub/GitLab blob URLs keep the path after the revision.
 */
export function parseLinkTarget(url: string, documentFile: string): RefParse {
  let target = url.trim();
  const blob = /^https?:\/\/[^/]+\/[^/]+\/[^/]+\/(?:-\/)?blob\/[^/]+\/(.+)$/.exec(target);
  if (blob) target = '/' + blob[1];
  else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const hashIndex = target.indexOf('#');
  const filePart = decodePath(hashIndex >= 0 ? target.slice(0, hashIndex) : target);
  const hashPart = hashIndex >= 0 ? target.slice(hashIndex) : '';
  let resolved: string;
  let rootPath: string | undefined;
  if (filePart.startsWith('/')) resolved = filePart.slice(1);
  else {
    const joined = path.posix.join(path.posix.dirname(documentFile.replace(/\\/g, '/')), filePart);
    resolved = joined.startsWith('../') ? filePart : joined;
    // Written as if from the repository root? Only a plain relative path can be meant that way.
    if (!blob && !/^\.{1,2}\//.test(filePart) && normaliseRefPath(filePart) !== normaliseRefPath(resolved))
      rootPath = normaliseRefPath(filePart);
  }
  const parsed = parseRefText(resolved + hashPart);
  if (parsed?.ok && rootPath !== undefined && !rootPath.startsWith('../')) parsed.ref.rootPath = rootPath;
  return parsed;
}

/** Percent-decodes a link path; a malformed escape (`%zz`) is kept as written. */
function decodePath(p: string): string {
  try {
    return decodeURI(p);
  } catch {
    return p;
  }
}
