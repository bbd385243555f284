import { compareIds } from '../catalog/finish';
import { normaliseMilestoneId } from '../catalog/model';
import { detectEol, lineSpans } from '../markdown';
import { applyEdits, makeEdit, type TextEdit } from '../textEdits';
import type { ListLayout, StatusDocument, TableLayout } from './model';
import { formatStatus, type MilestoneStatus } from './statuses';
import { escapeCell, formatCell, type RowLayout, type StatusColumn } from './table';

/** The cells of one milestone to set; fields left undefined are not touched. */
export interface StatusChange {
  status?: MilestoneStatus;
  owner?: string;
  started?: string;
  completed?: string;
  notes?: string;
  base?: string;
}

export interface StatusEditResult {
  edits: TextEdit[];
  /** The document after the edits. */
  text: string;
  /** Changes that could not be written (e.g. the table has no Owner column). */
  skipped: string[];
  /** True when the milestone had no row and one was added. */
  added: boolean;
}

type Field = keyof StatusChange;
const FIELDS: Field[] = ['status', 'owner', 'started', 'completed', 'notes', 'base'];

/**
 * Computes the smallest edits that set one milestone's cells. Every byte outside those cells stays
 * as it was; a missing row is added in the table's own style, after the rows of lower ids.
 */
export function computeStatusEdits(doc: StatusDocument, milestoneId: string, change: StatusChange): StatusEditResult {
  const id = normaliseMilestoneId(milestoneId);
  const value = (f: Field): string | undefined => {
    const v = change[f];
    if (v === undefined) return undefined;
    return f === 'status' ? formatStatus(v as MilestoneStatus, doc.style) : v;
  };
  const result = (edits: TextEdit[], skipped: string[], added: boolean): StatusEditResult => ({
    edits,
    text: applyEdits(doc.text, edits),
    skipped,
    added,
  });
  const layout = doc.layout;
  if (FIELDS.every((f) => change[f] === undefined)) return result([], [], false);
  if (layout?.kind === 'table') {
    const { edits, skipped, added } = tableEdits(doc.text, layout, id, value);
    return result(edits, skipped, added);
  }
  if (layout?.kind === 'list') {
    const { edits, added } = listEdits(doc.text, layout, id, value);
    return result(edits, [], added);
  }
  return result([newTableEdit(doc, id, value)], [], true);
}

// ---- tables --------------------------------------------------------------------------------------

function columnFor(layout: TableLayout, f: Field): number | undefined {
  const find = (c: StatusColumn) => {
    const i = layout.columns.indexOf(c);
    return i >= 0 ? i : undefined;
  };
  if (f === 'started') return find('started') ?? find('date');
  if (f === 'notes') return find('notes');
  return find(f as StatusColumn);
}

function tableEdits(text: string, layout: TableLayout, id: string, value: (f: Field) => string | undefined) {
  const skipped: string[] = [];
  const wanted = new Map<number, string>();
  for (const f of FIELDS) {
    const v = value(f);
    if (v === undefined) continue;
    const col = columnFor(layout, f);
    if (col === undefined) skipped.push(`the status table has no ${f} column`);
    else wanted.set(col, v);
  }
  const existing = layout.rows.find((r) => r.entry?.id === id);
  if (existing) return { edits: rowEdits(text, layout, existing.row, wanted), skipped, added: false };
  return { edits: [insertRow(text, layout, id, wanted)], skipped, added: true };
}

function rowEdits(text: string, layout: TableLayout, row: RowLayout, wanted: Map<number, string>): TextEdit[] {
  const edits: TextEdit[] = [];
  const missing: number[] = [];
  for (const [col, v] of wanted) {
    const cell = row.cells[col];
    if (!cell) {
      missing.push(col);
      continue;
    }
    const raw = formatCell(cell.raw, v, layout.aligned);
    if (raw !== cell.raw) edits.push(makeEdit(text, cell.offset, cell.end, raw));
  }
  if (missing.length > 0) {
    // A short row: add the cells it lacks, up to the last one needed, after its last cell.
    const upTo = Math.max(...missing);
    const parts: string[] = [];
    for (let c = row.cells.length; c <= upTo; c++)
      parts.push(formatCell(layout.header.cells[c]?.raw ?? ' ', wanted.get(c) ?? '', layout.aligned));
    // Inserted before the row's closing pipe (if any), so the row keeps its own ending.
    const at = row.cells.length ? row.cells[row.cells.length - 1]!.end : row.start + row.indent.length;
    edits.push(makeEdit(text, at, at, `|${parts.join('|')}`));
  }
  return edits;
}

