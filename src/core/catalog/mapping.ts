import type { MilestoneScope } from './model';

/** One `Milestone N -> ...` line, parsed. */
export interface MappingEntry {
  id: string;
  scope: MilestoneScope;
  /** Free text after the arrow, trimmed. */
  text: string;
}

const ARROW_ENTRY = /^\s*(?:\*\*|__)?milestone\s+([A-Za-z0-9][\w.-]*)(?:\*\*|__)?\s*(?:->|→|=>|⇒|—>|–>)\s*([\s\S]*?)\s*$/i;
const COLON_ENTRY = /^\s*(?:\*\*|__)?(?:milestone\s+|m)([A-Za-z0-9][\w.-]*?)(?:\*\*|__)?\s*[:=]\s*([\s\S]*?)\s*$/i;

/** True when the text has the arrow form of a mapping line (whatever its target). */
export function looksLikeMapping(text: string): boolean {
  return ARROW_ENTRY.test(text);
}

/** Parses the target text of a mapping line into a scope. */
export function parseMappingTarget(target: string): MilestoneScope | undefined {
  const items = /^(?:work\s*items?|items?|wi)\s*#?(\d+(?:\s*(?:,|and|&|\+|\/)\s*#?\d+)*)\b/i.exec(target);
  if (items) return { kind: 'work-items', workItems: items[1]!.split(/\s*(?:,|and|&|\+|\/)\s*/).map((s) => s.replace('#', '').trim()) };
  if (/baseline|guardrail|harness/i.test(target)) return { kind: 'baseline', description: target };
  if (/validation|reporting|verification|end-to-end/i.test(target)) return { kind: 'validation', description: target };
  if (/^[^\d]*[A-Za-z]{3,}/.test(target.trim())) return { kind: 'other', description: target };
  return undefined;
}

/**
 * Parses `Milestone 1 -> work item 2` (arrows: `->`, `→`, `=>`), or, when `allowColon` is set
 * (inside a mapping section), `Milestone 1: work item 2`. Returns undefined when the line is not a
 * mapping line at all, and `{ error }` when it is one but its target cannot be understood.
 */
export function parseMappingLine(text: string, allowColon = false): MappingEntry | { error: string } | undefined {
  const m = ARROW_ENTRY.exec(text) ?? (allowColon ? COLON_ENTRY.exec(text) : null);
  if (!m) return undefined;
  const id = m[1]!;
  const rest = m[2]!.replace(/\s+/g, ' ');
  const scope = parseMappingTarget(rest);
  if (!scope) return { error: `milestone ${id}: cannot understand the mapping target "${rest}"` };
  return { id, scope, text: rest };
}
