import type { Problem } from '../problems';

/** A `path:line` (or range) reference to code, as written in the catalog. */
export interface HotspotRef {
  /** Repository-relative path, forward slashes, as written (normalised, no leading `./`). */
  path: string;
  /** 1-based first line. */
  line: number;
  /** 1-based last line (== line for a single-line reference). */
  endLine: number;
  /**
   * A relative link in a catalog below the root can also be read from the repository root; this
   * is that reading, set by the parser and settled by resolveLinkRefs (never decorated as is).
   */
  rootPath?: string;
  /** Optional label text before the reference (`Root extraction`, `repeated use in`). */
  label?: string;
  /** Where the reference is written in the catalog (1-based line and column of its text). */
  source: { file: string; line: number; column: number; endColumn: number };
}

export interface WorkItem {
  /** The catalog's own number for the item, as a string (`"1"`, `"6"`). */
  id: string;
  /** The title as plain text (inline markup such as backticks removed), for display. */
  title: string;
  /**
   * The title as written, inline markdown kept (`` Batch `rs_code_matrix` copies ``): backticks
   * mark code names (span names to highlight and match). Set by the parsers; absent only in
   * hand-built models, where `title` stands in.
   */
  writtenTitle?: string;
  hotspots: HotspotRef[];
  /** Bullet texts under `Problem:` (one string per bullet, or the inline text). */
  problem: string[];
  /** Bullet texts under `Target:`. */
  target: string[];
  /** Catalog line of the item's title. */
  line: number;
}

/** What a milestone is for: a work item, or a kind of work with no optimisation scope. */
export type MilestoneScope =
  { kind: 'work-items'; workItems: string[] } | { kind: 'baseline' | 'validation' | 'other'; description: string };

export interface Milestone {
  /** Milestone id as written (`"0"`, `"2"`, `"2a"`). */
  id: string;
  /** Title: the work item's title, or the mapping's description, or the heading text. */
  title: string;
  scope: MilestoneScope;
  /** Catalog line where the milestone is defined or mapped. */
  line: number;
}

export interface Catalog {
  /** Repository-relative path of the catalog file. */
  file: string;
  workItems: WorkItem[];
  milestones: Milestone[];
  /** Everything that could not be understood, with its line. Never silently dropped. */
  problems: Problem[];
}

/** The hotspots a milestone owns, through its work items. */
export function milestoneHotspots(catalog: Catalog, milestone: Milestone): HotspotRef[] {
  if (milestone.scope.kind !== 'work-items') return [];
  const ids = new Set(milestone.scope.workItems);
  return catalog.workItems.filter((w) => ids.has(w.id)).flatMap((w) => w.hotspots);
}

export function milestoneWorkItems(catalog: Catalog, milestone: Milestone): WorkItem[] {
  if (milestone.scope.kind !== 'work-items') return [];
  const ids = new Set(milestone.scope.workItems);
  return catalog.workItems.filter((w) => ids.has(w.id));
}

export function findMilestone(catalog: Catalog, id: string): Milestone | undefined {
  const want = normaliseMilestoneId(id);
  return catalog.milestones.find((m) => normaliseMilestoneId(m.id) === want);
}

/** `M2`, `m2`, `milestone 2`, ` 2 ` -> `2`. */
export function normaliseMilestoneId(id: string): string {
  return id
    .trim()
    .replace(/^(milestone\s*|m\s*)/i, '')
    .replace(/^0+(?=\d)/, '')
    .toLowerCase();
}
