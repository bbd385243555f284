/**
 * Span names a milestone is about: the backticked names in its work items' title, problem and
 * target text (`rs_code_matrix`, `command::blit_operation`). Paths, line references and code
 * expressions in backticks are not span names and are left out.
 */
import type { WorkItem } from '../catalog/model';

/** Candidate span names in one piece of catalog text. */
export function backtickedNames(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    // `a > b > c` is a span path: each part is a name.
    for (const part of m[1].split(/\s+>\s+/)) {
      const name = part.trim().replace(/\(\s*\)$/, '');
      if (isSpanNameLike(name)) out.push(name);
    }
  }
  return out;
}

/**
 * Identifiers, dotted names (`prover.rap_constraints.round0`) and `::` paths; not file paths
 * (`src/x.rs:110`), not expressions (`stride == 1`), not literals.
 */
function isSpanNameLike(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*((\.|::)[A-Za-z_][A-Za-z0-9_]*)*$/.test(s);
}

/** The names of all the items: their titles as written (backticks kept), Problem and Target. */
export function highlightNamesForWorkItems(items: readonly WorkItem[]): string[] {
  const names = new Set<string>();
  for (const item of items) {
    for (const text of [item.writtenTitle ?? item.title, ...item.problem, ...item.target]) {
      for (const n of backtickedNames(text)) names.add(n);
    }
  }
  return [...names];
}

/**
 * Whether a span name is one of the highlighted names: equal, or equal in its last `::` segment
 * either way round (`command::blit_operation` matches a span `blit_operation`).
 */
export function matchesHighlight(spanName: string, names: ReadonlySet<string>): boolean {
  if (names.has(spanName)) return true;
  const last = lastSegment(spanName);
  if (last !== spanName && names.has(last)) return true;
  for (const n of names) {
    if (n.includes('::') && lastSegment(n) === spanName) return true;
  }
  return false;
}

function lastSegment(s: string): string {
  const i = s.lastIndexOf('::');
  return i < 0 ? s : s.slice(i + 2);
}
