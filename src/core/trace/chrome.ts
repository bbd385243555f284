/**
 * Chrome trace-event JSON, as tracing-chrome writes it: an array with one event object per line
 * (`[`, `{...},` ..., and a closing `]` that is missing when the program did not exit cleanly).
 * Lines holding one whole event take a fast path (one JSON.parse each); anything else (a wrapper
 * object `{"traceEvents": [...]}`, pretty-printed or minified files) goes through a small
 * incremental scanner that finds event objects across lines.
 *
 * Phases: `B`/`E` (enter/exit on a thread), `X` (complete, with `dur`), `b`/`e` (nestable async,
 * by id), `i`/`I`/`n` (instant events), `M` (thread names). Others are counted and ignored.
 */
import { addChild, addEvent, newSpan, NO_FIELDS, selfOf, setRootIndex, TraceBuilder, type FormatParser } from './build';
import type { Span, Trace, TraceEvent } from './model';
import { excerpt, FrozenCache, StringPool, unquoteDebug } from './strings';

interface ThreadState {
  label: string;
  stack: Span[];
  /** Complete (`X`) spans, nested by time at the end. */
  complete: Span[] | undefined;
  lastNs: number;
}

interface AsyncState {
  open: Span[];
  thread: string;
}

type Json = Record<string, unknown>;

const LOCATION_KEYS = new Set(['[file]', '[line]', '.file', '.line']);

const PHASE_NAMES: Record<string, string> = {
  C: 'counter', s: 'flow start', t: 'flow step', f: 'flow end', P: 'sample', O: 'object snapshot',
  N: 'object created', D: 'object destroyed', R: 'mark', c: 'clock sync', S: 'async step', T: 'async step', F: 'async end',
};

export class ChromeParser implements FormatParser {
  private readonly b: TraceBuilder;
  private readonly pool = new StringPool();
  private readonly fieldSets = new FrozenCache<Record<string, string>>();
  private readonly locations = new Map<string, Map<number, { file: string; line: number }>>();
  private readonly threads = new Map<unknown, Map<unknown, ThreadState>>();
  private readonly asyncs = new Map<string, AsyncState>();
  private readonly relabel = new Map<string, string>();
  private readonly ignored = new Map<string, number>();
  private lastPid: unknown = undefined;
  private lastTid: unknown = undefined;
  private lastThread: ThreadState | undefined;
  private anyComplete = false;

  // Scanner state for events that are not one per line.
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Nesting depth at which event objects sit: 1 in a bare array, 2 in `{"traceEvents": [...]}`. */
  private eventsDepth = -1;
  private eventsClosed = false;
  private topIsObject = false;
  private keyStart = -1;
  private lastKey = '';
  private objParts: string[] = [];
  private objLine = 0;
  private inObject = false;
  private lastContentLine = 0;

  constructor(source?: string) {
    this.b = new TraceBuilder(source);
  }

  get spanCount(): number {
    return this.b.spanCount;
  }

  line(text: string, lineNo: number): void {
    let a = 0;
    let z = text.length;
    while (a < z && isSpace(text.charCodeAt(a))) a++;
    while (z > a && isSpace(text.charCodeAt(z - 1))) z--;
    if (a === z) {
      if (this.inObject) this.objParts.push('\n');
      return;
    }
    this.b.content(text, lineNo);
    this.lastContentLine = lineNo;
    if (!this.inObject && this.depth === this.eventsDepth && text.charCodeAt(a) === 123) {
      let end = z;
      if (text.charCodeAt(end - 1) === 44) end--;
      if (text.charCodeAt(end - 1) === 125) {
        let obj: unknown;
        try {
          obj = JSON.parse(a === 0 && end === text.length ? text : text.slice(a, end));
        } catch {
          obj = undefined;
        }
        if (obj !== undefined) {
          this.event(obj, text, lineNo);
          return;
        }
      }
    }
    this.scan(text, a, z, lineNo);
  }

