/**
 * STATUS.md against the per-milestone tracking files and the catalog. The workflow reads both
 * documents before starting; when they disagree it has to guess, so the disagreement is shown
 * where it is written, in both files.
 */
import { normaliseMilestoneId, type Catalog } from '../catalog/model';
import { problem, type Problem, type SourceLocation } from '../problems';
import type { StatusDocument, StatusEntry, TableLayout } from '../status/model';
import { cleanDate, cleanOwner, ownerKey, type MilestoneStatus } from '../status/statuses';
import type { TrackingDocument, TrackingField } from '../tracking';
import { DocCheckCode } from './codes';

export interface TrackingFile {
  /** Milestone id the file is for (from its name). */
  id: string;
  doc: TrackingDocument;
}

type Compared = 'status' | 'owner' | 'started';

/** Where a STATUS.md cell is, as a location (the row's line when the layout has no cells). */
export function statusCellLocation(status: StatusDocument, entry: StatusEntry, column: Compared): SourceLocation {
  const at: SourceLocation = { file: status.file, line: entry.line };
  const layout = status.layout;
  if (layout?.kind === 'table') {
    const cell = tableCell(layout, entry, column);
    if (cell) return { ...at, ...columnsOf(status.text, cell.offset, cell.end) };
  } else if (layout?.kind === 'list') {
    const item = layout.items.find((i) => i.entry === entry);
    const span = item?.spans[column];
    if (span) return { ...at, ...columnsOf(status.text, span.offset, span.end) };
  }
  return at;
}

function tableCell(layout: TableLayout, entry: StatusEntry, column: Compared) {
  const index = layout.columns.findIndex((c) => c === column || (column === 'started' && c === 'date'));
  const row = layout.rows.find((r) => r.entry === entry);
  return index >= 0 ? row?.row.cells[index] : undefined;
}

/** 1-based columns of the trimmed text between two offsets of one line. */
function columnsOf(text: string, offset: number, end: number): { column: number; endColumn: number } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const raw = text.slice(offset, end);
  const lead = raw.length - raw.trimStart().length;
  const trimmed = raw.trim().length;
  const start = offset + lead;
  return { column: start - lineStart + 1, endColumn: start + Math.max(trimmed, 0) - lineStart + 1 };
}

function trackingLocation(t: TrackingFile, field: TrackingField): SourceLocation {
  const v = t.doc.fields[field];
  if (!v) return { file: t.doc.file, line: 1 };
  const lineStart = t.doc.text.lastIndexOf('\n', v.offset - 1) + 1;
  return { file: t.doc.file, line: v.line, column: v.offset - lineStart + 1, endColumn: v.end - lineStart + 1 };
}

function show(status: MilestoneStatus | undefined, raw: string): string {
  return status ?? `"${raw.trim()}"`;
}

/**
 * Disagreements between STATUS.md rows and tracking files (status, owner, start date), reported
 * in both files, plus rows and tracking files for milestones the catalog does not define.
 */
export function checkStatusAndTracking(
  status: StatusDocument,
  trackings: readonly TrackingFile[],
  catalog: Catalog | undefined,
): Problem[] {
  const out: Problem[] = [];
  const trackingName = (t: TrackingFile) => t.doc.file.slice(t.doc.file.lastIndexOf('/') + 1);
  const statusName = status.file.slice(status.file.lastIndexOf('/') + 1);
  const byId = new Map(status.entries.map((e) => [e.id, e]));

  for (const t of trackings) {
    if (!t.doc.exists) continue;
    const entry = byId.get(normaliseMilestoneId(t.id));
    if (!entry) continue;
    const pairs: Array<{ field: Compared; ours: string | undefined; theirs: string | undefined; same: boolean }> = [];
    // Status: both must be understood to be compared; an unknown status is reported by the parsers.
    if (t.doc.status !== undefined && entry.status !== undefined && t.doc.fields.status) {
      pairs.push({
        field: 'status',
        ours: show(entry.status, entry.rawStatus),
        theirs: show(t.doc.status, t.doc.fields.status.raw),
        same: t.doc.status === entry.status,
      });
    }
    const owner = t.doc.fields.owner ? cleanOwner(t.doc.fields.owner.raw) : undefined;
    if (owner !== undefined && entry.owner !== undefined) {
      pairs.push({ field: 'owner', ours: entry.owner, theirs: owner, same: ownerKey(owner) === ownerKey(entry.owner) });
    }
    const started = t.doc.fields.started ? cleanDate(t.doc.fields.started.raw) : undefined;
    if (started !== undefined && entry.started !== undefined) {
      pairs.push({ field: 'started', ours: entry.started, theirs: started, same: started === entry.started });
    }
    for (const p of pairs) {
      if (p.same) continue;
      const what = p.field === 'started' ? 'start date' : p.field;
      out.push(
        problem(
          'warning',
          DocCheckCode.statusTrackingMismatch,
          `milestone ${entry.id}: ${statusName} gives ${what} ${p.ours}, ${trackingName(t)} gives ${p.theirs}`,
          statusCellLocation(status, entry, p.field),
        ),
      );
      out.push(
        problem(
          'warning',
          DocCheckCode.statusTrackingMismatch,
          `milestone ${entry.id}: this file gives ${what} ${p.theirs}, ${statusName} gives ${p.ours}`,
          trackingLocation(t, p.field),
        ),
      );
    }
  }

  if (catalog && catalog.milestones.length > 0) {
    const known = new Set(catalog.milestones.map((m) => normaliseMilestoneId(m.id)));
    for (const e of status.entries) {
      if (known.has(e.id)) continue;
      out.push(
        problem('warning', DocCheckCode.unknownMilestone, `milestone ${e.id} is not in the catalog (${catalog.file})`, {
          file: status.file,
          line: e.line,
        }),
      );
    }
    for (const t of trackings) {
      if (!t.doc.exists || known.has(normaliseMilestoneId(t.id))) continue;
      out.push(
        problem(
          'warning',
          DocCheckCode.unknownMilestone,
          `this tracking file is for milestone ${t.id}, which is not in the catalog (${catalog.file})`,
          { file: t.doc.file, line: 1 },
        ),
      );
    }
  }
  return out;
}

/** A regular expression matching the tracking files of a configured template (`{id}` -> the id). */
export function trackingFilePattern(template: string): RegExp {
  const escaped = template.split('{id}').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp('^' + escaped.join('([A-Za-z0-9][\\w.-]*?)') + '$');
}
