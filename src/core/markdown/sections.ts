/**
 * Generated sections inside user documents, between HTML comment markers:
 *   <!-- milestone-scope:NAME:start -->
 *   ...generated...
 *   <!-- milestone-scope:NAME:end -->
 * Everything outside the markers is kept byte for byte.
 */

export function sectionMarkers(name: string): { start: string; end: string } {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`invalid section name: ${name}`);
  return { start: `<!-- milestone-scope:${name}:start -->`, end: `<!-- milestone-scope:${name}:end -->` };
}

function detectEol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The body between the markers, or undefined when the section is absent. */
export function readSection(text: string, name: string): string | undefined {
  const { start, end } = sectionMarkers(name);
  const s = text.indexOf(start);
  if (s < 0) return undefined;
  const e = text.indexOf(end, s + start.length);
  if (e < 0) return undefined;
  const eol = detectEol(text);
  let body = text.slice(s + start.length, e);
  if (body.startsWith(eol)) body = body.slice(eol.length);
  if (body.endsWith(eol)) body = body.slice(0, -eol.length);
  return body;
}

export class SectionError extends Error {}

/**
 * A body as written between markers: any marker of this tool inside it (a summary quoting one) is
 * escaped as `&lt;!-- milestone-scope:`, which renders the same, so that no body can end its own
 * section early or open another (the file would then grow on every write).
 */
export function escapeMarkers(body: string): string {
  return body.replace(/<!--(\s*)milestone-scope:/g, '&lt;!--$1milestone-scope:');
}

/**
 * Replaces the section's body, or appends the section at the end of the document
 * (after a blank line) when it is absent. A start marker without its end marker is
 * an error rather than a guess, so nothing after it can be lost.
 */
export function upsertSection(text: string, name: string, body: string): string {
  const { start, end } = sectionMarkers(name);
  const eol = detectEol(text);
  const normalisedBody = escapeMarkers(body)
    .replace(/\r?\n/g, eol)
    .replace(new RegExp(`${eol}$`), '');
  const block = `${start}${eol}${normalisedBody}${eol}${end}`;
  const s = text.indexOf(start);
  if (s < 0) {
    if (text.includes(end)) throw new SectionError(`section "${name}" has an end marker but no start marker`);
    const sep = text.length === 0 ? '' : text.endsWith(eol + eol) ? '' : text.endsWith(eol) ? eol : eol + eol;
    return `${text}${sep}${block}${eol}`;
  }
  const e = text.indexOf(end, s + start.length);
  if (e < 0) {
    const line = text.slice(0, s).split('\n').length;
    throw new SectionError(`section "${name}" starts at line ${line} but has no end marker`);
  }
  if (text.indexOf(start, s + start.length) >= 0) {
    throw new SectionError(`section "${name}" appears more than once`);
  }
  return text.slice(0, s) + block + text.slice(e + end.length);
}
