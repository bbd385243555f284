/**
 * Chrome trace-event JSON, as tracing-chrome writes it: an array with one event object per line
 * (`[`, `{...},` ..., and a closing `]` that is missing when the program did not exit cleanly).
 * A line holding one whole event takes the fast path: its few needed fields are scanned in place
 * (chromeScan.ts) and `args` is memoised by its text; a line the scanner does not follow is read
 * with JSON.parse. Anything else (a wrapper object `{"traceEvents": [...]}`, pretty-printed or
 * minified files) goes through a small incremental scanner that finds event objects across lines.
 *
 * Phases: `B`/`E` (enter/exit on a thread), `X` (complete, with `dur`), `b`/`e` (nestable async,
 * by id), `i`/`I`/`n` (instant events), `M` (thread names). Others are counted and ignored.
 */
import {
  addChild,
  addEvent,
  NO_CHILDREN,
  NO_EVENTS,
  NO_FIELDS,
  selfOf,
  setRootIndex,
  takeGathered,
  TraceBuilder,
  type FormatParser,
} from './build';
import { RawEvent, scanEvent } from './chromeScan';
import type { Span, Trace, TraceEvent } from './model';
import { detach, FrozenCache, SliceCache, StringPool, unquoteDebug } from './strings';

type Location = { file: string; line: number } | undefined;

interface SpanArgs {
  fields: Record<string, string>;
  location: Location;
}

interface EventArgs extends SpanArgs {
  message: string;
}

/** All Chrome spans share one shape. */
function chromeSpan(name: string, ns: number, thread: string, target: string | undefined, args: SpanArgs, lineNo: number): Span {
  return {
    name,
    durationNs: 0,
    selfNs: 0,
    startNs: ns,
    thread,
    target,
    fields: args.fields,
    events: NO_EVENTS,
    children: NO_CHILDREN,
    location: args.location,
    rootIndex: 0,
    sourceLine: lineNo,
  };
}

const NO_ARGS: SpanArgs = Object.freeze({ fields: NO_FIELDS, location: undefined });

interface ThreadState {
  label: string;
  stack: Span[];
  /** Children and events of each open span, in reused arrays (see popSpan). */
  kids: Span[][];
  evs: TraceEvent[][];
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
  C: 'counter',
  s: 'flow start',
  t: 'flow step',
  f: 'flow end',
  P: 'sample',
  O: 'object snapshot',
  N: 'object created',
  D: 'object destroyed',
  R: 'mark',
  c: 'clock sync',
  S: 'async step',
  T: 'async step',
  F: 'async end',
};

/** Times are µs; beyond this they would not fit in ns as exact integers (and 1e308 would become Infinity). */
const MAX_US = Number.MAX_SAFE_INTEGER / 1000;

