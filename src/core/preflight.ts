/**
 * The workflow's pre-flight decision for one milestone, from STATUS.md and the milestone's
 * tracking file: ready, resume (in progress by the same owner), noop (completed), conflict (in
 * progress by someone else) or blocked. When the two documents disagree, both views are reported
 * and the stricter decision wins.
 */
import { InputError } from './problems';
import { findMilestone, type Milestone } from './catalog/model';
import { resolveOwner } from './owner';
import { readSnapshot, recoverInterruptedWrites, type FileSnapshot } from './files';
import { parseStatus, statusEntry, type StatusDocument } from './status';
import { parseTracking } from './tracking';
import { loadTrackingFor, loadWorkspace, trackingFileFor, workspaceFile, type LoadedWorkspace } from './workspace';
import { sameOwner, type MilestoneStatus } from './status/statuses';
import type { StatusEntry } from './status/model';
import type { TrackingDocument } from './tracking';
import { readRemoteClaim, type RemoteLookup, type RemoteOptions } from './git/remoteClaim';

export type Decision = 'ready' | 'resume' | 'noop' | 'conflict' | 'blocked';

/** Strictness order: a later decision wins over an earlier one. */
export const DECISION_RANK: Record<Decision, number> = { ready: 0, resume: 1, noop: 2, blocked: 3, conflict: 4 };

/** What one document says about the milestone. */
export interface SourceView extends Facts {
  source: 'status' | 'tracking';
  file: string;
  exists: boolean;
  /** Line of the row or of the Status field, when there is one. */
  line?: number;
  /** True when the document records a status for the milestone at all. */
  recorded: boolean;
  decision: Decision;
  explanation: string;
}

export interface PreflightResult {
  milestone: { id: string; title: string };
  decision: Decision;
  /** One sentence for people: why this decision. */
  reason: string;
  /** The owner the decision is about (the other owner for a conflict). */
  owner?: string;
  /** The date recorded with that status (start date; completion date when known for noop). */
  date?: string;
  /** Who asked (resolved owner). */
  me: string;
  sources: { status: SourceView; tracking: SourceView };
  /** Set when STATUS.md and the tracking file disagree. */
  disagreement?: string;
  /** The same decision on the remote's default branch, when it was checked. */
  remote?: RemotePreflight;
  /** Why the team-wide check could not be made (offline, unknown default branch). */
  warnings?: string[];
}

/** The pre-flight of the documents as they are on the remote's default branch. */
export interface RemotePreflight {
  remote: string;
  branch: string;
  /** e.g. `origin/main`. */
  ref: string;
  commit: string;
  decision: Decision;
  reason: string;
  owner?: string;
  sources: { status: SourceView; tracking: SourceView };
}

/** What a document records about the milestone. */
export interface Facts {
  status?: MilestoneStatus;
  rawStatus?: string;
  owner?: string;
  date?: string;
  /** The header of the column `date` was read from when it is not a start date (`Updated`). */
  dateColumn?: string;
  completed?: string;
  reason?: string;
}

function decide(f: Facts, me: string, recorded: boolean): { decision: Decision; explanation: string } {
  const by = f.owner ? ` by ${f.owner}` : '';
  const since = f.date ? ` since ${f.date}` : '';
  if (!recorded) return { decision: 'ready', explanation: 'no status recorded (not started)' };
  switch (f.status) {
    case undefined:
      return { decision: 'blocked', explanation: `status "${f.rawStatus}" is not understood; fix it before starting` };
    case 'not_started':
      return { decision: 'ready', explanation: 'not started' };
    case 'completed':
      return {
        decision: 'noop',
        explanation: `already completed${by}${f.completed ? ` on ${f.completed}` : f.date ? (f.dateColumn ? ` (row dated ${f.date} in its "${f.dateColumn}" column)` : ` (started ${f.date})`) : ''}`,
      };
    case 'blocked':
      return { decision: 'blocked', explanation: `blocked${f.owner ? ` (owner ${f.owner})` : ''}${f.reason ? `: ${f.reason}` : ''}` };
    case 'in_progress':
      if (!f.owner) return { decision: 'conflict', explanation: `in progress${since} with no owner recorded` };
      if (sameOwner(f.owner, me)) return { decision: 'resume', explanation: `in progress by you (${f.owner})${since}` };
      return { decision: 'conflict', explanation: `in progress${by}${since}` };
  }
}

