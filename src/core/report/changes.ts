/**
 * Changed files since the milestone's base commit, each with the scope guard's verdict. The diff
 * and the findings come from the scope guard's session; this module only joins them per file.
 */
import { diffWorkingTree } from '../git/diff';
import { displayPath, type FileDiff } from '../diff/types';
import type { Problem, Severity } from '../problems';
import type { ScopeFinding, ScopeSession } from '../scope';
import type { ScopeCode } from '../scope/codes';
import type { ChangedFile, ChangesPart, FileVerdict } from './model';

const RANK: Record<Severity | 'ok', number> = { ok: 0, information: 1, warning: 2, error: 3 };

const CODE_LABELS: Record<ScopeCode, string> = {
  'other-milestone-hotspot': "another milestone's hotspot",
  'other-milestone-tracking': "another milestone's tracking",
  'pin-changed': 'pinned version changed',
  'cross-crate': 'outside the crate',
  'supporting-change': 'supporting change',
  'unsafe-without-safety': 'unsafe without SAFETY comment',
  'other-milestone-entry': "another milestone's catalog entry",
  'milestone-mapping-changed': 'milestone mapping changed',
  'pin-rule-changed': 'pin rule changed',
  'scope-config-changed': 'scope configuration changed',
  'recorded-base-changed': 'recorded base changed',
  'milestone-docs': 'milestone documents',
};

/** The verdict of one file from its findings. */
export function fileVerdict(findings: readonly ScopeFinding[]): FileVerdict {
  if (findings.length === 0) return { severity: 'ok', codes: [], milestones: [], label: 'in scope' };
  const sorted = [...findings].sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  const codes = [...new Set(sorted.map((f) => f.code))];
  const milestones = [...new Set(sorted.flatMap((f) => f.milestones ?? (f.milestone ? [f.milestone] : [])))];
  const severity = sorted[0]!.severity;
  const who = milestones.length ? ` (milestone${milestones.length > 1 ? 's' : ''} ${milestones.join(', ')})` : '';
  const what = codes.map((c) => CODE_LABELS[c] ?? c).join(', ');
  const label = severity === 'information' ? `${what}${who}` : `${severity}: ${what}${who}`;
  return { severity, codes, milestones, label };
}

function lineCounts(diff: FileDiff): { added: number; removed: number } | undefined {
  if (diff.binary) return undefined;
  let added = 0;
  let removed = 0;
  for (const h of diff.hunks) {
    for (const l of h.lines) {
      if (l[0] === '+') added++;
      else if (l[0] === '-') removed++;
    }
  }
  return { added, removed };
}

/** One row per changed file, path order; findings are joined on the file's current (or old) path. */
export function changedFiles(diffs: readonly FileDiff[], findings: readonly ScopeFinding[]): ChangedFile[] {
  const byFile = new Map<string, ScopeFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const rows = diffs.map((d) =>
    changedFile(d, [
      ...(byFile.get(displayPath(d)) ?? []),
      ...(d.oldPath && d.oldPath !== displayPath(d) ? (byFile.get(d.oldPath) ?? []) : []),
    ]),
  );
  return rows.sort((a, b) => a.path.localeCompare(b.path));
}

export function changedFile(d: FileDiff, findings: readonly ScopeFinding[]): ChangedFile {
  const row: ChangedFile = { path: displayPath(d), kind: d.kind, binary: d.binary, verdict: fileVerdict(findings) };
  if (d.kind === 'renamed' && d.oldPath) row.oldPath = d.oldPath;
  const counts = lineCounts(d);
  if (counts) Object.assign(row, counts);
  return row;
}

export function countSeverities(files: readonly ChangedFile[], findings: readonly ScopeFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0 };
  const paths = new Set(files.map((f) => f.path));
  for (const f of findings) if (paths.has(f.file) || (f.oldPath && paths.has(f.oldPath))) counts[f.severity]++;
  return counts;
}

export interface CollectedChanges {
  part: ChangesPart;
  findings: ScopeFinding[];
  diffs: FileDiff[];
  problems: Problem[];
}

/** Runs the scope check of the session and lists every changed file with its verdict. */
export async function collectChanges(session: ScopeSession): Promise<CollectedChanges> {
  const result = await session.checkAll();
  // The session does not expose its file list; the same diff (from the same base) gives it.
  const wd = await diffWorkingTree(session.root, { base: session.base.commit, staged: session.staged });
  const files = changedFiles(wd.files, result.findings);
  return {
    part: { base: session.base, files, counts: countSeverities(files, result.findings) },
    findings: result.findings,
    diffs: wd.files,
    problems: result.problems,
  };
}

/**
 * The changes as they will be once `file` holds `text` (a document the completion itself
 * writes), so the written report lists the file as it ends up, and a second run finds the same.
 */
export async function withFileText(
  session: ScopeSession,
  collected: CollectedChanges,
  file: string,
  text: string,
): Promise<CollectedChanges> {
  await session.prepareFile(file);
  const base = await session.baseText(session.basePathOf(file) ?? file);
  const others = collected.findings.filter((f) => f.file !== file);
  const diffs = collected.diffs.filter((d) => displayPath(d) !== file);
  let findings = others;
  if (base !== text) {
    const checked = session.checkText(file, text);
    if (checked) {
      diffs.push(checked.diff);
      findings = [...others, ...checked.findings];
    }
  }
  const files = changedFiles(diffs, findings);
  return { ...collected, diffs, findings, part: { ...collected.part, files, counts: countSeverities(files, findings) } };
}
