import { splitKeepingEol } from '../text';
import type { Hunk } from '../diff/types';

function eolOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** The old and new sides of a hunk, with whether each side's last line lacks its newline. */
function sides(h: Hunk): { old: string[]; now: string[]; oldNoEol: boolean; nowNoEol: boolean } {
  const old: string[] = [];
  const now: string[] = [];
  let oldNoEol = false;
  let nowNoEol = false;
  let last: ' ' | '-' | '+' | undefined;
  for (const l of h.lines) {
    const op = l[0];
    if (op === '\\') {
      if (last === '-') oldNoEol = true;
      else if (last === '+') nowNoEol = true;
      else if (last === ' ') oldNoEol = nowNoEol = true;
      continue;
    }
    const body = l.slice(1);
    if (op === '-') old.push(body);
    else if (op === '+') now.push(body);
    else {
      old.push(body);
      now.push(body);
    }
    last = op === '-' || op === '+' ? op : ' ';
  }
  return { old, now, oldNoEol, nowNoEol };
}

/**
 * The text with one hunk reverted: its new lines replaced by its old ones. Undefined when the
 * text no longer holds the hunk's new lines where the hunk says (the text changed since).
 */
export function revertHunk(text: string, h: Hunk): string | undefined {
  const lines = splitKeepingEol(text);
  const eol = eolOf(text);
  const { old, now, oldNoEol } = sides(h);
  const start = h.newStart - 1;
  if (start < 0 || start + now.length > lines.length) return undefined;
  for (let k = 0; k < now.length; k++) {
    if (lines[start + k].replace(/\r?\n$/, '') !== now[k].replace(/\r$/, '')) return undefined;
  }
  const atEnd = start + now.length === lines.length;
  const restored = old.map((l, k) => {
    const body = l.replace(/\r$/, '');
    const isLast = k === old.length - 1;
    return isLast && atEnd && oldNoEol ? body : body + eol;
  });
  const out = [...lines.slice(0, start), ...restored, ...lines.slice(start + now.length)];
  return out.join('');
}

/** The smallest replacement turning `before` into `after`, as offsets into `before`. */
export function minimalReplacement(before: string, after: string): { offset: number; end: number; text: string } {
  let s = 0;
  const max = Math.min(before.length, after.length);
  while (s < max && before.charCodeAt(s) === after.charCodeAt(s)) s++;
  let e = 0;
  while (e < max - s && before.charCodeAt(before.length - 1 - e) === after.charCodeAt(after.length - 1 - e)) e++;
  return { offset: s, end: before.length - e, text: after.slice(s, after.length - e) };
}
