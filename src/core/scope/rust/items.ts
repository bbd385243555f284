import { lexRust, type Comment, type Lexed, type LexProblem, type Token } from './lexer';

export type RustItemKind =
  'fn' | 'impl' | 'struct' | 'enum' | 'union' | 'trait' | 'mod' | 'macro_rules' | 'macro' | 'extern' | 'const' | 'static';

/** A Rust item with a body (or a declaration such as `fn f();`), as found by structure alone. */
export interface RustItem {
  kind: RustItemKind;
  /** `merkle_root`, `MerkleTree`, `Drop for MerkleTree`, `thread_local`… */
  name: string;
  /** First line of the item including its outer attributes and doc comments. */
  startLine: number;
  /** Line of the item's keyword (`fn`, `impl`…) or macro name. */
  headerLine: number;
  /** Line of its closing delimiter (or `;`). */
  endLine: number;
  children: RustItem[];
}

export interface RustItems {
  items: RustItem[];
  problems: LexProblem[];
}

/** Where an item can be found: inside function bodies only items with bodies count (no macro calls). */
type Container = 'file' | 'mod' | 'impl' | 'macro' | 'fn' | 'block';

const FN_QUALIFIERS = new Set(['fn', 'unsafe', 'async', 'extern', 'const', 'safe']);
const CONTEXTUAL_QUALIFIERS = new Set(['default', 'safe', 'auto']);
const QUALIFIED_KEYWORDS = new Set(['fn', 'impl', 'unsafe', 'const', 'async', 'type', 'trait', 'extern', 'static']);

class ItemFinder {
  private readonly tokens: Token[];
  private readonly match: Int32Array;
  private readonly comments: Comment[];

  constructor(lexed: Lexed) {
    this.tokens = lexed.tokens;
    this.match = lexed.match;
    this.comments = lexed.comments;
  }

  private isPunct(k: number, value: string): boolean {
    const t = this.tokens[k];
    return t !== undefined && t.kind === 'punct' && t.value === value;
  }

  private isIdent(k: number, value?: string): boolean {
    const t = this.tokens[k];
    return t !== undefined && t.kind === 'ident' && (value === undefined || t.value === value);
  }

  /** The index after the group opened at k (or `to` when it is never closed). */
  private after(k: number, to: number): number {
    const m = this.match[k];
    return m < 0 || m >= to ? to : m + 1;
  }

  scan(from: number, to: number, container: Container): RustItem[] {
    const items: RustItem[] = [];
    let i = from;
    let atItem = true;
    let attrStart = -1;
    while (i < to) {
      const t = this.tokens[i];
      if (t.kind === 'punct' && t.value === '#') {
        if (this.isPunct(i + 1, '[')) {
          if (atItem && attrStart < 0) attrStart = i;
          i = this.after(i + 1, to);
          continue;
        }
        if (this.isPunct(i + 1, '!') && this.isPunct(i + 2, '[')) {
          i = this.after(i + 2, to);
          continue;
        }
      }
      if (atItem && t.kind === 'ident') {
        const found = this.itemAt(i, to, container);
        if (found) {
          const first = attrStart >= 0 ? attrStart : i;
          found.item.startLine = this.docStartLine(first);
          items.push(found.item);
          i = found.next;
          attrStart = -1;
          continue;
        }
      }
      attrStart = -1;
      if (t.kind === 'punct') {
        if (t.value === '{') {
          const close = this.match[i] < 0 || this.match[i] >= to ? to : this.match[i];
          items.push(...this.scan(i + 1, close, container === 'fn' || container === 'block' ? 'block' : 'macro'));
          i = close + 1;
          atItem = true;
          continue;
        }
        if (t.value === '(' || t.value === '[') {
          i = this.after(i, to);
          atItem = false;
          continue;
        }
        if (t.value === ';' || t.value === '}') {
          atItem = true;
          i++;
          continue;
        }
      }
      atItem = false;
      i++;
    }
    return items;
  }

