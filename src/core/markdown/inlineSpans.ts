import type MarkdownIt from 'markdown-it';
import type StateInline from 'markdown-it/lib/rules_inline/state_inline.mjs';
import type Token from 'markdown-it/lib/token.mjs';

/** The rule list a Ruler keeps; not in the published types, but stable since markdown-it 4. */
interface RuleList<F> {
  __rules__: { name: string; fn: F; alt: string[] }[];
}

function rulesOf<F>(ruler: unknown): RuleList<F>['__rules__'] {
  return (ruler as RuleList<F>).__rules__;
}

/** Start and end offsets of an inline token in the inline source it was parsed from. */
export type Span = [start: number, end: number];

/**
 * Spans live in the token's `meta` field, which no core rule uses: packed into one number while
 * offsets fit in 26 bits, so recording them allocates nothing (a map or a pair per token made the
 * collector the largest cost of a parse).
 */
const PACK = 2 ** 26;

export function setSpan(t: Token, start: number, end: number): void {
  t.meta = end < PACK ? start * PACK + end : [start, end];
}

export function spanOf(t: Token): Span | undefined {
  const m: unknown = t.meta;
  if (typeof m === 'number') return [Math.floor(m / PACK), m % PACK];
  return Array.isArray(m) ? (m as Span) : undefined;
}

export function spanStart(t: Token): number {
  const m: unknown = t.meta;
  return typeof m === 'number' ? Math.floor(m / PACK) : (m as Span)[0];
}

export function spanEnd(t: Token): number {
  const m: unknown = t.meta;
  return typeof m === 'number' ? m % PACK : (m as Span)[1];
}

export function hasSpan(t: Token): boolean {
  return t.meta !== null && t.meta !== undefined;
}

/**
 * Records where every inline token came from. markdown-it keeps line ranges for blocks only; the
 * catalog needs the column of each reference, so each inline rule is wrapped to note the source
 * range it consumed, and text merged by later passes keeps the start of its first piece.
 */
export function recordInlineSpans(md: MarkdownIt): void {
  const Base = md.inline.State;

  class SpanState extends Base {
    /** Where the text now pending began: text only ever grows by contiguous source slices. */
    pendingStart = 0;
    override pushPending(): Token {
      const token = super.pushPending();
      setSpan(token, this.pendingStart, this.pendingStart + token.content.length);
      return token;
    }
  }
  md.inline.State = SpanState;

  for (const rule of rulesOf<(s: StateInline, silent: boolean) => boolean>(md.inline.ruler)) {
    const fn = rule.fn;
    const wrapped = (state: StateInline, silent: boolean): boolean => {
      if (silent) return fn(state, silent);
      const s = state as SpanState;
      if (s.pending === '') s.pendingStart = s.pos;
      const start = s.pos;
      const first = s.tokens.length;
      const ok = fn(state, false);
      if (ok) annotate(rule.name, s.tokens, first, start, s.pos);
      return ok;
    };
    md.inline.ruler.at(rule.name, wrapped, { alt: rule.alt });
  }

  const joinFragments = rulesOf<(s: StateInline) => boolean>(md.inline.ruler2).find((r) => r.name === 'fragments_join')?.fn;
  if (joinFragments) {
    md.inline.ruler2.at('fragments_join', (state: StateInline) => {
      carryMergedStarts(state.tokens, (t) => t.type === 'text');
      return joinFragments(state);
    });
  }
  const joinText = rulesOf<Parameters<typeof md.core.ruler.at>[1]>(md.core.ruler).find((r) => r.name === 'text_join')?.fn;
  if (joinText) {
    md.core.ruler.at('text_join', (state) => {
      for (const block of state.tokens) {
        if (block.type === 'inline' && block.children) {
          carryMergedStarts(block.children, (t) => t.type === 'text' || t.type === 'text_special');
        }
      }
      return joinText(state);
    });
  }
}

/** Gives the tokens a rule just pushed (and that have no span yet) the source range it consumed. */
function annotate(rule: string, tokens: Token[], first: number, start: number, end: number) {
  let cursor = start;
  for (let i = first; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (hasSpan(t)) continue;
    if (rule === 'emphasis' || rule === 'strikethrough') {
      // One text token per delimiter character (or pair), in source order.
      setSpan(t, cursor, cursor + t.content.length);
      cursor += t.content.length;
    } else if (rule === 'newline') {
      // The break is the line end; the next line's indentation belongs to no node.
      setSpan(t, start, start + 1);
    } else if (t.type === 'text' && (rule === 'autolink' || rule === 'link')) {
      setSpan(t, start + 1, Math.max(start + 1, end - 1));
    } else setSpan(t, start, end);
  }
}

/**
 * The join passes fold each run of adjacent text tokens into its last token; that token must then
 * start where the run started.
 */
function carryMergedStarts(tokens: Token[], isText: (t: Token) => boolean) {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i]!;
    const b = tokens[i + 1]!;
    if (!isText(a) || !isText(b)) continue;
    const sa = spanOf(a);
    const sb = spanOf(b);
    // A delimiter emptied by the emphasis pass contributes no text, so it moves neither end.
    if (sa && sb) setSpan(b, a.content !== '' ? Math.min(sa[0], sb[0]) : sb[0], b.content !== '' ? sb[1] : sa[1]);
  }
}
