/**
 * Function definitions in C, C++, CUDA and Metal sources, found by structure alone: a small
 * lexer that knows comments, strings (with escapes and C++ raw strings `R"x(…)x"`), character
 * literals, digit separators (`1'000`) and preprocessor lines (with `\` continuations), then
 * brace matching over what is left. Headers may carry templates, `__global__`/`kernel`
 * qualifiers, attributes, `__launch_bounds__(…)`, trailing return types and constructor
 * initialiser lists.
 *
 * The answer is only given when it is reliable: any unterminated literal or comment, unmatched
 * brace, or preprocessor branch that changes the brace depth differently from its alternatives
 * makes the whole file unreliable (hotspots then stand for their lines, and the reason is said).
 */

export interface CFunction {
  /** `ntt_kernel`, `Foo::bar`, `operator+`. */
  name: string;
  /** First line of the definition (its `template` line, qualifiers, attributes). */
  startLine: number;
  /** Line of the function's name. */
  headerLine: number;
  /** Line of its closing brace. */
  endLine: number;
}

export interface CFunctions {
  functions: CFunction[];
  /** Why the structure cannot be trusted (the first problem found), if it cannot. */
  unreliable?: { line: number; reason: string };
  /** Lines (1-based, inclusive ranges) covered by preprocessor directives, in order. */
  directives: Array<[number, number]>;
}

type Kind = 'ident' | 'literal' | 'punct';

interface Tok {
  kind: Kind;
  value: string;
  line: number;
  endLine: number;
}

interface Lexed {
  tokens: Tok[];
  directives: Array<{ line: number; endLine: number; name: string; depth: number }>;
  problem?: { line: number; reason: string };
}

const NL = 10;
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 0x80;
const isIdentContinue = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

