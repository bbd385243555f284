import { problem, type Problem } from '../problems';
import { normaliseMilestoneId, type Catalog, type Milestone, type MilestoneScope, type WorkItem } from './model';

/** A milestone as read, before titles are resolved and references checked. */
export interface MilestoneDraft {
  id: string;
  scope: MilestoneScope;
  line: number;
  column?: number;
  /** Heading-style milestones bring their own title. */
  title?: string;
  source: 'mapping' | 'heading' | 'yaml';
}

/** Natural order of milestone ids: `0 < 1 < 2 < 2a < 10`. */
// One collator: localeCompare with options builds a new one on every call.
const ID_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function compareIds(a: string, b: string): number {
  return ID_ORDER.compare(a, b);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Completes a catalog: titles from work items, duplicate ids and dangling mappings reported,
 * milestones in natural id order. Shared by every catalog format.
 */
export function finishCatalog(file: string, workItems: WorkItem[], drafts: MilestoneDraft[], problems: Problem[]): Catalog {
  const items = new Map<string, WorkItem>();
  for (const w of workItems) {
    if (items.has(w.id)) {
      problems.push(
        problem('error', 'catalog/duplicate-work-item', `work item ${w.id} is defined twice (first at line ${items.get(w.id)!.line})`, {
          file,
          line: w.line,
        }),
      );
      continue;
    }
    items.set(w.id, w);
    if (w.hotspots.length === 0) {
      problems.push(
        problem('warning', 'catalog/no-hotspots', `work item ${w.id} ("${w.title}") has no hotspot references`, { file, line: w.line }),
      );
    }
    if (!w.title) problems.push(problem('warning', 'catalog/no-title', `work item ${w.id} has no title`, { file, line: w.line }));
  }

  const milestones = new Map<string, Milestone>();
  for (const d of drafts) {
    const key = normaliseMilestoneId(d.id);
    const first = milestones.get(key);
    if (first) {
      problems.push(
        problem('error', 'catalog/duplicate-milestone', `milestone ${d.id} is defined twice (first at line ${first.line})`, {
          file,
          line: d.line,
          column: d.column,
        }),
      );
      continue;
    }
    let title = d.title;
    if (d.scope.kind === 'work-items') {
      const missing = d.scope.workItems.filter((id) => !items.has(id));
      for (const id of missing) {
        problems.push(
          problem('error', 'catalog/unknown-work-item', `milestone ${d.id} maps to work item ${id}, which the catalog does not define`, {
            file,
            line: d.line,
            column: d.column,
          }),
        );
      }
      title ??= d.scope.workItems.map((id) => items.get(id)?.title ?? `Work item ${id}`).join('; ');
    } else {
      title ??= capitalise(d.scope.description);
    }
    milestones.set(key, { id: d.id, title, scope: d.scope, line: d.line });
  }

  const mapped = new Set([...milestones.values()].flatMap((m) => (m.scope.kind === 'work-items' ? m.scope.workItems : [])));
  for (const w of items.values()) {
    if (!mapped.has(w.id) && milestones.size > 0) {
      problems.push(
        problem('information', 'catalog/unmapped-work-item', `work item ${w.id} is not mapped to any milestone`, { file, line: w.line }),
      );
    }
  }
  if (milestones.size === 0) {
    const what =
      items.size > 0 ? 'no milestone mapping ("Milestone N -> work item M") was found' : 'no work items or milestones were found';
    problems.push(problem('warning', 'catalog/no-milestones', what, { file, line: 1 }));
  }

  return {
    file,
    workItems: [...items.values()],
    milestones: [...milestones.values()].sort((a, b) => compareIds(a.id, b.id)),
    problems: problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0)),
  };
}
