/**
 * The report and the completion against the repository on disk: documents read once (with
 * snapshots for change detection), the scope guard's check of every change since the base commit,
 * the recorded validation runs, and the baseline/after traces (the recorded profiling runs unless
 * files are named). `completeMilestone` writes STATUS.md and the tracking file only if neither
 * changed on disk since it was read.
 */
import * as path from 'node:path';
import { GitError } from '../git/run';
import { writeAllIfUnchanged, type FileSnapshot } from '../files';
import { resolveOwner } from '../owner';
import { readClaimDocuments } from '../preflight';
import { InputError, problem, type Problem } from '../problems';
import { readSection } from '../markdown/sections';
import { isoDate, statusEntry, type StatusDocument } from '../status';
import { comparedRuns, INDEX_FILE, listProfileRuns, milestoneDir, type ProfileRun } from '../cargo/profileRuns';
import { ScopeSession, type SeverityOverrides } from '../scope';
import type { FileChange } from '../start';
import { parseTraceFile } from '../trace/file';
import type { Trace } from '../trace/model';
import type { TrackingDocument } from '../tracking';
import type { LoadedWorkspace } from '../workspace';
import type { Milestone } from '../catalog/model';
import { analyseTraces, reportHeader, type LoadedTrace } from './analyse';
import { collectChanges, withFileText, type CollectedChanges } from './changes';
import { completionRefusals, computeCompletionEdits, decideOwnership, type Ownership } from './completion';
import type { ChangesPart, MilestoneReport, Refusal, ReportStatus, SummaryPart } from './model';
import { renderReport, renderTrackingSections, SECTION_NAMES } from './render';
import { parseValidationRuns } from './validationRuns';

export interface ReportOptions {
  /** Who is asking (default: git user.name, else the login name). */
  owner?: string;
  /** The optimisation summary; default: the tracking file's summary section. */
  summary?: string;
  /** Absolute paths of the traces; default: the milestone's recorded profiling runs. */
  baseline?: string;
  after?: string;
  /** Scope severity overrides (the editor's setting). */
  severity?: SeverityOverrides;
  /** Trace files larger than this are refused before reading (default DEFAULT_MAX_TRACE_MB); how to raise it. */
  traceLimit?: { maxBytes: number; hint?: string };
  now?: Date;
}

export interface PreparedReport {
  ws: LoadedWorkspace;
  milestone: Milestone;
  me: string;
  status: StatusDocument;
  tracking: TrackingDocument;
  snapshots: { status: FileSnapshot; tracking: FileSnapshot };
  ownership: Ownership;
  report: MilestoneReport;
  markdown: string;
  /** The scope session and its findings, when the scope could be checked. */
  session?: ScopeSession;
  collected?: CollectedChanges;
  /** Interrupted writes of the two files completed before reading them (one note each). */
  recovered: string[];
}

