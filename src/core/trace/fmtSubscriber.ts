/**
 * tracing-subscriber's fmt output with span close events (`FmtSpan::CLOSE`):
 *   `2026-11-24T12:55:07.853039Z  INFO a{phase="prover"}:b:c: target: close time.busy=149ms time.idle=972ns`
 * Spans are known only when they close, children before parents; every line carries the full
 * span context, so a closing span collects the spans and events seen earlier with its context.
 * Spans whose close never came (a file cut short) are rebuilt from their children's context and
 * marked incomplete.
 */
import { newSpan, NO_EVENTS, NO_FIELDS, selfOf, setRootIndex, TraceBuilder, type FormatParser } from './build';
import { lastEnd, parseDurationAt } from './duration';
import { levelAt } from './forest';
import { isForeignLine } from './lines';
import type { Span, Trace, TraceEvent } from './model';
import { detach, FrozenCache, skipQuoted, StringPool, stripAnsi, unquoteDebug } from './strings';

export interface FmtOptions {
  /** What a span's duration is: `time.busy` (default) or `time.busy + time.idle`. */
  fmtDuration?: 'busy' | 'busy+idle';
}

interface Pending {
  children: Span[];
  events: TraceEvent[];
  /** First input line that named this span as context, for spans that never close. */
  line: number;
}

const CLOSE = ': close time.busy=';

/** Positions of `:` separating spans in a context (`a{x=1}:b::c{y="p:q"}:d`): not `::`, not in braces. */
export function splitContext(ctx: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < ctx.length; i++) {
    const c = ctx.charCodeAt(i);
    if (c === 34 && depth > 0) {
      const q = skipQuoted(ctx, i);
      if (q < 0) break;
      i = q - 1;
    } else if (c === 123) depth++;
    else if (c === 125) depth--;
    else if (c === 58 && depth === 0) {
      if (ctx.charCodeAt(i + 1) === 58) {
        i++;
        continue;
      }
      out.push(ctx.slice(from, i));
      from = i + 1;
    }
  }
  if (from < ctx.length) out.push(ctx.slice(from));
  return out;
}

/** `key=value key2="quoted value"` -> record, or undefined when the text is not all fields. */
export function parseFmtFields(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    if (eq <= i) return undefined;
    for (let k = i; k < eq; k++) {
      const c = text.charCodeAt(k);
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 35)) return undefined;
    }
    let end: number;
    if (text.charCodeAt(eq + 1) === 34) {
      end = skipQuoted(text, eq + 1);
      if (end < 0) return undefined;
    } else {
      end = text.indexOf(' ', eq + 1);
      if (end < 0) end = n;
    }
    out[text.slice(i, eq)] = unquoteDebug(text.slice(eq + 1, end));
    i = end;
  }
  return out;
}

/** Length of a field key (`[A-Za-z0-9_.#]+`) at `i` followed by `=`, or 0. */
function keyBeforeEquals(text: string, i: number): number {
  let j = i;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 35)) break;
  }
  return j > i && text.charCodeAt(j) === 61 ? j - i : 0;
}

/**
 * An event's text: a message followed by `key=value` fields. One pass splits it into tokens
 * (quoted values kept whole); the fields are the longest run of `key=value` tokens at the end.
 */
export function splitMessage(text: string): { message: string; fields: Record<string, string> } {
  const n = text.length;
  let fieldsFrom = n;
  let i = 0;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const start = i;
    const k = keyBeforeEquals(text, i);
    // End of this token if it is a `key=value` field, else -1.
    let end = -1;
    if (k > 0) {
      const v = i + k + 1;
      if (text.charCodeAt(v) === 34) {
        const q = skipQuoted(text, v);
        if (q > 0 && (q === n || text.charCodeAt(q) === 32)) end = q;
      } else {
        end = text.indexOf(' ', v);
        if (end < 0) end = n;
      }
    }
    if (end < 0) {
      // Part of the message: any fields come after it.
      fieldsFrom = n;
      const sp = text.indexOf(' ', start);
      i = sp < 0 ? n : sp;
      continue;
    }
    if (fieldsFrom === n) fieldsFrom = start;
    i = end;
  }
  if (fieldsFrom === n) return { message: text, fields: NO_FIELDS };
  const fields = parseFmtFields(text.slice(fieldsFrom));
  if (!fields) return { message: text, fields: NO_FIELDS };
  return { message: text.slice(0, fieldsFrom).trimEnd(), fields };
}

/** Index of the first `: ` outside braces and quotes at or after `from`, or -1. */
function topLevelColon(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 && depth > 0) {
      const q = skipQuoted(s, i);
      if (q < 0) return -1;
      i = q - 1;
    } else if (c === 123) depth++;
    else if (c === 125) depth--;
    else if (c === 58 && depth === 0 && s.charCodeAt(i + 1) === 32) return i;
  }
  return -1;
}