function lex(text: string): Lexed {
  const tokens: Tok[] = [];
  const directives: Lexed['directives'] = [];
  let problem: Lexed['problem'];
  const fail = (line: number, reason: string) => {
    if (!problem) problem = { line, reason };
  };
  const n = text.length;
  let i = 0;
  let line = 1;
  let atLineStart = true;
  let depth = 0;

  /** Skips a block comment starting at `k` (`/*`); returns the index after it. */
  const blockComment = (k: number): number => {
    const startLine = line;
    const end = text.indexOf('*/', k + 2);
    const stop = end < 0 ? n : end + 2;
    for (let j = k; j < stop; j++) if (text.charCodeAt(j) === NL) line++;
    if (end < 0) fail(startLine, `unterminated block comment at line ${startLine}`);
    return stop;
  };

  /** A quoted literal; `k` at the opening quote. Returns the index after it. */
  const quoted = (k: number, quote: number): number => {
    const startLine = line;
    let j = k + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) {
        if (text.charCodeAt(j + 1) === NL) line++;
        j += 2;
        continue;
      }
      if (c === NL) {
        fail(startLine, `unterminated ${quote === 34 ? 'string' : 'character'} literal at line ${startLine}`);
        return j;
      }
      if (c === quote) return j + 1;
      j++;
    }
    fail(startLine, `unterminated literal at line ${startLine}`);
    return n;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      i++;
      continue;
    }
    // Preprocessor directive: to the end of the line, following `\` continuations.
    if (c === 35 /* # */ && atLineStart) {
      const startLine = line;
      let j = i + 1;
      while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
      let e = j;
      while (e < n && isIdentContinue(text.charCodeAt(e))) e++;
      const name = text.slice(j, e);
      let k = e;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === NL) break;
        if (d === 92 && (text.charCodeAt(k + 1) === NL || (text.charCodeAt(k + 1) === 13 && text.charCodeAt(k + 2) === NL))) {
          k += text.charCodeAt(k + 1) === 13 ? 3 : 2;
          line++;
          continue;
        }
        if (d === 47 && text.charCodeAt(k + 1) === 42) {
          k = blockComment(k);
          continue;
        }
        if (d === 47 && text.charCodeAt(k + 1) === 47) {
          while (k < n && text.charCodeAt(k) !== NL) k++;
          break;
        }
        if ((d === 34 || d === 39) && name !== 'error' && name !== 'warning') {
          k = quoted(k, d);
          continue;
        }
        k++;
      }
      directives.push({ line: startLine, endLine: line, name, depth });
      i = k;
      continue;
    }
    atLineStart = false;
    if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        while (i < n && text.charCodeAt(i) !== NL) {
          // A line comment ending in `\` continues on the next line.
          if (text.charCodeAt(i) === 92 && text.charCodeAt(i + 1) === NL) {
            line++;
            i += 2;
            continue;
          }
          i++;
        }
        continue;
      }
      if (d === 42) {
        const wasLineStart = atLineStart;
        i = blockComment(i);
        atLineStart = wasLineStart;
        continue;
      }
    }
    const startLine = line;
    if (isIdentStart(c)) {
      let k = i + 1;
      while (k < n && isIdentContinue(text.charCodeAt(k))) k++;
      const word = text.slice(i, k);
      const next = text.charCodeAt(k);
      // Raw strings: R"delim( … )delim", with u8R, uR, UR, LR prefixes.
      if (next === 34 && /^(?:u8|u|U|L)?R$/.test(word)) {
        const open = text.indexOf('(', k + 1);
        const delim = open < 0 ? '' : text.slice(k + 1, open);
        if (open < 0 || delim.length > 16 || /[\s\\)]/.test(delim)) {
          fail(startLine, `unreadable raw string at line ${startLine}`);
          i = k + 1;
          continue;
        }
        const close = text.indexOf(`)${delim}"`, open + 1);
        const stop = close < 0 ? n : close + delim.length + 2;
        for (let j = i; j < stop; j++) if (text.charCodeAt(j) === NL) line++;
        if (close < 0) fail(startLine, `unterminated raw string at line ${startLine}`);
        tokens.push({ kind: 'literal', value: '', line: startLine, endLine: line });
        i = stop;
        continue;
      }
      // Prefixed strings and characters: u8"", L"", u'', U''.
      if ((next === 34 || next === 39) && /^(?:u8|u|U|L)$/.test(word)) {
        i = quoted(k, next);
        tokens.push({ kind: 'literal', value: '', line: startLine, endLine: line });
        continue;
      }
      tokens.push({ kind: 'ident', value: word, line: startLine, endLine: startLine });
      i = k;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let k = i + 1;
      while (k < n) {
        const e = text.charCodeAt(k);
        if (isIdentContinue(e) || e === 46) k++;
        else if (e === 39 && isIdentContinue(text.charCodeAt(k + 1)))
          k++; // digit separator
        else if ((e === 43 || e === 45) && (/[pP]/.test(text[k - 1]) || (/[eE]/.test(text[k - 1]) && !/^0[xX]/.test(text.slice(i, k)))))
          k++;
        else break;
      }
      tokens.push({ kind: 'literal', value: '', line: startLine, endLine: startLine });
      i = k;
      continue;
    }
    if (c === 34 || c === 39) {
      i = quoted(i, c);
      tokens.push({ kind: 'literal', value: '', line: startLine, endLine: line });
      continue;
    }
    const ch = text[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    tokens.push({ kind: 'punct', value: ch, line: startLine, endLine: startLine });
    i++;
  }
  return { tokens, directives, problem };
}

/** Preprocessor conditionals whose branches leave different brace depths make structure a guess. */
function conditionalProblem(directives: Lexed['directives']): { line: number; reason: string } | undefined {
  const stack: Array<{ line: number; start: number; ends: number[]; branchStart: number }> = [];
  for (const d of directives) {
    if (d.name === 'if' || d.name === 'ifdef' || d.name === 'ifndef') {
      stack.push({ line: d.line, start: d.depth, ends: [], branchStart: d.depth });
    } else if (d.name === 'elif' || d.name === 'else' || d.name === 'elifdef' || d.name === 'elifndef') {
      const top = stack[stack.length - 1];
      if (!top) return { line: d.line, reason: `#${d.name} without #if at line ${d.line}` };
      top.ends.push(d.depth - top.start);
      if (d.depth !== top.start)
        return { line: top.line, reason: `the #if at line ${top.line} opens or closes braces in one branch but not in another` };
    } else if (d.name === 'endif') {
      const top = stack.pop();
      if (!top) return { line: d.line, reason: `#endif without #if at line ${d.line}` };
      if (top.ends.length > 0 && d.depth !== top.start)
        return { line: top.line, reason: `the #if at line ${top.line} opens or closes braces in one branch but not in another` };
    }
  }
  if (stack.length)
    return { line: stack[stack.length - 1].line, reason: `the #if at line ${stack[stack.length - 1].line} is never closed` };
  return undefined;
}

const NOT_A_NAME = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'return',
  'sizeof',
  'alignof',
  'alignas',
  'decltype',
  'noexcept',
  'throw',
  'requires',
  'static_assert',
  '__attribute__',
  '__declspec',
  '__launch_bounds__',
  '__align__',
  '__cluster_dims__',
  '__grid_constant__',
  'defined',
  'typeof',
  '__typeof__',
]);

