/**
 * tracing-forest's pretty tree text:
 *   `INFO     name [ 7.47ms | 6.52% / 100.00% ] key: value | key: value`
 *   `INFO     ┝━ ｉ [info]: message | key: value`
 * The level is padded to 8 columns plus a space (coloured with the `ansi` feature; a uuid and an
 * RFC 3339 timestamp may precede it), then one 3-column indent unit per depth (`   `, `│  `,
 * `┝━ `, `┕━ `). Each root tree is printed whole when its root closes.
 */
import { NO_CHILDREN, NO_EVENTS, NO_FIELDS, takeGathered, TraceBuilder, type FormatParser } from './build';
import { lastEnd, parseDecimal, parseDurationAt } from './duration';
import { isForeignLine } from './lines';
import type { Span, Trace, TraceEvent } from './model';
import { SliceCache, skipQuoted, StringPool, stripAnsi, unquoteDebug, utf8FromBytes } from './strings';

/** Length of the level word at `i` (TRACE/DEBUG/INFO/WARN/ERROR), or 0. */
export function levelAt(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  const d = s.charCodeAt(i + 3);
  switch (a) {
    case 73:
      return b === 78 && c === 70 && d === 79 ? 4 : 0; // INFO
    case 87:
      return b === 65 && c === 82 && d === 78 ? 4 : 0; // WARN
    case 69:
      return b === 82 && c === 82 && d === 79 && s.charCodeAt(i + 4) === 82 ? 5 : 0; // ERROR
    case 68:
      return b === 69 && c === 66 && d === 85 && s.charCodeAt(i + 4) === 71 ? 5 : 0; // DEBUG
    case 84:
      return b === 82 && c === 65 && d === 67 && s.charCodeAt(i + 4) === 69 ? 5 : 0; // TRACE
    default:
      return 0;
  }
}

/** The level word at `i` as a constant string (no allocation per line). */
function levelName(s: string, i: number): string {
  switch (s.charCodeAt(i)) {
    case 73:
      return 'INFO';
    case 87:
      return 'WARN';
    case 69:
      return 'ERROR';
    case 68:
      return 'DEBUG';
    default:
      return 'TRACE';
  }
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 35;
}

/** Index of the next ` | key: ` separator at or after `from`, or -1. */
function nextFieldSep(s: string, from: number): number {
  for (;;) {
    const i = s.indexOf(' | ', from);
    if (i < 0) return -1;
    let j = i + 3;
    while (j < s.length && isKeyChar(s.charCodeAt(j))) j++;
    if (j > i + 3 && s.charCodeAt(j) === 58 && s.charCodeAt(j + 1) === 32) return i;
    from = i + 1;
  }
}

/** `key: value | key: "quoted | value"` -> record; string values lose their Debug quotes. */
export function parseForestFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(': ', i);
    if (colon < 0) {
      out[text.slice(i)] = '';
      break;
    }
    const key = text.slice(i, colon);
    const v = colon + 2;
    let end = -1;
    if (text.charCodeAt(v) === 34) {
      const q = skipQuoted(text, v);
      if (q > 0 && (q === text.length || text.startsWith(' | ', q))) end = q;
    }
    if (end < 0) {
      end = nextFieldSep(text, v);
      if (end < 0) end = text.length;
    }
    out[key] = unquoteDebug(text.slice(v, end));
    i = end + 3;
  }
  return out;
}

export class ForestParser implements FormatParser {
  private readonly b: TraceBuilder;
  private readonly names = new StringPool();
  private readonly nameAt = new SliceCache<string>((t) => this.names.get(this.text(t)));
  private readonly fieldsAt = new SliceCache<Record<string, string>>((t) => Object.freeze(parseForestFields(this.text(t))));
  /** Events by their text after `[tag]: `, one cache per level. */
  private readonly eventsAt = new Map<string, SliceCache<TraceEvent>>();
  /** Open spans of the tree being read, by depth. */
  private readonly stack: Span[] = [];
  /**
   * Children and events of each open span, collected in reused arrays and copied to exact size
   * when the span closes: no growing arrays with spare capacity left behind in every parent.
   */
  private readonly kids: Span[][] = [];
  private readonly evs: TraceEvent[][] = [];

