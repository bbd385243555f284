/**
 * Per-milestone tracking files (`milestone-<ID>.md`): a few `- Label: value` fields near the top
 * (Status, Owner, Started, Base commit, ...) and free prose. Fields are read and rewritten in place;
 * the prose is never touched.
 */
import * as path from 'node:path';
import { readTextFile } from './files';
import type { Nodes } from 'mdast';
import { detectEol, lineSpans, parseMarkdown } from './markdown';
import { problem, type Problem } from './problems';
import { detectStatusStyle, formatStatus, normaliseStatus, type MilestoneStatus, type StatusStyle } from './status/statuses';
import { applyEdits, makeEdit, type TextEdit } from './textEdits';

export type TrackingField = 'status' | 'owner' | 'started' | 'base' | 'completed' | 'reason';

const LABELS: Record<TrackingField, RegExp> = {
  status: /^(status|state)$/i,
  owner: /^(owner|assignee|assigned to|claimed by)$/i,
  started: /^(started|start date|started on|start)$/i,
  base: /^(base commit|base|base sha|base revision|base rev)$/i,
  completed: /^(completed|completed on|finished|done on)$/i,
  reason: /^(blocked by|blocker|reason|waiting on)$/i,
};

/** Labels written for new fields. */
export const FIELD_LABELS: Record<TrackingField, string> = {
  status: 'Status',
  owner: 'Owner',
  started: 'Started',
  base: 'Base commit',
  completed: 'Completed',
  reason: 'Blocked by',
};

