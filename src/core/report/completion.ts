/**
 * Completing a milestone, the pure part: whether the caller may (their milestone, in progress or
 * already completed by them; scope errors only with a forced reason; a summary given), and the
 * edits: the STATUS.md row marked completed with the date, the tracking file's Status and
 * Completed fields, and the report's generated sections. Nothing else in either file changes.
 */
import type { Milestone } from '../catalog/model';
import { decidePreflight } from '../preflight';
import type { StatusEntry } from '../status/model';
import { computeStatusEdits, statusEntry, type StatusDocument } from '../status';
import { sameOwner } from '../status/statuses';
import type { FileChange } from '../start';
import { applyEdits, makeEdit, type TextEdit } from '../textEdits';
import { computeTrackingEdits, trackingTemplate, type TrackingDocument } from '../tracking';
import type { Refusal } from './model';
import { SECTION_NAMES } from './render';
import { placeSection, type SectionPlacement } from './trackingSections';

export interface OwnershipInput {
  milestone: Pick<Milestone, 'id' | 'title'>;
  status: StatusDocument;
  entry: StatusEntry | undefined;
  tracking: TrackingDocument;
  me: string;
}

export interface Ownership {
  /** Why the caller may not complete it, if so. */
  refusal?: Refusal;
  /** True when the milestone is already completed by the caller (a re-run). */
  alreadyCompleted: boolean;
  /** The completion date already recorded (kept on a re-run). */
  recordedDate?: string;
}

const COMPLETED_NOTE = /\bcompleted:?\s+(\d{4}-\d{2}-\d{2})\b/i;

/** The pre-flight's view of the milestone, turned into the completion's: only the owner's work completes. */
export function decideOwnership(input: OwnershipInput): Ownership {
  const { milestone, status, entry, tracking, me } = input;
  const pre = decidePreflight({ milestone, statusFile: status.file, statusExists: status.exists, statusEntry: entry, tracking, me });
  const id = milestone.id;
  const recordedDate =
    tracking.fields.completed?.value || entry?.completed || (entry?.notes ? COMPLETED_NOTE.exec(entry.notes)?.[1] : undefined);
  switch (pre.decision) {
    case 'resume':
      return { alreadyCompleted: false };
    case 'noop': {
      const owners = [
        entry?.status === 'completed' ? entry.owner : undefined,
        tracking.status === 'completed' ? tracking.fields.owner?.value : undefined,
      ].filter((o): o is string => !!o);
      if (owners.length > 0 && owners.every((o) => sameOwner(o, me))) return { alreadyCompleted: true, recordedDate };
      const who = owners.find((o) => !sameOwner(o, me));
      return {
        alreadyCompleted: false,
        refusal: {
          code: 'not-yours',
          forcible: false,
          message: `milestone ${id} was completed ${who ? `by ${who}` : 'with no owner recorded'}${recordedDate ? ` on ${recordedDate}` : ''}, not by ${me}`,
        },
      };
    }
    case 'conflict':
      return {
        alreadyCompleted: false,
        refusal: { code: 'not-yours', forcible: false, message: `milestone ${id} is not yours (${me}): ${pre.reason}` },
      };
    case 'blocked':
      return {
        alreadyCompleted: false,
        refusal: { code: 'blocked', forcible: false, message: `milestone ${id} cannot be completed: ${pre.reason}` },
      };
    case 'ready':
      return {
        alreadyCompleted: false,
        refusal: {
          code: 'not-started',
          forcible: false,
          message: `milestone ${id} is not in progress (${pre.reason}); start it before completing it`,
        },
      };
  }
}

export interface RefusalInput {
  ownership: Ownership;
  scopeErrors: number;
  /** Why the scope could not be checked. */
  scopeUnavailable?: string;
  summary: string | undefined;
  /** A reason given with --force. */
  forceReason?: string;
}

/** Every reason not to complete, most important first; forcible ones dropped when a reason is given. */
export function completionRefusals(input: RefusalInput): Refusal[] {
  // Someone else's milestone (or one not in progress): its scope and summary are not the caller's concern.
  if (input.ownership.refusal) return [input.ownership.refusal];
  const out: Refusal[] = [];
  if (input.scopeUnavailable) {
    out.push({
      code: 'scope-unavailable',
      forcible: true,
      message: `the changes could not be checked against the milestone's scope: ${input.scopeUnavailable}`,
    });
  } else if (input.scopeErrors > 0) {
    out.push({
      code: 'scope-errors',
      forcible: true,
      message: `the scope check finds ${input.scopeErrors} error${input.scopeErrors === 1 ? '' : 's'}: fix or revert them, or force the completion with a reason`,
    });
  }
  if (!input.summary || input.summary.trim() === '') {
    out.push({
      code: 'no-summary',
      forcible: false,
      message: 'no optimisation summary: give one, or write it in the summary section of the tracking file',
    });
  }
  const forced = input.forceReason !== undefined && input.forceReason.trim() !== '';
  return forced ? out.filter((r) => !r.forcible) : out;
}

