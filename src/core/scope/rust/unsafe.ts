import { lexRust, type Lexed } from './lexer';

export type UnsafeKind = 'block' | 'fn' | 'impl' | 'trait' | 'extern';

export interface UnsafeSite {
  /** 1-based line of the `unsafe` keyword. */
  line: number;
  /** 1-based column of the keyword (UTF-16). */
  column: number;
  kind: UnsafeKind;
  /** A `// SAFETY:` comment (or, for `unsafe fn`/`unsafe trait`, a `# Safety` doc section) goes with it. */
  documented: boolean;
}

const SAFETY_COMMENT = /SAFETY:/i;
const SAFETY_DOC_SECTION = /^[\s/*!]*#+\s*safety\b/im;
/** How far back a statement's start is looked for. */
const MAX_WALK_BACK = 2000;

/**
 * Every `unsafe` in the code (not in strings or comments, not `#[unsafe(…)]` attributes), and
 * whether a safety comment goes with it: in the comments right before its statement or item
 * (after the previous `;`, `{`, `}` or `,`), inside the statement before the keyword, or on the
 * keyword's own line.
 */
export function findUnsafe(text: string | Lexed): UnsafeSite[] {
  const lexed = typeof text === 'string' ? lexRust(text) : text;
  const { tokens, comments, match } = lexed;
  const sites: UnsafeSite[] = [];
  if (!lexed.text.includes('unsafe')) return sites;
  const lineStarts = lineStartOffsets(lexed.text);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== 'ident' || t.value !== 'unsafe') continue;
    const next = tokens[k + 1];
    if (!next || (next.kind === 'punct' && next.value === '(')) continue; // `#[unsafe(no_mangle)]`
    const kind = unsafeKind(lexed, k);
    // The statement or item start: walk back over balanced groups to a separator.
    let s = k;
    for (let steps = 0; s > 0 && steps < MAX_WALK_BACK; steps++) {
      const p = tokens[s - 1];
      if (p.kind === 'punct') {
        if (p.value === ')' || p.value === ']') {
          const open = match[s - 1];
          if (open < 0) break;
          s = open;
          continue;
        }
        if (p.value === ';' || p.value === '{' || p.value === '}' || p.value === ',') break;
      }
      s--;
    }
    const from = s > 0 ? tokens[s - 1].end : 0;
    const lineEnd = t.line < lineStarts.length ? lineStarts[t.line] : lexed.text.length;
    let documented = false;
    for (const c of commentsBetween(comments, from, lineEnd)) {
      const body = lexed.text.slice(c.start, c.end);
      if (SAFETY_COMMENT.test(body) || ((kind === 'fn' || kind === 'trait') && c.doc === 'outer' && SAFETY_DOC_SECTION.test(body))) {
        documented = true;
        break;
      }
    }
    sites.push({ line: t.line, column: t.start - lineStarts[t.line - 1] + 1, kind, documented });
  }
  return sites;
}

function unsafeKind(lexed: Lexed, k: number): UnsafeKind {
  const { tokens } = lexed;
  let j = k + 1;
  if (tokens[j]?.kind === 'ident' && tokens[j].value === 'extern') {
    j++;
    if (tokens[j]?.kind === 'literal') j++;
    if (tokens[j]?.kind === 'punct' && tokens[j].value === '{') return 'extern';
  }
  const t = tokens[j];
  if (t?.kind === 'ident') {
    if (t.value === 'fn') return 'fn';
    if (t.value === 'impl') return 'impl';
    if (t.value === 'trait' || t.value === 'auto') return 'trait';
  }
  return 'block';
}

function* commentsBetween(comments: Lexed['comments'], from: number, to: number) {
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid].end <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < comments.length && comments[k].start < to; k++) {
    if (comments[k].start >= from) yield comments[k];
  }
}

/** Offset of the first character of each line (index 0 = line 1). */
export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