/** A module path or custom target: no spaces, no braces. */
function isTarget(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 123 || c === 125 || c === 61 || c === 34) return false;
  }
  return true;
}

/** ns since the Unix epoch split as [ms, ns within the ms] for an RFC 3339 timestamp, or undefined. */
export function parseRfc3339(s: string): [number, number] | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return undefined;
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const frac = (m[7] ?? '').padEnd(9, '0');
  ms += Number(frac.slice(0, 3));
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const hm = m[8].slice(1).replace(':', '');
    ms -= sign * (Number(hm.slice(0, 2)) * 60 + Number(hm.slice(2))) * 60_000;
  }
  return [ms, Number(frac.slice(3))];
}

export class FmtParser implements FormatParser {
  private readonly b: TraceBuilder;
  private readonly pool = new StringPool();
  private readonly fieldSets = new FrozenCache<Record<string, string>>();
  private readonly pending = new Map<string, Pending>();
  private origin: [number, number] | undefined;
  private readonly withIdle: boolean;

  constructor(source?: string, opts: FmtOptions = {}) {
    this.b = new TraceBuilder(source);
    this.withIdle = opts.fmtDuration === 'busy+idle';
  }

  get spanCount(): number {
    return this.b.spanCount;
  }

  line(text: string, lineNo: number): void {
    let s = text;
    if (s.indexOf('\x1b') >= 0) s = stripAnsi(s);
    let p = 0;
    while (s.charCodeAt(p) === 32) p++;
    let timeNs: number | undefined;
    if (levelAt(s, p) === 0) {
      // A timestamp (any timer; RFC 3339 ones give span start times).
      const sp = s.indexOf(' ', p);
      if (sp < 0) return this.other(s, lineNo);
      timeNs = this.time(s.slice(p, sp));
      p = sp;
      while (s.charCodeAt(p) === 32) p++;
    }
    const lv = levelAt(s, p);
    if (lv === 0 || s.charCodeAt(p + lv) !== 32) return this.other(s, lineNo);
    this.b.content(lineNo);
    const level = this.pool.get(s.slice(p, p + lv));
    p += lv;
    while (s.charCodeAt(p) === 32) p++;
    let thread = '';
    if (s.startsWith('ThreadId(', p)) {
      const close = s.indexOf(') ', p);
      if (close > 0) {
        thread = s.slice(p, close + 1);
        p = close + 2;
        while (s.charCodeAt(p) === 32) p++;
      }
    }
    const closeAt = s.indexOf(CLOSE, p);
    if (closeAt >= 0) return this.close(s, p, closeAt, thread, level, timeNs, lineNo);
    this.event(s, p, thread, level, timeNs, lineNo);
  }

  /** The previous timestamp's text up to the seconds, and its value: most lines share them. */
  private lastSecond = '';
  private lastSecondMs = 0;

  private time(token: string): number | undefined {
    let t: [number, number] | undefined;
    // `2026-11-24T12:55:07.698856Z`: reuse the date-time part when it repeats; read the fraction.
    if (token.length === 27 && token.charCodeAt(19) === 46 && token.charCodeAt(26) === 90) {
      const second = token.slice(0, 19);
      if (second !== this.lastSecond) {
        const whole = parseRfc3339(second + 'Z');
        if (!whole) return undefined;
        this.lastSecond = second;
        this.lastSecondMs = whole[0];
      }
      const frac = Number(token.slice(20, 26));
      if (!Number.isInteger(frac)) return undefined;
      t = [this.lastSecondMs + Math.floor(frac / 1000), (frac % 1000) * 1000];
    } else t = parseRfc3339(token);
    if (!t) return undefined;
    if (!this.origin) this.origin = t;
    return (t[0] - this.origin[0]) * 1e6 + (t[1] - this.origin[1]);
  }

  private close(s: string, p: number, closeAt: number, thread: string, level: string, timeNs: number | undefined, lineNo: number): void {
    let i = closeAt + CLOSE.length;
    const busy = parseDurationAt(s, i);
    i = lastEnd();
    let idle = 0;
    if (s.startsWith(' time.idle=', i)) {
      idle = parseDurationAt(s, i + 11);
      i = lastEnd();
    }
    if (busy !== busy || idle !== idle) return this.b.bad(lineNo, s, 'close line with an unreadable time.busy/time.idle');
    const head = s.slice(p, closeAt);
    // `<context>: <target>` (target is left out with `with_target(false)`).
    const colon = head.lastIndexOf(': ');
    const ctx = colon >= 0 && isTarget(head.slice(colon + 2)) ? head.slice(0, colon) : head;
    const target = colon >= 0 && ctx !== head ? head.slice(colon + 2) : undefined;
    const parts = splitContext(ctx);
    if (parts.length === 0) return this.b.bad(lineNo, s, 'close line without a span context');
    const key = thread + ctx;
    const span = this.spanFor(parts[parts.length - 1], lineNo);
    span.level = level;
    span.target = target === undefined ? undefined : this.pool.get(target);
    span.thread = thread ? this.pool.get(thread) : undefined;
    span.idleNs = idle;
    span.durationNs = this.withIdle ? busy + idle : busy;
    if (timeNs !== undefined) span.startNs = Math.max(0, timeNs - busy - idle);
    const own = this.pending.get(key);
    if (own) {
      this.pending.delete(key);
      if (own.children.length > 0) span.children = own.children;
      if (own.events.length > 0) span.events = own.events;
    }
    span.selfNs = selfOf(span);
    this.b.spanCount++;
    this.place(span, thread, parts);
  }

