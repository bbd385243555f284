/** One span model for every trace format the prover's tracing writes. */

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
}

/** `a > b > c` */
export const PATH_SEPARATOR = ' > ';
