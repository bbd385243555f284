/**
 * Checks of the catalog's `path:line` references against the workspace: the file exists inside
 * the workspace, the line exists and holds code, and (with a baseline) it is still the code the
 * catalog pointed at when it was committed.
 *
 * Results are cached per (path, lines, file version), so after an edit only the references into
 * the changed file, or the edited references, are evaluated again.
 */
import type { Catalog, HotspotRef } from '../catalog/model';
import type { Problem, Severity } from '../problems';
import type { Drift, ReferenceBaseline } from './baseline';
import { DocCheckCode } from './codes';
import { escapeMessage, writtenAbsolute } from '../paths';
import type { FileLookup, ResolvedFile } from './fileCache';
import { LineKind } from './lineKinds';

/** A problem found at a reference; `moveTo` is set when the referenced code is now elsewhere. */
export interface RefFinding extends Problem {
  ref: HotspotRef;
  moveTo?: { line: number; endLine: number; preferred: boolean };
}

interface Verdict {
  severity: Severity;
  code: string;
  message: string;
  moveTo?: RefFinding['moveTo'];
}

/** `crates/x.rs:110` or `crates/x.rs:110-146`. */
export function formatRef(path: string, line: number, endLine: number): string {
  return endLine > line ? `${path}:${line}-${endLine}` : `${path}:${line}`;
}

