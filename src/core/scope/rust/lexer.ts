/**
 * A Rust lexer precise enough to find structure: it knows every kind of literal and comment that
 * can hide a brace (strings with escapes, raw strings `r#"…"#`, byte and C strings, char literals
 * versus lifetimes and labels, nested block comments), and nothing more. Numbers and operators are
 * coarse; delimiters are exact.
 */

export type TokenKind = 'ident' | 'lifetime' | 'literal' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Offsets into the text: [start, end). */
  start: number;
  end: number;
  /** 1-based lines of the first and last character. */
  line: number;
  endLine: number;
  /** Identifier text (raw identifiers without `r#`) or the punctuation character. */
  value: string;
}

export interface Comment {
  start: number;
  end: number;
  line: number;
  endLine: number;
  /** `outer`: a `///` or `/**` comment (documents the next item); `inner`: `//!` or `/*!`. */
  doc: 'outer' | 'inner' | undefined;
  block: boolean;
}

export interface LexProblem {
  line: number;
  message: string;
}

export interface Lexed {
  text: string;
  tokens: Token[];
  comments: Comment[];
  /** For each token index: the index of the matching delimiter, or -1 (not a delimiter, or unmatched). */
  match: Int32Array;
  problems: LexProblem[];
}

const NL = 10;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

function isIdentContinue(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isWhitespace(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 11 ||
    c === 12 ||
    c === 0x85 ||
    c === 0x200e ||
    c === 0x200f ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0xfeff
  );
}

const OPEN: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
const CLOSE: Record<string, string> = { '}': '{', ')': '(', ']': '[' };

