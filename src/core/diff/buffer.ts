import { structuredPatch } from 'diff';
import type { Hunk } from './types';

/** Splits text into lines that keep their terminators, so equal elements mean equal bytes. */
function splitKeepingEol(text: string): string[] {
  if (text.length === 0) return [];
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
    out.push(text.slice(from, i + 1));
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

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
