import type MarkdownIt from 'markdown-it';
import type StateInline from 'markdown-it/lib/rules_inline/state_inline.mjs';

/** The backtick memory kept on the inline state; not in the published types. */
type State = StateInline & { backticksScanned: boolean };
type Rule = (state: State, silent: boolean) => boolean;

/**
 * markdown-it remembers, after one scan to the end of a paragraph, where the last backtick run of
 * each length is, and treats any opener before that as unclosed. The scan starts at the opener
 * that made it, so the memory holds only for openers after that point; but a link label is
 * scanned ahead of time, and the text before it is then read again with the memory in place.
 * In `a [b \`c\` d \`e` that lost the code span `c`, and with it any reference written in it.
 * Here an opener before the scan's start scans afresh; each scan still runs once per opener.
 */
export function fixCodeSpanMemory(md: MarkdownIt): void {
  const rules = (md.inline.ruler as unknown as { __rules__: { name: string; fn: Rule; alt: string[] }[] }).__rules__;
  const rule = rules.find((r) => r.name === 'backticks');
  if (!rule) return;
  const backticks = rule.fn;
  const scannedFrom = new WeakMap<State, number>();
  const fixed: Rule = (state, silent) => {
    const start = state.pos;
    const from = scannedFrom.get(state);
    if (state.backticksScanned && from !== undefined && start < from) state.backticksScanned = false;
    const wasScanned = state.backticksScanned;
    const ok = backticks(state, silent);
    if (!wasScanned && state.backticksScanned) scannedFrom.set(state, start);
    return ok;
  };
  md.inline.ruler.at('backticks', fixed as unknown as (s: StateInline, silent: boolean) => boolean, { alt: rule.alt });
}
