import { structuredPatch } from 'diff';
import { splitKeepingEol } from '../text';
import type { Hunk } from './types';

/**
 * Hunks (no context lines) turning `oldText` into `newText`, e.g. a file's base text into an
 * unsaved editor buffer. Lines shared at both ends are skipped before jsdiff runs, which keeps a
 * typical edit (a few lines in a large file) well under a millisecond.
 */
export function diffTexts(oldText: string, newText: string): Hunk[] {
  if (oldText === newText) return [];
  const a = splitKeepingEol(oldText);
  const b = splitKeepingEol(newText);
  let prefix = 0;
  const max = Math.min(a.length, b.length);
  while (prefix < max && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const oldMid = a.slice(prefix, a.length - suffix).join('');
  const newMid = b.slice(prefix, b.length - suffix).join('');
  const patch = structuredPatch('a', 'b', oldMid, newMid, undefined, undefined, { context: 0 });
  return patch.hunks.map((h) => ({
    oldStart: h.oldStart + prefix,
    oldLines: h.oldLines,
    newStart: h.newStart + prefix,
    newLines: h.newLines,
    lines: h.lines,
  }));
}