export function lexRust(text: string): Lexed {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const problems: LexProblem[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  /** Advances over [from, to) counting newlines; returns the line at `to`. */
  const countLines = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (text.charCodeAt(k) === NL) line++;
  };

  const push = (kind: TokenKind, start: number, end: number, startLine: number, value = ''): void => {
    tokens.push({ kind, start, end, line: startLine, endLine: line, value });
  };

  /** A quoted literal with backslash escapes; `i` is at the opening quote. Returns its end. */
  const quoted = (quote: number, startLine: number, what: string): number => {
    let k = i + 1;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 92) {
        if (text.charCodeAt(k + 1) === NL) line++;
        k += 2;
        continue;
      }
      if (c === NL) line++;
      if (c === quote) return k + 1;
      k++;
    }
    problems.push({ line: startLine, message: `unterminated ${what} starting here` });
    return n;
  };

  /** A raw string body after its opening quote at `k`, closed by `"` plus `hashes` `#`. */
  const raw = (k: number, hashes: number, startLine: number): number => {
    const closing = '"' + '#'.repeat(hashes);
    const end = text.indexOf(closing, k + 1);
    if (end < 0) {
      countLines(k, n);
      problems.push({ line: startLine, message: `unterminated raw string (r${'#'.repeat(hashes)}"…"${'#'.repeat(hashes)}) starting here` });
      return n;
    }
    countLines(k, end);
    return end + closing.length;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      line++;
      i++;
      continue;
    }
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    const startLine = line;

    // Comments.
    if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        let end = text.indexOf('\n', i);
        if (end < 0) end = n;
        const third = text.charCodeAt(i + 2);
        const doc = third === 33 ? 'inner' : third === 47 && text.charCodeAt(i + 3) !== 47 ? 'outer' : undefined;
        comments.push({ start: i, end, line, endLine: line, doc, block: false });
        i = end;
        continue;
      }
      if (d === 42) {
        let depth = 1;
        let k = i + 2;
        while (k < n && depth > 0) {
          const e = text.charCodeAt(k);
          if (e === NL) line++;
          if (e === 47 && text.charCodeAt(k + 1) === 42) {
            depth++;
            k += 2;
          } else if (e === 42 && text.charCodeAt(k + 1) === 47) {
            depth--;
            k += 2;
          } else k++;
        }
        if (depth > 0) problems.push({ line: startLine, message: 'unterminated block comment starting here' });
        const third = text.charCodeAt(i + 2);
        const fourth = text.charCodeAt(i + 3);
        const doc = third === 33 ? 'inner' : third === 42 && fourth !== 42 && fourth !== 47 ? 'outer' : undefined;
        comments.push({ start: i, end: k, line: startLine, endLine: line, doc, block: true });
        i = k;
        continue;
      }
    }

    // Identifiers, keywords and prefixed literals (r"", r#""#, b"", b'', br"", c"", cr"", r#ident).
    if (isIdentStart(c)) {
      let k = i + 1;
      while (k < n && isIdentContinue(text.charCodeAt(k))) k++;
      const word = text.slice(i, k);
      const next = text.charCodeAt(k);
      if (k - i <= 2 && (word === 'r' || word === 'br' || word === 'cr' || word === 'b' || word === 'c')) {
        const rawPrefix = word === 'r' || word === 'br' || word === 'cr';
        if (next === 34 /* " */) {
          if (rawPrefix) {
            const end = raw(k, 0, startLine);
            push('literal', i, end, startLine);
            i = end;
          } else {
            i = k;
            const end = quoted(34, startLine, 'string literal');
            push('literal', k - word.length, end, startLine);
            i = end;
          }
          continue;
        }
        if (next === 35 /* # */ && rawPrefix) {
          let h = k;
          while (text.charCodeAt(h) === 35) h++;
          if (text.charCodeAt(h) === 34) {
            const end = raw(h, h - k, startLine);
            push('literal', i, end, startLine);
            i = end;
            continue;
          }
          if (word === 'r' && h === k + 1 && isIdentStart(text.charCodeAt(h))) {
            let e = h + 1;
            while (e < n && isIdentContinue(text.charCodeAt(e))) e++;
            push('ident', i, e, startLine, text.slice(h, e));
            i = e;
            continue;
          }
        }
        if (next === 39 /* ' */ && word === 'b') {
          i = k;
          const end = quoted(39, startLine, 'byte literal');
          push('literal', k - 1, end, startLine);
          i = end;
          continue;
        }
      }
      push('ident', i, k, startLine, word);
      i = k;
      continue;
    }

    // Numbers (coarse: digits, suffixes, one decimal point followed by a digit, exponents).
    if (c >= 48 && c <= 57) {
      let k = i + 1;
      const hex = c === 48 && (text.charCodeAt(k) === 120 || text.charCodeAt(k) === 88);
      while (k < n) {
        const e = text.charCodeAt(k);
        if (isIdentContinue(e) && e < 0x80) k++;
        else if (e === 46 && text.charCodeAt(k + 1) >= 48 && text.charCodeAt(k + 1) <= 57) k++;
        else if ((e === 43 || e === 45) && !hex && (text.charCodeAt(k - 1) === 101 || text.charCodeAt(k - 1) === 69)) k++;
        else break;
      }
      push('literal', i, k, startLine);
      i = k;
      continue;
    }

    if (c === 34 /* " */) {
      const end = quoted(34, startLine, 'string literal');
      push('literal', i, end, startLine);
      i = end;
      continue;
    }

    // A quote starts a char literal ('x', '\n', '{', '\u{1F600}') or a lifetime/label ('a, 'static).
    if (c === 39) {
      const d = text.charCodeAt(i + 1);
      if (d === 92 /* \ */) {
        const end = quoted(39, startLine, 'character literal');
        push('literal', i, end, startLine);
        i = end;
        continue;
      }
      const cp = text.codePointAt(i + 1);
      const width = cp !== undefined && cp > 0xffff ? 2 : 1;
      if (cp !== undefined && cp !== NL && text.charCodeAt(i + 1 + width) === 39) {
        push('literal', i, i + 2 + width, startLine);
        i += 2 + width;
        continue;
      }
      if (d !== undefined && isIdentStart(d)) {
        let k = i + 2;
        while (k < n && isIdentContinue(text.charCodeAt(k))) k++;
        push('lifetime', i, k, startLine, text.slice(i + 1, k));
        i = k;
        continue;
      }
      push('punct', i, i + 1, startLine, "'");
      i++;
      continue;
    }

    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    push('punct', i, i + width, startLine, text.slice(i, i + width));
    i += width;
  }

  return { text, tokens, comments, match: matchDelimiters(tokens, problems), problems };
}

function matchDelimiters(tokens: Token[], problems: LexProblem[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== 'punct') continue;
    if (OPEN[t.value] !== undefined) {
      stack.push(k);
      continue;
    }
    const opener = CLOSE[t.value];
    if (opener === undefined) continue;
    let depth = stack.length - 1;
    while (depth >= 0 && tokens[stack[depth]].value !== opener) depth--;
    if (depth < 0) {
      problems.push({ line: t.line, message: `unmatched '${t.value}'` });
      continue;
    }
    while (stack.length - 1 > depth) {
      const lost = stack.pop()!;
      problems.push({
        line: tokens[lost].line,
        message: `'${tokens[lost].value}' is never closed (closed early by '${t.value}' at line ${t.line})`,
      });
    }
    const open = stack.pop()!;
    match[open] = k;
    match[k] = open;
  }
  for (const open of stack) problems.push({ line: tokens[open].line, message: `'${tokens[open].value}' is never closed` });
  return match;
}
