/**
 * Which work item a span belongs to, so a residual bottleneck can name the planned work that
 * addresses it. A span matches a work item when the item's text names it (in backticks, or as a
 * code-like word of its title: `rs_code_matrix`, `prover.rap_constraints.round0`, or an `a > b`
 * path ending at the span), or
 * when the trace places the span in one of the item's hotspot files (formats with locations).
 */
import type { Catalog, WorkItem } from '../catalog/model';
import { PATH_SEPARATOR } from '../trace/model';
import type { WorkItemMatch } from './model';

export interface MatchableSpan {
  name: string;
  /** Full span path, root first. */
  path: string;
  location?: { file: string; line: number };
}

/** Words of code in prose: snake_case, dotted or `::` paths (`rs_code_matrix`, `a.b.round0`). */
const CODE_WORD = /(?<![\w.:])[A-Za-z][A-Za-z0-9]*(?:(?:_|\.|::)[A-Za-z0-9]+)+(?![\w:])/g;

/**
 * Names a work item gives to code: backticked texts of its title as written, Problem and Target
 * (without `path:line` references and file names), and the code-like words of its title written
 * without backticks.
 */
export function backtickedNames(item: Pick<WorkItem, 'title' | 'writtenTitle' | 'problem' | 'target'>): string[] {
  const out = new Set<string>();
  const add = (raw: string) => {
    const name = raw.trim();
    // Hotspot references and file names are not span names.
    if (name === '' || /:\d+/.test(name) || /\.(rs|toml|md|txt|json)$/.test(name)) return;
    out.add(name);
  };
  const title = item.writtenTitle ?? item.title;
  for (const text of [title, ...item.problem, ...item.target]) for (const m of text.matchAll(/`([^`]+)`/g)) add(m[1]!);
  for (const m of title.replace(/`[^`]*`/g, ' ').matchAll(CODE_WORD)) add(m[0]);
  return [...out];
}

/** True when a backticked name refers to this span. */
export function nameMatches(name: string, span: MatchableSpan): boolean {
  if (name.includes('>')) {
    const want = name
      .split('>')
      .map((s) => s.trim())
      .filter(Boolean)
      .join(PATH_SEPARATOR);
    return span.path === want || span.path.endsWith(PATH_SEPARATOR + want);
  }
  // `round0` names `prover.rap_constraints.round0` (dotted span names), never `ple_round0`.
  return span.name === name || span.name.endsWith('.' + name);
}

/** Words a title uses for anything; they never tie a span to a work item. */
const STOP_WORDS = new Set('a an and are as at be by for from in into is it of on or per the to via with without'.split(' '));

/** The words of a title written in plain words (`logup round0`), lower case, stop words left out. */
export function titleWords(item: Pick<WorkItem, 'title' | 'writtenTitle'>): string[] {
  const words = (item.writtenTitle ?? item.title).toLowerCase().match(/[a-z0-9_]+/g) ?? [];
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w) && /[a-z]/.test(w)))];
}

/**
 * Whether the plain words of a title name a span (`logup round0` -> `prover.rap_constraints.round0`):
 * the span name's last segment (split at `.` and `::`) is a title word, or title words joined by
 * `_` (`stacked reduction` -> `stacked_reduction`), and that is not a common word on its own: it
 * holds a digit or an `_`, or another title word names another segment of the span. Returns the
 * matched words, most first, or undefined.
 */
export function titleWordsMatch(words: readonly string[], spanName: string): string[] | undefined {
  const segments = spanName.toLowerCase().split(/\.|::/).filter(Boolean);
  const last = segments[segments.length - 1];
  if (!last || words.length === 0) return undefined;
  let lastWords: string[] | undefined;
  for (let i = 0; i < words.length && !lastWords; i++) {
    for (let j = i; j < words.length; j++) {
      const joined = words.slice(i, j + 1).join('_');
      if (joined === last) {
        lastWords = words.slice(i, j + 1);
        break;
      }
      if (joined.length >= last.length) break;
    }
  }
  if (!lastWords) return undefined;
  const others = new Set(segments.slice(0, -1).flatMap((seg) => [seg, ...seg.split('_')]));
  const supporting = words.filter((w) => !lastWords!.includes(w) && others.has(w));
  if (!/[0-9_]/.test(last) && supporting.length === 0) return undefined;
  return [last, ...supporting];
}

/** True when a trace location and a hotspot path name the same file. */
export function sameFile(location: string, hotspotPath: string): boolean {
  const a = location.replace(/\\/g, '/').replace(/^\.\//, '');
  const b = hotspotPath.replace(/\\/g, '/').replace(/^\.\//, '');
  if (a === b) return true;
  // A crate-relative location (`src/metal/mod.rs`) or an absolute one.
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.includes('/') && long.endsWith('/' + short);
}

/** A matcher over the catalog's work items, in catalog order. */
export function workItemMatcher(catalog: Catalog): (span: MatchableSpan) => WorkItemMatch | undefined {
  const items = catalog.workItems.map((w) => ({
    item: w,
    names: backtickedNames(w),
    words: titleWords(w),
    milestones: catalog.milestones.filter((m) => m.scope.kind === 'work-items' && m.scope.workItems.includes(w.id)).map((m) => m.id),
  }));
  return (span) => {
    for (const { item, names, milestones } of items) {
      const name = names.find((n) => nameMatches(n, span));
      if (name) return { workItem: { id: item.id, title: item.title }, milestones, via: `span name \`${name}\`` };
    }
    const loc = span.location;
    if (loc) {
      for (const { item, milestones } of items) {
        const h = item.hotspots.find((x) => sameFile(loc.file, x.path));
        if (h) return { workItem: { id: item.id, title: item.title }, milestones, via: `defined in hotspot file \`${h.path}\`` };
      }
    }
    // Titles in plain words: the item whose words name most of the span wins (catalog order breaks ties).
    let best: { entry: (typeof items)[number]; matched: string[] } | undefined;
    for (const entry of items) {
      const matched = titleWordsMatch(entry.words, span.name);
      if (matched && (!best || matched.length > best.matched.length)) best = { entry, matched };
    }
    if (best) {
      const { item, milestones } = best.entry;
      return {
        workItem: { id: item.id, title: item.title },
        milestones,
        via: `title words ${best.matched.map((w) => `\`${w}\``).join(', ')}`,
      };
    }
    return undefined;
  };
}
