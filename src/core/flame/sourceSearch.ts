/**
 * Finds where a span is defined in Rust source: `info_span!("name")` (any level, `span!(Level::X,
 * "name")`, with or without `target:`), `#[instrument(name = "name")]`, an `#[instrument]`ed
 * `fn name`, and as a last resort a plain `fn name`.
 */

export type DefinitionKind = 'span-macro' | 'instrument-name' | 'instrument-fn' | 'fn';

export interface SpanDefinition {
  kind: DefinitionKind;
  /** 1-based line and 0-based column of the name in the text. */
  line: number;
  column: number;
}

/** Lower is a better match. */
export const DEFINITION_RANK: Record<DefinitionKind, number> = {
  'span-macro': 0,
  'instrument-name': 0,
  'instrument-fn': 1,
  fn: 2,
};

/** How far past a macro's opening parenthesis the span name may be written. */
const MACRO_WINDOW = 400;

export function findSpanDefinitions(text: string, spanName: string): SpanDefinition[] {
  const fnName = lastSegment(spanName);
  // Cheap reject: most files mention neither (the name's text before any quote or backslash,
  // since those are escaped in the source).
  const probe = spanName.split(/["\\]/)[0];
  if (!text.includes(probe.length >= 3 ? probe : spanName) && !text.includes(fnName)) return [];
  const lines = lineStarts(text);
  const out: SpanDefinition[] = [];
  const at = (offset: number, kind: DefinitionKind) => {
    const line = lineOf(lines, offset);
    out.push({ kind, line: line + 1, column: offset - lines[line] });
  };

  for (const m of text.matchAll(/\b(?:(?:trace|debug|info|warn|error)_)?span!\s*\(/g)) {
    const open = m.index! + m[0].length;
    const lit = firstNameLiteral(text, open, open + MACRO_WINDOW);
    if (lit && lit.value === spanName) at(lit.offset, 'span-macro');
  }

  for (const m of text.matchAll(/#\[\s*(?:tracing::)?instrument\b/g)) {
    const attrEnd = attributeEnd(text, m.index!);
    if (attrEnd < 0) continue;
    const attr = text.slice(m.index!, attrEnd);
    const named = /\bname\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(attr);
    if (named) {
      if (unescape(named[1]) === spanName) at(m.index! + named.index + named[0].indexOf('"') + 1, 'instrument-name');
      continue;
    }
    const fn =
      /^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern(?:\s+"[^"]*")?)\s+)*fn\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(
        text.slice(attrEnd, attrEnd + 600),
      );
    if (fn && fn[1] === fnName) at(attrEnd + fn.index + fn[0].length - fn[1].length, 'instrument-fn');
  }

  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(fnName)) {
    const re = new RegExp(`\\bfn\\s+${fnName}\\b`, 'g');
    for (const m of text.matchAll(re)) {
      const offset = m.index! + m[0].length - fnName.length;
      if (!out.some((d) => d.kind === 'instrument-fn' && lines[d.line - 1] + d.column === offset)) at(offset, 'fn');
    }
  }
  return out.sort((a, b) => DEFINITION_RANK[a.kind] - DEFINITION_RANK[b.kind] || a.line - b.line);
}

/** The first string literal that is not a `target: "..."` or `parent: ...` argument. */
function firstNameLiteral(text: string, from: number, to: number): { value: string; offset: number } | undefined {
  const end = Math.min(text.length, to);
  let depth = 0;
  for (let i = from; i < end; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) return undefined;
      depth--;
    } else if (ch === '"') {
      const close = closingQuote(text, i + 1);
      if (close < 0) return undefined;
      const before = text.slice(Math.max(from, i - 12), i);
      if (depth === 0 && !/\btarget\s*:\s*$/.test(before)) return { value: unescape(text.slice(i + 1, close)), offset: i + 1 };
      i = close;
    }
  }
  return undefined;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** Offset just past the `]` closing the attribute starting at `start` (`#[`). */
function attributeEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start + 1; i < text.length && i < start + 2000; i++) {
    const ch = text[i];
    if (ch === '"') {
      i = closingQuote(text, i + 1);
      if (i < 0) return -1;
    } else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

function lastSegment(s: string): string {
  const i = s.lastIndexOf('::');
  return i < 0 ? s : s.slice(i + 2);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Picks the workspace file a trace location means. Traces carry paths as the compiler saw them
 * (`src/main.rs`, `crates/x/src/lib.rs`, or absolute); several crates can have a `src/main.rs`, so a
 * candidate whose crate directory matches the span's module path (`my_crate::module`) wins.
 */
export function pickLocationCandidate(traceFile: string, candidates: readonly string[], target?: string): string | undefined {
  const split = (p: string) =>
    p
      .replace(/\\/g, '/')
      .replace(/^\.\//, '')
      .split('/')
      .filter((x) => x !== '');
  const want = split(traceFile);
  // Score: how many trailing path segments agree; the longest agreement wins.
  const scored = candidates.map((c) => {
    const have = split(c);
    let k = 0;
    while (k < want.length && k < have.length && want[want.length - 1 - k] === have[have.length - 1 - k]) k++;
    // A match must cover the whole of the shorter path.
    return { c, k: k === Math.min(want.length, have.length) ? k : 0 };
  });
  const best = Math.max(0, ...scored.map((x) => x.k));
  if (best === 0) return undefined;
  const matching = scored.filter((x) => x.k === best).map((x) => x.c);
  if (matching.length === 1) return matching[0];
  const crate = target?.split('::')[0]?.replace(/-/g, '_');
  if (crate) {
    const byCrate = matching.find((c) => split(c).some((d) => d.replace(/-/g, '_') === crate));
    if (byCrate) return byCrate;
  }
  // Shortest path: the least nested match is the likeliest.
  return [...matching].sort((a, b) => a.length - b.length)[0];
}