/** Function-shaped headers that are not definitions: their braces are skipped, not scanned. */
const TYPE_KEYWORDS = new Set(['class', 'struct', 'union']);

class Finder {
  private readonly match: Int32Array;
  readonly problem?: { line: number; reason: string };

  constructor(private readonly t: Tok[]) {
    this.match = new Int32Array(t.length).fill(-1);
    const stack: number[] = [];
    const close: Record<string, string> = { '}': '{', ')': '(', ']': '[' };
    for (let k = 0; k < t.length; k++) {
      const v = t[k];
      if (v.kind !== 'punct') continue;
      if (v.value === '{' || v.value === '(' || v.value === '[') stack.push(k);
      else if (close[v.value]) {
        const open = stack.pop();
        if (open === undefined || t[open].value !== close[v.value]) {
          this.problem = { line: v.line, reason: `unmatched '${v.value}' at line ${v.line}` };
          return;
        }
        this.match[open] = k;
        this.match[k] = open;
      }
    }
    if (stack.length)
      this.problem = {
        line: t[stack[stack.length - 1]].line,
        reason: `'${t[stack[stack.length - 1]].value}' at line ${t[stack[stack.length - 1]].line} is never closed`,
      };
  }

  private is(k: number, value: string): boolean {
    const x = this.t[k];
    return x !== undefined && x.kind !== 'literal' && x.value === value;
  }

  /** Scans declarations in a file, namespace, extern block or class body. */
  scan(from: number, to: number, inClass: boolean, out: CFunction[]): void {
    let i = from;
    while (i < to) {
      // Access labels end nothing but start the next declaration.
      if (
        inClass &&
        (this.is(i, 'public') || this.is(i, 'private') || this.is(i, 'protected')) &&
        this.is(i + 1, ':') &&
        !this.is(i + 2, ':')
      ) {
        i += 2;
        continue;
      }
      if (this.is(i, ';')) {
        i++;
        continue;
      }
      i = this.declaration(i, to, out);
    }
  }

  /** One declaration from `start`; returns the index after it. */
  private declaration(start: number, to: number, out: CFunction[]): number {
    let k = start;
    let sawEquals = false;
    let typeKeyword = false;
    let enumKeyword = false;
    let namespace = false;
    let externC = false;
    let declarator = -1; // index of the `(` of the parameter list
    let afterArrow = false;
    let angle = 0;
    while (k < to) {
      const x = this.t[k];
      if (x.kind === 'punct') {
        const v = x.value;
        if (v === ';') return k + 1;
        if (v === '(' || v === '[') {
          const prev = this.t[k - 1];
          if (
            v === '(' &&
            k > start &&
            angle === 0 &&
            !sawEquals &&
            !afterArrow &&
            prev.kind === 'ident' &&
            !NOT_A_NAME.has(prev.value) &&
            !TYPE_KEYWORDS.has(prev.value)
          )
            declarator = k;
          else if (v === '(' && k > start && angle === 0 && !sawEquals && !afterArrow && prev.kind === 'punct' && prev.value === '>') {
            const name = this.beforeTemplateArgs(k - 1, start);
            if (name >= 0) declarator = k;
          } else if (v === '(' && this.operatorAt(k, start) >= 0 && !sawEquals) declarator = k;
          k = this.after(k, to);
          continue;
        }
        if (v === '<' && this.templateContext(k, start)) angle++;
        else if (v === '>' && angle > 0) angle--;
        else if (
          v === '=' &&
          angle === 0 &&
          !this.is(k + 1, '=') &&
          !this.is(k - 1, '=') &&
          !this.is(k - 1, '!') &&
          !this.is(k - 1, '<') &&
          !this.is(k - 1, '>') &&
          this.operatorAt(k, start) < 0
        )
          sawEquals = true;
        else if (v === '-' && this.is(k + 1, '>') && declarator >= 0) afterArrow = true;
        else if (
          v === ':' &&
          !this.is(k + 1, ':') &&
          !this.is(k - 1, ':') &&
          declarator >= 0 &&
          !sawEquals &&
          !typeKeyword &&
          angle === 0
        ) {
          // Constructor initialiser list: `: a(x), b{y}` up to the body's `{`.
          const body = this.initialiserBody(k + 1, to);
          if (body >= 0) return this.define(start, declarator, body, to, out);
        } else if (v === '{') {
          if (namespace || externC) {
            const close = this.close(k, to);
            this.scan(k + 1, close, false, out);
            return close + 1;
          }
          if (typeKeyword && declarator < 0) {
            const close = this.close(k, to);
            this.scan(k + 1, close, true, out);
            return this.skipTo(close + 1, to);
          }
          if (declarator >= 0 && !sawEquals && !enumKeyword && !typeKeyword) return this.define(start, declarator, k, to, out);
          // An initialiser, an enum, or something unknown: skip its braces and go on to the `;`.
          return this.skipTo(this.close(k, to) + 1, to);
        } else if (v === '}') return k + 1;
        k++;
        continue;
      }
      if (x.kind === 'ident') {
        if (x.value === 'namespace' && declarator < 0) namespace = true;
        else if (x.value === 'extern' && this.t[k + 1]?.kind === 'literal' && this.is(k + 2, '{')) externC = true;
        else if (TYPE_KEYWORDS.has(x.value) && declarator < 0 && !sawEquals) typeKeyword = true;
        else if (x.value === 'enum' && declarator < 0) enumKeyword = true;
        else if (x.value === 'template' && this.is(k + 1, '<')) {
          const close = this.closeAngle(k + 1, to);
          k = close + 1;
          continue;
        } else if (x.value === 'operator') {
          // `operator()` / `operator[]`: the symbol's own brackets are not the parameter list.
          if ((this.is(k + 1, '(') && this.is(k + 2, ')')) || (this.is(k + 1, '[') && this.is(k + 2, ']'))) {
            if (!sawEquals) declarator = k + 3;
            k = this.is(k + 3, '(') ? this.after(k + 3, to) : k + 3;
            continue;
          }
        }
      }
      k++;
    }
    return to;
  }

