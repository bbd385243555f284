/** Public API of the trace model: parsing (every format, streamed), aggregation by span path, diffs. */
export * from './model';
export { parseTrace, parseTraceStream, createParser } from './parse';
export type { ParseOptions, StreamOptions, ParseProgress, TraceChunk } from './parse';
export { parseTraceFile, checkTraceFile } from './file';
export type { FileOptions } from './file';
export { DEFAULT_MAX_TRACE_MB, MB, formatMB, limitBytes, isCancelled, TraceCancelledError, TraceTooLargeError } from './limits';
export { detectFormat } from './detect';
export { aggregate, spanPath } from './aggregate';
export type { TraceAggregate, PathStats, Spread, AggregateOptions } from './aggregate';
export { diffTraces, diffRunSets, diffAggregates, DIFF_DEFAULTS, VERDICTS } from './diff';
export type { TraceDiff, DiffRow, DiffSide, DiffSideInfo, DiffOptions, Verdict, CounterDelta } from './diff';
export { aggregateRuns, mergeAggregates } from './runSet';
export { formatSpanTime, formatSpanTimeChange, parseDuration } from './duration';
export { FORMAT_NAMES } from './build';
export {
  diffMarkdown,
  diffView,
  summaryJson,
  summaryView,
  hottest,
  formatPercent,
  formatChange,
  changeWithInterval,
  formatP,
  KIND_LABELS,
} from './render';
export type { SummaryView, DiffView, Table } from './render';
