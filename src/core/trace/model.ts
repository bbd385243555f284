/**
 * One span model for every trace format the prover's tracing writes.
 *
 * Parsed traces are read-only: to keep large traces small, parsers share identical `fields`,
 * `events` and `location` objects between spans and freeze them, and leaves share one frozen
 * empty `children` array.
 */

/** What a duration measures: busy time (forest, fmt time.busy), busy+idle, or wall (enter..exit). */
export type DurationKind = 'busy' | 'busy+idle' | 'wall' | 'sampled';

export type TraceFormat = 'forest' | 'chrome' | 'folded' | 'fmt';

export interface TraceEvent {
  /** Message text, empty when the event has only fields. */
  message: string;
  level?: string;
  fields: Record<string, string>;
  /** Start time in ns since trace start, when the format has one. */
  timeNs?: number;
  /** Target/module path when the format carries it. */
  target?: string;
  /** Source location when the format carries it. */
  location?: { file: string; line: number };
}

export interface Span {
  name: string;
  /** Total duration of the span in ns (what `kind` says it measures). */
  durationNs: number;
  /** durationNs minus the children's durations (never below 0). */
  selfNs: number;
  /** Start time in ns since trace start, when the format has one. */
  startNs?: number;
  thread?: string;
  level?: string;
  /** Target/module path when known. */
  target?: string;
  fields: Record<string, string>;
  events: TraceEvent[];
  children: Span[];
  /** Source location when the format carries it. */
  location?: { file: string; line: number };
  /** Index of the root this span belongs to in Trace.roots. */
  rootIndex: number;
  /** Line in the input where the span was read (1-based), for reports. */
  sourceLine?: number;
  /** Idle time in ns (tracing-subscriber fmt `time.idle`), when the format reports it. */
  idleNs?: number;
  /**
   * True when the span never closed in the input (a file cut short): its duration runs to the last
   * time seen on its thread, or is the sum of its children when no time is known.
   */
  incomplete?: boolean;
}

export interface UnparsedLine {
  line: number;
  text: string;
  reason: string;
}

export interface Trace {
  format: TraceFormat;
  durationKind: DurationKind;
  roots: Span[];
  /** Root-level events (outside any span). */
  events: TraceEvent[];
  /** Lines that were not understood, with their line numbers; never dropped silently. */
  unparsed: UnparsedLine[];
  /** Count of lines that were recognisably not trace output (cargo's own output etc.). */
  foreignLines: number;
  spanCount: number;
  /** Exact number of lines not understood; `unparsed` keeps at most the first MAX_UNPARSED_KEPT. */
  unparsedCount?: number;
  /** Findings about the input as a whole (cut short, unclosed spans, ignored event kinds). */
  warnings?: string[];
  /** Bytes of input read. */
  bytes?: number;
  /** Source name given to the parser (usually the file path), for messages. */
  source?: string;
}

/** How many unparsed lines a Trace keeps verbatim; `unparsedCount` has the exact total. */
export const MAX_UNPARSED_KEPT = 1000;

/** `a > b > c` */
export const PATH_SEPARATOR = ' > ';