  /** Closes the open spans at `depth` and deeper. */
  private closeTo(depth: number): void {
    const stack = this.stack;
    for (let d = stack.length - 1; d >= depth; d--) {
      takeGathered(stack.pop()!, this.kids[d]!, this.evs[d]!);
    }
  }

  /**
   * With `bytes`, input lines hold one character per byte (latin1-decoded UTF-8, which is much
   * faster to produce than UTF-16); tree glyphs are matched as their UTF-8 bytes and kept strings
   * are decoded properly.
   */
  constructor(
    source?: string,
    private readonly bytes = false,
  ) {
    this.b = new TraceBuilder(source);
  }

  private text(t: string): string {
    return this.bytes ? utf8FromBytes(t) : t;
  }

  private bad(lineNo: number, s: string, reason: string): void {
    this.b.bad(lineNo, this.text(s), reason);
  }

  get spanCount(): number {
    return this.b.spanCount;
  }

  line(text: string, lineNo: number): void {
    if (text.length === 0) return;
    let s = text;
    // tracing-forest colours only the level column: a line that starts with a level letter has no
    // escape before it (and one inside a message is the message's own business).
    const c0 = s.charCodeAt(0);
    if (!(c0 === 73 || c0 === 68 || c0 === 87 || c0 === 69 || c0 === 84) && s.indexOf('\x1b') >= 0) s = stripAnsi(s);
    let p = 0;
    let lv = levelAt(s, 0);
    // A uuid and/or an RFC 3339 timestamp may come first (tracing-forest's `uuid`/`chrono` features).
    for (let tries = 0; lv === 0 && tries < 2; tries++) {
      const sp = s.indexOf(' ', p);
      if (sp <= p || !looksLikeStamp(s, p, sp)) break;
      p = sp;
      while (s.charCodeAt(p) === 32) p++;
      lv = levelAt(s, p);
    }
    if (lv === 0) return this.other(s, lineNo);
    this.b.content(lineNo);
    const level = levelName(s, p);
    for (let i = p + lv; i < p + 9; i++) {
      if (s.charCodeAt(i) !== 32) return this.bad(lineNo, s, 'level column is not followed by the tree');
    }
    let pos = p + 9;
    let depth = 0;
    let marker = false;
    for (;;) {
      const c = s.charCodeAt(pos);
      if (c === 32 && s.charCodeAt(pos + 1) === 32 && s.charCodeAt(pos + 2) === 32) {
        depth++;
        pos += 3;
      } else if (c === 0x2502) {
        depth++;
        pos += 3;
      } else if (c === 0x251d || c === 0x2515) {
        depth++;
        pos += 3;
        marker = true;
        break;
      } else if (c === 0xe2 && s.charCodeAt(pos + 1) === 0x94) {
        // The same glyphs as UTF-8 bytes: │ E2 94 82, ┝ E2 94 9D, ┕ E2 94 95 (━ E2 94 81).
        const g = s.charCodeAt(pos + 2);
        if (g === 0x82) {
          depth++;
          pos += 5;
        } else if (g === 0x9d || g === 0x95) {
          depth++;
          pos += 7;
          marker = true;
          break;
        } else break;
      } else break;
    }
    if (depth > 0 && !marker) return this.bad(lineNo, s, 'tree indent without a ┝━/┕━ branch');
    if (depth > this.stack.length) {
      return this.bad(lineNo, s, `nested ${depth} deep under a tree that is only ${this.stack.length} deep`);
    }
    if (isEventAt(s, pos, this.bytes)) return this.event(s, pos, depth, level, lineNo);
    this.span(s, pos, depth, level, lineNo);
  }

