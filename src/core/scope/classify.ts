import * as path from 'node:path';
import { normaliseMilestoneId, type Milestone } from '../catalog/model';
import { displayPath, type FileDiff, type Hunk } from '../diff/types';
import type { Problem, Severity } from '../problems';
import { parseStatus, type StatusEntry } from '../status';
import { severityOf, type ScopeCode } from './codes';
import { inMilestoneCrate, milestoneLabel, type ScopeModel } from './model';
import { classifyCatalog, classifyConfig, documentKind, sameBase, trackingBaseFindings, type DocFinding } from './documents';
import { describePinChange, describeReaders, pinChanges } from './pins';
import { describeRegion, hotspotRegions, hunkInRegion, hunkWithinRegion, type Region } from './regions';
import { findUnsafe } from './rust/unsafe';

/** A hunk's position: old side at the base revision, new side in the current text. */
export interface HunkRange {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

/** One scope finding: a Problem with a stable code, on the changed lines of the current text. */
export interface ScopeFinding extends Problem {
  code: ScopeCode;
  severity: Severity;
  /** The other milestone concerned (other-milestone-hotspot, other-milestone-tracking). */
  milestone?: string;
  /** All of them, when a region belongs to several milestones. */
  milestones?: string[];
  workItem?: string;
  /** The change the finding is about; absent for binary files and pure renames. */
  hunk?: HunkRange;
  /** The path at the base revision when it differs (rename, deletion). */
  oldPath?: string;
  /** Where the concerned hotspots are defined (catalog lines). */
  related?: Array<{ file: string; line: number; message: string }>;
  /** The hotspot region a change touched: an item or function, or only the hotspot's lines (and why). */
  region?: { start: number; end: number; kind: string; name?: string; linesOnly?: string };
  /** For pin-changed: which reader read the Cargo.toml (`toml-parser`, or `tolerant` for text that is not valid TOML). */
  tomlReader?: { before?: string; after?: string };
}

/** The texts a file's classification reads. */
export interface FileTexts {
  /** At the base revision (undefined for an added file). */
  base?: string;
  /** Now: working tree, index or unsaved buffer (undefined for a deleted file). */
  current?: string;
}

const isManifest = (p: string | undefined) => p !== undefined && path.posix.basename(p) === 'Cargo.toml';
const isRust = (p: string | undefined) => p !== undefined && p.endsWith('.rs');

function addsUnsafe(hunks: readonly Hunk[]): boolean {
  return hunks.some((h) => h.lines.some((l) => l[0] === '+' && l.includes('unsafe')));
}

/** Which texts `classifyFile` needs for this diff, so callers read only those. */
export function textsNeeded(model: ScopeModel, diff: FileDiff): { base: boolean; current: boolean } {
  if (diff.binary) return { base: false, current: false };
  const p = diff.newPath ?? diff.oldPath;
  const both = { base: diff.oldPath !== undefined, current: diff.newPath !== undefined };
  if (isManifest(diff.newPath) || isManifest(diff.oldPath) || p === model.statusFile) return both;
  if (documentKind(model, diff) || model.trackingOwner(p ?? '') === normaliseMilestoneId(model.milestone.id)) return both;
  if (isRust(diff.newPath) || isRust(diff.oldPath)) {
    const regions = diff.oldPath !== undefined && model.otherHotspots.has(diff.oldPath);
    return { base: regions, current: diff.newPath !== undefined && addsUnsafe(diff.hunks) };
  }
  // Any other text file with other milestones' hotspots (CUDA, Metal, C/C++, scripts): its regions.
  if (diff.oldPath !== undefined && model.otherHotspots.has(diff.oldPath)) return { base: true, current: false };
  return { base: false, current: false };
}

function range(h: Hunk): HunkRange {
  return { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines };
}

/** The current-text lines a hunk is shown on (a pure deletion: the line above the gap). */
function hunkLocation(h: Hunk): { line: number; endLine: number } {
  if (h.newLines > 0) return { line: h.newStart, endLine: h.newStart + h.newLines - 1 };
  const line = Math.max(1, h.newStart - 1);
  return { line, endLine: line };
}

function names(ms: readonly Milestone[]): string {
  if (ms.length === 0) return 'no milestone';
  const ids = ms.map((m) => m.id);
  return ids.length === 1 ? `milestone ${ids[0]}` : `milestones ${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

/** The milestones owning a region (several work items may point into the same item). */
function regionMilestones(region: Region): Milestone[] {
  const seen = new Map<string, Milestone>();
  for (const h of region.hotspots) for (const m of h.milestones) seen.set(m.id, m);
  return [...seen.values()];
}

function regionOwner(region: Region): string {
  const ms = regionMilestones(region);
  if (ms.length) return `${names(ms)}'s`;
  const items = [...new Set(region.hotspots.map((h) => h.workItem.id))];
  return `work item ${items.join(', ')}'s (mapped to no milestone)`;
}

function regionText(region: Region): string {
  const what = describeRegion(region);
  const refs = region.hotspots.map((h) => `${path.posix.basename(h.ref.path)}:${h.ref.line}`).join(', ');
  const items = [...new Map(region.hotspots.map((h) => [h.workItem.id, h.workItem])).values()];
  const work = items.map((w) => `work item ${w.id}: ${w.title}`).join('; ');
  return `${what} (hotspot${region.hotspots.length > 1 ? 's' : ''} ${refs}; ${work})`;
}

/** The lines of the current text that hunks added. */
function addedLines(hunks: readonly Hunk[]): Set<number> {
  const out = new Set<number>();
  for (const h of hunks) {
    let n = h.newStart;
    for (const l of h.lines) {
      if (l[0] === '+') out.add(n++);
      else if (l[0] === ' ') n++;
    }
  }
  return out;
}

/**
 * Classifies one changed file. Every hunk gets at most one scope finding (the most specific:
 * another milestone's tracking or hotspot, a pin, else cross-crate or supporting change);
 * `unsafe-without-safety` comes on top, on the line of the keyword.
 */
export function classifyFile(model: ScopeModel, diff: FileDiff, texts: FileTexts): { findings: ScopeFinding[]; problems: Problem[] } {
  const findings: ScopeFinding[] = [];
  const problems: Problem[] = [];
  const file = displayPath(diff);
  const active = model.milestone;
  const activeId = normaliseMilestoneId(active.id);
  const oldPath = diff.oldPath !== undefined && diff.oldPath !== file ? diff.oldPath : undefined;
  const hunks = diff.hunks;
  const handled = new Set<Hunk>();
  let wholeFileHandled = false;

  const emit = (
    code: ScopeCode,
    message: string,
    at: { line: number; endLine?: number; column?: number; endColumn?: number },
    extra: Partial<ScopeFinding> = {},
    h?: Hunk,
  ) => {
    const severity = severityOf(code, model.severity);
    if (h) handled.add(h);
    if (!severity) return;
    const f: ScopeFinding = { severity, code, message, file, line: at.line, endLine: at.endLine ?? at.line, ...extra };
    if (at.column !== undefined) f.column = at.column;
    if (at.endColumn !== undefined) f.endColumn = at.endColumn;
    if (h) f.hunk = range(h);
    if (oldPath !== undefined) f.oldPath = oldPath;
    findings.push(f);
  };

  const emitDoc = (f: DocFinding) => {
    const { code, message, line, endLine, hunk, ...extra } = f;
    const clean = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
    emit(code, message, { line, endLine }, clean, hunk);
  };

  // A mode change alone changes no content.
  if (hunks.length === 0 && !diff.binary && diff.kind === 'modified') return { findings, problems };

  // The milestone documents and the configuration: classified by what they change.
  const doc = documentKind(model, diff);
  if (doc) {
    const found =
      doc === 'catalog' ? classifyCatalog(model, diff, texts.base, texts.current) : classifyConfig(model, diff, texts.base, texts.current);
    for (const f of found) emitDoc(f);
    return { findings, problems };
  }

  // Tracking files: the milestone's own is in scope (but not a change of its recorded base), any other milestone's is not.
  const tracking = model.trackingOwner(diff.newPath ?? '') ?? model.trackingOwner(diff.oldPath ?? '');
  if (tracking !== undefined) {
    if (tracking === activeId) {
      for (const f of trackingBaseFindings(model, diff, texts.base, texts.current)) emitDoc(f);
      return { findings, problems };
    }
    const other = model.milestoneById(tracking);
    const who = other ? milestoneLabel(other) : `milestone ${tracking}`;
    const message = `Changes the tracking file of ${who}; only milestone ${active.id}'s tracking file and STATUS.md row belong to this milestone.`;
    if (hunks.length === 0) emit('other-milestone-tracking', message, { line: 1 }, { milestone: other?.id ?? tracking });
    for (const h of hunks) emit('other-milestone-tracking', message, hunkLocation(h), { milestone: other?.id ?? tracking }, h);
    return { findings, problems };
  }

  // STATUS.md: rows are owned by their milestones.
  if (file === model.statusFile || diff.oldPath === model.statusFile) {
    const before = texts.base !== undefined ? parseStatus(texts.base, model.statusFile) : undefined;
    const after = texts.current !== undefined ? parseStatus(texts.current, model.statusFile) : undefined;
    // A row counts as changed when what it says changed; re-padding a table is formatting.
    const says = (e: StatusEntry | undefined) =>
      e && JSON.stringify([e.status ?? e.rawStatus.trim(), e.owner, e.started, e.completed, e.notes?.trim(), e.base]);
    const changed = new Set<string>();
    for (const id of new Set([...(before?.entries ?? []), ...(after?.entries ?? [])].map((e) => e.id))) {
      if (says(before?.entries.find((e) => e.id === id)) !== says(after?.entries.find((e) => e.id === id))) changed.add(id);
    }
    for (const h of hunks) {
      const ids = new Set<string>();
      for (const e of before?.entries ?? []) if (h.oldLines > 0 && e.line >= h.oldStart && e.line < h.oldStart + h.oldLines) ids.add(e.id);
      for (const e of after?.entries ?? []) if (h.newLines > 0 && e.line >= h.newStart && e.line < h.newStart + h.newLines) ids.add(e.id);
      if (ids.size === 0) {
        emit('milestone-docs', `Edits ${path.posix.basename(model.statusFile)} outside the milestone rows.`, hunkLocation(h), {}, h);
        continue;
      }
      handled.add(h);
      for (const id of ids) {
        if (id === activeId && changed.has(id)) {
          const was = before?.entries.find((e) => e.id === id)?.base;
          const now = after?.entries.find((e) => e.id === id)?.base;
          const moved = model.startRecord ? now !== undefined && !sameBase(now, model.startRecord) : was !== undefined && was !== now;
          if (moved) {
            const since = model.startRecord
              ? `the base commit recorded when milestone ${active.id} started is ${model.startRecord.slice(0, 12)}`
              : `the base commit recorded at the base revision is ${was}`;
            emit(
              'recorded-base-changed',
              `Changes milestone ${active.id}'s base commit in its STATUS.md row to ${now ?? 'nothing'}, but ${since}; the guard keeps comparing against that commit. Restore the recorded base.`,
              hunkLocation(h),
              {},
              h,
            );
          }
        }
        if (id === activeId || !changed.has(id)) continue;
        const other = model.milestoneById(id);
        emit(
          'other-milestone-tracking',
          `Changes the STATUS.md row of ${other ? milestoneLabel(other) : `milestone ${id}`}; only milestone ${active.id}'s row belongs to this milestone.`,
          hunkLocation(h),
          { milestone: other?.id ?? id },
          h,
        );
      }
    }
  }

  // Pinned dependency versions in any Cargo.toml.
  if (isManifest(diff.newPath) || isManifest(diff.oldPath)) {
    const { changes, problems: tomlProblems } = pinChanges(texts.base, texts.current, model.pins);
    for (const p of tomlProblems)
      problems.push({ severity: 'information', code: 'scope/cargo-toml', message: p.message, file, line: p.line });
    for (const c of changes) {
      const touching = hunks.filter(
        (h) =>
          (c.oldLines && h.oldLines > 0 && h.oldStart <= c.oldLines[1] && h.oldStart + h.oldLines - 1 >= c.oldLines[0]) ||
          (c.newLines && h.newLines > 0 && h.newStart <= c.newLines[1] && h.newStart + h.newLines - 1 >= c.newLines[0]),
      );
      const message = `${describePinChange(c)[0].toUpperCase()}${describePinChange(c).slice(1)}. ${describeReaders(c.readers)}.`;
      const tomlReader = { before: c.readers.before, after: c.readers.after };
      if (touching.length === 0) {
        emit('pin-changed', message, c.newLines ? { line: c.newLines[0], endLine: c.newLines[1] } : { line: 1 }, { tomlReader });
        continue;
      }
      for (const h of touching) {
        const at = c.newLines ? { line: c.newLines[0], endLine: c.newLines[1] } : hunkLocation(h);
        emit('pin-changed', message, at, { tomlReader }, h);
      }
    }
  }

  // Other milestones' hotspot regions.
  const baseFile = diff.oldPath;
  const others = baseFile !== undefined ? model.otherHotspots.get(baseFile) : undefined;
  if (others && texts.base !== undefined) {
    const { regions, problems: regionProblems } = hotspotRegions(baseFile!, texts.base, others);
    problems.push(...regionProblems);
    const own = model.ownHotspots.get(baseFile!);
    const ownRegions = own ? hotspotRegions(baseFile!, texts.base, own).regions : [];
    if (hunks.length === 0 && diff.kind === 'renamed' && regions.length > 0) {
      wholeFileHandled = true;
      for (const r of regions) {
        emit(
          'other-milestone-hotspot',
          `Renames the file of ${regionOwner(r)} hotspot ${regionText(r)}; milestone ${active.id} must not change other milestones' code.`,
          { line: 1 },
          ownerExtra(r),
        );
      }
    }
    for (const h of hunks) {
      for (const r of regions) {
        if (!hunkInRegion(baseFile!, h, r, texts.base)) continue;
        // A region of the active milestone nested in (or equal to) the other one, holding the whole change, wins.
        const shared = ownRegions.some((o) => o.start >= r.start && o.end <= r.end && hunkWithinRegion(baseFile!, h, o, texts.base));
        if (shared) {
          handled.add(h);
          continue;
        }
        emit(
          'other-milestone-hotspot',
          `Changes ${regionOwner(r)} hotspot ${regionText(r)}; milestone ${active.id} must not change other milestones' code.`,
          hunkLocation(h),
          ownerExtra(r),
          h,
        );
      }
    }
  }

  // New or moved unsafe code needs its safety argument.
  if (isRust(diff.newPath) && texts.current !== undefined && addsUnsafe(hunks)) {
    const added = addedLines(hunks);
    for (const site of findUnsafe(texts.current)) {
      if (site.documented || !added.has(site.line)) continue;
      const what = site.kind === 'block' ? 'unsafe block' : `unsafe ${site.kind}`;
      const hint =
        site.kind === 'fn' || site.kind === 'trait' ? 'a `// SAFETY:` comment or a `# Safety` doc section' : 'a `// SAFETY:` comment';
      const h = hunks.find((x) => x.newLines > 0 && site.line >= x.newStart && site.line < x.newStart + x.newLines);
      const f: Partial<ScopeFinding> = h ? { hunk: range(h) } : {};
      emit(
        'unsafe-without-safety',
        `New ${what} without ${hint} stating why it is sound.`,
        { line: site.line, column: site.column, endColumn: site.column + 'unsafe'.length },
        f,
      );
    }
  }

  // Everything else: inside the milestone's files, allowed, in its crate, or outside it.
  const rest = hunks.filter((h) => !handled.has(h));
  const wholeFile = hunks.length === 0 && !wholeFileHandled; // binary, pure rename, empty added file
  if (rest.length === 0 && !wholeFile) return { findings, problems };
  const paths = [diff.newPath, diff.oldPath].filter((p): p is string => p !== undefined);
  if (paths.some((p) => model.ownFiles.has(p))) return { findings, problems };
  if (paths.some((p) => model.allowed.matches(p))) return { findings, problems };
  const inCrate = inMilestoneCrate(model, file);
  const crateName = model.config.crate;
  const where = model.crate ? `${crateName} (${model.crate.dir || '.'})` : `${crateName} (no Cargo.toml declares this package)`;
  const message = inCrate
    ? `Supporting change in ${crateName} outside milestone ${active.id}'s hotspot files.`
    : `Change outside milestone ${active.id}'s crate ${where}; keep cross-crate changes to what the milestone strictly needs, or allow this file for the milestone with a reason.`;
  const code: ScopeCode = inCrate ? 'supporting-change' : 'cross-crate';
  if (wholeFile) emit(code, message, { line: 1 });
  for (const h of rest) emit(code, message, hunkLocation(h), {}, h);
  return { findings, problems };
}

function ownerExtra(r: Region): Partial<ScopeFinding> {
  const ms = regionMilestones(r);
  const related = r.hotspots.map((h) => ({
    file: h.ref.source.file,
    line: h.ref.source.line,
    message: `hotspot ${h.ref.path}:${h.ref.line} of work item ${h.workItem.id}${h.milestones.length ? ` (${names(h.milestones)})` : ''}`,
  }));
  const out: Partial<ScopeFinding> = { workItem: r.hotspots[0].workItem.id, related };
  out.region = { start: r.start, end: r.end, kind: r.item?.kind ?? 'lines' };
  if (r.item) out.region.name = r.item.name;
  if (r.linesOnly) out.region.linesOnly = r.linesOnly;
  if (ms.length) out.milestone = ms[0].id;
  if (ms.length > 1) out.milestones = ms.map((m) => m.id);
  return out;
}
