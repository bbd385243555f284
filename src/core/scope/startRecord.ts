/**
 * The base commit recorded when a milestone starts, kept as a git ref
 * (`refs/milestone-scope/<id>/base`, with a reflog) rather than only in the tracking file: the
 * milestone's own edits can rewrite its tracking file, but not this record. Moving it takes a
 * deliberate `git update-ref` (which the reflog keeps); a later Start keeps it while it is still
 * an ancestor of HEAD.
 */
import { normaliseMilestoneId } from '../catalog/model';
import { runGit } from '../git/run';
import { isAncestor, resolveCommits } from '../diff/history';

/** The ref holding milestone `id`'s start record. */
export function startRef(id: string): string {
  const norm = normaliseMilestoneId(id);
  // Ref name rules (no "..", no ".lock" or "." ending, no control or special characters).
  const safe =
    /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/.test(norm) && !norm.endsWith('.lock') ? norm : Buffer.from(norm, 'utf8').toString('hex');
  return `refs/milestone-scope/${safe}/base`;
}

/** The commit recorded when milestone `id` started, if any. */
export async function readStartRecord(root: string, id: string): Promise<string | undefined> {
  return (await resolveCommits(root, [startRef(id)])).get(startRef(id));
}

/**
 * The base commit a Start records: an earlier record that is still an ancestor of HEAD is kept
 * (starting again never moves the base forward past the milestone's own commits); else HEAD.
 */
export async function startBaseCommit(
  root: string,
  id: string,
  head: string | undefined,
): Promise<{ commit: string | undefined; kept: boolean }> {
  if (!head) return { commit: undefined, kept: false };
  const earlier = await readStartRecord(root, id);
  if (earlier && (await isAncestor(root, earlier, head))) return { commit: earlier, kept: earlier !== head };
  return { commit: head, kept: false };
}

/** Writes the start record (with a reflog entry). */
export async function writeStartRecord(root: string, id: string, commit: string): Promise<void> {
  await runGit(root, ['update-ref', '--create-reflog', '-m', `milestone-scope: start milestone ${id}`, startRef(id), commit]);
}