export interface PreflightInput {
  milestone: Pick<Milestone, 'id' | 'title'>;
  statusFile: string;
  statusExists: boolean;
  statusEntry: StatusEntry | undefined;
  tracking: TrackingDocument;
  me: string;
}

/** The pure decision; no I/O. */
export function decidePreflight(input: PreflightInput): PreflightResult {
  const e = input.statusEntry;
  const sFacts: Facts = e
    ? {
        status: e.status,
        rawStatus: e.rawStatus,
        owner: e.owner,
        date: e.started,
        dateColumn: e.dateColumn,
        completed: e.completed,
        reason: e.notes,
      }
    : {};
  const sRecorded = e !== undefined;
  const s = decide(sFacts, input.me, sRecorded);
  const statusView: SourceView = {
    source: 'status',
    file: input.statusFile,
    exists: input.statusExists,
    ...(e ? { line: e.line } : {}),
    recorded: sRecorded,
    ...defined(sFacts),
    ...s,
  };

  const t = input.tracking;
  const tf = t.fields;
  const tFacts: Facts = tf.status
    ? {
        status: t.status,
        rawStatus: tf.status.raw,
        owner: tf.owner?.value,
        date: tf.started?.value,
        completed: tf.completed?.value,
        reason: tf.reason?.value,
      }
    : {};
  const tRecorded = tf.status !== undefined;
  const td = decide(tFacts, input.me, tRecorded);
  const trackingView: SourceView = {
    source: 'tracking',
    file: t.file,
    exists: t.exists,
    ...(tf.status ? { line: tf.status.line } : {}),
    recorded: tRecorded,
    ...defined(tFacts),
    ...td,
  };

  const winner = DECISION_RANK[td.decision] > DECISION_RANK[s.decision] ? trackingView : statusView;
  const disagree =
    sRecorded &&
    tRecorded &&
    (statusView.status !== trackingView.status ||
      (statusView.status === 'in_progress' && !sameOwner(statusView.owner, trackingView.owner)));
  const result: PreflightResult = {
    milestone: { id: input.milestone.id, title: input.milestone.title },
    decision: winner.decision,
    reason: winner.explanation,
    me: input.me,
    sources: { status: statusView, tracking: trackingView },
  };
  if (winner.owner) result.owner = winner.owner;
  const date = winner.decision === 'noop' ? (winner.completed ?? winner.date) : winner.date;
  if (date) result.date = date;
  if (disagree) {
    result.disagreement = `${statusView.file} says ${statusView.explanation}; ${trackingView.file} says ${trackingView.explanation}`;
    result.reason = `${winner.explanation} (per ${winner.file}; the stricter of the two documents)`;
  }
  return result;
}

function defined(f: Facts): Partial<SourceView> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v;
  return out;
}

/** Pre-flight against the documents on disk. Throws InputError for a milestone the catalog lacks. */
export async function preflight(ws: LoadedWorkspace, milestoneId: string, owner?: string): Promise<PreflightResult> {
  const milestone = requireMilestone(ws, milestoneId);
  const me = (await resolveOwner(ws.root, owner)).name;
  return decidePreflight({
    milestone,
    statusFile: ws.status.file,
    statusExists: ws.status.exists,
    statusEntry: statusEntry(ws.status, milestone.id),
    tracking: await loadTrackingFor(ws, milestone.id),
    me,
  });
}

/**
 * Folds the remote's decision into the local one: the stricter wins, so a milestone claimed or
 * completed upstream stops the work here too.
 */
