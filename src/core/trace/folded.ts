/**
 * tracing-flame's folded stacks: `ThreadId(4); module::span:file:line; ... <ns>`, one line per
 * enter/exit interval in time order (not merged). On each span enter the layer writes the parent's
 * stack, on each exit the span's own stack, with the ns since the thread's previous line; a bare
 * `ThreadId(N) <ns>` line is time outside any span. So on one thread a span instance is the run of
 * consecutive lines that contain it, its self time is the sum of the lines that end with it, and
 * a line with a shorter stack ends every span deeper than that stack.
 */
import { addChild, NO_CHILDREN, NO_EVENTS, NO_FIELDS, setRootIndex, TraceBuilder, type FormatParser } from './build';
import { isForeignLine } from './lines';
import type { Span, Trace } from './model';
import { FrozenCache, StringPool } from './strings';

interface Frame {
  name: string;
  target: string | undefined;
  location: { file: string; line: number } | undefined;
}

interface ThreadState {
  label: string;
  /** Stack text of the previous line (after the thread token). */
  prev: string;
  /** End offset in `prev` of each open frame. */
  ends: number[];
  open: Span[];
  /** ns since the layer started, summed over this thread's lines. */
  clock: number;
}

/** Rust module path segments are snake_case; the span name starts at the first one that is not. */
function isModuleSegment(s: string, a: number, b: number): boolean {
  if (a === b) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

/** `module::path::name:file:line` (module path and file:line each optional). */
export function parseFrame(text: string): Frame {
  let end = text.length;
  let location: Frame['location'];
  // `:line` at the end, then `:file` before it (a single colon, not part of `::`).
  let i = end - 1;
  while (i >= 0 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i--;
  if (i < end - 1 && i > 0 && text.charCodeAt(i) === 58 && text.charCodeAt(i - 1) !== 58) {
    const line = Number(text.slice(i + 1));
    let j = i - 1;
    while (j >= 0 && !(text.charCodeAt(j) === 58 && text.charCodeAt(j - 1) !== 58 && text.charCodeAt(j + 1) !== 58)) j--;
    if (j > 0) {
      location = { file: text.slice(j + 1, i), line };
      end = j;
    }
  }
  let nameStart = 0;
  for (;;) {
    const sep = text.indexOf('::', nameStart);
    if (sep < 0 || sep >= end || !isModuleSegment(text, nameStart, sep)) break;
    nameStart = sep + 2;
  }
  if (nameStart >= end) nameStart = Math.max(0, text.lastIndexOf('::', end - 1) + 2);
  return {
    name: text.slice(nameStart, end),
    target: nameStart > 2 ? text.slice(0, nameStart - 2) : undefined,
    location,
  };
}

/** True when `s` starts with `head` (short strings: a loop, no call, no allocation). */
function sameHead(s: string, head: string): boolean {
  if (s.length < head.length) return false;
  for (let i = head.length - 1; i >= 0; i--) if (s.charCodeAt(i) !== head.charCodeAt(i)) return false;
  return true;
}

export class FoldedParser implements FormatParser {
  private readonly b: TraceBuilder;
  private readonly pool = new StringPool();
  private readonly frames = new FrozenCache<Frame>();
  private readonly threads = new Map<string, ThreadState>();
  private last: ThreadState | undefined;

  constructor(source?: string) {
    this.b = new TraceBuilder(source);
  }

  get spanCount(): number {
    return this.b.spanCount;
  }

  line(s: string, lineNo: number): void {
    const len = s.length;
    if (len === 0) return;
    // The value: digits after the last space, read from the end.
    let v = 0;
    let scale = 1;
    let sp = len - 1;
    for (; sp >= 0; sp--) {
      const c = s.charCodeAt(sp);
      if (c === 32) break;
      const d = c - 48;
      if (d < 0 || d > 9) {
        sp = -1;
        break;
      }
      v += d * scale;
      scale *= 10;
    }
    // A count beyond 2^53 is not one a profiler wrote; it would turn every duration into Infinity.
    if (sp <= 0 || sp === len - 1 || !Number.isSafeInteger(v)) return this.other(s, lineNo);
    this.b.content(lineNo);
    // The thread token ends at the first "; " (or is the whole stack for a bare line).
    let t = this.last;
    let restStart: number;
    if (t !== undefined && sameHead(s, t.label) && (s.charCodeAt(t.label.length) === 59 || t.label.length === sp)) {
      restStart = t.label.length === sp ? sp : t.label.length + 2;
    } else {
      const semi = s.indexOf('; ');
      const tokenEnd = semi >= 0 && semi < sp ? semi : sp;
      const label = s.slice(0, tokenEnd);
      t = this.threads.get(label);
      if (!t) {
        const own = this.pool.get(label);
        t = { label: own, prev: '', ends: [], open: [], clock: 0 };
        this.threads.set(own, t);
      }
      this.last = t;
      restStart = tokenEnd === sp ? sp : tokenEnd + 2;
    }
    const rest = restStart >= sp ? '' : s.slice(restStart, sp);
    const prev = t.prev;
    if (rest !== prev) {
      const open = t.open;
      const ends = t.ends;
      let keep: number;
      let from: number;
      if (prev.length === 0) {
        keep = 0;
        from = 0;
      } else if (rest.length > prev.length && rest.charCodeAt(prev.length) === 59 && rest.slice(0, prev.length) === prev) {
        // (slice + === compares natively; startsWith on sliced strings is an order of magnitude slower)
        keep = open.length;
        from = prev.length + 2;
      } else if (rest.length === 0) {
        keep = 0;
        from = 0;
      } else if (rest.length < prev.length && prev.charCodeAt(rest.length) === 59 && prev.slice(0, rest.length) === rest) {
        keep = ends.lastIndexOf(rest.length) + 1;
        from = rest.length;
      } else {
        // Longest run of whole frames the two stacks share.
        keep = ends.length;
        while (keep > 0) {
          const e = ends[keep - 1];
          if (e <= rest.length && (e === rest.length || rest.charCodeAt(e) === 59) && rest.slice(0, e) === prev.slice(0, e)) break;
          keep--;
        }
        from = keep === 0 ? 0 : ends[keep - 1] + 2;
      }
      // Spans deeper than the common part ended when this thread last wrote a line.
      for (let k = open.length - 1; k >= keep; k--) {
        const span = open[k];
        span.durationNs = t.clock - (span.startNs as number);
      }
      while (open.length > keep) open.pop();
      while (ends.length > keep) ends.pop();
      while (from < rest.length) {
        let to = rest.indexOf('; ', from);
        if (to < 0) to = rest.length;
        const text = rest.slice(from, to);
        const frame = this.frames.get(text, () => {
          const f = parseFrame(text);
          return {
            name: this.pool.get(f.name),
            target: f.target === undefined ? undefined : this.pool.get(f.target),
            location: f.location && Object.freeze({ file: this.pool.get(f.location.file), line: f.location.line }),
          };
        });
        const parent = open.length > 0 ? open[open.length - 1] : undefined;
        const span: Span = {
          name: frame.name,
          durationNs: 0,
          selfNs: 0,
          startNs: t.clock,
          thread: t.label,
          target: frame.target,
          fields: NO_FIELDS,
          events: NO_EVENTS,
          children: NO_CHILDREN,
          location: frame.location,
          rootIndex: parent ? parent.rootIndex : 0,
          sourceLine: lineNo,
        };
        if (parent) addChild(parent, span);
        else this.b.addRoot(span);
        this.b.spanCount++;
        open.push(span);
        ends.push(to);
        from = to + 2;
      }
      t.prev = rest;
    }
    if (t.open.length > 0) t.open[t.open.length - 1].selfNs += v;
    t.clock += v;
  }

  private other(s: string, lineNo: number): void {
    if (s.trim().length === 0) return;
    this.b.content(lineNo);
    if (isForeignLine(s, lineNo)) this.b.foreignLines++;
    else this.b.bad(lineNo, s, 'not a folded stack line (`frame; frame; ... <ns>`)');
  }

  finish(bytes?: number): Trace {
    for (const t of this.threads.values()) {
      for (const span of t.open) span.durationNs = t.clock - (span.startNs as number);
      t.open.length = 0;
    }
    // Roots were created when their first line was written (the end of their first interval);
    // threads interleave, so order them by start.
    const roots = this.b.roots;
    let sorted = true;
    for (let i = 1; i < roots.length && sorted; i++) sorted = (roots[i - 1].startNs as number) <= (roots[i].startNs as number);
    if (!sorted) {
      roots.sort((x, y) => (x.startNs as number) - (y.startNs as number));
      for (let i = 0; i < roots.length; i++) if (roots[i].rootIndex !== i) setRootIndex(roots[i], i);
    }
    return this.b.finish('folded', 'busy', bytes);
  }
}