/** Where each generated section goes in the tracking file (see trackingSections.ts). */
export const PLACEMENTS: SectionPlacement[] = [
  {
    name: SECTION_NAMES.summary,
    heading: /^(optimi[sz]ation\s+)?summary\b/i,
    newHeading: 'Optimisation summary',
    before: [/^changes\b/i, /^changed files\b/i, /^validation\b/i, /^timing\b/i, /^residual\b/i],
  },
  {
    name: SECTION_NAMES.changes,
    heading: /^(changes|changed files)\b/i,
    newHeading: 'Changes',
    before: [/^validation\b/i, /^timing\b/i, /^residual\b/i],
  },
  { name: SECTION_NAMES.timing, heading: /^timing( deltas)?\b/i, newHeading: 'Timing deltas', before: [/^residual\b/i] },
  { name: SECTION_NAMES.residual, heading: /^residual bottlenecks?\b/i, newHeading: 'Residual bottlenecks' },
];

export interface CompletionEditInput {
  milestone: Pick<Milestone, 'id' | 'title'>;
  status: StatusDocument;
  tracking: TrackingDocument;
  me: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Section bodies by marker name. */
  sections: Record<string, string>;
}

export interface CompletionEdits {
  changes: FileChange[];
  /** What could not be recorded (no place for the date...). */
  notes: string[];
}

/** The notes cell with the completion date, when the table has no Completed column. */
function notesWithDate(raw: string, date: string): string {
  const t = raw.trim();
  if (COMPLETED_NOTE.test(t)) return t;
  if (t === '') return `Completed ${date}.`;
  return `${t}${/[.!?]$/.test(t) ? '' : '.'} Completed ${date}.`;
}

function statusChange(input: CompletionEditInput, notes: string[]): FileChange {
  const { status, milestone, me, date } = input;
  const id = milestone.id;
  const entry = statusEntry(status, id);
  let r = computeStatusEdits(status, id, { status: 'completed', completed: date, ...(entry?.owner ? {} : { owner: me }) });
  if (r.skipped.some((s) => /completed column/.test(s)) && status.layout?.kind === 'table') {
    // No Completed column: the date goes into the row's notes, after what is written there.
    const layout = status.layout;
    const col = layout.columns.indexOf('notes');
    const row = layout.rows.find((x) => x.entry?.id === entry?.id)?.row;
    if (col >= 0) {
      const raw = row?.cells[col]?.raw ?? '';
      r = computeStatusEdits(status, id, { status: 'completed', notes: notesWithDate(raw, date), ...(entry?.owner ? {} : { owner: me }) });
    } else
      notes.push(
        `${status.file}: the status table has neither a completed nor a notes column; the date is recorded in the tracking file only`,
      );
  }
  for (const s of r.skipped) if (!/completed column/.test(s)) notes.push(`${status.file}: ${s}`);
  return { file: status.file, create: !status.exists, before: status.text, after: r.text, edits: r.edits };
}

function trackingChange(input: CompletionEditInput): FileChange {
  const { tracking, milestone, me, date } = input;
  let text: string;
  if (tracking.exists) {
    text = computeTrackingEdits(tracking, { status: 'completed', completed: date, ...(tracking.fields.owner ? {} : { owner: me }) }).text;
  } else {
    text = trackingTemplate({
      id: milestone.id,
      title: milestone.title,
      scope: [],
      commands: [],
      fields: { status: 'completed', owner: me, completed: date },
    });
  }
  for (const p of PLACEMENTS) {
    const body = input.sections[p.name];
    if (body !== undefined) text = placeSection(text, p, body);
  }
  const edits = tracking.text === text ? [] : [changedSpan(tracking.text, text)];
  return { file: tracking.file, create: !tracking.exists, before: tracking.text, after: text, edits };
}

/** One edit replacing only the span between the texts' common prefix and suffix. */
export function changedSpan(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return makeEdit(before, start, before.length - end, after.slice(start, after.length - end));
}

/** The new texts of STATUS.md and the tracking file; unchanged files are left out. */
export function computeCompletionEdits(input: CompletionEditInput): CompletionEdits {
  const notes: string[] = [];
  const changes = [statusChange(input, notes), trackingChange(input)];
  // Sanity: edits reproduce the new text (they are what the editor applies).
  for (const c of changes)
    if (!c.create && applyEdits(c.before, c.edits) !== c.after)
      throw new Error(`internal: edits of ${c.file} do not reproduce its new text`);
  return { changes: changes.filter((c) => c.create || c.after !== c.before), notes };
}