/** Repository-relative path with forward slashes when inside the root, else as given. */
function displayFile(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

const MAX_TRACE_PROBLEMS = 10;

function traceProblems(trace: Trace, file: string): Problem[] {
  const out = trace.unparsed
    .slice(0, MAX_TRACE_PROBLEMS)
    .map((u) =>
      problem('warning', 'report/trace-line', `trace line not understood (${u.reason}): ${u.text.slice(0, 120)}`, { file, line: u.line }),
    );
  const total = trace.unparsedCount ?? trace.unparsed.length;
  if (total > out.length)
    out.push(
      problem('warning', 'report/trace-lines', `${total - out.length} more trace line(s) not understood`, {
        file,
        line: trace.unparsed[out.length]?.line ?? 1,
      }),
    );
  return out;
}

async function loadTrace(
  root: string,
  abs: string,
  source: 'recorded' | 'option',
  run: ProfileRun | undefined,
  problems: Problem[],
  limit: ReportOptions['traceLimit'],
): Promise<LoadedTrace> {
  const file = displayFile(root, abs);
  const trace = await parseTraceFile(abs, { maxBytes: limit?.maxBytes, limitHint: limit?.hint });
  trace.source = file;
  problems.push(...traceProblems(trace, file));
  const info: LoadedTrace['info'] = { file, source };
  if (run) info.time = run.time;
  if (run?.source) info.tree = run.source;
  if (run?.commit) info.commit = run.commit;
  if (run?.session) info.session = run.session;
  return { trace, info };
}

interface TraceChoice {
  base?: LoadedTrace[];
  after?: LoadedTrace[];
  missing: { baseline?: string; after?: string };
}

/**
 * The named trace files, else every recorded baseline run and every recorded `after` run to
 * compare (`comparedRuns`): their runs are pooled per side. A recorded trace that cannot be read
 * is left out with a warning while others of its side remain.
 */
async function chooseTraces(ws: LoadedWorkspace, milestone: Milestone, opts: ReportOptions, problems: Problem[]): Promise<TraceChoice> {
  const out: TraceChoice = { missing: {} };
  const needRecorded = opts.baseline === undefined || opts.after === undefined;
  const recorded = needRecorded ? await listProfileRuns(ws.root, milestone.id) : { runs: [], problems: [] };
  problems.push(...recorded.problems);
  const load = async (
    side: 'baseline' | 'after',
    given: string | undefined,
    runs: readonly ProfileRun[],
  ): Promise<LoadedTrace[] | undefined> => {
    if (given !== undefined) return [await loadTrace(ws.root, given, 'option', undefined, problems, opts.traceLimit)]; // unreadable: InputError
    if (runs.length === 0) {
      out.missing[side] =
        side === 'baseline'
          ? `no baseline profiling run recorded for milestone ${milestone.id} (capture one, or name a trace with --baseline)`
          : `no profiling run recorded after the baseline for milestone ${milestone.id} (run the profiling run again, or name a trace with --after)`;
      return undefined;
    }
    const loaded: LoadedTrace[] = [];
    const failures: Array<{ file: string; message: string }> = [];
    // Recorded runs of one program print the same extra lines each time: the first trace's are
    // listed line by line, the others' counted in one warning.
    let detailed = false;
    const folded: Problem[] = [];
    for (const run of runs) {
      try {
        const own: Problem[] = [];
        loaded.push(await loadTrace(ws.root, path.join(ws.root, run.file), 'recorded', run, own, opts.traceLimit));
        if (!detailed || own.length === 0) problems.push(...own);
        else folded.push(own[0]!);
        detailed ||= own.length > 0;
      } catch (err) {
        failures.push({ file: run.file, message: `the recorded ${side} trace ${run.file} cannot be read: ${(err as Error).message}` });
      }
    }
    if (loaded.length === 0) {
      out.missing[side] = failures.map((f) => f.message).join('; ');
      return undefined;
    }
    if (folded.length > 0)
      problems.push(
        problem(
          'warning',
          'report/trace-lines',
          `${folded.length} more recorded ${side} trace(s) have lines that were not understood, like the one above (\`milestone-scope trace summary FILE\` lists a trace's)`,
          { file: folded[0]!.file, line: folded[0]!.line },
        ),
      );
    for (const f of failures)
      problems.push(
        problem('warning', 'report/trace-unreadable', `${f.message}; the other ${side} runs are used`, { file: f.file, line: 1 }),
      );
    return loaded;
  };
  const compared = comparedRuns(recorded.runs);
  if (compared.warmupsUnmarked && opts.baseline === undefined && opts.after === undefined)
    problems.push(
      problem(
        'warning',
        'report/warmups-included',
        `A/B session ${compared.session} was recorded before warm-up runs were marked: its warm-up runs are compared too (run ab again to leave them out)`,
        { file: `${milestoneDir(milestone.id)}/${INDEX_FILE}`, line: 1 },
      ),
    );
  out.base = await load('baseline', opts.baseline, compared.baseline);
  out.after = await load('after', opts.after, compared.after);
  return out;
}

function reportStatus(status: StatusDocument, tracking: TrackingDocument, milestoneId: string): ReportStatus {
  const e = statusEntry(status, milestoneId);
  const f = tracking.fields;
  const out: ReportStatus = {};
  const st = e?.status ?? tracking.status;
  if (st) out.status = st;
  const owner = e?.owner ?? f.owner?.value;
  if (owner) out.owner = owner;
  const started = e?.started ?? f.started?.value;
  if (started) out.started = started;
  const completed = f.completed?.value || e?.completed;
  if (completed) out.completed = completed;
  const base = f.base?.value || e?.base;
  if (base) out.baseCommit = base;
  return out;
}

async function openSession(
  ws: LoadedWorkspace,
  milestone: Milestone,
  tracking: TrackingDocument,
  status: StatusDocument,
  severity: SeverityOverrides | undefined,
): Promise<ScopeSession> {
  const entry = statusEntry(status, milestone.id);
  const recordedBase = tracking.fields.base?.value || entry?.base || undefined;
  const recordedBaseAt = tracking.fields.base
    ? { file: tracking.file, line: tracking.fields.base.line }
    : entry
      ? { file: status.file, line: entry.line }
      : undefined;
  return ScopeSession.open(ws, { milestone, recordedBase, recordedBaseAt, severity });
}

function unavailableChanges(reason: string): ChangesPart {
  return { files: [], counts: { error: 0, warning: 0, information: 0 }, unavailable: reason };
}

function summaryPart(tracking: TrackingDocument, given: string | undefined): SummaryPart {
  if (given !== undefined && given.trim() !== '') return { text: given.trim(), source: 'option' };
  const recorded = readSection(tracking.text, SECTION_NAMES.summary);
  if (recorded !== undefined && recorded.trim() !== '') return { text: recorded.trim(), source: 'tracking' };
  return { text: undefined, source: 'none' };
}

/** Reads everything the report needs and builds it. Throws InputError for a milestone the catalog lacks or an unreadable named trace. */
export async function prepareReport(root: string, milestoneId: string, opts: ReportOptions = {}): Promise<PreparedReport> {
  // A start or completion that stopped between its two files is completed before anything is read.
  const { ws, milestone, recovered, statusSnap, trackingSnap, status, tracking } = await readClaimDocuments(root, milestoneId);
  const me = (await resolveOwner(ws.root, opts.owner)).name;
  const problems: Problem[] = [...ws.problems, ...tracking.problems];

  let session: ScopeSession | undefined;
  let collected: CollectedChanges | undefined;
  let changes: ChangesPart;
  try {
    session = await openSession(ws, milestone, tracking, status, opts.severity);
    collected = await collectChanges(session);
    changes = collected.part;
    problems.push(...collected.problems);
  } catch (err) {
    if (!(err instanceof InputError || err instanceof GitError)) throw err;
    session = undefined;
    changes = unavailableChanges(err.message);
  }

  const validation = parseValidationRuns(tracking.text, tracking.file);
  problems.push(...validation.problems);
  const traces = await chooseTraces(ws, milestone, opts, problems);
  const measured = analyseTraces(ws.catalog, traces.base, traces.after, traces.missing);
  const report: MilestoneReport = {
    ...reportHeader(ws.catalog, milestone),
    status: reportStatus(status, tracking, milestone.id),
    changes,
    summary: summaryPart(tracking, opts.summary),
    validation: { file: tracking.file, runs: validation.runs },
    ...measured,
    problems,
  };
  const ownership = decideOwnership({ milestone, status, entry: statusEntry(status, milestone.id), tracking, me });
  return {
    ws,
    milestone,
    me,
    status,
    tracking,
    snapshots: { status: statusSnap, tracking: trackingSnap },
    ownership,
    report,
    markdown: renderReport(report),
    recovered,
    ...(session ? { session } : {}),
    ...(collected ? { collected } : {}),
  };
}

export interface CompleteOptions extends ReportOptions {
  /** Complete despite scope errors; needs `reason`, which the report records. */
  force?: boolean;
  reason?: string;
}

export interface CompletionPlan {
  prepared: PreparedReport;
  /** Empty when the milestone may be completed. */
  refusals: Refusal[];
  /** The report as written (status completed, forced reason); equals prepared's when refused. */
  report: MilestoneReport;
  markdown: string;
  /** The completion date written (or kept from an earlier completion). */
  date: string;
  alreadyCompleted: boolean;
  /** Files to write; empty when refused or when nothing changes (a re-run). */
  changes: FileChange[];
  notes: string[];
}

/** Computes the completion without writing. */
export async function planCompletion(root: string, milestoneId: string, opts: CompleteOptions = {}): Promise<CompletionPlan> {
  if (opts.force && !(opts.reason ?? '').trim())
    throw new InputError('forcing a completion needs a reason (--reason TEXT)', undefined, 'input/usage');
  const prepared = await prepareReport(root, milestoneId, opts);
  const { report, ownership, status, tracking, milestone, me } = prepared;
  const forceReason = opts.force ? opts.reason!.trim() : undefined;
  const refusals = completionRefusals({
    ownership,
    scopeErrors: report.changes.counts.error,
    scopeUnavailable: report.changes.unavailable,
    summary: report.summary.text,
    forceReason,
  });
  const date = ownership.recordedDate ?? isoDate(opts.now ?? new Date());
  const base = { prepared, refusals, date, alreadyCompleted: ownership.alreadyCompleted, notes: [...prepared.recovered] };
  if (refusals.length > 0) return { ...base, report, markdown: prepared.markdown, changes: [] };

  const finalReport = (changes: ChangesPart): MilestoneReport => {
    const r: MilestoneReport = {
      ...report,
      changes,
      status: { ...report.status, status: 'completed', completed: date, owner: report.status.owner ?? me },
    };
    const errors = changes.unavailable ? 0 : changes.counts.error;
    if (forceReason !== undefined && (errors > 0 || changes.unavailable)) r.forced = { reason: forceReason, errors };
    else delete r.forced;
    return r;
  };
  const edit = (r: MilestoneReport) =>
    computeCompletionEdits({ milestone, status, tracking, me, date, sections: renderTrackingSections(r) });

  // The written report lists STATUS.md and the tracking file as they will be after the write, so a
  // second run finds the same changes and writes the same text.
  let r = finalReport(report.changes);
  let edits = edit(r);
  const session = prepared.session;
  if (session && prepared.collected) {
    for (let pass = 0; pass < 2; pass++) {
      let collected = prepared.collected;
      for (const file of [status.file, tracking.file]) {
        const after = edits.changes.find((c) => c.file === file)?.after ?? (file === status.file ? status.text : tracking.text);
        collected = await withFileText(session, collected, file, after);
      }
      r = finalReport(collected.part);
      edits = edit(r);
    }
  }
  const notes = [...base.notes, ...edits.notes];
  // A completion that stopped between its two files: one records it, the other not yet.
  const statusDone = statusEntry(status, milestone.id)?.status === 'completed';
  const trackingDone = tracking.status === 'completed';
  if (ownership.alreadyCompleted && statusDone !== trackingDone) {
    const [has, lacks] = statusDone ? [status.file, tracking.file] : [tracking.file, status.file];
    if (edits.changes.some((c) => c.file === lacks))
      notes.unshift(
        `completed an interrupted completion: ${has} records the milestone as completed but ${lacks} did not; ${lacks} now records it too`,
      );
  }
  return { ...base, report: r, markdown: renderReport(r), changes: edits.changes, notes };
}

/** Writes a plan's files, only if none changed on disk since it was read (else ConcurrentChangeError, nothing written). */
export async function applyCompletion(plan: CompletionPlan): Promise<string[]> {
  const { prepared } = plan;
  const snaps = new Map<string, FileSnapshot>([
    [prepared.status.file, prepared.snapshots.status],
    [prepared.tracking.file, prepared.snapshots.tracking],
  ]);
  return writeAllIfUnchanged(plan.changes, snaps);
}

export interface CompletionResult extends CompletionPlan {
  written: string[];
}

/** Plans and, unless refused, writes the completion. */
export async function completeMilestone(
  root: string,
  milestoneId: string,
  opts: CompleteOptions & { beforeWrite?: (plan: CompletionPlan) => Promise<void> } = {},
): Promise<CompletionResult> {
  const plan = await planCompletion(root, milestoneId, opts);
  if (plan.refusals.length > 0 || plan.changes.length === 0) return { ...plan, written: [] };
  if (opts.beforeWrite) await opts.beforeWrite(plan);
  return { ...plan, written: await applyCompletion(plan) };
}

/** The summary recorded in a tracking file's summary section (the editor pre-fills it). */
export function recordedSummary(trackingText: string): string | undefined {
  const s = readSection(trackingText, SECTION_NAMES.summary);
  return s !== undefined && s.trim() !== '' ? s.trim() : undefined;
}