  /** Whether `<` at k opens template arguments (after a name) rather than comparing. */
  private templateContext(k: number, start: number): boolean {
    const prev = this.t[k - 1];
    return k > start && prev.kind === 'ident' && prev.value !== 'operator' && !this.is(k + 1, '<') && !this.is(k + 1, '=');
  }

  /** `name<…>(`: the index of `name` when `>` at k closes template arguments after a name. */
  private beforeTemplateArgs(k: number, start: number): number {
    let depth = 0;
    for (let j = k; j > start; j--) {
      const x = this.t[j];
      if (x.kind !== 'punct') continue;
      if (x.value === ')' || x.value === ']') {
        j = this.match[j] >= 0 ? this.match[j] : j;
        continue;
      }
      if (x.value === '>') depth++;
      else if (x.value === '<') {
        depth--;
        if (depth === 0) {
          const name = this.t[j - 1];
          return name && name.kind === 'ident' && !NOT_A_NAME.has(name.value) && name.value !== 'template' ? j - 1 : -1;
        }
      } else if (x.value === ';' || x.value === '{' || x.value === '}') return -1;
    }
    return -1;
  }

  /** The `operator` token when `(` at k is the parameter list of `operator<sym>(`, else -1. */
  private operatorAt(k: number, start: number): number {
    for (let j = k - 1; j >= start && j >= k - 4; j--) {
      const x = this.t[j];
      if (x.kind === 'ident') return x.value === 'operator' ? j : -1;
    }
    return -1;
  }

  /** After `:` of an initialiser list: the index of the body's `{`, or -1. */
  private initialiserBody(k: number, to: number): number {
    for (;;) {
      // A member or base name: identifiers, `::`, template arguments.
      let sawName = false;
      while (k < to && (this.t[k].kind === 'ident' || this.is(k, ':') || this.is(k, '<') || this.is(k, '>') || this.is(k, ','))) {
        if (this.is(k, ',') && !sawName) return -1;
        if (this.is(k, ',')) break;
        if (this.is(k, '<')) {
          k = this.closeAngle(k, to) + 1;
          sawName = true;
          continue;
        }
        sawName = true;
        k++;
      }
      if (!sawName) return -1;
      if (!this.is(k, '(') && !this.is(k, '{')) return -1;
      k = this.after(k, to);
      if (this.is(k, '.') && this.is(k + 1, '.') && this.is(k + 2, '.')) k += 3;
      if (this.is(k, ',')) {
        k++;
        continue;
      }
      return this.is(k, '{') ? k : -1;
    }
  }

