/**
 * Reads back the validation runs the cargo tasks record in a tracking file (the table between the
 * `validation` section markers). Rows that cannot be read become problems with their line.
 */
import { VALIDATION_SECTION } from '../cargo/validationRecord';
import { problem, type Problem } from '../problems';
import { sectionMarkers } from '../markdown/sections';
import type { ValidationEntry } from './model';

/** Splits a table row on unescaped pipes, cells trimmed; outer pipes dropped. */
export function tableCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  const t = line.trim();
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === '\\' && t[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (ch === '|') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  if (t.startsWith('|')) cells.shift();
  if (t.endsWith('|') && !t.endsWith('\\|')) cells.pop();
  return cells.map((c) => c.trim());
}

/** `` `cmd` `` or ``` `` cmd `` ``` -> cmd. */
function uncode(text: string): string {
  const m = /^(`+)\s?([\s\S]*?)\s?\1$/.exec(text);
  return m ? m[2]! : text;
}

/** `850 ms`, `1.2 s`, `2 min 5 s` -> milliseconds. */
export function parseRecordedDuration(text: string): number | undefined {
  const t = text.trim();
  let m = /^(\d+(?:\.\d+)?)\s*ms$/.exec(t);
  if (m) return Number(m[1]);
  m = /^(\d+(?:\.\d+)?)\s*s$/.exec(t);
  if (m) return Number(m[1]) * 1000;
  m = /^(\d+)\s*min(?:\s+(\d+(?:\.\d+)?)\s*s)?$/.exec(t);
  if (m) return Number(m[1]) * 60_000 + Number(m[2] ?? 0) * 1000;
  return undefined;
}

function outcomeOf(result: string): ValidationEntry['outcome'] {
  const r = result.toLowerCase();
  if (r.startsWith('passed')) return 'passed';
  if (r.startsWith('failed')) return 'failed';
  if (r.startsWith('cancelled')) return 'cancelled';
  if (r.startsWith('could not start')) return 'not-started';
  return 'unknown';
}

/** The recorded runs of a tracking file's validation section, oldest first. */
export function parseValidationRuns(text: string, file: string): { runs: ValidationEntry[]; problems: Problem[] } {
  const runs: ValidationEntry[] = [];
  const problems: Problem[] = [];
  const { start, end } = sectionMarkers(VALIDATION_SECTION);
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.includes(start));
  if (first < 0) return { runs, problems };
  let columns: string[] | undefined;
  for (let i = first + 1; i < lines.length && !lines[i]!.includes(end); i++) {
    const line = lines[i]!;
    if (!/^\s*\|/.test(line)) continue;
    const cells = tableCells(line);
    if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue;
    if (!columns) {
      columns = cells.map((c) => c.toLowerCase());
      continue;
    }
    const at = (name: RegExp) => {
      const idx = columns!.findIndex((c) => name.test(c));
      return idx >= 0 ? cells[idx] : undefined;
    };
    const command = at(/^command/);
    const result = at(/^result/);
    if (command === undefined || result === undefined || cells.length < columns.length - 1) {
      problems.push(
        problem(
          'warning',
          'report/bad-validation-row',
          `validation row has ${cells.length} cells (expected ${columns.length}: ${columns.join(', ')}); not included in the report`,
          { file, line: i + 1 },
        ),
      );
      continue;
    }
    const duration = at(/^duration/) ?? '';
    const entry: ValidationEntry = {
      date: at(/^date/) ?? '',
      command: uncode(command),
      result,
      outcome: outcomeOf(result),
      duration,
      note: at(/^notes?/) ?? '',
      line: i + 1,
    };
    const ms = parseRecordedDuration(duration);
    if (ms !== undefined) entry.durationMs = ms;
    else if (duration !== '')
      problems.push(
        problem('information', 'report/bad-validation-duration', `duration "${duration}" is not understood`, { file, line: i + 1 }),
      );
    if (entry.outcome === 'unknown')
      problems.push(
        problem(
          'information',
          'report/unknown-validation-result',
          `result "${result}" is not one of passed, failed, cancelled, could not start`,
          { file, line: i + 1 },
        ),
      );
    runs.push(entry);
  }
  return { runs, problems };
}
