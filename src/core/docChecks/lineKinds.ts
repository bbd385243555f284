/**
 * Which lines of a source file hold code, and which are blank or only comment. A hotspot that
 * points at a blank or comment-only line has almost always drifted: code was added above it.
 */

export const LineKind = { Code: 0, Blank: 1, Comment: 2 } as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

export interface CommentSyntax {
  line: string[];
  /** Block comment delimiters; `nested` for Rust-style nesting. */
  block?: { open: string; close: string; nested: boolean };
  /** String delimiters skipped while looking for comment starts. */
  strings: string[];
}

const C_LIKE: CommentSyntax = { line: ['//'], block: { open: '/*', close: '*/', nested: false }, strings: ['"'] };
const RUST: CommentSyntax = { line: ['//'], block: { open: '/*', close: '*/', nested: true }, strings: ['"'] };
const HASH: CommentSyntax = { line: ['#'], strings: ['"', "'"] };
const DASH: CommentSyntax = { line: ['--'], block: { open: '/*', close: '*/', nested: false }, strings: ["'"] };

const BY_EXTENSION: Record<string, CommentSyntax> = {
  rs: RUST,
  metal: C_LIKE,
  c: C_LIKE,
  h: C_LIKE,
  cc: C_LIKE,
  cpp: C_LIKE,
  cxx: C_LIKE,
  hpp: C_LIKE,
  hh: C_LIKE,
  cu: C_LIKE,
  cuh: C_LIKE,
  m: C_LIKE,
  mm: C_LIKE,
  wgsl: C_LIKE,
  glsl: C_LIKE,
  hlsl: C_LIKE,
  go: C_LIKE,
  java: C_LIKE,
  js: C_LIKE,
  mjs: C_LIKE,
  cjs: C_LIKE,
  ts: C_LIKE,
  tsx: C_LIKE,
  jsx: C_LIKE,
  swift: C_LIKE,
  kt: C_LIKE,
  scala: C_LIKE,
  cs: C_LIKE,
  proto: C_LIKE,
  zig: { line: ['//'], strings: ['"'] },
  toml: HASH,
  py: HASH,
  sh: HASH,
  bash: HASH,
  yaml: HASH,
  yml: HASH,
  rb: HASH,
  pl: HASH,
  cmake: HASH,
  r: HASH,
  sql: DASH,
  lua: { line: ['--'], strings: ['"', "'"] },
};

/** The comment syntax for a path, by extension; undefined for formats without comments we know. */
export function commentSyntaxFor(path: string): CommentSyntax | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'Makefile' || base === 'Dockerfile') return HASH;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? BY_EXTENSION[base.slice(dot + 1).toLowerCase()] : undefined;
}

function startsWithAt(line: string, i: number, token: string): boolean {
  return line.startsWith(token, i);
}

/** Characters that can start a comment or a string, as a regular expression class. */
function specialsOf(syntax: CommentSyntax): RegExp {
  const firsts = new Set<string>([...syntax.line.map((t) => t[0]!), ...syntax.strings]);
  if (syntax.block) firsts.add(syntax.block.open[0]!);
  return new RegExp(`[${[...firsts].map((c) => c.replace(/[\]\\^-]/g, '\\$&')).join('')}]`);
}

const NON_BLANK = /\S/;

/**
 * Classifies every line. A small lexer rather than a per-line regex, so a line inside a block
 * comment, or a `//` inside a string, is classified right. Rust raw strings and char literals
 * are approximated (a `'` is not treated as a string delimiter in C-like files). Lines without
 * any character that could start a comment or string (most lines of code) skip the lexer.
 */
export function classifyLines(lines: readonly string[], syntax: CommentSyntax | undefined): Uint8Array {
  const kinds = new Uint8Array(lines.length);
  const specials = syntax ? specialsOf(syntax) : undefined;
  let depth = 0; // block comment nesting carried across lines
  let inString: string | undefined; // multi-line string literal carried across lines
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (depth === 0 && inString === undefined && (specials === undefined || !specials.test(line))) {
      kinds[n] = NON_BLANK.test(line) ? LineKind.Code : LineKind.Blank;
      continue;
    }
    let code = false;
    let comment = depth > 0;
    let i = 0;
    while (i < line.length) {
      const ch = line[i]!;
      if (depth > 0 && syntax?.block) {
        comment = true;
        if (syntax.block.nested && startsWithAt(line, i, syntax.block.open)) {
          depth++;
          i += syntax.block.open.length;
        } else if (startsWithAt(line, i, syntax.block.close)) {
          depth--;
          i += syntax.block.close.length;
        } else i++;
        continue;
      }
      if (inString !== undefined) {
        code = true;
        if (ch === '\\') i += 2;
        else {
          if (ch === inString) inString = undefined;
          i++;
        }
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
        i++;
        continue;
      }
      if (syntax) {
        let lineComment = false;
        for (const t of syntax.line) if (startsWithAt(line, i, t)) lineComment = true;
        if (lineComment) {
          comment = true;
          break;
        }
        if (syntax.block && startsWithAt(line, i, syntax.block.open)) {
          comment = true;
          depth = 1;
          i += syntax.block.open.length;
          continue;
        }
        if (syntax.strings.includes(ch)) {
          code = true;
          inString = ch;
          i++;
          continue;
        }
      }
      code = true;
      i++;
    }
    // Single-quoted strings in hash-comment languages do not span lines.
    if (inString === "'") inString = undefined;
    kinds[n] = code ? LineKind.Code : comment ? LineKind.Comment : LineKind.Blank;
  }
  return kinds;
}