  /** Outer doc comments right before the item's first token extend it upwards. */
  private docStartLine(first: number): number {
    const t = this.tokens[first];
    const prevEnd = first > 0 ? this.tokens[first - 1].end : 0;
    let line = t.line;
    // Comments are in text order; find the last one before the token, walk back while in the gap.
    let lo = 0;
    let hi = this.comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.comments[mid].start < t.start) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo - 1; k >= 0; k--) {
      const c = this.comments[k];
      if (c.start < prevEnd) break;
      if (c.doc === 'outer') line = Math.min(line, c.line);
    }
    return line;
  }

  private itemAt(i: number, to: number, container: Container): { item: RustItem; next: number } | undefined {
    let j = i;
    let qualified = false;
    for (;;) {
      const t = this.tokens[j];
      if (!t || t.kind !== 'ident') return undefined;
      const v = t.value;
      if (v === 'pub') {
        j++;
        if (this.isPunct(j, '(')) j = this.after(j, to);
      } else if (v === 'async' || v === 'unsafe') {
        if (!this.isIdent(j + 1)) return undefined; // `unsafe { … }`, `async move { … }`
        j++;
      } else if (v === 'const') {
        // `const fn`, `const unsafe fn`…; otherwise a const item (`const N: usize = 4;`).
        if (!(this.isIdent(j + 1) && FN_QUALIFIERS.has(this.tokens[j + 1].value))) break;
        j++;
      } else if (CONTEXTUAL_QUALIFIERS.has(v) && this.isIdent(j + 1) && QUALIFIED_KEYWORDS.has(this.tokens[j + 1].value)) {
        j++;
      } else if (v === 'extern') {
        j++;
        if (this.tokens[j]?.kind === 'literal') j++;
        if (this.isPunct(j, '{')) return this.body(i, j, j, to, 'extern', 'extern', 'mod');
        if (this.isIdent(j, 'crate')) return undefined;
      } else break;
      qualified = true;
      if (j >= to) return undefined;
    }
    const kw = this.tokens[j];
    switch (kw.value) {
      case 'fn': {
        if (!this.isIdent(j + 1)) return undefined; // a fn pointer type
        return this.headerThenBody(i, j, j + 2, to, 'fn', this.tokens[j + 1].value, 'fn');
      }
      case 'impl':
        return this.headerThenBody(i, j, j + 1, to, 'impl', this.implName(j + 1, to), 'impl');
      case 'trait':
        if (!this.isIdent(j + 1)) return undefined;
        return this.headerThenBody(i, j, j + 2, to, 'trait', this.tokens[j + 1].value, 'impl');
      case 'struct':
      case 'enum':
      case 'union':
        if (!this.isIdent(j + 1)) return undefined;
        return this.headerThenBody(i, j, j + 2, to, kw.value, this.tokens[j + 1].value, undefined);
      case 'mod':
        if (!this.isIdent(j + 1)) return undefined;
        if (this.isPunct(j + 2, ';')) return { item: this.item('mod', this.tokens[j + 1].value, j, j + 2, []), next: j + 3 };
        if (this.isPunct(j + 2, '{')) return this.body(i, j, j + 2, to, 'mod', this.tokens[j + 1].value, 'mod');
        return undefined;
      case 'const':
      case 'static': {
        // Item-level constants and statics (also associated consts); not `let`-like ones in bodies.
        if (container !== 'file' && container !== 'mod' && container !== 'impl' && container !== 'macro') return undefined;
        let n = j + 1;
        while (this.isIdent(n, 'mut') || this.isIdent(n, 'ref')) n++;
        if (!this.isIdent(n) || !this.isPunct(n + 1, ':')) return undefined;
        return this.untilSemicolon(j, n + 2, to, kw.value, this.tokens[n].value);
      }
      case 'macro_rules':
        if (qualified || !this.isPunct(j + 1, '!') || !this.isIdent(j + 2)) return undefined;
        return this.macroGroup(j, j + 3, to, 'macro_rules', this.tokens[j + 2].value, undefined);
      default:
        if (qualified || (container !== 'file' && container !== 'mod' && container !== 'impl' && container !== 'macro')) return undefined;
        return this.macroCall(j, to);
    }
  }

  /** `path::to::name! { … }`, `name!(…);` at item level. */
  private macroCall(j: number, to: number): { item: RustItem; next: number } | undefined {
    let k = j;
    const parts: string[] = [];
    for (;;) {
      if (!this.isIdent(k)) return undefined;
      parts.push(this.tokens[k].value);
      if (this.isPunct(k + 1, ':') && this.isPunct(k + 2, ':')) {
        k += 3;
        continue;
      }
      break;
    }
    if (!this.isPunct(k + 1, '!')) return undefined;
    let open = k + 2;
    if (this.isIdent(open)) open++; // `macro_name! ident { … }` forms
    return this.macroGroup(j, open, to, 'macro', parts.join('::'), 'macro');
  }

  private macroGroup(j: number, open: number, to: number, kind: RustItemKind, name: string, children: Container | undefined) {
    const t = this.tokens[open];
    if (!t || t.kind !== 'punct' || (t.value !== '{' && t.value !== '(' && t.value !== '[')) return undefined;
    let close = this.match[open] < 0 || this.match[open] >= to ? to - 1 : this.match[open];
    const inner = children ? this.scan(open + 1, close, children) : [];
    if (t.value !== '{' && this.isPunct(close + 1, ';')) close++;
    return { item: this.item(kind, name, j, close, inner), next: close + 1 };
  }

  /** Scans a header (generics, parameters, return type, where clause) up to its `{` or `;`. */
  private headerThenBody(
    i: number,
    kw: number,
    from: number,
    to: number,
    kind: RustItemKind,
    name: string,
    children: Container | undefined,
  ) {
    let angle = 0;
    for (let k = from; k < to;) {
      const t = this.tokens[k];
      if (t.kind === 'punct') {
        const v = t.value;
        if (v === '(' || v === '[') {
          k = this.after(k, to);
          continue;
        }
        if (v === '<') angle++;
        else if (v === '>') {
          const prev = this.tokens[k - 1];
          const arrow = prev.kind === 'punct' && (prev.value === '-' || prev.value === '=') && prev.end === t.start;
          if (!arrow && angle > 0) angle--;
        } else if (v === '{') {
          if (angle > 0) {
            k = this.after(k, to); // a const generic argument `{ N + 1 }`
            continue;
          }
          return this.body(i, kw, k, to, kind, name, children);
        } else if (v === ';') {
          return { item: this.item(kind, name, kw, k, []), next: k + 1 };
        } else if (v === '}') return undefined;
      }
      k++;
    }
    return undefined;
  }

  /** An item ending at its `;` (groups in its type and value skipped). */
  private untilSemicolon(kw: number, from: number, to: number, kind: RustItemKind, name: string) {
    for (let k = from; k < to;) {
      const t = this.tokens[k];
      if (t.kind === 'punct') {
        if (t.value === '(' || t.value === '[' || t.value === '{') {
          k = this.after(k, to);
          continue;
        }
        if (t.value === ';') return { item: this.item(kind, name, kw, k, []), next: k + 1 };
        if (t.value === '}' || t.value === ')' || t.value === ']') return undefined;
      }
      k++;
    }
    return undefined;
  }

  private body(_i: number, kw: number, open: number, to: number, kind: RustItemKind, name: string, children: Container | undefined) {
    const close = this.match[open] < 0 || this.match[open] >= to ? to - 1 : this.match[open];
    const inner = children ? this.scan(open + 1, close, children) : [];
    return { item: this.item(kind, name, kw, close, inner), next: close + 1 };
  }

  private item(kind: RustItemKind, name: string, kw: number, last: number, children: RustItem[]): RustItem {
    const header = this.tokens[kw];
    const end = this.tokens[Math.min(last, this.tokens.length - 1)];
    return { kind, name, startLine: header.line, headerLine: header.line, endLine: Math.max(end.endLine, header.line), children };
  }

  /** `impl<T> Trait for Type<T>` -> `Trait for Type`: identifiers outside angle brackets. */
  private implName(from: number, to: number): string {
    const parts: string[] = [];
    let angle = 0;
    for (let k = from; k < to; k++) {
      const t = this.tokens[k];
      if (t.kind === 'punct') {
        if (t.value === '{' || t.value === ';') break;
        if (t.value === '<') angle++;
        else if (t.value === '>' && angle > 0) angle--;
        else if ((t.value === ':' && this.isPunct(k + 1, ':')) || t.value === '!' || t.value === '&') {
          if (angle === 0) parts.push(t.value === ':' ? '::' : t.value);
          if (t.value === ':') k++;
        }
        continue;
      }
      if (t.kind === 'ident' && angle === 0) {
        if (t.value === 'where') break;
        parts.push(t.value);
      }
    }
    return (
      parts
        .join(' ')
        .replace(/ ?:: ?/g, '::')
        .replace(/! /g, '!')
        .replace(/& /g, '&') || 'impl'
    );
  }
}

/** Every item of a Rust source text, nested, with the lexer's problems. */
export function findRustItems(text: string | Lexed): RustItems {
  const lexed = typeof text === 'string' ? lexRust(text) : text;
  const finder = new ItemFinder(lexed);
  return { items: finder.scan(0, lexed.tokens.length, 'file'), problems: lexed.problems };
}

/** The items containing a line, outermost first. */
export function itemPath(items: readonly RustItem[], line: number): RustItem[] {
  const path: RustItem[] = [];
  let level: readonly RustItem[] = items;
  for (;;) {
    const hit = level.find((it) => it.startLine <= line && line <= it.endLine);
    if (!hit) return path;
    path.push(hit);
    level = hit.children;
  }
}

/** The innermost item containing a line (fn, method, impl, struct, mod, macro…), if any. */
export function enclosingItem(items: readonly RustItem[], line: number): RustItem | undefined {
  const path = itemPath(items, line);
  return path[path.length - 1];
}
