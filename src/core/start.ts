/**
 * Starting a milestone: pre-flight, then mark it in progress in STATUS.md (status, owner, date)
 * and record the start date and base commit in its tracking file. Nothing else in either file
 * changes. The edits are computed purely (`computeStartEdits`) so the editor can apply them to
 * open documents; `startMilestone` applies them on disk with concurrent-change detection.
 */
import { milestoneHotspots, milestoneWorkItems, type Catalog, type Milestone } from './catalog/model';
import { cargoCommandLine } from './cargo/command';
import type { MilestoneScopeConfig } from './config/types';
import { ConcurrentChangeError, writeAllIfUnchanged, type FileSnapshot } from './files';
import { gitHead } from './git/repo';
import { resolveOwner } from './owner';
import { decidePreflight, readClaimDocuments, withRemote, type PreflightResult } from './preflight';
import { InputError, type Problem } from './problems';
import { adoptClaimCommit, pushClaim, readRemoteClaim, type PushResult, type RemoteOptions } from './git/remoteClaim';
import { computeStatusEdits, isoDate, sameOwner, statusEntry, type StatusDocument } from './status';
import type { TextEdit } from './textEdits';
import { computeTrackingEdits, trackingTemplate, type TrackingChange, type TrackingDocument } from './tracking';
import { startBaseCommit, writeStartRecord } from './scope/startRecord';

/** One file's change: its new text and the minimal edits from the old one. */
export interface FileChange {
  /** Repository-relative path. */
  file: string;
  /** True when the file does not exist yet and is created with `after`. */
  create: boolean;
  before: string;
  after: string;
  /** Edits against `before` (for a created file: one insertion at 0). */
  edits: TextEdit[];
}

export interface StartPlan {
  preflight: PreflightResult;
  /** Empty unless the decision is `ready`. */
  changes: FileChange[];
  /** Things that could not be recorded (no Owner column, no git commit yet, ...), and repairs made. */
  notes: string[];
  /** Problems of the documents read (configuration, catalog, STATUS.md), as `list` reports them. */
  problems?: Problem[];
}

export interface StartInput {
  catalog: Catalog;
  config: MilestoneScopeConfig;
  status: StatusDocument;
  tracking: TrackingDocument;
  milestone: Milestone;
  owner: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** HEAD when the work starts; undefined in a repository without commits. */
  baseCommit: string | undefined;
}

/**
 * Pure: the pre-flight decision and, when ready, the edits that start the milestone. A resume
 * whose two files disagree (one records the start, the other does not: a start that stopped
 * between its two writes) gets the edits that complete it, with a note saying so.
 */
export function computeStartEdits(input: StartInput): StartPlan {
  const { milestone, status, tracking, owner } = input;
  const pre = decidePreflight({
    milestone,
    statusFile: status.file,
    statusExists: status.exists,
    statusEntry: statusEntry(status, milestone.id),
    tracking,
    me: owner,
  });
  if (pre.decision === 'resume') return { preflight: pre, ...completeInterruptedStart(input, pre) };
  if (pre.decision !== 'ready') return { preflight: pre, changes: [], notes: [] };
  return { preflight: pre, ...startChanges(input, input.date, { status: true, tracking: true }) };
}