  private span(s: string, pos: number, depth: number, level: string, lineNo: number): void {
    // `name [ DUR | PCT% ]` or `name [ DUR | BASE% / TOTAL% ]`: the first ` [ ` followed by a
    // duration (names may contain ` [ ` themselves, rarely).
    let open = s.indexOf(' [ ', pos);
    let dur = NaN;
    while (open >= 0) {
      dur = parseDurationAt(s, open + 3);
      if (dur === dur && s.charCodeAt(lastEnd()) === 32 && s.charCodeAt(lastEnd() + 1) === 124) break;
      open = s.indexOf(' [ ', open + 1);
    }
    if (open < 0) {
      const why =
        s.indexOf(' [ ', pos) >= 0 ? 'span duration not understood' : 'neither a span (`name [ duration | percent ]`) nor an event';
      return this.bad(lineNo, s, why);
    }
    let i = lastEnd();
    const first = parseDecimal(s, i + 3);
    i = lastEnd();
    if (first !== first || s.charCodeAt(i) !== 37) return this.bad(lineNo, s, 'span percentage not understood');
    let basePct = NaN;
    if (s.charCodeAt(i + 1) === 32 && s.charCodeAt(i + 2) === 47) {
      // `BASE% / TOTAL%`
      basePct = first;
      const total = parseDecimal(s, i + 4);
      i = lastEnd();
      if (total !== total || s.charCodeAt(i) !== 37) return this.bad(lineNo, s, 'span percentages not understood');
    }
    if (s.charCodeAt(i + 1) !== 32 || s.charCodeAt(i + 2) !== 93) return this.bad(lineNo, s, 'span bracket not closed with ` ]`');
    const close = i;
    const root = depth === 0 ? undefined : this.stack[0];
    // BASE% is exact to 0.005% of the root; the root minus its children would carry each child's
    // 3-digit rounding.
    const rootNs = root ? root.durationNs : dur;
    let f = close + 3;
    if (s.charCodeAt(f) === 32) f++;
    // Only the properties this format has: a smaller object for every span of a large trace.
    const span: Span = {
      name: this.nameAt.get(s, pos, open),
      durationNs: dur,
      selfNs: basePct === basePct ? Math.min(dur, Math.round((basePct * rootNs) / 100)) : dur,
      level,
      fields: f < s.length ? this.fieldsAt.get(s, f, s.length) : NO_FIELDS,
      events: NO_EVENTS,
      children: NO_CHILDREN,
      rootIndex: root ? root.rootIndex : this.b.roots.length,
      sourceLine: lineNo,
    };
    this.b.spanCount++;
    this.closeTo(depth);
    if (depth === 0) this.b.addRoot(span);
    else this.kids[depth - 1].push(span);
    this.stack.push(span);
    if (this.kids.length <= depth) {
      this.kids.push([]);
      this.evs.push([]);
    }
  }

  private event(s: string, pos: number, depth: number, level: string, lineNo: number): void {
    const tagEnd = s.indexOf(']: ', pos);
    if (tagEnd < 0 && !s.endsWith(']:')) return this.bad(lineNo, s, 'event without `[tag]: `');
    let cache = this.eventsAt.get(level);
    if (!cache) {
      cache = new SliceCache<TraceEvent>((raw) => {
        const body = this.text(raw);
        const sep = nextFieldSep(body, 0);
        const message = sep < 0 ? body : body.slice(0, sep);
        const fields = sep < 0 ? NO_FIELDS : Object.freeze(parseForestFields(body.slice(sep + 3)));
        return Object.freeze({ message: this.names.get(message), level, fields });
      });
      this.eventsAt.set(level, cache);
    }
    const event = tagEnd < 0 ? cache.get('', 0, 0) : cache.get(s, tagEnd + 3, s.length);
    this.closeTo(depth);
    if (depth === 0) this.b.events.push(event);
    else this.evs[depth - 1].push(event);
  }

  private other(s: string, lineNo: number): void {
    if (s.trim().length === 0) return;
    this.b.content(lineNo);
    if (isForeignLine(s, lineNo)) this.b.foreignLines++;
    else this.bad(lineNo, s, 'not tracing-forest output');
  }

  finish(bytes?: number): Trace {
    this.closeTo(0);
    return this.b.finish('forest', 'busy', bytes);
  }
}

/** `<icon> [tag]: `: one code point, a space, `[` and a tag that does not start with a space. */
function isEventAt(s: string, pos: number, bytes: boolean): boolean {
  const c = s.charCodeAt(pos);
  const n = bytes ? (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1) : c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  return s.charCodeAt(pos + n) === 32 && s.charCodeAt(pos + n + 1) === 91 && s.charCodeAt(pos + n + 2) !== 32;
}

/** A uuid (8-4-4-4-12 hex) or a timestamp token starting with a digit. */
function looksLikeStamp(s: string, a: number, b: number): boolean {
  const c = s.charCodeAt(a);
  if (c >= 48 && c <= 57) return true;
  return b - a === 36 && s.charCodeAt(a + 8) === 45 && s.charCodeAt(a + 13) === 45;
}