function insertRow(text: string, layout: TableLayout, id: string, wanted: Map<number, string>): TextEdit {
  const lines = lineSpans(text);
  const eol = detectEol(text);
  const bodyRows = layout.rows;
  const template = [...bodyRows].reverse().find((r) => r.entry)?.row ?? bodyRows.at(-1)?.row ?? layout.header;
  const templateEntry = bodyRows.find((r) => r.row === template)?.entry;
  const milestoneCol = layout.columns.indexOf('milestone');
  const cells = layout.header.cells.map((h, i) => {
    const old = template.cells[i]?.raw ?? h.raw;
    if (i === milestoneCol) return formatCell(old, milestoneCellText(old, templateEntry?.id, id), layout.aligned);
    return formatCell(old, wanted.get(i) ?? '', layout.aligned);
  });
  // Without outer pipes an empty first or last cell would read as a pipe of the row's edge.
  const lead = template.leadingPipe || cells[0]!.trim() === '';
  const trail = template.trailingPipe || cells[cells.length - 1]!.trim() === '';
  const row = template.indent + (lead ? '|' : '') + cells.join('|') + (trail ? '|' : '');
  const before = [...bodyRows].reverse().find((r) => r.entry && compareIds(r.entry.id, id) < 0);
  const afterLine = before
    ? before.row.line
    : bodyRows.length > 0 && bodyRows.some((r) => r.entry)
      ? layout.delimiterLine
      : (bodyRows.at(-1)?.row.line ?? layout.delimiterLine);
  const next = lines[afterLine];
  if (next) return makeEdit(text, next.start, next.start, row + eol);
  const end = lines[afterLine - 1]!.end;
  return makeEdit(text, end, end, eol + row);
}

/** The milestone cell of a new row, written like the template's (`M6` -> `M7`, links included). */
function milestoneCellText(templateRaw: string, templateId: string | undefined, id: string): string {
  const t = templateRaw.trim();
  if (templateId !== undefined && t !== '') {
    // The id as a token of its own; a letter before it is fine (`M1`, `m1.md`), a digit is not.
    const re = new RegExp(`(?<![0-9])${templateId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'gi');
    if (re.test(t)) return t.replace(re, id);
  }
  return id;
}

function newTableEdit(doc: StatusDocument, id: string, value: (f: Field) => string | undefined): TextEdit {
  const eol = detectEol(doc.text);
  const cell = (f: Field) => escapeCell(value(f) ?? '');
  const table = [
    '| Milestone | Status | Owner | Started | Notes |',
    '|-----------|--------|-------|---------|-------|',
    `| ${id} | ${cell('status')} | ${cell('owner')} | ${cell('started')} | ${cell('notes')} |`.replace(/ {2}\|/g, ' |'),
  ].join(eol);
  const text = doc.text;
  if (!doc.exists || text === '') {
    return makeEdit(text, 0, 0, `# Milestone status${eol}${eol}${table}${eol}`);
  }
  const sep = text.endsWith(eol + eol) ? '' : text.endsWith(eol) ? eol : eol + eol;
  return makeEdit(text, text.length, text.length, `${sep}${table}${eol}`);
}

// ---- lists ---------------------------------------------------------------------------------------

function listEdits(text: string, layout: ListLayout, id: string, value: (f: Field) => string | undefined) {
  const item = layout.items.find((i) => i.entry.id === id);
  const extras: string[] = [];
  const edits: TextEdit[] = [];
  const status = value('status');
  if (item) {
    if (status !== undefined && item.spans.status) edits.push(makeEdit(text, item.spans.status.offset, item.spans.status.end, status));
    for (const [f, label] of [
      ['owner', 'owner'],
      ['started', 'started'],
    ] as const) {
      const v = value(f);
      if (v === undefined) continue;
      const span = item.spans[f];
      if (span) edits.push(makeEdit(text, span.offset, span.end, v));
      else extras.push(`${label}: ${v}`);
    }
    if (extras.length) {
      const line = text.slice(item.start, item.end);
      if (/\)\s*$/.test(line)) {
        const close = item.start + line.lastIndexOf(')');
        edits.push(makeEdit(text, close, close, `, ${extras.join(', ')}`));
      } else edits.push(makeEdit(text, item.end, item.end, ` (${extras.join(', ')})`));
    }
    return { edits: edits.filter((e) => text.slice(e.offset, e.end) !== e.newText), added: false };
  }
  const template = layout.items.at(-1)!;
  const sep = text.slice(template.start + template.prefix.length + template.idText.length, template.spans.status!.offset);
  const idText = template.idText.replace(new RegExp(`${template.entry.id}(?![\\w])`, 'i'), id);
  for (const [f, label] of [
    ['owner', 'owner'],
    ['started', 'started'],
  ] as const) {
    const v = value(f);
    if (v !== undefined) extras.push(`${label}: ${v}`);
  }
  const newLine = `${template.prefix}${idText}${sep}${status ?? ''}${extras.length ? ` (${extras.join(', ')})` : ''}`;
  const before = [...layout.items].reverse().find((i) => compareIds(i.entry.id, id) < 0);
  const eol = detectEol(text);
  const anchor = before ?? undefined;
  if (anchor) return { edits: [makeEdit(text, anchor.end, anchor.end, eol + newLine)], added: true };
  const first = layout.items[0]!;
  return { edits: [makeEdit(text, first.start, first.start, newLine + eol)], added: true };
}