/** A line of code for a message: trimmed, shortened, in backticks. */
export function quoteCode(text: string, max = 60): string {
  const t = text.trim().replace(/`/g, "'");
  return '`' + (t.length > max ? t.slice(0, max - 1) + '…' : t) + '`';
}

function lineCount(n: number): string {
  return n === 1 ? '1 line' : `${n} lines`;
}

/** Evaluates one reference target against the file as it is (and as it was, with a drift). */
export function evaluateReference(
  target: { path: string; line: number; endLine: number },
  file: ResolvedFile,
  drift: Drift | undefined,
  commit: string | undefined,
): Verdict[] {
  const { path, line, endLine } = target;
  const at = formatRef(path, line, endLine);
  switch (file.kind) {
    case 'missing':
      return [{ severity: 'error', code: DocCheckCode.missingFile, message: `${path} does not exist` }];
    case 'directory':
      return [{ severity: 'error', code: DocCheckCode.missingFile, message: `${path} is a folder, not a file` }];
    case 'outside':
      return [
        {
          severity: 'error',
          code: DocCheckCode.outsideWorkspace,
          message: escapeMessage(path, file.reason, file.target),
        },
      ];
    case 'unreadable':
      return [{ severity: 'error', code: DocCheckCode.unreadable, message: `${path} cannot be read as text: ${file.message}` }];
    case 'file':
      break;
  }
  const since = commit ? ` since the catalog's last commit ${commit}` : '';
  if (drift?.kind === 'moved') {
    const where = drift.endLine > drift.line ? `lines ${drift.line}-${drift.endLine}` : `line ${drift.line}`;
    return [
      {
        severity: 'warning',
        code: DocCheckCode.moved,
        message: `${at}: the code it pointed at (${quoteCode(drift.text)}) moved to ${where}${since}`,
        moveTo: { line: drift.line, endLine: drift.endLine, preferred: true },
      },
    ];
  }
  const was =
    drift?.kind === 'edited' || drift?.kind === 'removed' ? ` (it was ${quoteCode(drift.oldText)}${commit ? ` at ${commit}` : ''})` : '';
  const total = file.lines.length;
  if (line > total || endLine > total) {
    const what = line > total ? `line ${line} is past the end of ${path}` : `the range ${line}-${endLine} runs past the end of ${path}`;
    return [{ severity: 'error', code: DocCheckCode.linePastEnd, message: `${what} (${lineCount(total)})${was}` }];
  }
  const kinds = file.lineKinds();
  let blank = 0;
  let comment = 0;
  for (let n = line; n <= endLine; n++) {
    const k = kinds[n - 1];
    if (k === LineKind.Blank) blank++;
    else if (k === LineKind.Comment) comment++;
  }
  const size = endLine - line + 1;
  if (blank === 0 && comment === size && attachedDocComment(file.lines, kinds, line, endLine)) return [];
  if (blank + comment === size) {
    if (size > 1) {
      return [
        {
          severity: 'warning',
          code: comment > 0 ? DocCheckCode.commentLine : DocCheckCode.blankLine,
          message: `${at}: lines ${line}-${endLine} hold no code, only ${comment > 0 ? 'comments and blank lines' : 'blank lines'}${was}`,
        },
      ];
    }
    return blank === 1
      ? [{ severity: 'warning', code: DocCheckCode.blankLine, message: `${at} is a blank line${was}` }]
      : [
          {
            severity: 'warning',
            code: DocCheckCode.commentLine,
            message: `${at} is only a comment: ${quoteCode(file.lines[line - 1]!)}${was}`,
          },
        ];
  }
  if (drift?.kind === 'edited') {
    const now = drift.line !== line ? ` and is now line ${drift.line}` : '';
    return [
      {
        severity: 'warning',
        code: DocCheckCode.changed,
        message: `${at} changed${since}: it was ${quoteCode(drift.oldText)}, it is ${quoteCode(drift.newText)}${now}`,
        ...(drift.line !== line ? { moveTo: { line: drift.line, endLine: drift.line + (endLine - line), preferred: false } } : {}),
      },
    ];
  }
  if (drift?.kind === 'removed') {
    return [
      {
        severity: 'warning',
        code: DocCheckCode.changed,
        message: `${at}: the code it pointed at (${quoteCode(drift.oldText)}) was deleted${since}`,
      },
    ];
  }
  return [];
}

/** A `///` doc comment line (not `////`, which is an ordinary comment). */
function isDocLine(text: string): boolean {
  return /^\s*\/\/\/(?!\/)/.test(text);
}

/**
 * True when lines `line..endLine` are all `///` doc comment lines attached to an item: what
 * follows them, past further doc lines and attributes (`#[inline]`), is code with no blank line
 * between. Such a comment states what the item assumes: a legitimate hotspot.
 */
export function attachedDocComment(lines: readonly string[], kinds: Uint8Array, line: number, endLine: number): boolean {
  for (let n = line; n <= endLine; n++) if (!isDocLine(lines[n - 1] ?? '')) return false;
  for (let n = endLine + 1; n <= lines.length; n++) {
    const text = lines[n - 1]!;
    if (isDocLine(text) || /^\s*#!?\[/.test(text)) continue;
    return kinds[n - 1] === LineKind.Code;
  }
  return false;
}

export interface CheckReferencesOptions {
  files: FileLookup;
  baseline?: ReferenceBaseline;
  /** Current catalog text: decides which references were committed (needed with a baseline). */
  catalogText?: string;
  /** The text of a reference as written (its source range), for the absolute-path check. */
  sourceText?: (ref: HotspotRef) => string | undefined;
  /**
   * Whether a catalog line is unchanged since the catalog's last commit, when the caller tracks
   * it (an editor following edits); otherwise the baseline diffs `catalogText` itself.
   */
  committedLine?: (line: number) => boolean;
}

interface CacheEntry {
  version: number;
  baseline: ReferenceBaseline | undefined;
  verdicts: Verdict[];
}

/**
 * Checks every reference of a catalog, reusing verdicts of references whose target and file did
 * not change since the last call.
 */
export class ReferenceChecker {
  private cache = new Map<string, CacheEntry>();

  check(catalog: Catalog, options: CheckReferencesOptions): RefFinding[] {
    const out: RefFinding[] = [];
    const next = new Map<string, CacheEntry>();
    const commit = options.baseline?.shortCommit;
    for (const item of catalog.workItems) {
      for (const ref of item.hotspots) {
        if (writtenAbsolute(options.sourceText?.(ref))) {
          out.push(
            locate(ref, {
              severity: 'error',
              code: DocCheckCode.outsideWorkspace,
              message: `${ref.path} is written as an absolute path; references are relative to the workspace root`,
            }),
          );
          continue;
        }
        const file = options.files.resolve(ref.path);
        const committed =
          options.baseline === undefined || file.kind !== 'file'
            ? false
            : options.committedLine
              ? options.committedLine(ref.source.line)
              : options.catalogText !== undefined && options.baseline.catalogLineCommitted(options.catalogText, ref.source.line);
        const key = `${ref.path}\0${ref.line}\0${ref.endLine}\0${committed ? 1 : 0}`;
        let entry = next.get(key) ?? this.cache.get(key);
        const baseline = committed ? options.baseline : undefined;
        if (!entry || entry.version !== file.version || entry.baseline !== baseline) {
          const drift = baseline && file.kind === 'file' ? baseline.drift(ref.path, ref.line, ref.endLine, file) : undefined;
          entry = { version: file.version, baseline, verdicts: evaluateReference(ref, file, drift, commit) };
        }
        next.set(key, entry);
        for (const v of entry.verdicts) out.push(locate(ref, v));
      }
    }
    this.cache = next;
    return out;
  }

  /** Drops every cached verdict (e.g. when the baseline commit changed). */
  clear(): void {
    this.cache.clear();
  }
}

function locate(ref: HotspotRef, v: Verdict): RefFinding {
  const s = ref.source;
  const finding: RefFinding = {
    severity: v.severity,
    code: v.code,
    message: v.message,
    file: s.file,
    line: s.line,
    column: s.column,
    endLine: s.line,
    endColumn: s.endColumn,
    ref,
  };
  if (v.moveTo) finding.moveTo = v.moveTo;
  return finding;
}

/** One-shot check of a catalog's references (the CLI's use). */
export function checkReferences(catalog: Catalog, options: CheckReferencesOptions): RefFinding[] {
  return new ReferenceChecker().check(catalog, options);
}