export class ChromeParser implements FormatParser {
  private readonly b: TraceBuilder;
  private readonly pool = new StringPool();
  private readonly fieldSets = new FrozenCache<Record<string, string>>();
  private readonly raw = new RawEvent();
  private readonly nameAt = new SliceCache<string>((t) => this.pool.get(t));
  private readonly spanArgsAt = new SliceCache<SpanArgs>((t) => this.spanArgs(JSON.parse(t) as Json));
  private readonly eventArgsAt = new SliceCache<EventArgs>((t) => this.eventArgs(JSON.parse(t) as Json), 20_000);
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
    this.b.content(lineNo);
    this.lastContentLine = lineNo;
    if (!this.inObject && this.depth === this.eventsDepth && text.charCodeAt(a) === 123) {
      let end = z;
      if (text.charCodeAt(end - 1) === 44) end--;
      if (text.charCodeAt(end - 1) === 125) {
        if (scanEvent(text, a, end, this.raw) === end && this.tryFast(text, lineNo)) return;
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
          if ((this.depth === 0 || (this.depth === this.eventsDepth && !this.inObject)) && !isSpace(c) && c !== 44) {
            this.b.bad(lineNo, s, this.depth === 0 ? 'text outside the JSON trace' : 'text between trace events');
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
      t = { label: this.pool.get(tid === undefined ? '?' : String(tid)), stack: [], kids: [], evs: [], complete: undefined, lastNs: 0 };
      byTid.set(tid, t);
    }
    this.lastPid = pid;
    this.lastTid = tid;
    this.lastThread = t;
    return t;
  }

  private tryFast(s: string, lineNo: number): boolean {
    try {
      return this.fast(s, lineNo);
    } catch {
      // An args range that was not one JSON object after all: read the line with JSON.parse.
      return false;
    }
  }

  /** The common phases straight from the scanned text; false to take the JSON.parse path. */
  private fast(s: string, lineNo: number): boolean {
    const e = this.raw;
    const ph = e.ph;
    if (!(Math.abs(e.ts) <= MAX_US) || (ph !== 66 && ph !== 69 && ph !== 105 && ph !== 73)) return false;
    const ns = Math.round(e.ts * 1000);
    const t = this.thread(e.pid, e.tid);
    if (ns > t.lastNs) t.lastNs = ns;
    if (ph === 69) {
      const stack = t.stack;
      const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
      if (
        top !== undefined &&
        (e.nameStart < 0 || (top.name.length === e.nameEnd - e.nameStart && s.slice(e.nameStart, e.nameEnd) === top.name))
      ) {
        popSpan(t);
        top.durationNs = ns > top.startNs! ? ns - top.startNs! : 0;
        top.selfNs = selfOf(top);
        return true;
      }
      this.end(e.nameStart < 0 ? undefined : this.rawName(s), t, ns, s, lineNo);
      return true;
    }
    const target = e.catStart < 0 ? undefined : this.nameAt.get(s, e.catStart, e.catEnd);
    if (ph === 66) {
      let args = e.argsStart < 0 ? NO_ARGS : this.spanArgsAt.get(s, e.argsStart, e.argsEnd);
      if (e.fileStart >= 0) args = { fields: args.fields, location: this.loc(s.slice(e.fileStart, e.fileEnd), e.line) };
      this.begin(t, ns, e.nameStart < 0 ? '' : this.rawName(s), target, args, lineNo);
      return true;
    }
    let args: EventArgs = e.argsStart < 0 ? { message: '', ...NO_ARGS } : this.eventArgsAt.get(s, e.argsStart, e.argsEnd);
    if (e.fileStart >= 0) args = { ...args, location: this.loc(s.slice(e.fileStart, e.fileEnd), e.line) };
    this.instant(e.scope === 103 || e.scope === 112 ? undefined : t, ns, target, args);
    return true;
  }

  private rawName(s: string): string {
    const e = this.raw;
    if (!e.nameEscaped) return this.nameAt.get(s, e.nameStart, e.nameEnd);
    return this.pool.get(JSON.parse(s.slice(e.nameStart - 1, e.nameEnd + 1)) as string);
  }

  /** The JSON.parse path: every phase, any layout. */
  private event(obj: unknown, text: string, lineNo: number): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return this.b.bad(lineNo, text, 'trace event is not a JSON object');
    }
    const e = obj as Json;
    const ph = e.ph;
    if (typeof ph !== 'string') return this.b.bad(lineNo, text, 'trace event without "ph"');
    if (ph === 'M') return this.meta(e);
    const ts = typeof e.ts === 'number' ? e.ts : typeof e.ts === 'string' ? Number(e.ts) : NaN;
    if (!(Math.abs(ts) <= MAX_US)) return this.b.bad(lineNo, text, 'trace event without a numeric "ts" in range');
    const ns = Math.round(ts * 1000);
    const t = this.thread(e.pid, e.tid);
    if (ns > t.lastNs) t.lastNs = ns;
    const name = typeof e.name === 'string' ? this.pool.get(e.name) : e.name === undefined ? undefined : this.pool.get(String(e.name));
    const target = typeof e.cat === 'string' ? this.pool.get(e.cat) : undefined;
    const args = e.args !== null && typeof e.args === 'object' ? (e.args as Json) : undefined;
    switch (ph) {
      case 'B':
        return void this.begin(t, ns, name ?? '', target, this.withTopLocation(e, args ? this.spanArgs(args) : NO_ARGS), lineNo);
      case 'E':
        return this.end(name, t, ns, text, lineNo);
      case 'X': {
        const dur = typeof e.dur === 'number' ? e.dur : Number(e.dur);
        if (!(dur >= 0 && dur <= MAX_US)) return this.b.bad(lineNo, text, 'complete event ("X") without a "dur"');
        const span = chromeSpan(name ?? '', ns, t.label, target, this.withTopLocation(e, args ? this.spanArgs(args) : NO_ARGS), lineNo);
        this.b.spanCount++;
        span.durationNs = Math.round(dur * 1000);
        if (ns + span.durationNs > t.lastNs) t.lastNs = ns + span.durationNs;
        (t.complete ??= []).push(span);
        this.anyComplete = true;
        return;
      }
      case 'b':
      case 'e':
      case 'n': {
        const id = e.id ?? (e.id2 as Json | undefined)?.local ?? (e.id2 as Json | undefined)?.global;
        const key = `${String(e.cat ?? '')}\u0000${String(id)}`;
        if (ph === 'n') {
          const a = this.asyncs.get(key);
          const into = a && a.open.length > 0 ? a.open[a.open.length - 1] : undefined;
          return this.instant(
            undefined,
            ns,
            target,
            this.withTopLocation(e, args ? this.eventArgs(args) : { message: '', ...NO_ARGS }),
            into,
          );
        }
        return this.async(key, name, target, args, e, t, ph, ns, text, lineNo);
      }
      case 'i':
      case 'I':
        return this.instant(
          e.s === 'g' || e.s === 'p' ? undefined : t,
          ns,
          target,
          this.withTopLocation(e, args ? this.eventArgs(args) : { message: '', ...NO_ARGS }),
        );
      default:
        this.ignored.set(ph, (this.ignored.get(ph) ?? 0) + 1);
    }
  }

  private withTopLocation<T extends SpanArgs>(e: Json, args: T): T {
    const file = e['.file'];
    if (typeof file !== 'string') return args;
    return { ...args, location: this.loc(file, Number(e['.line'])) };
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

  private begin(t: ThreadState, ns: number, name: string, target: string | undefined, args: SpanArgs, lineNo: number): Span {
    const span = chromeSpan(name, ns, t.label, target, args, lineNo);
    this.b.spanCount++;
    const stack = t.stack;
    const depth = stack.length;
    if (depth > 0) {
      span.rootIndex = stack[depth - 1].rootIndex;
      t.kids[depth - 1].push(span);
    } else this.b.addRoot(span);
    stack.push(span);
    if (t.kids.length <= depth) {
      t.kids.push([]);
      t.evs.push([]);
    }
    return span;
  }

  private end(name: string | undefined, t: ThreadState, ns: number, text: string, lineNo: number): void {
    const stack = t.stack;
    if (stack.length === 0) return this.b.bad(lineNo, text, `end ("E") of ${JSON.stringify(name)} with no span open on thread ${t.label}`);
    let k = stack.length - 1;
    if (name !== undefined && stack[k].name !== name) {
      while (k >= 0 && stack[k].name !== name) k--;
      if (k < 0) return this.b.bad(lineNo, text, `end ("E") of "${name}" does not match any open span on thread ${t.label}`);
      this.b.warnings.push(`line ${lineNo}: end of "${name}" closes ${stack.length - 1 - k} span(s) opened inside it that never ended`);
    }
    while (stack.length > k) {
      const span = popSpan(t);
      span.durationNs = Math.max(0, ns - (span.startNs as number));
      if (stack.length > k) span.incomplete = true;
      span.selfNs = selfOf(span);
    }
  }

  private async(
    key: string,
    name: string | undefined,
    target: string | undefined,
    args: Json | undefined,
    e: Json,
    t: ThreadState,
    ph: string,
    ns: number,
    text: string,
    lineNo: number,
  ): void {
    let a = this.asyncs.get(key);
    if (ph === 'b') {
      if (!a) this.asyncs.set(key, (a = { open: [], thread: t.label }));
      const span = chromeSpan(name ?? '', ns, t.label, target, this.withTopLocation(e, args ? this.spanArgs(args) : NO_ARGS), lineNo);
      this.b.spanCount++;
      const parent = a.open.length > 0 ? a.open[a.open.length - 1] : undefined;
      if (parent) {
        span.rootIndex = parent.rootIndex;
        addChild(parent, span);
      } else this.b.addRoot(span);
      a.open.push(span);
      return;
    }
    let k = a ? a.open.length - 1 : -1;
    while (k >= 0 && name !== undefined && a!.open[k].name !== name) k--;
    if (!a || k < 0) return this.b.bad(lineNo, text, `async end ("e") of ${JSON.stringify(name)} with no matching "b"`);
    const span = a.open[k];
    a.open.splice(k, 1);
    span.durationNs = Math.max(0, ns - (span.startNs as number));
    span.selfNs = selfOf(span);
  }

  /** Attaches an instant event to the innermost open span of `on` (or `into`), else the trace. */
  private instant(on: ThreadState | undefined, ns: number, target: string | undefined, args: EventArgs, into?: Span): void {
    const event: TraceEvent = { message: args.message, level: undefined, fields: args.fields, timeNs: ns, target, location: args.location };
    if (into) addEvent(into, event);
    else if (on && on.stack.length > 0) on.evs[on.stack.length - 1].push(event);
    else this.b.events.push(event);
  }

  private spanArgs(args: Json): SpanArgs {
    return Object.freeze({ fields: this.fields(args, false), location: this.location({}, args) });
  }

  private eventArgs(args: Json): EventArgs {
    const m = args.message;
    const message = m === undefined ? '' : typeof m === 'string' ? m : JSON.stringify(m);
    return Object.freeze({
      message: message.length < 64 ? this.pool.get(message) : detach(message),
      fields: this.fields(args, true),
      location: this.location({}, args),
    });
  }

  private loc(file: string, line: number): Location {
    let byLine = this.locations.get(file);
    if (!byLine) {
      file = this.pool.get(file);
      this.locations.set(file, (byLine = new Map()));
    }
    const n = Number.isFinite(line) ? line : 0;
    let loc = byLine.get(n);
    if (!loc) byLine.set(n, (loc = Object.freeze({ file: this.pool.get(file), line: n })));
    return loc;
  }

  /** `[file]`/`[line]` in args (tracing-chrome 0.7.0) or `.file`/`.line` at top level (later releases). */
  private location(e: Json, args: Json | undefined): Location {
    let file = e['.file'];
    let line = e['.line'];
    if (file === undefined && args && typeof args === 'object') {
      file = args['[file]'];
      line = args['[line]'];
    }
    if (typeof file !== 'string') return undefined;
    return this.loc(file, typeof line === 'number' ? line : Number(line));
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
    const close = (stack: Span[], endNs: number, t?: ThreadState) => {
      while (stack.length > 0) {
        const span = t ? popSpan(t) : stack.pop()!;
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
        close(t.stack, t.lastNs, t);
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

/** Pops the thread's innermost open span, giving it its children and events at exact size. */
function popSpan(t: ThreadState): Span {
  const d = t.stack.length - 1;
  const span = t.stack.pop()!;
  takeGathered(span, t.kids[d]!, t.evs[d]!);
  return span;
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
