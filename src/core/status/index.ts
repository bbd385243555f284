/** STATUS.md: parsing (table or list form) and surgical edits of one milestone's cells. */
import * as path from 'node:path';
import { readTextFile } from '../files';
import { parseStatus } from './parse';
import type { StatusDocument } from './model';
import { normaliseMilestoneId } from '../catalog/model';

export type { StatusDocument, StatusEntry, TableLayout, ListLayout } from './model';
export { parseStatus, milestoneIdFromCell } from './parse';
export { computeStatusEdits, type StatusChange, type StatusEditResult } from './edit';
export {
  STATUSES,
  normaliseStatus,
  formatStatus,
  detectStatusStyle,
  sameOwner,
  ownerKey,
  isoDate,
  type MilestoneStatus,
  type StatusStyle,
} from './statuses';

/** The status entry of a milestone, if it has a row. */
export function statusEntry(doc: StatusDocument, id: string) {
  const want = normaliseMilestoneId(id);
  return doc.entries.find((e) => e.id === want);
}

/** Reads STATUS.md (`file` is repository-relative); a missing file is an empty document. */
export async function loadStatus(root: string, file: string): Promise<StatusDocument> {
  const text = await readTextFile(path.join(root, file), file);
  return text === undefined ? parseStatus('', file, false) : parseStatus(text, file, true);
}
