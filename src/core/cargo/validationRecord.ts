/**
 * Each validation run (command, result, duration, date) is recorded in the milestone's tracking
 * file, in a generated section between `<!-- milestone-scope:validation:start/end -->` markers.
 * Only that section changes; rows already there (and any lines a user added to it) are kept.
 */
import * as path from 'node:path';
import { ConcurrentChangeError, readSnapshot, writeIfUnchanged } from '../files';
import { readSection, upsertSection } from '../markdown/sections';

export const VALIDATION_SECTION = 'validation';
/** Oldest rows beyond this many are dropped so the section stays readable. */
export const MAX_RECORDED_RUNS = 50;

export type RunOutcome = 'passed' | 'failed' | 'cancelled' | 'not-started';

export interface ValidationRun {
  /** The command as typed, e.g. `cargo check -p openvm-metal-backend`. */
  command: string;
  outcome: RunOutcome;
  exitCode?: number;
  durationMs: number;
  /** When the run started. */
  date: Date;
  /** Extra detail: selected tests, the trace file of a profiling run. */
  note?: string;
}

const HEADER = ['| Date (UTC) | Command | Result | Duration | Notes |', '| --- | --- | --- | --- | --- |'];

/** How long a command ran, wall clock, for people: `850 ms`, `12.3 s`, `2 min 5 s`. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function formatUtc(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function formatOutcome(run: Pick<ValidationRun, 'outcome' | 'exitCode'>): string {
  switch (run.outcome) {
    case 'passed':
      return 'passed';
    case 'failed':
      return run.exitCode !== undefined ? `failed (exit ${run.exitCode})` : 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'not-started':
      return 'could not start';
  }
}

export function formatRunRow(run: ValidationRun): string {
  const cells = [formatUtc(run.date), code(run.command), formatOutcome(run), formatElapsed(run.durationMs), run.note ?? ''];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/**
 * The section body with `run` appended to its table. A body without a table gets one; lines
 * that are not table rows are kept where they are.
 */
export function appendRunToBody(body: string | undefined, run: ValidationRun, eol = '\n'): string {
  const row = formatRunRow(run);
  if (body === undefined || body.trim() === '') {
    return ['## Validation runs', '', ...HEADER, row].join(eol);
  }
  const lines = body.split(/\r?\n/);
  const isRow = (l: string) => /^\s*\|/.test(l);
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (isRow(lines[i]!)) last = i;
  if (last < 0) return [...lines, '', ...HEADER, row].join(eol);
  lines.splice(last + 1, 0, row);
  // Drop the oldest data rows (after the header and separator) beyond the limit.
  let first = lines.findIndex(isRow);
  if (first >= 0 && /^\s*\|\s*:?-{3,}/.test(lines[first + 1] ?? '')) first += 2;
  let rows = 0;
  for (let i = first; i < lines.length && isRow(lines[i]!); i++) rows++;
  const excess = rows - MAX_RECORDED_RUNS;
  if (excess > 0) lines.splice(first, excess);
  return lines.join(eol);
}

/** Heading of the tracking template's validation section, under which the runs table goes. */
const VALIDATION_HEADING = /^(#{1,6})\s+Validation\b/i;

/**
 * Where a new section goes: at the end of the document's "Validation" heading section (before
 * the next heading of the same or a higher level), or undefined when there is no such heading.
 * Fenced code blocks are skipped.
 */
function validationHeadingEnd(lines: readonly string[]): { index: number } | undefined {
  let fence: string | undefined;
  let level = 0;
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const f = /^\s{0,3}(```|~~~)/.exec(l);
    if (f) {
      if (!fence) fence = f[1];
      else if (l.trim().startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence) continue;
    const h = /^(#{1,6})\s/.exec(l);
    if (!h) continue;
    if (start >= 0 && h[1]!.length <= level) return { index: i };
    if (start < 0 && VALIDATION_HEADING.test(l)) {
      start = i;
      level = h[1]!.length;
    }
  }
  return start >= 0 ? { index: lines.length } : undefined;
}

/** `- [ ] \`cmd\`` becomes `- [x] \`cmd\`` for a command that passed. */
function tickChecklist(text: string, command: string): string {
  const escaped = command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(\\s*[-*+]\\s+\\[) (\\]\\s+\`${escaped}\`\\s*)$`, 'gm');
  return text.replace(re, '$1x$2');
}

/** The whole document with the run recorded; everything outside the section is unchanged. */
export function recordRunInText(text: string, run: ValidationRun): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let out: string;
  const existing = readSection(text, VALIDATION_SECTION);
  if (existing !== undefined) {
    out = upsertSection(text, VALIDATION_SECTION, appendRunToBody(existing, run, eol));
  } else {
    const lines = text.split(/\r?\n/);
    const at = validationHeadingEnd(lines);
    if (at) {
      // Under the document's own Validation heading: a table without a heading of its own.
      const body = [...HEADER, formatRunRow(run)].join(eol);
      const block = upsertSection('', VALIDATION_SECTION, body)
        .replace(/\r?\n$/, '')
        .split(/\r?\n/);
      let insertAt = at.index;
      while (insertAt > 0 && lines[insertAt - 1]!.trim() === '') insertAt--;
      const after = lines.slice(insertAt);
      const gap = after.length > 0 && after[0]!.trim() !== '' ? [''] : [];
      out = [...lines.slice(0, insertAt), '', ...block, ...gap, ...after].join(eol);
    } else {
      out = upsertSection(text, VALIDATION_SECTION, appendRunToBody(undefined, run, eol));
    }
  }
  return run.outcome === 'passed' ? tickChecklist(out, run.command) : out;
}

export type RecordResult = { recorded: true; file: string } | { recorded: false; file: string; reason: string };

/**
 * Records `run` in the tracking file `trackingFile` (repository-relative) under `root`.
 * A change on disk between read and write is retried on the new content (the edit only adds a
 * row); a missing tracking file is not created: the milestone has not been started.
 */
export async function recordRun(root: string, trackingFile: string, run: ValidationRun): Promise<RecordResult> {
  const abs = path.join(root, trackingFile);
  for (let attempt = 0; attempt < 3; attempt++) {
    const snap = await readSnapshot(abs);
    if (snap.text === undefined) {
      return { recorded: false, file: trackingFile, reason: `${trackingFile} does not exist; start the milestone to create it` };
    }
    try {
      await writeIfUnchanged(snap, recordRunInText(snap.text, run));
      return { recorded: true, file: trackingFile };
    } catch (err) {
      if (!(err instanceof ConcurrentChangeError)) {
        return { recorded: false, file: trackingFile, reason: (err as Error).message };
      }
    }
  }
  return { recorded: false, file: trackingFile, reason: `${trackingFile} kept changing on disk; the run was not recorded` };
}

/** Rows of the section as recorded, newest last (for reports). */
export function recordedRows(text: string): string[] {
  const body = readSection(text, VALIDATION_SECTION);
  if (!body) return [];
  return body.split(/\r?\n/).filter((l) => /^\s*\|/.test(l) && !/^\s*\|\s*(Date|:?-{3,})/.test(l));
}
