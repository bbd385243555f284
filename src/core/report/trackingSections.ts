/**
 * Where the report's generated sections go in a tracking file: between their markers when they
 * are already there; else at the end of the document's own heading for that part (`## Changes`,
 * `## Timing deltas`...), after any prose written under it; else under a new heading. Text is
 * inserted at offsets, so every byte outside the inserted block stays as it was.
 */
import { detectEol, lineSpans } from '../markdown';
import { escapeMarkers, readSection, sectionMarkers, upsertSection, SectionError } from '../markdown/sections';

export interface SectionPlacement {
  /** Marker name (`report-changes`...). */
  name: string;
  /** The document heading the section belongs under (matched against the heading's text). */
  heading: RegExp;
  /** Heading written when the document has none. */
  newHeading: string;
  /** A new heading goes before the first heading matching one of these (else at the end). */
  before?: RegExp[];
}

interface Heading {
  index: number;
  level: number;
  text: string;
}

/** ATX headings outside fenced code, with their 0-based line index. */
function headings(lines: ReturnType<typeof lineSpans>, text: string): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  lines.forEach((s, index) => {
    const l = text.slice(s.start, s.end);
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(l);
    if (f) {
      if (!fence) fence = f[1]![0];
      else if (f[1]![0] === fence) fence = undefined;
      return;
    }
    if (fence) return;
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l);
    if (h) out.push({ index, level: h[1]!.length, text: h[2]! });
  });
  return out;
}

const blank = (text: string, s: { start: number; end: number }) => text.slice(s.start, s.end).trim() === '';

/** The marked block for a body, without a trailing end of line. */
function block(name: string, body: string, eol: string): string {
  const { start, end } = sectionMarkers(name);
  const normalised = escapeMarkers(body)
    .replace(/\r?\n/g, eol)
    .replace(new RegExp(`(${eol})+$`), '');
  return `${start}${eol}${normalised}${eol}${end}`;
}

/** The document with the section's body set; see the module comment for where it goes. */
export function placeSection(text: string, placement: SectionPlacement, body: string): string {
  const { name } = placement;
  if (readSection(text, name) !== undefined) return upsertSection(text, name, body);
  const { start, end } = sectionMarkers(name);
  if (text.includes(end)) throw new SectionError(`section "${name}" has an end marker but no start marker`);
  if (text.includes(start)) return upsertSection(text, name, body); // throws: no end marker
  const eol = detectEol(text);
  const spans = lineSpans(text);
  const hs = headings(spans, text);
  const marked = block(name, body, eol);

  const own = hs.find((h) => placement.heading.test(h.text));
  if (own) {
    const next = hs.find((h) => h.index > own.index && h.level <= own.level);
    let at = next ? next.index : spans.length;
    while (at - 1 > own.index && blank(text, spans[at - 1]!)) at--;
    if (at >= spans.length) {
      const sep = text.endsWith(eol) ? eol : eol + eol;
      return `${text}${sep}${marked}${eol}`;
    }
    const s = spans[at]!;
    const tail = blank(text, s) ? '' : eol;
    return text.slice(0, s.start) + eol + marked + eol + tail + text.slice(s.start);
  }

  const anchor = placement.before
    ?.map((re) => hs.find((h) => re.test(h.text)))
    .filter((h): h is Heading => h !== undefined)
    .sort((a, b) => a.index - b.index)[0];
  const level = anchor?.level ?? hs.find((h) => h.level === 2)?.level ?? 2;
  const heading = `${'#'.repeat(level)} ${placement.newHeading}`;
  if (anchor) {
    const s = spans[anchor.index]!;
    const lead = anchor.index > 0 && !blank(text, spans[anchor.index - 1]!) ? eol : '';
    return text.slice(0, s.start) + lead + heading + eol + eol + marked + eol + eol + text.slice(s.start);
  }
  const sep = text.length === 0 || text.endsWith(eol + eol) ? '' : text.endsWith(eol) ? eol : eol + eol;
  return `${text}${sep}${heading}${eol}${eol}${marked}${eol}`;
}