  /** Hands a closed span to its parent's pending list, or makes it a root. */
  private place(span: Span, thread: string, parts: string[]): void {
    if (parts.length === 1) {
      this.b.addRoot(span);
      setRootIndex(span, span.rootIndex);
      return;
    }
    this.pendingFor(thread + parts.slice(0, -1).join(':'), span.sourceLine ?? 1).children.push(span);
  }

  private pendingFor(key: string, lineNo: number): Pending {
    let p = this.pending.get(key);
    if (!p) this.pending.set(detach(key), (p = { children: [], events: [], line: lineNo }));
    return p;
  }

  private spanFor(segment: string, lineNo: number): Span {
    const brace = segment.indexOf('{');
    const name = brace < 0 ? segment : segment.slice(0, brace);
    const span = newSpan(this.pool.get(name), 0, lineNo);
    if (brace >= 0 && segment.endsWith('}') && segment.length > brace + 2) {
      const text = segment.slice(brace + 1, -1);
      span.fields = this.fieldSets.get(text, () => parseFmtFields(text) ?? { fields: text });
    }
    return span;
  }

  private event(s: string, p: number, thread: string, level: string, timeNs: number | undefined, lineNo: number): void {
    const first = topLevelColon(s, p);
    if (first < 0) return this.b.bad(lineNo, s, 'fmt line without `target: message`');
    let ctx = '';
    let target = s.slice(p, first);
    let msgStart = first + 2;
    const second = topLevelColon(s, msgStart);
    if (second >= 0) {
      // `<context>: <target>: message`. Without spans the first piece is the target, which has no
      // spaces or braces; when both pieces could be targets, the span reading wins.
      const maybeTarget = s.slice(msgStart, second);
      if (isTarget(maybeTarget)) {
        ctx = target;
        target = maybeTarget;
        msgStart = second + 2;
      }
    }
    const { message, fields } = splitMessage(s.slice(msgStart));
    const event: TraceEvent = {
      message: message.length < 64 ? this.pool.get(message) : detach(message),
      level,
      fields: fields === NO_FIELDS ? NO_FIELDS : Object.freeze(fields),
      timeNs,
      target: this.pool.get(target),
    };
    if (ctx === '') this.b.events.push(event);
    else this.pendingFor(thread + ctx, lineNo).events.push(event);
  }

  private other(s: string, lineNo: number): void {
    if (s.trim().length === 0) return;
    this.b.content(lineNo);
    if (isForeignLine(s, lineNo)) this.b.foreignLines++;
    else this.b.bad(lineNo, s, 'not a tracing-subscriber fmt line');
  }

  finish(bytes?: number): Trace {
    if (this.pending.size > 0) this.rebuildUnclosed();
    return this.b.finish('fmt', this.withIdle ? 'busy+idle' : 'busy', bytes);
  }

  /** Spans that never closed: rebuilt deepest first from what was recorded under their context. */
  private rebuildUnclosed(): void {
    let made = 0;
    for (;;) {
      let deepest: string | undefined;
      let depth = -1;
      for (const key of this.pending.keys()) {
        const d = splitContext(key).length;
        if (d > depth) {
          depth = d;
          deepest = key;
        }
      }
      if (deepest === undefined) break;
      const own = this.pending.get(deepest)!;
      this.pending.delete(deepest);
      const thread = deepest.startsWith('ThreadId(') ? deepest.slice(0, deepest.indexOf(')') + 1) : '';
      const parts = splitContext(deepest.slice(thread.length));
      const span = this.spanFor(parts[parts.length - 1], own.line);
      span.incomplete = true;
      span.thread = thread ? this.pool.get(thread) : undefined;
      if (own.children.length > 0) span.children = own.children;
      span.events = own.events.length > 0 ? own.events : NO_EVENTS;
      for (const c of own.children) span.durationNs += c.durationNs;
      const starts = own.children.map((c) => c.startNs).filter((x): x is number => x !== undefined);
      if (starts.length > 0) span.startNs = Math.min(...starts);
      span.selfNs = 0;
      this.b.spanCount++;
      made++;
      this.place(span, thread, parts);
    }
    if (made > 0) {
      this.b.warnings.push(`${made} span(s) never closed (the output was cut short?); rebuilt from their children and marked incomplete`);
    }
  }
}