/** The edits that record the start in the files asked for. */
function startChanges(
  input: StartInput,
  date: string,
  which: { status: boolean; tracking: boolean },
): { changes: FileChange[]; notes: string[] } {
  const { milestone, status, tracking, owner } = input;
  const notes: string[] = [];
  const changes: FileChange[] = [];
  if (which.status) {
    const s = computeStatusEdits(status, milestone.id, { status: 'in_progress', owner, started: date });
    notes.push(...s.skipped.map((x) => `${status.file}: ${x}`));
    changes.push({ file: status.file, create: !status.exists, before: status.text, after: s.text, edits: s.edits });
  }
  if (which.tracking) {
    const fields: TrackingChange = { status: 'in_progress', owner, started: date };
    if (input.baseCommit) fields.base = input.baseCommit;
    else notes.push('no git commit yet: the base commit was not recorded');
    if (tracking.exists) {
      const t = computeTrackingEdits(tracking, fields);
      changes.push({ file: tracking.file, create: false, before: tracking.text, after: t.text, edits: t.edits });
    } else {
      const text = newTrackingText(input, fields);
      changes.push({
        file: tracking.file,
        create: true,
        before: '',
        after: text,
        edits: [{ offset: 0, end: 0, newText: text, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
      });
    }
  }
  return { changes: changes.filter((c) => c.create || c.after !== c.before), notes };
}

/** A resume where only one of the two files records the start: the edits that bring the other in line. */
function completeInterruptedStart(input: StartInput, pre: PreflightResult): { changes: FileChange[]; notes: string[] } {
  const { status: sv, tracking: tv } = pre.sources;
  const mine = (v: typeof sv) => v.status === 'in_progress' && sameOwner(v.owner, input.owner);
  const lagging = (v: typeof sv) => !v.recorded || v.status === 'not_started';
  const statusLags = mine(tv) && lagging(sv);
  const trackingLags = mine(sv) && lagging(tv);
  if (!statusLags && !trackingLags) return { changes: [], notes: [] };
  const from = statusLags ? tv : sv;
  const to = statusLags ? sv : tv;
  const date = from.date ?? input.date;
  const out = startChanges(input, date, { status: statusLags, tracking: trackingLags });
  if (out.changes.length === 0) return out;
  const base = trackingLags && input.baseCommit ? `; the base commit recorded is the current HEAD ${input.baseCommit.slice(0, 12)}` : '';
  out.notes.unshift(
    `completed an interrupted start: ${from.file} records the start (in progress by ${from.owner}${from.date ? ` since ${from.date}` : ''}) but ${to.file} did not; ${to.file} now records it too${base}`,
  );
  return out;
}

function newTrackingText(input: StartInput, fields: TrackingChange): string {
  const { catalog, config, milestone } = input;
  const scope: string[] = [];
  if (milestone.scope.kind === 'work-items') {
    for (const w of milestoneWorkItems(catalog, milestone)) scope.push(`Work item ${w.id}: ${w.title}.`);
    const hs = milestoneHotspots(catalog, milestone);
    if (hs.length)
      scope.push(
        '',
        'Hotspots:',
        ...hs.map((h) => `- ${h.label ? `${h.label}: ` : ''}\`${h.path}:${h.line}${h.endLine !== h.line ? `-${h.endLine}` : ''}\``),
      );
  } else scope.push(`${milestone.title}; no optimization work items.`);
  const commands = [...config.checks, config.profile].map((c) => cargoCommandLine(c, config.crate));
  return trackingTemplate({ id: milestone.id, title: milestone.title, scope, commands, fields, statusStyle: input.status.style });
}

export interface StartResult extends StartPlan {
  /** Repository-relative paths written. */
  written: string[];
  /** The pushed claim, when `push` was asked for and there was something to claim. */
  push?: PushResult & { adopted: boolean };
}

export interface StartOptions {
  owner?: string;
  now?: Date;
  /** Called after the files are read and the edits computed, before anything is written. */
  beforeWrite?: (plan: StartPlan) => Promise<void>;
  /** Also pre-flight against the remote's default branch (a claim upstream is a conflict). */
  remote?: RemoteOptions;
  /** Commit the claim on top of the remote's default branch and push it before writing locally. */
  push?: boolean;
}

/** How often a start is decided again after the files changed on disk under it. */
const START_ATTEMPTS = 3;

/**
 * Starts a milestone on disk. The files are read, the pre-flight decided and the edits written
 * only if neither file changed on disk meanwhile (checked and written under the files' locks).
 * When one did change (another start, an editor's save), the start is decided again on the new
 * content, so a racing start ends as a conflict or a resume rather than an overwrite; after
 * repeated changes ConcurrentChangeError is thrown and nothing is written. A start that pushed
 * its claim is not repeated.
 */
export async function startMilestone(root: string, milestoneId: string, opts: StartOptions = {}): Promise<StartResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(root, milestoneId, opts);
    } catch (err) {
      if (!(err instanceof ConcurrentChangeError) || opts.push || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function startOnce(root: string, milestoneId: string, opts: StartOptions): Promise<StartResult> {
  const { ws, milestone, trackingFile, recovered, statusSnap, trackingSnap, status, tracking } = await readClaimDocuments(
    root,
    milestoneId,
  );
  const owner = (await resolveOwner(ws.root, opts.owner)).name;
  const base = await startBaseCommit(ws.root, milestone.id, await gitHead(ws.root));
  const startInput = {
    catalog: ws.catalog,
    config: ws.config,
    milestone,
    owner,
    date: isoDate(opts.now ?? new Date()),
    baseCommit: base.commit,
  };
  const plan = computeStartEdits({ ...startInput, status, tracking });
  plan.notes.unshift(...recovered);
  plan.problems = ws.problems;
  let push: StartResult['push'];
  if (opts.remote || opts.push) {
    const lookup = await readRemoteClaim(ws.root, { status: ws.config.status, tracking: trackingFile }, opts.remote);
    plan.preflight = withRemote(plan.preflight, lookup);
    if (plan.preflight.decision !== 'ready') plan.changes = [];
    if (opts.push && plan.changes.length > 0) {
      if (lookup.kind !== 'ok')
        throw new InputError(
          `--push: ${lookup.kind === 'none' ? 'the repository has no remote' : lookup.warning}`,
          undefined,
          'input/no-remote',
        );
      const view = lookup.view;
      // The claim is made against the remote's own versions of the two files.
      const upstream = computeStartEdits({ ...startInput, status: view.status, tracking: view.tracking });
      const files = Object.fromEntries(upstream.changes.map((c) => [c.file, c.after]));
      const pushed = await pushClaim(ws.root, view, files, `Start milestone ${milestone.id} (${owner})`, opts.remote);
      if (!pushed.ok)
        return {
          ...plan,
          changes: [],
          notes: [...plan.notes, pushed.error ?? 'the claim was not pushed'],
          written: [],
          push: { ...pushed, adopted: false },
        };
      const same = upstream.changes.length === plan.changes.length && plan.changes.every((c) => files[c.file] === c.after);
      push = { ...pushed, adopted: same };
    }
  }
  const snaps = new Map<string, FileSnapshot>([
    [ws.config.status, statusSnap],
    [trackingFile, trackingSnap],
  ]);
  if (opts.beforeWrite && plan.changes.length > 0) await opts.beforeWrite(plan);
  const written = await writeAllIfUnchanged(plan.changes, snaps);
  // The scope guard's trusted record of the base, out of reach of the milestone's own edits.
  if (plan.preflight.decision === 'ready' && written.length > 0 && base.commit) {
    await writeStartRecord(ws.root, milestone.id, base.commit);
    if (base.kept) plan.notes.push(`base commit ${base.commit.slice(0, 12)} kept from the milestone's earlier start`);
  }
  if (!push) return { ...plan, written };
  const claim = push.commit!.slice(0, 12);
  const upstream = plan.preflight.remote!;
  // Only when the local files equal the claim's can the branch take the claim commit as is.
  if (push.adopted) push.adopted = await adoptClaimCommit(ws.root, upstream, push.commit!, written);
  if (push.adopted) plan.notes.push(`pushed the claim to ${push.ref} as ${claim}; your branch is at that commit`);
  else
    plan.notes.push(
      `pushed the claim to ${push.ref} as ${claim}; the same edits are uncommitted here (pull, or discard them before pulling)`,
    );
  return { ...plan, written, push };
}
