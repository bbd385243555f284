/**
 * What Start Milestone tells the user when the pre-flight refuses (and what the quick pick says
 * about each milestone beforehand). Pure, so the wording is unit-tested.
 */
import type { PreflightResult } from '../core/preflight';

function ownerDate(pre: PreflightResult): string {
  if (pre.decision === 'noop') {
    // Prefer the completion date; otherwise say what the recorded date is.
    const sources = [pre.sources.status, pre.sources.tracking];
    const completed = sources.map((s) => s.completed).find(Boolean);
    const dated = sources.find((s) => s.decision === 'noop' && s.date) ?? sources.find((s) => s.date);
    let when: string | undefined;
    if (completed) when = `completed ${completed}`;
    else if (dated?.dateColumn)
      when = `${dated.file} row dated ${dated.date} in its "${dated.dateColumn}" column; no completion date recorded`;
    else if (dated?.date) when = `started ${dated.date}; no completion date recorded`;
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

export const OPEN_TRACKING_FILE = 'Open Tracking File';

/**
 * The buttons of a refusal: Open Tracking File only when the milestone's tracking file exists
 * (a refusal never creates one, and a button opening nothing would only say so).
 */
export function refusalActions(pre: PreflightResult): string[] {
  return pre.sources.tracking.exists ? [OPEN_TRACKING_FILE] : [];
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
