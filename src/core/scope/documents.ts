/**
 * Changes to the milestone documents and the configuration, classified by what they change. The
 * scope model is read from the base commit (trusted.ts), so these edits never change the rules
 * they are checked by; what they would change for the next check is reported here:
 * - another milestone's catalog entry (title, hotspot lines, Problem, Target), or a work item
 *   mapped to no milestone: `other-milestone-entry`;
 * - the `Milestone N -> work item M` mapping: `milestone-mapping-changed`;
 * - the `pins` rules: `pin-rule-changed`; the crate or the documents' paths: `scope-config-changed`;
 * - the base commit recorded for the active milestone (tracking file, STATUS.md): `recorded-base-changed`;
 * - anything else (the milestone's own entry, shared text, other keys): `milestone-docs`.
 */
import { normaliseMilestoneId, type Catalog, type Milestone, type WorkItem } from '../catalog/model';
import { parseCatalog } from '../catalog/parse';
import { CONFIG_FILES, parseConfig } from '../config';
import { DEFAULT_CONFIG, type MilestoneScopeConfig } from '../config/types';
import type { FileDiff, Hunk } from '../diff/types';
import { parseTracking } from '../tracking';
import type { ScopeCode } from './codes';
import type { ScopeModel } from './model';

/** A finding before severities apply; `hunk` is the change it is shown on. */
export interface DocFinding {
  code: ScopeCode;
  message: string;
  line: number;
  endLine?: number;
  milestone?: string;
  milestones?: string[];
  workItem?: string;
  hunk?: Hunk;
  related?: Array<{ file: string; line: number; message: string }>;
}