  private define(start: number, declarator: number, open: number, to: number, out: CFunction[]): number {
    const close = this.close(open, to);
    const nameTok = this.nameBefore(declarator, start);
    out.push({
      name: nameTok.name,
      startLine: this.t[start].line,
      headerLine: nameTok.line,
      endLine: this.t[Math.min(close, this.t.length - 1)].line,
    });
    // `try { … } catch (…) { … }` function-try-blocks: the handlers belong to the function too.
    let next = close + 1;
    while (this.is(next, 'catch') && this.is(next + 1, '(')) {
      const body = this.after(next + 1, to);
      if (!this.is(body, '{')) break;
      const end = this.close(body, to);
      out[out.length - 1].endLine = this.t[end].line;
      next = end + 1;
    }
    return next;
  }

  /** The qualified name before a parameter list: `Foo::bar`, `~Foo`, `operator+`, `kernel<T>`. */
  private nameBefore(paren: number, start: number): { name: string; line: number } {
    let j = paren - 1;
    const op = this.operatorAt(paren, start);
    if (op >= 0 && this.t[paren - 1].kind === 'punct') {
      const sym = this.t
        .slice(op + 1, paren)
        .map((x) => x.value)
        .join('');
      return { name: this.qualifier(op, start) + 'operator' + sym, line: this.t[op].line };
    }
    if (this.is(j, ')') && this.is(j - 1, '(') && this.is(j - 2, 'operator'))
      return { name: this.qualifier(j - 2, start) + 'operator()', line: this.t[j - 2].line };
    if (this.is(j, ']') && this.is(j - 1, '[') && this.is(j - 2, 'operator'))
      return { name: this.qualifier(j - 2, start) + 'operator[]', line: this.t[j - 2].line };
    if (this.is(j, '>')) {
      const n = this.beforeTemplateArgs(j, start);
      if (n >= 0) j = n;
    }
    const x = this.t[j];
    let name = x.value;
    if (this.is(j - 1, '~')) name = '~' + name;
    return { name: this.qualifier(this.is(j - 1, '~') ? j - 1 : j, start) + name, line: x.line };
  }

  /** `A::B::` before the token at k. */
  private qualifier(k: number, start: number): string {
    const parts: string[] = [];
    let j = k;
    while (j - 3 >= start - 1 && this.is(j - 1, ':') && this.is(j - 2, ':') && this.t[j - 3]?.kind === 'ident') {
      parts.unshift(this.t[j - 3].value);
      j -= 3;
    }
    return parts.length ? parts.join('::') + '::' : '';
  }

  private after(k: number, to: number): number {
    const m = this.match[k];
    return m < 0 || m >= to ? to : m + 1;
  }

  private close(k: number, to: number): number {
    const m = this.match[k];
    return m < 0 || m >= to ? to - 1 : m;
  }

  /** The `>` closing a template parameter list opened at k (brackets skipped). */
  private closeAngle(k: number, to: number): number {
    let depth = 0;
    for (let j = k; j < to; j++) {
      const x = this.t[j];
      if (x.kind !== 'punct') continue;
      if (x.value === '(' || x.value === '[' || x.value === '{') {
        j = this.close(j, to);
        continue;
      }
      if (x.value === '<') depth++;
      else if (x.value === '>') {
        depth--;
        if (depth === 0) return j;
      } else if (x.value === ';') return j - 1;
    }
    return to - 1;
  }

  /** Skips to after the `;` ending a declaration whose braces were skipped (or to a new line of code). */
  private skipTo(k: number, to: number): number {
    while (k < to) {
      if (this.is(k, ';')) return k + 1;
      if (this.is(k, '{') || this.is(k, '(') || this.is(k, '[')) {
        k = this.after(k, to);
        continue;
      }
      if (this.is(k, '}')) return k;
      k++;
    }
    return to;
  }
}

/** The function definitions of a C, C++, CUDA or Metal source, when they can be found reliably. */
export function findCFunctions(text: string): CFunctions {
  const lexed = lex(text);
  const directives = lexed.directives.map((d) => [d.line, d.endLine] as [number, number]);
  if (lexed.problem) return { functions: [], unreliable: lexed.problem, directives };
  const cond = conditionalProblem(lexed.directives);
  if (cond) return { functions: [], unreliable: cond, directives };
  const finder = new Finder(lexed.tokens);
  if (finder.problem) return { functions: [], unreliable: finder.problem, directives };
  const functions: CFunction[] = [];
  finder.scan(0, lexed.tokens.length, false, functions);
  return { functions, directives };
}

/** File names whose hotspots are read as C-family sources. */
export function isCLikeFile(file: string): boolean {
  return /\.(?:c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx|h\+\+|inl|ipp|cu|cuh|metal|m|mm|cl|hlsl|glsl|comp)$/i.test(file);
}