  /** The general path: tracks JSON nesting to find event objects wherever they start and end. */
  private scan(s: string, a: number, z: number, lineNo: number): void {
    let objStart = this.inObject ? a : -1;
    for (let i = a; i < z; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) {
          this.inString = false;
          if (this.keyStart >= 0) {
            this.lastKey = s.slice(this.keyStart, i);
            this.keyStart = -1;
          }
        }
        continue;
      }
      switch (c) {
        case 34:
          this.inString = true;
          if (this.topIsObject && this.depth === 1) this.keyStart = i + 1;
          break;
        case 123:
          if (this.depth === 0 && this.eventsDepth < 0) this.topIsObject = true;
          else if (this.depth === this.eventsDepth && !this.inObject) {
            this.inObject = true;
            this.objLine = lineNo;
            objStart = i;
          }
          this.depth++;
          break;
        case 125:
          this.depth--;
          if (this.inObject && this.depth === this.eventsDepth) {
            this.objParts.push(s.slice(objStart, i + 1));
            const json = this.objParts.join('');
            this.objParts = [];
            this.inObject = false;
            objStart = -1;
            let obj: unknown;
            try {
              obj = JSON.parse(json);
            } catch (e) {
              this.b.bad(this.objLine, json, `invalid JSON event: ${(e as Error).message}`);
              break;
            }
            this.event(obj, json, this.objLine);
          }
          break;
        case 91:
          if (this.eventsDepth < 0 && !this.eventsClosed) {
            if (this.depth === 0) this.eventsDepth = 1;
            else if (this.depth === 1 && this.topIsObject && this.lastKey === 'traceEvents') this.eventsDepth = 2;
          }
          this.depth++;
          break;
        case 93:
          this.depth--;
          if (this.depth === this.eventsDepth - 1 && this.eventsDepth > 0 && !this.inObject) {
            this.eventsClosed = true;
            this.eventsDepth = -1;
          }
          break;
        default:
          if (this.depth === 0 && !isSpace(c) && c !== 44) {
            this.b.bad(lineNo, s, 'text outside the JSON trace');
            return;
          }
      }
    }
    if (this.inObject) this.objParts.push(s.slice(objStart < 0 ? a : objStart, z), '\n');
  }

  private thread(pid: unknown, tid: unknown): ThreadState {
    if (pid === this.lastPid && tid === this.lastTid && this.lastThread) return this.lastThread;
    let byTid = this.threads.get(pid);
    if (!byTid) this.threads.set(pid, (byTid = new Map()));
    let t = byTid.get(tid);
    if (!t) {
      t = { label: this.pool.get(tid === undefined ? '?' : String(tid)), stack: [], complete: undefined, lastNs: 0 };
      byTid.set(tid, t);
    }
    this.lastPid = pid;
    this.lastTid = tid;
    this.lastThread = t;
    return t;
  }

  private event(obj: unknown, text: string, lineNo: number): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return this.b.bad(lineNo, text, 'trace event is not a JSON object');
    }
    const e = obj as Json;
    const ph = e.ph;
    if (typeof ph !== 'string') return this.b.bad(lineNo, text, 'trace event without "ph"');
    if (ph === 'M') return this.meta(e);
    const ts = typeof e.ts === 'number' ? e.ts : typeof e.ts === 'string' ? Number(e.ts) : NaN;
    if (ts !== ts && ph !== 'M') return this.b.bad(lineNo, text, 'trace event without a numeric "ts"');
    const ns = Math.round(ts * 1000);
    const t = this.thread(e.pid, e.tid);
    if (ns > t.lastNs) t.lastNs = ns;
    switch (ph) {
      case 'B': {
        const span = this.makeSpan(e, t, ns, lineNo);
        const parent = t.stack.length > 0 ? t.stack[t.stack.length - 1] : undefined;
        if (parent) {
          span.rootIndex = parent.rootIndex;
          addChild(parent, span);
        } else this.b.addRoot(span);
        t.stack.push(span);
        return;
      }
      case 'E':
        return this.end(e, t, ns, text, lineNo);
      case 'X': {
        const dur = typeof e.dur === 'number' ? e.dur : Number(e.dur);
        if (!(dur >= 0)) return this.b.bad(lineNo, text, 'complete event ("X") without a "dur"');
        const span = this.makeSpan(e, t, ns, lineNo);
        span.durationNs = Math.round(dur * 1000);
        if (ns + span.durationNs > t.lastNs) t.lastNs = ns + span.durationNs;
        (t.complete ??= []).push(span);
        this.anyComplete = true;
        return;
      }
      case 'b':
      case 'e':
        return this.async(e, t, ph, ns, text, lineNo);
      case 'i':
      case 'I':
      case 'n':
        return this.instant(e, t, ph, ns);
      default:
        this.ignored.set(ph, (this.ignored.get(ph) ?? 0) + 1);
    }
  }

  private meta(e: Json): void {
    if (e.name !== 'thread_name') return;
    const name = (e.args as Json | undefined)?.name;
    if (typeof name !== 'string') return;
    const t = this.thread(e.pid, e.tid);
    const label = this.pool.get(name);
    if (label === t.label) return;
    this.relabel.set(t.label, label);
    t.label = label;
  }

  private makeSpan(e: Json, t: ThreadState, ns: number, lineNo: number): Span {
    const span = newSpan(this.pool.get(typeof e.name === 'string' ? e.name : String(e.name ?? '')), 0, lineNo);
    span.startNs = ns;
    span.thread = t.label;
    if (typeof e.cat === 'string') span.target = this.pool.get(e.cat);
    const args = e.args as Json | undefined;
    span.location = this.location(e, args);
    if (args && typeof args === 'object') span.fields = this.fields(args, false);
    this.b.spanCount++;
    return span;
  }

  private end(e: Json, t: ThreadState, ns: number, text: string, lineNo: number): void {
    const stack = t.stack;
    if (stack.length === 0) return this.b.bad(lineNo, text, `end ("E") of ${JSON.stringify(e.name)} with no span open on thread ${t.label}`);
    let k = stack.length - 1;
    if (typeof e.name === 'string' && stack[k].name !== e.name) {
      while (k >= 0 && stack[k].name !== e.name) k--;
      if (k < 0) return this.b.bad(lineNo, text, `end ("E") of "${e.name}" does not match any open span on thread ${t.label}`);
      this.b.warnings.push(
        `line ${lineNo}: end of "${e.name}" closes ${stack.length - 1 - k} span(s) opened inside it that never ended`,
      );
    }
    while (stack.length > k) {
      const span = stack.pop()!;
      span.durationNs = Math.max(0, ns - (span.startNs as number));
      if (stack.length > k) span.incomplete = true;
      span.selfNs = selfOf(span);
    }
  }

  private async(e: Json, t: ThreadState, ph: string, ns: number, text: string, lineNo: number): void {
    const id = e.id ?? (e.id2 as Json | undefined)?.local ?? (e.id2 as Json | undefined)?.global;
    const key = `${String(e.cat ?? '')}\u0000${String(id)}`;
    let a = this.asyncs.get(key);
    if (ph === 'b') {
      if (!a) this.asyncs.set(key, (a = { open: [], thread: t.label }));
      const span = this.makeSpan(e, t, ns, lineNo);
      const parent = a.open.length > 0 ? a.open[a.open.length - 1] : undefined;
      if (parent) {
        span.rootIndex = parent.rootIndex;
        addChild(parent, span);
      } else this.b.addRoot(span);
      a.open.push(span);
      return;
    }
    let k = a ? a.open.length - 1 : -1;
    while (k >= 0 && typeof e.name === 'string' && a!.open[k].name !== e.name) k--;
    if (!a || k < 0) return this.b.bad(lineNo, text, `async end ("e") of ${JSON.stringify(e.name)} with no matching "b"`);
    const span = a.open[k];
    a.open.splice(k, 1);
    span.durationNs = Math.max(0, ns - (span.startNs as number));
    span.selfNs = selfOf(span);
  }

  private instant(e: Json, t: ThreadState, ph: string, ns: number): void {
    const args = e.args as Json | undefined;
    const message = args && typeof args === 'object' && args.message !== undefined ? String(args.message) : '';
    const event: TraceEvent = {
      message: message.length < 64 ? this.pool.get(message) : excerpt(message, 100_000),
      level: undefined,
      fields: args && typeof args === 'object' ? this.fields(args, true) : NO_FIELDS,
      timeNs: ns,
      target: typeof e.cat === 'string' ? this.pool.get(e.cat) : undefined,
      location: this.location(e, args),
    };
    let into: Span | undefined;
    if (ph === 'n') {
      const id = e.id ?? (e.id2 as Json | undefined)?.local ?? (e.id2 as Json | undefined)?.global;
      const a = this.asyncs.get(`${String(e.cat ?? '')}\u0000${String(id)}`);
      into = a && a.open.length > 0 ? a.open[a.open.length - 1] : undefined;
    } else if (e.s !== 'g' && e.s !== 'p') {
      into = t.stack.length > 0 ? t.stack[t.stack.length - 1] : undefined;
    }
    if (into) addEvent(into, event);
    else this.b.events.push(event);
  }

  /** `[file]`/`[line]` in args (tracing-chrome 0.7.0) or `.file`/`.line` at top level (later releases). */
  private location(e: Json, args: Json | undefined): { file: string; line: number } | undefined {
    let file = e['.file'];
    let line = e['.line'];
    if (file === undefined && args && typeof args === 'object') {
      file = args['[file]'];
      line = args['[line]'];
    }
    if (typeof file !== 'string') return undefined;
    const n = typeof line === 'number' ? line : Number(line);
    const lineNo = Number.isFinite(n) ? n : 0;
    let byLine = this.locations.get(file);
    if (!byLine) {
      const own = this.pool.get(file);
      this.locations.set(own, (byLine = new Map()));
      file = own;
    }
    let loc = byLine.get(lineNo);
    if (!loc) byLine.set(lineNo, (loc = Object.freeze({ file: this.pool.get(file as string), line: lineNo })));
    return loc;
  }

  /** Args minus location keys (and `message` for events); values lose their Debug quotes. */
  private fields(args: Json, isEvent: boolean): Record<string, string> {
    let key = '';
    let n = 0;
    for (const k in args) {
      if (LOCATION_KEYS.has(k) || (isEvent && k === 'message')) continue;
      const v = args[k];
      key += k + '\u0001' + (typeof v === 'string' ? v : JSON.stringify(v)) + '\u0002';
      n++;
    }
    if (n === 0) return NO_FIELDS;
    return this.fieldSets.get(key, () => {
      const out: Record<string, string> = {};
      for (const k in args) {
        if (LOCATION_KEYS.has(k) || (isEvent && k === 'message')) continue;
        const v = args[k];
        out[this.pool.get(k)] = this.pool.get(typeof v === 'string' ? unquoteDebug(v) : JSON.stringify(v));
      }
      return out;
    });
  }

  finish(bytes?: number): Trace {
    const b = this.b;
    if (this.inObject) {
      b.bad(this.objLine, this.objParts.join('').slice(0, 200), 'event cut short at the end of the file');
      b.warnings.push(`the file ends inside an event (line ${this.objLine}): the trace was cut short`);
    } else if (!this.eventsClosed && this.eventsDepth > 0 && b.spanCount > 0) {
      b.warnings.push('the event array is not closed with "]": the trace was cut short or is still being written');
    } else if (b.unparsed.length > 0 && b.unparsed[b.unparsed.length - 1].line === this.lastContentLine && !this.eventsClosed) {
      b.unparsed[b.unparsed.length - 1].reason = 'event cut short at the end of the file';
    }
    this.closeOpen();
    if (this.anyComplete) this.nestComplete();
    if (this.relabel.size > 0) this.applyRelabel();
    for (const [ph, count] of this.ignored) {
      b.warnings.push(`ignored ${count} event(s) of phase "${ph}"${PHASE_NAMES[ph] ? ` (${PHASE_NAMES[ph]})` : ''}`);
    }
    return b.finish('chrome', 'wall', bytes);
  }

  /** Spans still open at the end run to the last time seen on their thread, marked incomplete. */
  private closeOpen(): void {
    let open = 0;
    const close = (stack: Span[], endNs: number) => {
      while (stack.length > 0) {
        const span = stack.pop()!;
        span.durationNs = Math.max(0, endNs - (span.startNs as number));
        span.incomplete = true;
        span.selfNs = selfOf(span);
        open++;
      }
    };
    let last = 0;
    for (const byTid of this.threads.values()) {
      for (const t of byTid.values()) {
        if (t.lastNs > last) last = t.lastNs;
        close(t.stack, t.lastNs);
      }
    }
    for (const a of this.asyncs.values()) close(a.open, last);
    if (open > 0) this.b.warnings.push(`${open} span(s) never ended; they are marked incomplete and run to the last time seen`);
  }

  /**
   * Complete (`X`) events carry no nesting: on each thread that has them, all spans are nested by
   * time (start ascending, longer first), B/E spans included.
   */
  private nestComplete(): void {
    const b = this.b;
    const keep: Span[] = [];
    const byThread = new Map<string, Span[]>();
    for (const byTid of this.threads.values()) {
      for (const t of byTid.values()) if (t.complete) byThread.set(t.label, t.complete);
    }
    for (const root of b.roots) {
      const extra = root.thread !== undefined ? byThread.get(root.thread) : undefined;
      if (!extra) keep.push(root);
      else flattenInto(root, extra);
    }
    for (const spans of byThread.values()) {
      spans.sort((x, y) => (x.startNs as number) - (y.startNs as number) || y.durationNs - x.durationNs);
      const stack: Span[] = [];
      for (const s of spans) {
        const start = s.startNs as number;
        while (stack.length > 0) {
          const top = stack[stack.length - 1];
          if (start < (top.startNs as number) + top.durationNs) break;
          stack.pop();
        }
        if (stack.length > 0) addChild(stack[stack.length - 1], s);
        else keep.push(s);
        stack.push(s);
      }
      for (const s of spans) s.selfNs = selfOf(s);
    }
    keep.sort((x, y) => (x.startNs as number) - (y.startNs as number));
    b.roots.length = 0;
    for (const r of keep) {
      b.roots.push(r);
      setRootIndex(r, b.roots.length - 1);
    }
  }

  private applyRelabel(): void {
    const stack = [...this.b.roots];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (s.thread !== undefined) s.thread = this.relabel.get(s.thread) ?? s.thread;
      for (const c of s.children) stack.push(c);
    }
  }
}

/** Pushes a span and its descendants into `out`, detached from each other. */
function flattenInto(root: Span, out: Span[]): void {
  const stack: Span[] = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    out.push(s);
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]);
    s.children = [] as Span[];
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
