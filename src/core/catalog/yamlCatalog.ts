import { isMap, isScalar, type Node } from 'yaml';
import { YamlReader } from '../config/yamlReader';
import { finishCatalog, type MilestoneDraft } from './finish';
import { parseMappingTarget } from './mapping';
import type { Catalog, HotspotRef, WorkItem } from './model';
import { normaliseRefPath, parseRefText } from './refs';

const ITEM_KEYS = ['id', 'title', 'hotspots', 'problem', 'target'] as const;
const MILESTONE_KEYS = ['id', 'title', 'workItems', 'kind', 'description'] as const;
const HOTSPOT_KEYS = ['path', 'line', 'endLine', 'label'] as const;

/**
 * Parses a YAML catalog:
 *   workItems: [{ id, title, hotspots: ["path:line" | {path, line, endLine?, label?}], problem, target }]
 *   milestones: [{ id, title?, workItems: [ids] } | { id, title?, kind: baseline|validation|other, description? }]
 */
export function parseYamlCatalog(text: string, file: string): Catalog {
  const r = new YamlReader(text, file);
  const items: WorkItem[] = [];
  const drafts: MilestoneDraft[] = [];
  if (r.ok && r.root) {
    for (const e of r.entries(r.root, 'the catalog')) {
      if (e.key === 'workItems') for (const n of r.seq(e.value, 'workItems')) readItem(r, n, items);
      else if (e.key === 'milestones') for (const n of r.seq(e.value, 'milestones')) readMilestone(r, n, drafts);
      else r.unknownKey(e.key, e.keyNode, 'the catalog', ['workItems', 'milestones']);
    }
  }
  return finishCatalog(
    file,
    items,
    drafts,
    r.problems.map((p) => ({ ...p, code: p.code.replace(/^yaml\//, 'catalog/') })),
  );
}

function id(r: YamlReader, v: Node | null, what: string): string | undefined {
  if (isScalar(v) && (typeof v.value === 'number' || typeof v.value === 'string') && String(v.value).trim()) return String(v.value).trim();
  r.report('error', 'yaml/type', `${what} must be a number or a short name`, v);
  return undefined;
}

function readItem(r: YamlReader, node: Node, out: WorkItem[]) {
  const at = r.at(node);
  const item: WorkItem = { id: '', title: '', writtenTitle: '', hotspots: [], problem: [], target: [], line: at.line };
  for (const e of r.entries(node, 'a work item')) {
    switch (e.key) {
      case 'id':
        item.id = id(r, e.value, 'work item id') ?? '';
        break;
      case 'title':
        item.title = r.string(e.value, 'title') ?? '';
        item.writtenTitle = item.title;
        break;
      case 'problem':
      case 'target':
        item[e.key] = r.stringList(e.value, e.key) ?? [];
        break;
      case 'hotspots':
        for (const h of r.seq(e.value, 'hotspots')) {
          const ref = readHotspot(r, h);
          if (ref) item.hotspots.push(ref);
        }
        break;
      default:
        r.unknownKey(e.key, e.keyNode, 'a work item', ITEM_KEYS);
    }
  }
  if (!item.id) r.report('error', 'yaml/type', 'work item needs an "id"', node);
  else out.push(item);
}

function readHotspot(r: YamlReader, node: Node): HotspotRef | undefined {
  const at = r.at(node);
  const source = {
    file: r.file,
    line: at.line,
    column: at.column,
    endColumn: at.column + ((node.range?.[1] ?? 0) - (node.range?.[0] ?? 0)),
  };
  if (isScalar(node) && typeof node.value === 'string') {
    const m = /^(?:(.*?):\s+)?(\S+)$/.exec(node.value.trim());
    const parsed = m ? parseRefText(m[2]!) : undefined;
    if (!parsed || !parsed.ok) {
      r.report(
        'error',
        'yaml/hotspot',
        parsed ? `hotspot: ${parsed.reason}` : `hotspot "${node.value}" is not path:line, path:line-line or path#L110`,
        node,
      );
      return undefined;
    }
    return { ...parsed.ref, ...(m![1] ? { label: m![1] } : {}), source };
  }
  if (!isMap(node)) {
    r.report('error', 'yaml/type', 'a hotspot must be "path:line" or a mapping with path and line', node);
    return undefined;
  }
  let p: string | undefined;
  let line: number | undefined;
  let endLine: number | undefined;
  let label: string | undefined;
  for (const e of r.entries(node, 'a hotspot')) {
    if (e.key === 'path') p = r.string(e.value, 'hotspot path');
    else if (e.key === 'line') line = r.positiveInt(e.value, 'hotspot line');
    else if (e.key === 'endLine') endLine = r.positiveInt(e.value, 'hotspot endLine');
    else if (e.key === 'label') label = r.string(e.value, 'hotspot label');
    else r.unknownKey(e.key, e.keyNode, 'a hotspot', HOTSPOT_KEYS);
  }
  if (p === undefined || line === undefined) {
    r.report('error', 'yaml/hotspot', 'a hotspot needs "path" and "line"', node);
    return undefined;
  }
  if (endLine !== undefined && endLine < line) {
    r.report('error', 'yaml/hotspot', `hotspot range ends (${endLine}) before it starts (${line})`, node);
    return undefined;
  }
  return { path: normaliseRefPath(p), line, endLine: endLine ?? line, ...(label ? { label } : {}), source };
}

function readMilestone(r: YamlReader, node: Node, out: MilestoneDraft[]) {
  const at = r.at(node);
  let mid: string | undefined;
  let title: string | undefined;
  let workItems: string[] | undefined;
  let kind: string | undefined;
  let kindNode: Node | null = null;
  let description: string | undefined;
  for (const e of r.entries(node, 'a milestone')) {
    if (e.key === 'id') mid = id(r, e.value, 'milestone id');
    else if (e.key === 'title') title = r.string(e.value, 'title');
    else if (e.key === 'description') description = r.string(e.value, 'description');
    else if (e.key === 'kind') {
      kind = r.string(e.value, 'kind');
      kindNode = e.value;
    } else if (e.key === 'workItems') {
      const list = isScalar(e.value) && typeof e.value.value === 'number' ? [e.value] : r.seq(e.value, 'workItems');
      workItems = list.flatMap((n) => id(r, n, 'work item id') ?? []);
    } else r.unknownKey(e.key, e.keyNode, 'a milestone', MILESTONE_KEYS);
  }
  if (mid === undefined) {
    r.report('error', 'yaml/type', 'milestone needs an "id"', node);
    return;
  }
  const base = { id: mid, line: at.line, source: 'yaml' as const, ...(title ? { title } : {}) };
  if (workItems && workItems.length > 0) {
    out.push({ ...base, scope: { kind: 'work-items', workItems } });
    return;
  }
  const k = kind?.toLowerCase();
  if (k === 'baseline' || k === 'validation' || k === 'other') {
    out.push({ ...base, scope: { kind: k, description: description ?? title ?? k } });
    return;
  }
  if (kind !== undefined) {
    r.report('error', 'yaml/type', `kind must be baseline, validation or other, not "${kind}"`, kindNode);
    return;
  }
  const guessed = parseMappingTarget(description ?? title ?? '');
  if (!workItems && guessed && guessed.kind !== 'work-items') {
    out.push({ ...base, scope: guessed });
    return;
  }
  r.report('error', 'yaml/type', `milestone ${mid} needs "workItems" or "kind"`, node);
}
