/** Shared pieces of every parser: span construction and the Trace being assembled. */
import { InputError } from '../problems';
import { MAX_UNPARSED_KEPT, type DurationKind, type Span, type Trace, type TraceEvent, type TraceFormat, type UnparsedLine } from './model';
import { excerpt } from './strings';

export const NO_CHILDREN: Span[] = Object.freeze([]) as unknown as Span[];
export const NO_EVENTS: TraceEvent[] = Object.freeze([]) as unknown as TraceEvent[];
export const NO_FIELDS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Every span has the same property order, so V8 gives all of them one shape. */
export function newSpan(name: string, rootIndex: number, sourceLine: number | undefined): Span {
  return {
    name,
    durationNs: 0,
    selfNs: 0,
    startNs: undefined,
    thread: undefined,
    level: undefined,
    target: undefined,
    fields: NO_FIELDS,
    events: NO_EVENTS,
    children: NO_CHILDREN,
    location: undefined,
    rootIndex,
    sourceLine,
    idleNs: undefined,
    incomplete: undefined,
  };
}

export function addChild(parent: Span, child: Span): void {
  if (parent.children === NO_CHILDREN) parent.children = [child];
  else parent.children.push(child);
}

export function addEvent(span: Span, event: TraceEvent): void {
  if (span.events === NO_EVENTS) span.events = [event];
  else span.events.push(event);
}

/**
 * Gives a closing span the children and events gathered for it in a parser's per-depth scratch
 * lists, as arrays of exact size, and empties the scratch lists for the next span at that depth.
 */
export function takeGathered(span: Span, kids: Span[], events: TraceEvent[]): void {
  if (kids.length > 0) {
    span.children = kids.slice();
    kids.length = 0;
  }
  if (events.length > 0) {
    span.events = events.slice();
    events.length = 0;
  }
}

/** durationNs minus the children's durations, never below 0. */
export function selfOf(span: Span): number {
  let rest = span.durationNs;
  const c = span.children;
  for (let i = 0; i < c.length; i++) rest -= c[i].durationNs;
  return rest > 0 ? rest : 0;
}

/** Sets rootIndex on a whole subtree (for formats that learn the root only when it closes). */
export function setRootIndex(root: Span, index: number): void {
  const stack: Span[] = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    s.rootIndex = index;
    const c = s.children;
    for (let i = 0; i < c.length; i++) stack.push(c[i]);
  }
}

/** Collects what every parser reports besides spans: unparsed lines, warnings, counts. */
export class TraceBuilder {
  readonly roots: Span[] = [];
  readonly events: TraceEvent[] = [];
  readonly unparsed: UnparsedLine[] = [];
  readonly warnings: string[] = [];
  unparsedCount = 0;
  foreignLines = 0;
  spanCount = 0;
  /** Lines with content (not blank), to tell an empty input from a non-trace one. */
  contentLines = 0;
  firstContentLine = 0;

  constructor(readonly source: string | undefined) {}

  /** Counts a line with content (the parsers call it for every non-blank line). */
  content(lineNo: number): void {
    if (this.contentLines++ === 0) this.firstContentLine = lineNo;
  }

  bad(lineNo: number, text: string, reason: string): void {
    this.unparsedCount++;
    if (this.unparsed.length < MAX_UNPARSED_KEPT) this.unparsed.push({ line: lineNo, text: excerpt(text), reason });
  }

  addRoot(span: Span): void {
    span.rootIndex = this.roots.length;
    this.roots.push(span);
  }

  finish(format: TraceFormat, durationKind: DurationKind, bytes?: number): Trace {
    const file = this.source ?? '<input>';
    if (this.contentLines === 0) {
      throw new InputError('The trace is empty.', { file, line: 1 }, 'trace/empty');
    }
    if (this.spanCount === 0) {
      const why =
        this.unparsedCount > 0
          ? `none of its ${this.contentLines} lines could be read as ${FORMAT_NAMES[format]} (first: line ${this.unparsed[0].line}, ${this.unparsed[0].reason})`
          : `it has ${this.events.length} events but no spans` +
            (format === 'fmt' ? ' (span close lines need `with_span_events(FmtSpan::CLOSE)`)' : '');
      throw new InputError(`No spans found: ${why}.`, { file, line: this.firstContentLine || 1 }, 'trace/no-spans');
    }
    return {
      format,
      durationKind,
      roots: this.roots,
      events: this.events,
      unparsed: this.unparsed,
      foreignLines: this.foreignLines,
      spanCount: this.spanCount,
      unparsedCount: this.unparsedCount,
      warnings: this.warnings,
      bytes,
      source: this.source,
    };
  }
}

export const FORMAT_NAMES: Record<TraceFormat, string> = {
  forest: 'tracing-forest tree text',
  chrome: 'Chrome trace-event JSON',
  folded: 'tracing-flame folded stacks',
  fmt: 'tracing-subscriber fmt output',
};

/** What a parser does with each line; `finish` assembles the Trace. */
export interface FormatParser {
  line(text: string, lineNo: number): void;
  finish(bytes?: number): Trace;
  readonly spanCount: number;
}
