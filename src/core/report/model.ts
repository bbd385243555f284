/**
 * The end-of-milestone report as data: what the workflow asks the final report to contain
 * (milestone and scope, changed files, optimisation summary, validation, measured timing deltas,
 * residual bottlenecks). Built by `buildReportModel`, rendered by `render.ts`.
 */
import type { FileChangeKind } from '../diff/types';
import type { Problem, Severity } from '../problems';
import type { ScopeCode } from '../scope/codes';
import type { Spread } from '../trace/aggregate';
import type { Verdict } from '../trace/diff';
import type { DurationKind, TraceFormat } from '../trace/model';

export interface ReportWorkItem {
  id: string;
  title: string;
  problem: string[];
  target: string[];
  /** `path:line` or `path:line-end`. */
  hotspots: string[];
}

export interface ReportMilestone {
  id: string;
  title: string;
  kind: 'work-items' | 'baseline' | 'validation' | 'other';
  /** The mapping's text for milestones without work items. */
  description?: string;
}

export interface ReportStatus {
  /** `in_progress`, `completed`... as normalised; undefined when not recorded. */
  status?: string;
  owner?: string;
  started?: string;
  completed?: string;
  baseCommit?: string;
}

/** The scope guard's verdict on one changed file: its most severe finding, or in scope. */
export interface FileVerdict {
  /** `ok` when the file has no finding at all. */
  severity: Severity | 'ok';
  /** Every finding code on the file, most severe first, without repeats. */
  codes: ScopeCode[];
  /** Other milestones the findings concern. */
  milestones: string[];
  /** Short text for people: `in scope`, `supporting change`, `error: other-milestone-hotspot (milestone 3)`. */
  label: string;
}

export interface ChangedFile {
  /** Path now (the old path for a deletion). */
  path: string;
  /** Path at the base revision, when it differs (rename). */
  oldPath?: string;
  kind: FileChangeKind;
  binary: boolean;
  /** Lines added and removed; undefined for binary files. */
  added?: number;
  removed?: number;
  verdict: FileVerdict;
}

export interface ChangesPart {
  /** The commit compared against, and where it came from. */
  base?: { commit: string; source: 'option' | 'recorded' | 'start' | 'head' | 'empty' };
  files: ChangedFile[];
  counts: Record<Severity, number>;
  /** Why there is no list (not a git repository...). */
  unavailable?: string;
}

export interface SummaryPart {
  text: string | undefined;
  source: 'option' | 'tracking' | 'none';
}

export interface ValidationEntry {
  /** As recorded: `2026-11-24 13:40` (UTC). */
  date: string;
  command: string;
  /** As recorded: `passed`, `failed (exit 101)`, `cancelled`, `could not start`. */
  result: string;
  outcome: 'passed' | 'failed' | 'cancelled' | 'not-started' | 'unknown';
  /** As recorded: `1.2 s`. */
  duration: string;
  /** Parsed duration in milliseconds, when it could be read. */
  durationMs?: number;
  note: string;
  /** Line in the tracking file. */
  line: number;
}

export interface TraceInfo {
  /** Repository-relative path (or the path as given when outside the repository). */
  file: string;
  /** Where the trace came from: a recorded profiling run or a file named by the caller. */
  source: 'recorded' | 'option';
  /** ISO time of the recorded run. */
  time?: string;
  /** Where the recorded run was built and run (base worktree or current tree), when the index says. */
  tree?: 'base-worktree' | 'current-tree';
  /** The commit checked out there. */
  commit?: string;
  /** The A/B session the recorded run belongs to. */
  session?: string;
  format: TraceFormat;
  durationKind: DurationKind;
  /** Instances of the compared root (proofs), over all files of this side. */
  runs: number;
  /** Every file of this side when there are several (`file` then lists them joined). */
  files?: string[];
}

export interface SpanDelta {
  /** Full span path, root first. */
  path: string;
  /** The path below the root (`prover.main_trace_commit > ... > rs_code_matrix`). */
  relPath: string;
  name: string;
  /** Per run of the root (per proof), ns; undefined when the span is missing on that side. */
  baseNs: number | undefined;
  afterNs: number | undefined;
  deltaNs: number;
  /** deltaNs / baseNs; null for a new span. */
  relative: number | null;
  verdict: Verdict;
  baseSpread?: Spread;
  afterSpread?: Spread;
  /** For enclosing spans: the descendants that explain the change. */
  via?: string[];
  /** For enclosing spans: the verdict on the total alone, and why. */
  total?: { verdict: Verdict; reason: string };
  /** Runs (samples) per side. */
  runs?: { base: number; after: number };
  /** 95% interval of the relative change; unbounded ends (one run on a side) are ±Infinity. */
  ci95?: { lo: number; hi: number } | null;
  /** Permutation-test p and Benjamini–Hochberg q (docs/statistics.md). */
  p?: number | null;
  q?: number | null;
  /** Why the verdict. */
  reason?: string;
}

export interface PhaseCounters {
  /** Path of the phase span (a child of the root). */
  path: string;
  name: string;
  /** Counter name -> per-run sum over the phase's subtree; undefined when absent on that side. */
  counters: Record<string, { base: number | undefined; after: number | undefined }>;
}

export interface TimingPart {
  baseline: TraceInfo;
  after: TraceInfo;
  /** The compared root span (the prover root: the largest root present in both traces). */
  root: SpanDelta;
  /** Spans whose own time changed beyond noise, largest absolute change first. */
  changes: SpanDelta[];
  /** Spans that changed only because a descendant did. */
  inherited: SpanDelta[];
  /** Counter names (`kernel_count`, `sync_count`...) found in either trace, sorted. */
  counterNames: string[];
  phases: PhaseCounters[];
  warnings: string[];
  /** Span paths under the root whose change is not settled by the runs recorded. */
  inconclusive?: number;
  /** The statistics' settings (docs/statistics.md). */
  method?: { threshold: number; alpha: number; seed: number; resamples: number };
}

export interface WorkItemMatch {
  workItem: { id: string; title: string };
  /** Milestones mapped to the work item. */
  milestones: string[];
  /** How the span matched: `span name \`rs_code_matrix\``, `defined in <hotspot file>`. */
  via: string;
}

export interface Bottleneck {
  path: string;
  relPath: string;
  name: string;
  /** Self time per run of the root (ns). */
  selfNs: number;
  /** Self time over the root's time. */
  shareOfRoot: number;
  /** Total time per run (ns). */
  totalNs: number;
  /** Instances per run. */
  countPerRun: number;
  match?: WorkItemMatch;
}

export interface ResidualPart {
  trace: TraceInfo;
  root: string;
  rootNs: number;
  bottlenecks: Bottleneck[];
}

export type RefusalCode = 'not-yours' | 'not-started' | 'blocked' | 'scope-errors' | 'scope-unavailable' | 'no-summary';

export interface Refusal {
  code: RefusalCode;
  message: string;
  /** True when `--force` with a reason overrides it. */
  forcible: boolean;
}

export interface MilestoneReport {
  milestone: ReportMilestone;
  workItems: ReportWorkItem[];
  status: ReportStatus;
  changes: ChangesPart;
  summary: SummaryPart;
  validation: { file: string; runs: ValidationEntry[] };
  /** Undefined with the reason in `timingUnavailable`. */
  timing?: TimingPart;
  timingUnavailable?: string;
  residual?: ResidualPart;
  residualUnavailable?: string;
  /** Set when the completion was forced past scope findings. */
  forced?: { reason: string; errors: number };
  problems: Problem[];
}
