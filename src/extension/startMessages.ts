/**
 * What Start Milestone tells the user when the pre-flight refuses (and what the quick pick says
 * about each milestone beforehand). Pure, so the wording is unit-tested.
 */
import type { PreflightResult } from '../core/preflight';

function ownerDate(pre: PreflightResult): string {
  if (pre.decision === 'noop') {
    // Prefer the completion date; the row's date is when the work started.
    const completed = [pre.sources.status, pre.sources.tracking].map((s) => (s as { completed?: string }).completed).find(Boolean);
    const when = completed ? `completed ${completed}` : pre.date ? `started ${pre.date}` : undefined;
    return [pre.owner, when].filter(Boolean).join(', ');
  }
  return [pre.owner, pre.date].filter(Boolean).join(', ');
}

/** The reason written next to the status (a blocked milestone's "waiting on ..."), if any. */
function writtenReason(pre: PreflightResult): string | undefined {
  const source = pre.sources.status.decision === pre.decision ? pre.sources.status : pre.sources.tracking;
  const reason = source.reason?.trim();
  return reason ? reason.replace(/[.\s]+$/, '') : undefined;
}

/** One sentence on why starting `pre.milestone` changes nothing; undefined for ready/resume. */
export function refusalMessage(pre: PreflightResult): string | undefined {
  const id = pre.milestone.id;
  const who = ownerDate(pre);
  const reason = writtenReason(pre);
  const disagreement = pre.disagreement ? ` ${pre.disagreement}.` : '';
  switch (pre.decision) {
    case 'noop':
      return `Milestone ${id} is already completed${who ? ` (${who})` : ''}. Nothing was changed.${disagreement}`;
    case 'conflict': {
      const by = pre.owner ? ` by ${pre.owner}` : ' with no owner recorded';
      const since = pre.date ? ` since ${pre.date}` : '';
      return `Milestone ${id} is in progress${by}${since}${reason ? ` (${reason})` : ''}. Nothing was changed.${disagreement}`;
    }
    case 'blocked':
      return pre.sources.status.decision === 'blocked' && pre.sources.status.recorded && pre.sources.status.status === undefined
        ? `Milestone ${id} cannot be started: ${pre.reason}. Nothing was changed.${disagreement}`
        : `Milestone ${id} is blocked${who ? ` (${who})` : ''}${reason ? `: ${reason}` : ''}. Nothing was changed.${disagreement}`;
    default:
      return undefined;
  }
}

/** The quick pick's second line for a milestone, from its pre-flight. */
export function pickDetail(pre: PreflightResult | undefined): string | undefined {
  if (!pre) return undefined;
  const who = ownerDate(pre);
  const reason = writtenReason(pre);
  switch (pre.decision) {
    case 'noop':
      return `Completed${who ? ` (${who})` : ''}: starting it changes nothing`;
    case 'conflict':
      return `In progress by ${pre.owner ?? 'an unrecorded owner'}${pre.date ? ` since ${pre.date}` : ''}: starting it changes nothing`;
    case 'blocked':
      return `Blocked${who ? ` (${who})` : ''}${reason ? `: ${reason}` : ''}: starting it changes nothing`;
    case 'resume':
      return `In progress by you${pre.date ? ` since ${pre.date}` : ''}: starting it resumes the work`;
    default:
      return undefined;
  }
}
