import type { Heading, List, ListItem, Nodes, Paragraph, RootContent } from 'mdast';
import { inlineText, nestingProblems, nodeText, parseMarkdown } from '../markdown';
import { problem, type Problem } from '../problems';
import { classifyLabel, isMappingIntro, splitLabel, type FieldName } from './fields';
import { hotspotsFromEntry, truncate } from './hotspots';
import { looksLikeMapping, parseMappingLine, parseMappingTarget } from './mapping';
import { finishCatalog, type MilestoneDraft } from './finish';
import type { Catalog, WorkItem } from './model';

/** A work item being read, in the prompt's list style or under a heading. */
interface Container {
  item: WorkItem;
  style: 'list' | 'heading';
  /** Heading depth for heading-style containers. */
  depth: number;
  /** The field whose content follows (after `Hotspots:` or `### Hotspots`). */
  field?: { name: FieldName; depth: number };
  /** Set for `## Milestone N: Title` sections. */
  milestone?: { id: string; title: string; line: number; kind?: string; workItems?: { ids: string[]; line: number } };
  touched: boolean;
}

const MILESTONE_HEADING = /^milestone\s+([A-Za-z0-9][\w.-]*)\s*(?:[:.)–—-]\s*([\s\S]*))?$/i;
const WORK_ITEM_HEADING = /^(?:work\s*item\s*#?(\d+)\s*[:.)–—-]?\s*|(\d+)\)\s*)([\s\S]+)$/i;

/**
 * Parses a markdown catalog in either of two styles:
 * - the workflow prompt's: `1) Title` then `- Current hotspot:` / `- Problem:` / `- Target:` lists, and a
 *   `Milestone N -> work item M` mapping;
 * - headings: `## Milestone 2: Title` with a `Hotspots` list (and optional Problem/Target) inside.
 */
export function parseMarkdownCatalog(text: string, file: string): Catalog {
  return new MarkdownCatalogReader(text, file).read();
}

class MarkdownCatalogReader {
  private readonly workItems: WorkItem[] = [];
  private readonly milestones: MilestoneDraft[] = [];
  private readonly problems: Problem[] = [];
  private container: Container | undefined;
  private mappingMode = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  read(): Catalog {
    const root = parseMarkdown(this.text);
    this.problems.push(...nestingProblems(root, this.file));
    const nodes = root.children;
    nodes.forEach((node, i) => this.visit(node, nodes[i + 1]));
    this.close();
    return finishCatalog(this.file, this.workItems, this.milestones, this.problems);
  }

  private at(node: Nodes) {
    return { file: this.file, line: node.position?.start.line ?? 1, column: node.position?.start.column };
  }

  private warn(code: string, message: string, node: Nodes) {
    this.problems.push(problem('warning', code, message, this.at(node)));
  }

  private visit(node: RootContent, next: RootContent | undefined) {
    switch (node.type) {
      case 'heading':
        return this.heading(node);
      case 'list':
        return node.ordered ? this.orderedList(node, next) : this.bulletList(node);
      case 'paragraph':
        return this.paragraph(node);
      case 'thematicBreak':
        if (this.container?.style === 'list') this.close();
        return;
      default:
        return;
    }
  }

  // ---- headings -------------------------------------------------------------------------------

  private heading(h: Heading) {
    const text = nodeText(h).trim();
    const ms = MILESTONE_HEADING.exec(text);
    if (ms && !looksLikeMapping(text)) {
      this.close();
      this.mappingMode = false;
      const id = ms[1]!;
      const title = (ms[2] ?? '').trim() || `Milestone ${id}`;
      const written = (MILESTONE_HEADING.exec(inlineText(h).trim())?.[2] ?? '').trim() || title;
      this.container = {
        item: this.newItem(id, title, h, written),
        style: 'heading',
        depth: h.depth,
        milestone: { id, title, line: h.position?.start.line ?? 1 },
        touched: false,
      };
      return;
    }
    const wi = WORK_ITEM_HEADING.exec(text);
    if (wi) {
      this.close();
      this.mappingMode = false;
      const written = WORK_ITEM_HEADING.exec(inlineText(h).trim())?.[3]?.trim();
      const item = this.newItem(wi[1] ?? wi[2]!, wi[3]!.trim(), h, written);
      this.workItems.push(item);
      this.container = { item, style: 'heading', depth: h.depth, touched: true };
      return;
    }
    if (isMappingIntro(text)) {
      this.close();
      this.mappingMode = true;
      return;
    }
    const c = this.container;
    if (c?.style === 'heading' && h.depth > c.depth) {
      const name = classifyLabel(text.replace(/:$/, ''));
      c.field = name ? { name, depth: h.depth } : undefined;
      return;
    }
    this.close();
    this.mappingMode = false;
  }

  // ---- lists ----------------------------------------------------------------------------------

  private orderedList(list: List, next: RootContent | undefined) {
    const c = this.container;
    if (c?.style === 'heading' && c.field) return this.fieldContent(c, c.field.name, list);
    if (list.children.some((item) => this.mappingItem(item))) return;
    const usesParen = /^\s*\d+\)/.test(this.text.slice(list.position?.start.offset ?? 0));
    const hasFields =
      list.children.some((item) => item.children.some((ch) => ch.type === 'list' && this.isFieldList(ch))) ||
      (next?.type === 'list' && !next.ordered && this.isFieldList(next));
    if (!usesParen && !hasFields) {
      if (c?.style === 'list') this.close();
      return;
    }
    this.close();
    this.mappingMode = false;
    list.children.forEach((li, idx) => {
      const first = li.children[0];
      const title = (first ? nodeText(first) : '').trim().replace(/:$/, '');
      const written = (first ? inlineText(first) : '').trim().replace(/:$/, '');
      const item = this.newItem(String((list.start ?? 1) + idx), title, li, written);
      this.workItems.push(item);
      const container: Container = { item, style: 'list', depth: 0, touched: true };
      for (const child of li.children.slice(1)) {
        if (child.type === 'list') this.fieldList(container, child);
      }
      this.container = container;
    });
  }

  private isFieldList(list: List): boolean {
    const first = list.children[0]?.children[0];
    if (!first || first.type !== 'paragraph') return false;
    const split = splitLabel(nodeText(first));
    return split !== undefined && classifyLabel(split.label) !== undefined;
  }

  private bulletList(list: List) {
    const c = this.container;
    if (c?.style === 'heading' && c.field) return this.fieldContent(c, c.field.name, list);
    if (c && this.isFieldList(list)) return this.fieldList(c, list);
    if (!c && this.isFieldList(list) && !this.mappingMode) {
      this.warn(
        'catalog/orphan-fields',
        'Hotspot/Problem/Target list outside any work item (expected after "N) Title" or a milestone heading)',
        list,
      );
      return;
    }
    for (const item of list.children) {
      if (this.mappingItem(item)) continue;
      const text = firstText(item);
      if (c?.style === 'list') {
        this.warn(
          'catalog/not-understood',
          `work item ${c.item.id}: "${truncate(text)}" is not a Current hotspot/Problem/Target entry`,
          item,
        );
      } else if (c?.style === 'heading' && c.milestone && containsRef(item, this.file)) {
        this.fieldContent(c, 'hotspots', item);
      } else if (this.mappingMode) {
        this.problems.push(
          problem(
            'error',
            'catalog/mapping-not-understood',
            `mapping entry not understood: "${truncate(text)}" (expected "Milestone N -> work item M")`,
            this.at(item),
          ),
        );
      }
    }
  }

  /** A `- Current hotspot:` / `- Problem:` / `- Target:` list belonging to a work item. */
  private fieldList(c: Container, list: List) {
    for (const li of list.children) {
      // A mapping after a blank line continues the same markdown list.
      if (this.mappingItem(li)) continue;
      const first = li.children[0];
      const split = first?.type === 'paragraph' ? splitLabel(inlineText(first)) : undefined;
      const name = split ? classifyLabel(split.label) : undefined;
      if (!split || !name) {
        const what = split ? `unknown field "${split.label}"` : `"${truncate(firstText(li))}" is not a labelled field`;
        this.warn('catalog/unknown-field', `work item ${c.item.id}: ${what}`, li);
        continue;
      }
      if (split.value) this.inlineField(c, name, first as Paragraph, split.label, split.value);
      for (const child of li.children.slice(1)) this.fieldContent(c, name, child);
    }
  }

  private paragraph(p: Paragraph) {
    const text = nodeText(p).trim();
    if (isMappingIntro(text)) {
      this.close();
      this.mappingMode = true;
      return;
    }
    const lines = text.split('\n');
    if (lines.some((l) => looksLikeMapping(l))) {
      lines.forEach((l, idx) => this.mappingText(l, p, idx));
      return;
    }
    const c = this.container;
    const split = splitLabel(inlineText(p).trim());
    const name = split ? classifyLabel(split.label) : undefined;
    if (c && split && name) {
      const fields = name === 'hotspots' ? undefined : splitFields(p);
      if (fields) {
        this.inlineField(c, name, p, split.label, fields.first);
        for (const f of fields.more) this.inlineField(c, f.name, p, f.label, f.value);
        c.field = undefined;
      } else if (split.value) {
        this.inlineField(c, name, p, split.label, split.value);
        c.field = undefined;
      } else c.field = { name, depth: c.field?.depth ?? c.depth };
      return;
    }
    if (c?.style === 'heading' && c.field) return this.fieldContent(c, c.field.name, p);
    if (c?.style === 'list') this.close();
    this.mappingMode = false;
  }

  // ---- mapping --------------------------------------------------------------------------------

  /** Handles a list item that is a mapping line; true when it was one. */
  private mappingItem(item: ListItem): boolean {
    const text = firstText(item);
    if (!looksLikeMapping(text) && !(this.mappingMode && parseMappingLine(text, true))) return false;
    this.mappingText(text, item, 0, this.mappingMode);
    return true;
  }

  private mappingText(text: string, node: Nodes, lineOffset: number, allowColon = false) {
    const parsed = parseMappingLine(text, allowColon);
    if (!parsed) return;
    const at = { ...this.at(node), line: (node.position?.start.line ?? 1) + lineOffset };
    if ('error' in parsed) {
      this.problems.push(problem('error', 'catalog/mapping-not-understood', parsed.error, at));
      return;
    }
    this.milestones.push({ id: parsed.id, scope: parsed.scope, line: at.line, column: at.column, source: 'mapping' });
  }

  // ---- fields ---------------------------------------------------------------------------------

  private inlineField(c: Container, name: FieldName, p: Paragraph, label: string, value: string) {
    c.touched = true;
    if (name === 'hotspots') {
      const { refs, problems } = hotspotsFromEntry(p, this.file);
      const prefix = new RegExp(`^\\W*${escapeRe(label)}\\W*:?\\s*`, 'i');
      for (const r of refs) {
        const l = r.label?.replace(prefix, '').trim();
        if (l) r.label = l;
        else delete r.label;
      }
      c.item.hotspots.push(...refs);
      this.problems.push(...problems);
      return;
    }
    this.addValue(c, name, value, p);
  }

  /** Content below a field label: a list (one value per item), a paragraph, or one list item. */
  private fieldContent(c: Container, name: FieldName, node: Nodes) {
    c.touched = true;
    if (node.type === 'list') {
      for (const li of node.children) this.fieldContent(c, name, li);
      return;
    }
    if (name === 'hotspots') {
      const { refs, problems } = hotspotsFromEntry(node, this.file);
      c.item.hotspots.push(...refs);
      this.problems.push(...problems);
      if (node.type === 'listItem') {
        for (const child of node.children) if (child.type === 'list') this.fieldContent(c, name, child);
      }
      return;
    }
    if (node.type === 'listItem') {
      this.addValue(c, name, firstText(node), node);
      for (const child of node.children.slice(1)) this.fieldContent(c, name, child);
      return;
    }
    if (node.type === 'paragraph') this.addValue(c, name, inlineText(node).trim(), node);
  }

  private addValue(c: Container, name: FieldName, value: string, node: Nodes) {
    const v = value.replace(/\s+/g, ' ').trim();
    if (!v) return;
    switch (name) {
      case 'problem':
        c.item.problem.push(v);
        return;
      case 'target':
        c.item.target.push(v);
        return;
      case 'kind':
        if (c.milestone) c.milestone.kind = v;
        else this.warn('catalog/unknown-field', `work item ${c.item.id}: "Kind" applies to milestones only`, node);
        return;
      case 'workItems': {
        if (!c.milestone) {
          this.warn('catalog/unknown-field', `work item ${c.item.id}: "Work items" applies to milestones only`, node);
          return;
        }
        const ids = v.match(/\d+/g) ?? [];
        if (ids.length === 0) {
          this.problems.push(
            problem(
              'error',
              'catalog/mapping-not-understood',
              `milestone ${c.milestone.id}: no work item numbers in "${truncate(v)}"`,
              this.at(node),
            ),
          );
          return;
        }
        const prev = c.milestone.workItems;
        c.milestone.workItems = { ids: [...(prev?.ids ?? []), ...ids], line: prev?.line ?? node.position?.start.line ?? 1 };
        return;
      }
      case 'hotspots':
        return;
    }
  }

  // ---- containers -----------------------------------------------------------------------------

  private newItem(id: string, title: string, node: Nodes, written?: string): WorkItem {
    return { id, title, writtenTitle: written || title, hotspots: [], problem: [], target: [], line: node.position?.start.line ?? 1 };
  }

  private close() {
    const c = this.container;
    this.container = undefined;
    if (!c?.milestone) return;
    const m = c.milestone;
    const item = c.item;
    const hasOwnWork = item.hotspots.length > 0 || item.problem.length > 0 || item.target.length > 0;
    const explicit = m.workItems?.ids ?? [];
    if (hasOwnWork) this.workItems.push(item);
    const base = { id: m.id, title: m.title, line: m.line, source: 'heading' as const };
    if (hasOwnWork || explicit.length > 0) {
      this.milestones.push({ ...base, scope: { kind: 'work-items', workItems: [...(hasOwnWork ? [item.id] : []), ...explicit] } });
      return;
    }
    const kind = parseMappingTarget(m.kind ?? m.title);
    if (kind && kind.kind !== 'work-items' && kind.kind !== 'other') {
      this.milestones.push({ ...base, scope: { kind: kind.kind, description: m.kind ?? m.title } });
      return;
    }
    this.milestones.push({ ...base, scope: { kind: 'other', description: m.kind ?? m.title } });
    this.problems.push(
      problem('warning', 'catalog/milestone-empty', `milestone ${m.id} has no hotspots, work items or kind (baseline/validation)`, {
        file: this.file,
        line: m.line,
      }),
    );
  }
}