export function withRemote(local: PreflightResult, lookup: RemoteLookup): PreflightResult {
  if (lookup.kind === 'none') return local;
  const warnings = [...(local.warnings ?? [])];
  if (lookup.warning) warnings.push(lookup.warning);
  if (lookup.kind === 'unavailable') return { ...local, warnings };
  const v = lookup.view;
  const r = decidePreflight({
    milestone: local.milestone,
    statusFile: v.status.file,
    statusExists: v.status.exists,
    statusEntry: statusEntry(v.status, local.milestone.id),
    tracking: v.tracking,
    me: local.me,
  });
  const remote: RemotePreflight = {
    remote: v.remote,
    branch: v.branch,
    ref: v.ref,
    commit: v.commit,
    decision: r.decision,
    reason: r.reason,
    sources: r.sources,
  };
  if (r.owner) remote.owner = r.owner;
  const merged: PreflightResult = { ...local, remote };
  if (warnings.length) merged.warnings = warnings;
  if (DECISION_RANK[r.decision] > DECISION_RANK[local.decision]) {
    merged.decision = r.decision;
    merged.reason = `${r.reason} (on ${v.ref}; not yet in your copy)`;
    if (r.owner) merged.owner = r.owner;
    else delete merged.owner;
    if (r.date) merged.date = r.date;
    else delete merged.date;
  }
  return merged;
}

/** Pre-flight, then the same check against the remote's default branch (after a bounded fetch). */
export async function teamPreflight(
  ws: LoadedWorkspace,
  milestoneId: string,
  owner?: string,
  opts: RemoteOptions = {},
): Promise<PreflightResult> {
  const local = await preflight(ws, milestoneId, owner);
  const lookup = await readRemoteClaim(ws.root, { status: ws.status.file, tracking: local.sources.tracking.file }, opts);
  return withRemote(local, lookup);
}

/** A milestone's two claim documents as read for a change: their snapshots (for a write-if-unchanged) and parses. */
export interface ClaimDocuments {
  ws: LoadedWorkspace;
  milestone: Milestone;
  /** Repository-relative path of the tracking file. */
  trackingFile: string;
  statusAbs: string;
  trackingAbs: string;
  /** Files whose interrupted write was completed first. */
  recovered: string[];
  statusSnap: FileSnapshot;
  trackingSnap: FileSnapshot;
  status: StatusDocument;
  tracking: TrackingDocument;
}

/**
 * Loads the workspace and reads STATUS.md and the milestone's tracking file, after completing a
 * start or completion that stopped between its two files. Throws InputError for an unknown milestone.
 */
export async function readClaimDocuments(root: string, milestoneId: string): Promise<ClaimDocuments> {
  const ws = await loadWorkspace(root);
  const milestone = requireMilestone(ws, milestoneId);
  const trackingFile = trackingFileFor(ws, milestone.id);
  const statusAbs = workspaceFile(ws, ws.config.status, 'the status document');
  const trackingAbs = workspaceFile(ws, trackingFile);
  const recovered = await recoverInterruptedWrites([statusAbs, trackingAbs], (abs) =>
    abs === statusAbs ? ws.config.status : abs === trackingAbs ? trackingFile : abs,
  );
  const [statusSnap, trackingSnap] = await Promise.all([readSnapshot(statusAbs), readSnapshot(trackingAbs)]);
  const status = parseStatus(statusSnap.text ?? '', ws.config.status, statusSnap.text !== undefined);
  const tracking = parseTracking(trackingSnap.text ?? '', trackingFile, trackingSnap.text !== undefined);
  return { ws, milestone, trackingFile, statusAbs, trackingAbs, recovered, statusSnap, trackingSnap, status, tracking };
}

export function requireMilestone(ws: Pick<LoadedWorkspace, 'catalog'>, milestoneId: string): Milestone {
  const m = findMilestone(ws.catalog, milestoneId);
  if (!m) {
    const known = ws.catalog.milestones.map((x) => x.id).join(', ') || 'none';
    throw new InputError(
      `milestone "${milestoneId}" is not in ${ws.catalog.file} (milestones: ${known})`,
      undefined,
      'input/unknown-milestone',
    );
  }
  return m;
}
