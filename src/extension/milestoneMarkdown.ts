/**
 * The markdown shown for a milestone or one of its work items: hotspots (with where they are now),
 * Problem and Target. Pure: shared by the preview document, the hover and the tests.
 */
import type { AnchorState } from '../core/diff/anchors';
import type { Catalog, HotspotRef, Milestone, WorkItem } from '../core/catalog/model';
import { milestoneWorkItems } from '../core/catalog/model';

/** Where a hotspot is now, as the index placed it. */
export interface Placement {
  path: string;
  line: number;
  state: AnchorState;
  unresolved?: string;
}

export interface StatusSummary {
  status?: string;
  owner?: string;
  started?: string;
  notes?: string;
  base?: string;
}

export interface RenderOptions {
  placement?: (ref: HotspotRef) => Placement | undefined;
  status?: StatusSummary;
  /** Only this work item (the Problem and Target of one hotspot). */
  workItemId?: string;
}

/** Characters that would start markup in plain catalog text placed in a heading or list. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]<>()#+!|])/g, '\\$1');
}

/** A title cut at a word boundary to about `max` characters, with an ellipsis. */
export function shortTitle(title: string, max: number): string {
  if (title.length <= max) return title;
  const cut = title.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:(-]+$/, '') + '…';
}

export function statusLine(s: StatusSummary | undefined): string {
  if (!s || !s.status) return 'Status: not started (no row in STATUS.md)';
  const parts = [`Status: ${s.status.replace(/_/g, ' ')}`];
  if (s.owner) parts.push(`owner ${s.owner}`);
  if (s.started) parts.push(`since ${s.started}`);
  if (s.base) parts.push(`base ${s.base.slice(0, 10)}`);
  return parts.join(' · ');
}

export function placementText(ref: HotspotRef, p: Placement | undefined): string {
  if (!p) return '';
  if (p.unresolved) return `cannot be placed: ${p.unresolved}`;
  const where = p.path !== ref.path ? `${p.path}:${p.line}` : `line ${p.line}`;
  switch (p.state) {
    case 'removed':
      return `removed (was near ${where})`;
    case 'edited':
      return `edited, now ${where}`;
    case 'current':
      return p.path === ref.path && p.line === ref.line ? 'unchanged' : `moved to ${where}`;
  }
}

function refLabel(ref: HotspotRef): string {
  const lines = ref.endLine > ref.line ? `${ref.line}-${ref.endLine}` : `${ref.line}`;
  return `${ref.path}:${lines}`;
}

function bullets(items: readonly string[]): string {
  // Catalog bullets are markdown already (backticked code); keep them as written.
  return items.length === 0 ? '_(none written)_\n' : items.map((t) => `- ${t}`).join('\n') + '\n';
}

export function renderWorkItem(item: WorkItem, opts: RenderOptions, level = 2): string {
  const h = '#'.repeat(level);
  let out = `${h} Work item ${escapeMarkdown(item.id)}: ${escapeMarkdown(item.title)}\n\n`;
  out += `**Hotspots**\n\n`;
  if (item.hotspots.length === 0) out += '_(none listed)_\n';
  item.hotspots.forEach((ref, i) => {
    // Plain references: the preview cannot open file links; the tree and hover do the navigating.
    const p = opts.placement?.(ref);
    const text = '`' + refLabel(ref) + '`';
    const note = placementText(ref, p);
    const prefix = ref.label ? `${escapeMarkdown(ref.label)}: ` : '';
    out += `${i + 1}. ${prefix}${text}${note ? ` (${note})` : ''}\n`;
  });
  out += `\n**Problem**\n\n${bullets(item.problem)}\n**Target**\n\n${bullets(item.target)}`;
  return out;
}

/** The whole milestone (or one of its work items), as markdown. */
export function renderMilestone(catalog: Catalog, milestone: Milestone, opts: RenderOptions = {}): string {
  let out = `# Milestone ${escapeMarkdown(milestone.id)}: ${escapeMarkdown(milestone.title)}\n\n`;
  out += `${statusLine(opts.status)}\n\n`;
  if (opts.status?.notes) out += `> ${escapeMarkdown(opts.status.notes)}\n\n`;
  if (milestone.scope.kind !== 'work-items') {
    out += `${escapeMarkdown(milestone.scope.description)}\n\nThis milestone has no optimisation scope of its own: no hotspots.\n`;
    return out;
  }
  const items = milestoneWorkItems(catalog, milestone).filter((w) => !opts.workItemId || w.id === opts.workItemId);
  const missing = milestone.scope.workItems.filter((id) => !catalog.workItems.some((w) => w.id === id));
  for (const id of missing) out += `Work item ${escapeMarkdown(id)} is mapped to this milestone but is not in the catalog.\n\n`;
  out += items.map((w) => renderWorkItem(w, opts)).join('\n');
  out += `\n---\nFrom \`${catalog.file}\`, line ${milestone.line}.\n`;
  return out;
}
