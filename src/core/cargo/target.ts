/**
 * Which milestone a validation run belongs to, and whether its result may be recorded: only in
 * a milestone the user is working on (pre-flight `resume`). Runs for other milestones still run
 * (and a profiling run is still captured locally), but their tracking files are not edited.
 */
import { preflight } from '../preflight';
import { requireMilestone } from '../preflight';
import { trackingFileFor, loadTrackingFor, type LoadedWorkspace } from '../workspace';
import type { ValidationTarget } from './validation';

export interface ResolvedTarget {
  target: ValidationTarget;
  /** Why results are not recorded, when they are not. */
  notRecorded?: string;
}

export async function validationTargetFor(ws: LoadedWorkspace, milestoneId: string | undefined, owner?: string): Promise<ResolvedTarget> {
  const base: ValidationTarget = { root: ws.root, config: ws.config };
  if (milestoneId === undefined || milestoneId.trim() === '') {
    return { target: base, notRecorded: 'no milestone is active; results are not recorded' };
  }
  const milestone = requireMilestone(ws, milestoneId);
  const pre = await preflight(ws, milestone.id, owner);
  const trackingFile = trackingFileFor(ws, milestone.id);
  const target: ValidationTarget = { ...base, milestone: milestone.id };
  if (pre.decision !== 'resume') {
    return { target, notRecorded: `not recorded in ${trackingFile}: ${pre.reason}` };
  }
  const tracking = await loadTrackingFor(ws, milestone.id);
  return {
    target: {
      ...target,
      trackingFile,
      baseCommit: tracking.fields.base?.value,
      started: tracking.fields.started?.value,
    },
  };
}

/** The one milestone the user has in progress, if exactly one. */
export async function myMilestoneInProgress(ws: LoadedWorkspace, owner?: string): Promise<string | undefined> {
  const mine: string[] = [];
  for (const m of ws.catalog.milestones) {
    const pre = await preflight(ws, m.id, owner);
    if (pre.decision === 'resume') mine.push(m.id);
  }
  return mine.length === 1 ? mine[0] : undefined;
}