const OPEN = '\u0001';
const CLOSE = '\u0002';

/** inlineText with strong emphasis marked, so bold labels can be told from ordinary words. */
function markedText(node: Nodes): string {
  if (node.type === 'strong') return OPEN + (node.children as Nodes[]).map(markedText).join('') + CLOSE;
  if (node.type === 'inlineCode') return '`' + node.value + '`';
  if (node.type === 'list') return '';
  if ('value' in node && typeof node.value === 'string') return node.value.replace(/[\u0001\u0002]/g, '');
  if ('children' in node) return (node.children as Nodes[]).map(markedText).join('');
  return '';
}

/**
 * A labelled paragraph holding more than one field (`**Problem:** ... **Target:** ...`, on one line
 * or on consecutive lines): the first field's value up to the next label, then each further field.
 * A later label counts when it is bold (`**Target:**`, `**Target**:`) or starts a line (`Target:`),
 * and names a known field; a word such as "target:" inside a sentence stays text.
 */
export function splitFields(p: Paragraph): { first: string; more: Array<{ name: FieldName; label: string; value: string }> } | undefined {
  const text = markedText(p).trim();
  const label = new RegExp(
    `(?:${OPEN}([A-Za-z][A-Za-z0-9 ()/-]{0,40}?)\\s*(?::${CLOSE}|${CLOSE}\\s*:)|(?:^|(?<=\\n))\\s*([A-Za-z][A-Za-z0-9 ()/-]{0,40}?):)(?=\\s|$)`,
    'g',
  );
  const cuts: Array<{ at: number; end: number; name: FieldName; label: string }> = [];
  for (const m of text.matchAll(label)) {
    const l = (m[1] ?? m[2]!).trim();
    const name = classifyLabel(l);
    if (name) cuts.push({ at: m.index!, end: m.index! + m[0].length, name, label: l });
  }
  // The paragraph's own label is the first cut; only further ones split it.
  if (cuts.length < 2 || cuts[0]!.at > 1) return undefined;
  const clean = (s: string) =>
    s
      .replace(/[\u0001\u0002]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  const more = cuts
    .slice(1)
    .map((c, i) => ({ name: c.name, label: c.label, value: clean(text.slice(c.end, cuts[i + 2]?.at ?? text.length)) }));
  return { first: clean(text.slice(cuts[0]!.end, cuts[1]!.at)), more };
}

function firstText(item: ListItem): string {
  const first = item.children[0];
  return first ? inlineText(first).trim() : '';
}

function containsRef(item: ListItem, file: string): boolean {
  return hotspotsFromEntry(item, file).refs.length > 0;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