const FIELD_LINE =
  /^(\s*(?:>\s*)?(?:[-*+]\s+)?)((?:\*\*|__)?)([A-Za-z][A-Za-z ]{0,20}?)((?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*|\s*:\s*)(.*?)\s*$/;

export interface TrackingValue {
  /** Value without markup (backticks dropped). */
  value: string;
  /** Value as written. */
  raw: string;
  line: number;
  offset: number;
  end: number;
}

export interface TrackingDocument {
  file: string;
  exists: boolean;
  text: string;
  fields: Partial<Record<TrackingField, TrackingValue>>;
  status: MilestoneStatus | undefined;
  problems: Problem[];
  /** How field lines look (`- `, bold labels), for new fields. */
  style: { prefix: string; bold: string; sep: string };
}

/** Lines inside paragraphs and headings (never code blocks), in document order. */
function proseLines(text: string): number[] {
  const out = new Set<number>();
  const walk = (n: Nodes) => {
    if ((n.type === 'paragraph' || n.type === 'heading') && n.position) {
      for (let l = n.position.start.line; l <= n.position.end.line; l++) out.add(l);
    } else if ('children' in n) (n.children as Nodes[]).forEach(walk);
  };
  walk(parseMarkdown(text));
  return [...out].sort((a, b) => a - b);
}

export function parseTracking(text: string, file: string, exists = true): TrackingDocument {
  const spans = lineSpans(text);
  const fields: TrackingDocument['fields'] = {};
  const problems: Problem[] = [];
  let style: TrackingDocument['style'] = { prefix: '- ', bold: '', sep: ': ' };
  let styled = false;
  for (const n of proseLines(text)) {
    const s = spans[n - 1]!;
    const m = FIELD_LINE.exec(text.slice(s.start, s.end));
    if (!m) continue;
    const field = (Object.keys(LABELS) as TrackingField[]).find((f) => LABELS[f].test(m[3]!.trim()));
    if (!field || fields[field]) continue;
    const raw = m[5]!;
    const offset = s.start + m[1]!.length + m[2]!.length + m[3]!.length + m[4]!.length;
    fields[field] = { value: raw.replace(/^`+|`+$/g, '').trim(), raw, line: n, offset, end: offset + raw.length };
    if (!styled) {
      style = { prefix: m[1]!, bold: m[2]!, sep: m[4]! };
      styled = true;
    }
  }
  let status: MilestoneStatus | undefined;
  if (fields.status) {
    status = normaliseStatus(fields.status.raw);
    if (!status) {
      problems.push(
        problem(
          'warning',
          'tracking/unknown-status',
          `status "${fields.status.raw}" is not one of not_started, in_progress, blocked, completed`,
          { file, line: fields.status.line },
        ),
      );
    }
  }
  return { file, exists, text, fields, status, problems, style };
}

export async function loadTracking(root: string, file: string): Promise<TrackingDocument> {
  const text = await readTextFile(path.join(root, file), file);
  return text === undefined ? parseTracking('', file, false) : parseTracking(text, file, true);
}

export type TrackingChange = Partial<Record<TrackingField, string>> & { status?: MilestoneStatus };

function formatValue(doc: TrackingDocument, field: TrackingField, value: string, statusStyle?: StatusStyle): string {
  if (field === 'status') {
    const style =
      doc.fields.status || !statusStyle ? detectStatusStyle(doc.fields.status ? [doc.fields.status.raw] : []) : { ...statusStyle };
    style.used = {};
    return formatStatus(value as MilestoneStatus, style);
  }
  const old = doc.fields[field]?.raw;
  const tick = field === 'base' ? old === undefined || old.startsWith('`') : !!old?.startsWith('`');
  return tick ? '`' + value + '`' : value;
}

const ORDER: TrackingField[] = ['status', 'owner', 'started', 'base', 'completed', 'reason'];

/**
 * Edits that set fields of an existing tracking file: values replaced in place, missing fields
 * added after the last existing field (or below the title) in the file's own field style.
 */
export function computeTrackingEdits(doc: TrackingDocument, change: TrackingChange): { edits: TextEdit[]; text: string } {
  const text = doc.text;
  const eol = detectEol(text);
  const edits: TextEdit[] = [];
  const added: string[] = [];
  for (const f of ORDER) {
    const v = change[f];
    if (v === undefined) continue;
    const formatted = formatValue(doc, f, v);
    const cur = doc.fields[f];
    if (cur) {
      if (cur.raw !== formatted) edits.push(makeEdit(text, cur.offset, cur.end, formatted));
    } else {
      // `sep` holds the colon and any closing bold (`:** ` or `**: `).
      const { prefix, bold, sep } = doc.style;
      added.push(`${prefix}${bold}${FIELD_LABELS[f]}${sep}${formatted}`);
    }
  }
  if (added.length) edits.push(insertFields(doc, added, eol));
  return { edits, text: applyEdits(text, edits) };
}

function insertFields(doc: TrackingDocument, lines: string[], eol: string): TextEdit {
  const text = doc.text;
  const spans = lineSpans(text);
  const existing = Object.values(doc.fields).map((f) => f!.line);
  if (existing.length) {
    const last = spans[Math.max(...existing) - 1]!;
    return makeEdit(text, last.end, last.end, eol + lines.join(eol));
  }
  const title = spans.find((s) => /^#\s/.test(text.slice(s.start, s.end)));
  if (title) {
    const next = spans[title.line];
    const blankAfter = next !== undefined && text.slice(next.start, next.end).trim() === '';
    const block = eol + eol + lines.join(eol) + (blankAfter ? '' : eol);
    return makeEdit(text, title.end, title.end, block);
  }
  return makeEdit(text, 0, 0, lines.join(eol) + eol + eol);
}

export interface TrackingTemplateInput {
  id: string;
  title: string;
  /** Markdown lines describing the scope (work items and hotspots). */
  scope: string[];
  /** Validation commands as typed (`cargo check -p ...`). */
  commands: string[];
  fields: TrackingChange;
  /** How the repository writes statuses (from STATUS.md), for the new Status field. */
  statusStyle?: StatusStyle;
}

/** A new tracking file: the fields, then sections the end-of-milestone report fills in. */
export function trackingTemplate(input: TrackingTemplateInput, eol = '\n'): string {
  const blank: TrackingDocument = {
    file: '',
    exists: false,
    text: '',
    fields: {},
    status: undefined,
    problems: [],
    style: { prefix: '- ', bold: '', sep: ': ' },
  };
  const fieldLines = ORDER.filter((f) => input.fields[f] !== undefined).map(
    (f) => `- ${FIELD_LABELS[f]}: ${formatValue(blank, f, input.fields[f]!, input.statusStyle)}`,
  );
  const out = [
    `# Milestone ${input.id}: ${input.title}`,
    '',
    ...fieldLines,
    '',
    '## Scope',
    '',
    ...input.scope,
    '',
    '## Changes',
    '',
    '## Validation',
    '',
    ...input.commands.map((c) => `- [ ] \`${c}\``),
    '',
    '## Timing deltas',
    '',
    '## Residual bottlenecks',
    '',
  ];
  return out.join(eol);
}
