/**
 * Rewrites the line numbers of one catalog reference in place: `path:110` -> `path:112`,
 * `path:110-146`, `path#L110-L146`, a link's text and target together, and YAML `line:`/`endLine:`
 * values. Nothing else in the document changes.
 */
import { makeEdit, type TextEdit } from '../textEdits';

export interface LineSpan {
  line: number;
  endLine: number;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Edits that move the reference written in `text[start, end)` from `from` to `to` lines. `path`
 * is the referenced path, used to recognise the specs that belong to this reference (a link's
 * text and target both name it).
 */
export function rewriteReferenceLines(text: string, start: number, end: number, path: string, from: LineSpan, to: LineSpan): TextEdit[] {
  const region = text.slice(start, end);
  const edits: TextEdit[] = [];
  const file = escapeRe(path.slice(path.lastIndexOf('/') + 1));
  const single = from.endLine === from.line;
  const toEnd = single ? undefined : to.endLine;

  // `name.rs:110`, `name.rs:110-146`, `name.rs:110–146`
  const colon = new RegExp(`${file}:(\\d+)(?:([-–])(\\d+))?(?![\\d])`, 'g');
  for (const m of region.matchAll(colon)) {
    if (Number(m[1]) !== from.line) continue;
    const numStart = start + m.index! + m[0].length - (m[2] ? m[1]!.length + m[2].length + m[3]!.length : m[1]!.length);
    const spec = toEnd !== undefined && m[2] ? `${to.line}${m[2]}${toEnd}` : String(to.line);
    edits.push(makeEdit(text, numStart, start + m.index! + m[0].length, spec));
  }
  // `name.rs#L110`, `name.rs#L110-L146`, `name.rs#L110-146`
  const hash = new RegExp(`${file}#L(\\d+)(?:-(L?)(\\d+))?(?![\\d])`, 'g');
  for (const m of region.matchAll(hash)) {
    if (Number(m[1]) !== from.line) continue;
    const specStart = start + m.index! + m[0].indexOf('#L') + 2;
    const spec = toEnd !== undefined && m[3] ? `${to.line}-${m[2]}${toEnd}` : String(to.line);
    edits.push(makeEdit(text, specStart, start + m.index! + m[0].length, spec));
  }
  if (edits.length > 0) return edits;

  // YAML mapping form: `line: 110` and `endLine: 146`.
  const yamlLine = /(^|[\s{,])line:\s*(\d+)/m.exec(region);
  if (yamlLine && Number(yamlLine[2]) === from.line) {
    const s = start + yamlLine.index + yamlLine[0].length - yamlLine[2]!.length;
    edits.push(makeEdit(text, s, s + yamlLine[2]!.length, String(to.line)));
    const yamlEnd = /(^|[\s{,])endLine:\s*(\d+)/m.exec(region);
    if (yamlEnd && Number(yamlEnd[2]) === from.endLine) {
      const e = start + yamlEnd.index + yamlEnd[0].length - yamlEnd[2]!.length;
      edits.push(makeEdit(text, e, e + yamlEnd[2]!.length, String(to.endLine)));
    }
  }
  return edits;
}