/** Which document of the model a changed file is, if any. */
export function documentKind(model: ScopeModel, diff: FileDiff): 'catalog' | 'config' | undefined {
  const paths = [diff.oldPath, diff.newPath];
  if (paths.includes(model.config.catalog)) return 'catalog';
  const configs = model.configFile ? [model.configFile] : CONFIG_FILES;
  if (paths.some((p) => p !== undefined && configs.includes(p))) return 'config';
  return undefined;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function entrySignature(w: WorkItem): string {
  return JSON.stringify([squash(w.title), w.hotspots.map((h) => [h.path, h.line, h.endLine]), w.problem.map(squash), w.target.map(squash)]);
}

function mappingSignature(m: Milestone): string {
  return JSON.stringify(
    m.scope.kind === 'work-items' ? ['work-items', [...m.scope.workItems].sort()] : [m.scope.kind, squash(m.scope.description)],
  );
}

/** Line ranges of entries: a work item runs from its title to the line before the next entry. */
function entryRanges(catalog: Catalog, total: number): { items: Map<string, [number, number]>; mapping: Map<string, [number, number]> } {
  const anchors = [...catalog.workItems.map((w) => w.line), ...catalog.milestones.map((m) => m.line)].sort((a, b) => a - b);
  const next = (line: number) => anchors.find((a) => a > line) ?? total + 1;
  const items = new Map<string, [number, number]>();
  for (const w of catalog.workItems) items.set(w.id, [w.line, Math.max(w.line, next(w.line) - 1)]);
  const mapping = new Map<string, [number, number]>();
  for (const m of catalog.milestones) {
    // A mapping line is one line; a heading-style milestone is its work item's section.
    const own = catalog.workItems.find((w) => w.line === m.line);
    mapping.set(normaliseMilestoneId(m.id), own ? items.get(own.id)! : [m.line, m.line]);
  }
  return { items, mapping };
}

function lineCount(text: string | undefined): number {
  if (!text) return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function overlaps(start: number, count: number, r: [number, number] | undefined): boolean {
  if (!r || count === 0) return false;
  return start <= r[1] && start + count - 1 >= r[0];
}

/** The lines a hunk is shown on in the current text (a pure deletion: the line above). */
function shownAt(h: Hunk): { line: number; endLine: number } {
  if (h.newLines > 0) return { line: h.newStart, endLine: h.newStart + h.newLines - 1 };
  const line = Math.max(1, h.newStart - 1);
  return { line, endLine: line };
}

function owners(catalog: Catalog): Map<string, Milestone[]> {
  const out = new Map<string, Milestone[]>();
  for (const m of catalog.milestones) {
    if (m.scope.kind !== 'work-items') continue;
    for (const w of m.scope.workItems) out.set(w, [...(out.get(w) ?? []), m]);
  }
  return out;
}

interface Change {
  code: ScopeCode;
  rank: number;
  message: string;
  milestone?: string;
  workItem?: string;
  ranges: { base?: [number, number]; current?: [number, number] };
  /** Where to show it when no hunk covers it. */
  line: number;
  related?: Array<{ file: string; line: number; message: string }>;
}

/** Findings for one changed milestone document, from its text at the base and now (undefined: absent). */
export type DocClassifier = (
  model: ScopeModel,
  diff: FileDiff,
  baseText: string | undefined,
  currentText: string | undefined,
) => DocFinding[];

/**
 * Classifies every hunk of the catalog: the most serious change it touches, else `milestone-docs`.
 * A change no hunk covers (an entry moved as a whole) is shown at its line.
 */
export const classifyCatalog: DocClassifier = (model, diff, baseText, currentText) => {
  const file = model.config.catalog;
  const activeId = normaliseMilestoneId(model.milestone.id);
  const hunks = diff.hunks;
  if (!model.trusted || baseText === undefined) {
    // No trusted catalog to compare with: the edit is shown, its effect cannot be judged.
    const message = `Edits the milestone catalog, which is not in the base commit: the scope rules come from the working tree until it is committed.`;
    return hunks.length
      ? hunks.map((h) => ({ code: 'milestone-docs', message, ...shownAt(h), hunk: h }))
      : [{ code: 'milestone-docs', message, line: 1 }];
  }
  const before = model.catalog;
  // The catalog renamed away or deleted: every entry is gone from where the configuration reads it.
  const after: Catalog =
    diff.newPath === file && currentText !== undefined
      ? parseCatalog(currentText, file)
      : { file, workItems: [], milestones: [], problems: [] };
  const baseRanges = entryRanges(before, lineCount(baseText));
  const curRanges = entryRanges(after, lineCount(currentText));
  const owner = owners(before);
  const changes: Change[] = [];

  for (const id of new Set([...before.workItems, ...after.workItems].map((w) => w.id))) {
    const b = before.workItems.find((w) => w.id === id);
    const a = after.workItems.find((w) => w.id === id);
    if (b && a && entrySignature(b) === entrySignature(a)) continue;
    const ms = owner.get(id) ?? [];
    const others = ms.filter((m) => normaliseMilestoneId(m.id) !== activeId);
    const own = ms.length > others.length;
    const what = !b ? 'adds' : !a ? 'removes' : 'changes';
    const title = (b ?? a)!.title;
    const ranges = { base: baseRanges.items.get(id), current: curRanges.items.get(id) };
    const line = a?.line ?? 1;
    const related = b ? [{ file, line: b.line, message: `work item ${id} at the base commit` }] : undefined;
    if (others.length > 0 || !own) {
      const whose = others.length ? `milestone ${others.map((m) => m.id).join(', ')}'s` : 'a work item mapped to no milestone,';
      changes.push({
        code: 'other-milestone-entry',
        rank: 3,
        message: `${what[0].toUpperCase()}${what.slice(1)} ${whose} catalog entry (work item ${id}: ${title}); milestone ${model.milestone.id} must not change other milestones' entries (their hotspot lines, Problem or Target).`,
        milestone: others[0]?.id,
        workItem: id,
        ranges,
        line,
        related,
      });
    } else {
      changes.push({
        code: 'milestone-docs',
        rank: 1,
        message: `Edits milestone ${model.milestone.id}'s own catalog entry (work item ${id}); the scope is read from the base commit, so the edit applies from the next milestone on.`,
        workItem: id,
        ranges,
        line,
      });
    }
  }

  for (const id of new Set([...before.milestones, ...after.milestones].map((m) => normaliseMilestoneId(m.id)))) {
    const b = before.milestones.find((m) => normaliseMilestoneId(m.id) === id);
    const a = after.milestones.find((m) => normaliseMilestoneId(m.id) === id);
    if (b && a && mappingSignature(b) === mappingSignature(a)) continue;
    const describe = (m: Milestone | undefined) =>
      !m ? 'nothing' : m.scope.kind === 'work-items' ? `work item ${m.scope.workItems.join(', ')}` : m.scope.description;
    const shown = (a ?? b)!.id;
    changes.push({
      code: 'milestone-mapping-changed',
      rank: 2,
      message: `Changes the milestone mapping: milestone ${shown} -> ${describe(b)} becomes ${describe(a)}; the mapping decides every milestone's scope and only changes outside a milestone.`,
      milestone: shown,
      ranges: { base: baseRanges.mapping.get(id), current: curRanges.mapping.get(id) },
      line: a?.line ?? 1,
      related: b ? [{ file, line: b.line, message: `milestone ${b.id} at the base commit` }] : undefined,
    });
  }

  return placeChanges(changes, hunks, () => `Edits the catalog's shared text (not a work item or the mapping).`);
};

/** One finding per hunk (the most serious change it touches); changes no hunk touches at their line. */
function placeChanges(changes: Change[], hunks: readonly Hunk[], rest: () => string): DocFinding[] {
  const out: DocFinding[] = [];
  const placed = new Set<Change>();
  for (const h of hunks) {
    const touched = changes.filter(
      (c) => overlaps(h.oldStart, h.oldLines, c.ranges.base) || overlaps(h.newStart, h.newLines, c.ranges.current),
    );
    if (touched.length === 0) {
      out.push({ code: 'milestone-docs', message: rest(), ...shownAt(h), hunk: h });
      continue;
    }
    const top = Math.max(...touched.map((c) => c.rank));
    const serious = touched.filter((c) => c.rank === top);
    serious.forEach((c) => placed.add(c));
    // Lesser changes in the same hunk are covered by the finding shown for it.
    touched.forEach((c) => placed.add(c));
    const c = serious[0];
    const message = serious.length > 1 ? [c.message, ...serious.slice(1).map((x) => x.message)].join(' ') : c.message;
    const ms = [...new Set(serious.map((x) => x.milestone).filter((x): x is string => !!x))];
    out.push({
      code: c.code,
      message,
      ...shownAt(h),
      hunk: h,
      milestone: ms[0],
      ...(ms.length > 1 ? { milestones: ms } : {}),
      workItem: c.workItem,
      related: serious.flatMap((x) => x.related ?? []),
    });
  }
  for (const c of changes) {
    if (placed.has(c) || c.code === 'milestone-docs') continue;
    out.push({ code: c.code, message: c.message, line: c.line, milestone: c.milestone, workItem: c.workItem, related: c.related });
  }
  return out;
}

/** Top-level keys of a YAML text and the lines each spans. */
function keyRanges(text: string | undefined): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  if (!text) return out;
  const lines = text.split('\n');
  let current: string | undefined;
  lines.forEach((l, i) => {
    const m = /^([A-Za-z_][\w-]*)\s*:/.exec(l);
    if (m) {
      current = m[1];
      out.set(current, [i + 1, i + 1]);
    } else if (current && (l.trim() === '' || /^[\s#-]/.test(l))) {
      out.get(current)![1] = i + 1;
    }
  });
  return out;
}

const SCOPE_KEYS = ['crate', 'catalog', 'status', 'tracking'] as const;

/** Classifies a change of the configuration file by the keys whose values change. */
export const classifyConfig: DocClassifier = (model, diff, baseText, currentText) => {
  const file = diff.newPath ?? diff.oldPath!;
  const before = model.config;
  const gone = diff.newPath === undefined || currentText === undefined;
  const after: MilestoneScopeConfig = gone ? structuredClone(DEFAULT_CONFIG) : parseConfig(currentText, file).config;
  const baseKeys = keyRanges(baseText);
  const curKeys = keyRanges(gone ? undefined : currentText);
  const changes: Change[] = [];
  const sortedPins = (p: Record<string, string>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
  if (sortedPins(before.pins) !== sortedPins(after.pins)) {
    const describe = (p: Record<string, string>) =>
      Object.entries(p)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || 'none';
    changes.push({
      code: 'pin-rule-changed',
      rank: 3,
      message: `Changes the pin rules (${describe(before.pins)} -> ${describe(after.pins)}); pins are checked as they are at the base commit and only change outside a milestone.`,
      ranges: { base: baseKeys.get('pins'), current: curKeys.get('pins') },
      line: curKeys.get('pins')?.[0] ?? 1,
    });
  }
  for (const key of SCOPE_KEYS) {
    if (before[key] === after[key]) continue;
    changes.push({
      code: 'scope-config-changed',
      rank: 3,
      message: `Changes \`${key}\` (${before[key]} -> ${after[key]}); the crate and the documents' paths are read at the base commit and only change outside a milestone.`,
      ranges: { base: baseKeys.get(key), current: curKeys.get(key) },
      line: curKeys.get(key)?.[0] ?? 1,
    });
  }
  const found = placeChanges(changes, diff.hunks, () => 'Edits the configuration (keys that do not define the scope).');
  if (found.length === 0 && changes.length === 0 && diff.hunks.length === 0 && diff.kind !== 'modified') {
    found.push({ code: 'milestone-docs', message: 'Moves or removes the configuration file.', line: 1 });
  }
  return found;
};

/** Whether a written base (full or abbreviated id, in backticks or not) names `commit`. */
export function sameBase(written: string | undefined, commit: string): boolean {
  const v = (written ?? '').replace(/`/g, '').trim().toLowerCase();
  return v.length >= 7 && /^[0-9a-f]+$/.test(v) && commit.startsWith(v);
}

/**
 * The base commit written in the active milestone's tracking file: it must stay the commit of
 * the start record (or, without one, what the base commit's version of the file says).
 */
export const trackingBaseFindings: DocClassifier = (model, diff, baseText, currentText) => {
  const file = diff.newPath ?? diff.oldPath!;
  const now = currentText !== undefined ? parseTracking(currentText, file, true).fields.base : undefined;
  const then = baseText !== undefined ? parseTracking(baseText, diff.oldPath ?? file, true).fields.base : undefined;
  const record = model.startRecord;
  let changed: string | undefined;
  if (record) {
    if (!sameBase(now?.value, record))
      changed = `the base commit recorded when milestone ${model.milestone.id} started is ${record.slice(0, 12)}`;
  } else if (then?.value && squash(then.value) !== squash(now?.value ?? '')) {
    changed = `the base commit recorded at the base revision is ${squash(then.value).replace(/`/g, '')}`;
  }
  if (!changed) return [];
  const what = now?.value
    ? `Records ${squash(now.value).replace(/`/g, '')} as milestone ${model.milestone.id}'s base commit`
    : `Removes milestone ${model.milestone.id}'s base commit`;
  const line = now?.line ?? 1;
  const hunk = diff.hunks.find((h) => h.newLines > 0 && line >= h.newStart && line < h.newStart + h.newLines);
  return [
    {
      code: 'recorded-base-changed',
      message: `${what}, but ${changed}; the guard keeps comparing against that commit. Restore the recorded base.`,
      line,
      hunk,
    },
  ];
};
