/**
 * Files a milestone may change outside its scope, recorded in its tracking file with a reason:
 *
 *   ## Allowed files
 *
 *   <!-- milestone-scope:allowed-files:start -->
 *   - `crates/stark-backend/src/field.rs`: shared-buffer accessor the root read needs
 *   <!-- milestone-scope:allowed-files:end -->
 *
 * A hand-written `## Allowed files` list without the markers is read too. Entries may be globs
 * (`crates/stark-backend/src/**`) or folders (`docs/`).
 */
import picomatch from 'picomatch';
import { detectEol, lineSpans } from '../markdown';
import { problem, type Problem } from '../problems';
import { readSection, sectionMarkers, upsertSection } from '../markdown/sections';
import { makeEdit, type TextEdit } from '../textEdits';

export const ALLOWED_SECTION = 'allowed-files';
const HEADING = /^#{1,6}\s+allowed files\s*$/i;

export interface AllowedEntry {
  pattern: string;
  reason: string;
  /** 1-based line in the tracking file. */
  line: number;
}

export interface AllowedFiles {
  entries: AllowedEntry[];
  problems: Problem[];
  matches(file: string): AllowedEntry | undefined;
}

const BULLET = /^\s*[-*+]\s+(.*?)\s*$/;

function readBullet(content: string): { pattern: string; reason: string } | undefined {
  const ticked = /^`([^`]+)`\s*(?:(?::|—|–|-)\s*(.*))?$/.exec(content);
  if (ticked) return { pattern: ticked[1].trim(), reason: (ticked[2] ?? '').trim() };
  const plain = /^(\S+?)(?::\s+|\s+(?:—|–|-)\s+|\s*$)(.*)$/.exec(content);
  if (plain) return { pattern: plain[1].replace(/:$/, ''), reason: plain[2].trim() };
  return undefined;
}

/** The allowed-file entries of a tracking file's text. */
export function parseAllowedFiles(text: string, file: string): AllowedFiles {
  const spans = lineSpans(text);
  const line = (n: number) => text.slice(spans[n].start, spans[n].end);
  const problems: Problem[] = [];
  const entries: AllowedEntry[] = [];
  const { start, end } = sectionMarkers(ALLOWED_SECTION);
  let from = -1;
  let to = -1;
  let marked = false;
  for (let n = 0; n < spans.length; n++) {
    const l = line(n).trim();
    if (l === start) {
      from = n + 1;
      marked = true;
    } else if (l === end && marked) {
      to = n;
      break;
    }
  }
  if (marked && to < 0) {
    problems.push(
      problem('warning', 'scope/allowed-unterminated', `the allowed-files section has no end marker (${end})`, { file, line: from }),
    );
    to = spans.length;
  }
  if (!marked) {
    const h = spans.findIndex((_, n) => HEADING.test(line(n).trim()));
    if (h >= 0) {
      from = h + 1;
      to = spans.length;
      for (let n = from; n < spans.length; n++) {
        if (/^#{1,6}\s/.test(line(n))) {
          to = n;
          break;
        }
      }
    }
  }
  for (let n = Math.max(from, 0); from >= 0 && n < to; n++) {
    const l = line(n);
    if (l.trim() === '') continue;
    const b = BULLET.exec(l);
    const entry = b ? readBullet(b[1]) : undefined;
    if (!entry) {
      if (marked)
        problems.push(
          problem('warning', 'scope/allowed-unreadable', `cannot read this allowed-file entry; write "- \`path\`: reason"`, {
            file,
            line: n + 1,
          }),
        );
      continue;
    }
    if (!entry.reason) {
      problems.push(
        problem(
          'warning',
          'scope/allowed-without-reason',
          `allowed file ${entry.pattern} has no reason; write "- \`${entry.pattern}\`: why the milestone needs it"`,
          { file, line: n + 1 },
        ),
      );
    }
    entries.push({ ...entry, line: n + 1 });
  }
  const tests = entries.map((e) => {
    if (e.pattern.endsWith('/')) return (f: string) => f.startsWith(e.pattern);
    const glob = picomatch(e.pattern, { dot: true });
    return (f: string) => f === e.pattern || glob(f);
  });
  return {
    entries,
    problems,
    matches: (f) => {
      const i = tests.findIndex((t) => t(f));
      return i >= 0 ? entries[i] : undefined;
    },
  };
}

/** One line of the list; backticks in a path cannot be quoted, so they are refused. */
function entryLine(pattern: string, reason: string): string {
  if (pattern.includes('`') || /[\r\n]/.test(pattern))
    throw new Error(`cannot record ${JSON.stringify(pattern)}: a path with a backtick or a line break`);
  const why = reason.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (!why) throw new Error('a reason is required to allow a file');
  return `- \`${pattern}\`: ${why}`;
}

/**
 * The edit that records `pattern` as allowed, with its reason, in a tracking file's text: added
 * to the marked section, to a hand-written "Allowed files" list, or as a new section at the end.
 * Undefined when the pattern is already listed.
 */
export function allowFileEdit(text: string, file: string, pattern: string, reason: string): TextEdit | undefined {
  const current = parseAllowedFiles(text, file);
  if (current.entries.some((e) => e.pattern === pattern)) return undefined;
  const eol = detectEol(text);
  const entry = entryLine(pattern, reason);
  const body = readSection(text, ALLOWED_SECTION);
  if (body !== undefined) {
    const next = body.trim() === '' ? entry : body.replace(/(\r?\n)*$/, '') + eol + entry;
    return wholeReplace(text, upsertSection(text, ALLOWED_SECTION, next));
  }
  const spans = lineSpans(text);
  const heading = spans.findIndex((s) => HEADING.test(text.slice(s.start, s.end).trim()));
  if (heading >= 0) {
    // After the last bullet of the hand-written list (or right below the heading).
    let last = heading;
    for (let n = heading + 1; n < spans.length; n++) {
      const l = text.slice(spans[n].start, spans[n].end);
      if (/^#{1,6}\s/.test(l)) break;
      if (BULLET.test(l)) last = n;
    }
    const at = spans[last].end;
    const prefix = last === heading ? eol + eol : eol;
    return makeEdit(text, at, at, prefix + entry);
  }
  const trimmed = text.replace(/\s*$/, '');
  const lead = trimmed.length ? eol + eol : '';
  const { start, end } = sectionMarkers(ALLOWED_SECTION);
  const block = ['## Allowed files', '', start, entry, end].join(eol);
  return makeEdit(text, trimmed.length, text.length, lead + block + eol);
}

/** One edit turning `before` into `after`, limited to the part that differs. */
function wholeReplace(before: string, after: string): TextEdit {
  let s = 0;
  while (s < before.length && s < after.length && before[s] === after[s]) s++;
  let e = 0;
  while (e < before.length - s && e < after.length - s && before[before.length - 1 - e] === after[after.length - 1 - e]) e++;
  return makeEdit(before, s, before.length - e, after.slice(s, after.length - e));
}
