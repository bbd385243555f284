import { parseTOML, type AST } from 'toml-eslint-parser';
/**
 * Dependency entries of a Cargo.toml, with their lines, in every form Cargo accepts:
 * `name = "req"`, `name = { version = "req", … }` (also spread over lines), dotted keys
 * (`name.version = "req"`, `name.workspace = true`), tables (`[dependencies.name]`), renames
 * (`alias = { package = "name", … }`), in `[dependencies]`, `[dev-dependencies]`,
 * `[build-dependencies]`, `[target.'cfg(…)'.dependencies]`, `[workspace.dependencies]` and
 * `[patch.<registry>]`.
 */

export interface DependencyEntry {
  /** The dependency table (`dependencies`, `workspace.dependencies`, `target.'cfg(unix)'.dependencies`). */
  table: string;
  /** The key as written (the alias for a renamed dependency). */
  key: string;
  /** The crate's package name (`package = …` when renamed, else the key). */
  crate: string;
  /** Where it comes from: version requirement and any git/path/workspace source. */
  source: DependencySource;
  /** 1-based lines the entry spans. */
  line: number;
  endLine: number;
}

export interface DependencySource {
  version?: string;
  workspace?: boolean;
  git?: string;
  rev?: string;
  tag?: string;
  branch?: string;
  path?: string;
  registry?: string;
}

/** Which reader read a manifest: the TOML parser, or the tolerant line reader for text that does not parse. */
export type TomlReader = 'toml-parser' | 'tolerant';

export interface ParsedDependencies {
  entries: DependencyEntry[];
  problems: TomlProblem[];
  reader: TomlReader;
  /** Why the TOML parser refused the text (when the tolerant reader read it). */
  parseError?: TomlProblem;
}

const SOURCE_KEYS = ['version', 'git', 'rev', 'tag', 'branch', 'path', 'registry'] as const;

export interface TomlProblem {
  line: number;
  message: string;
}

/** `[dependencies]`-like table names; the last segment decides. */
function isDependencyTable(segments: string[]): boolean {
  const last = segments[segments.length - 1];
  // `[patch.crates-io]` replaces a crate's source as surely as a version change does.
  if (segments[0] === 'patch' && segments.length === 2) return true;
  if (last !== 'dependencies' && last !== 'dev-dependencies' && last !== 'build-dependencies') return false;
  if (segments.length === 1) return true;
  if (segments[0] === 'workspace' && segments.length === 2 && last === 'dependencies') return true;
  return segments[0] === 'target' && segments.length === 3;
}

/** Splits a dotted key (`target.'cfg(unix)'.dependencies`, `"p3-air".version`) into segments. */
export function splitKey(raw: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const s = raw.trim();
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    let seg: string;
    if (s[i] === '"' || s[i] === "'") {
      const q = s[i];
      let j = i + 1;
      let v = '';
      while (j < s.length && s[j] !== q) {
        if (q === '"' && s[j] === '\\') {
          v += s[j + 1] ?? '';
          j += 2;
          continue;
        }
        v += s[j++];
      }
      if (j >= s.length) return undefined;
      seg = v;
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!m) return undefined;
      seg = m[0];
      i += seg.length;
    }
    out.push(seg);
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i < s.length) {
      if (s[i] !== '.') return undefined;
      i++;
    }
  }
  return out.length ? out : undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', e: '\x1b', '"': '"', '\\': '\\' };

/** Reads a TOML string or simple value at the start of `s`; returns it and the rest. */
function readValue(s: string): { value: string | boolean | undefined; rest: string } {
  const t = s.trimStart();
  if (t.startsWith('"""') || t.startsWith("'''")) return { value: undefined, rest: '' };
  if (t[0] === '"') {
    let v = '';
    let j = 1;
    while (j < t.length && t[j] !== '"') {
      if (t[j] === '\\') {
        const e = t[j + 1];
        const hex = e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (hex && /^[0-9a-fA-F]+$/.test(t.slice(j + 2, j + 2 + hex)) && t.length >= j + 2 + hex) {
          const cp = parseInt(t.slice(j + 2, j + 2 + hex), 16);
          v += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
          j += 2 + hex;
          continue;
        }
        v += ESCAPES[e ?? ''] ?? e ?? '';
        j += 2;
        continue;
      }
      v += t[j++];
    }
    return { value: v, rest: t.slice(j + 1) };
  }
  if (t[0] === "'") {
    const end = t.indexOf("'", 1);
    return end < 0 ? { value: undefined, rest: '' } : { value: t.slice(1, end), rest: t.slice(end + 1) };
  }
  const m = /^(true|false)\b/.exec(t);
  if (m) return { value: m[1] === 'true', rest: t.slice(m[0].length) };
  const other = /^[^,}\]#]*/.exec(t)![0];
  return { value: undefined, rest: t.slice(other.length) };
}

/** Strips a `#` comment that is outside strings. */
function stripComment(line: string): string {
  let q: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (q === '"' && c === '\\') i++;
      else if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** Key/value pairs of an inline table body `version = "x", features = [..]` (nesting skipped). */
function inlinePairs(body: string): Map<string, string | boolean | undefined> {
  const out = new Map<string, string | boolean | undefined>();
  let rest = body;
  for (let guard = 0; guard < 100 && rest.trim().length; guard++) {
    rest = rest.replace(/^[\s,{]+/, '');
    const m = /^("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=/.exec(rest);
    if (!m) break;
    const key = splitKey(m[1])?.join('.') ?? m[1];
    rest = rest.slice(m[0].length).trimStart();
    if (rest[0] === '[' || rest[0] === '{') {
      // Skip an array or nested table (features lists) by bracket depth, outside strings.
      let depth = 0;
      let j = 0;
      let q: string | undefined;
      for (; j < rest.length; j++) {
        const c = rest[j];
        if (q) {
          if (q === '"' && c === '\\') j++;
          else if (c === q) q = undefined;
          continue;
        }
        if (c === '"' || c === "'") q = c;
        else if (c === '[' || c === '{') depth++;
        else if (c === ']' || c === '}') {
          depth--;
          if (depth === 0) break;
        }
      }
      out.set(key, undefined);
      rest = rest.slice(j + 1);
      continue;
    }
    const v = readValue(rest);
    out.set(key, v.value);
    rest = v.rest;
  }
  return out;
}

function sourceFrom(pairs: Map<string, string | boolean | undefined>): { source: DependencySource; pkg?: string } {
  const source: DependencySource = {};
  for (const k of SOURCE_KEYS) {
    const v = pairs.get(k);
    if (typeof v === 'string') source[k] = v;
  }
  if (pairs.get('workspace') === true) source.workspace = true;
  const pkg = pairs.get('package');
  return { source, pkg: typeof pkg === 'string' ? pkg : undefined };
}

/** Brace depth change of a line outside strings (for inline tables written over several lines). */
function braceDelta(s: string): number {
  let d = 0;
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (q === '"' && c === '\\') i++;
      else if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '{') d++;
    else if (c === '}') d--;
  }
  return d;
}

/** The dependency entries gathered by either reader, their source decided, in line order. */
function entriesOf(gathered: Iterable<DependencyEntry & { pairs: Map<string, string | boolean | undefined> }>): DependencyEntry[] {
  const entries: DependencyEntry[] = [];
  for (const e of gathered) {
    const { source, pkg } = sourceFrom(e.pairs);
    entries.push({ table: e.table, key: e.key, crate: pkg ?? e.key, source, line: e.line, endLine: e.endLine });
  }
  return entries.sort((a, b) => a.line - b.line);
}

/**
 * The tolerant line reader: used for buffers that do not parse as TOML (half-typed edits), where
 * it still finds the entries written so far. It does not know multi-line strings.
 */
export function parseDependenciesTolerant(text: string): { entries: DependencyEntry[]; problems: TomlProblem[] } {
  const lines = text.split('\n');
  const problems: TomlProblem[] = [];
  /** Entries by table + key, merged across dotted keys and sub-tables. */
  const byKey = new Map<string, DependencyEntry & { pairs: Map<string, string | boolean | undefined> }>();
  let table: string[] | undefined; // current dependency table, or undefined
  let subTable: { table: string; key: string } | undefined; // `[dependencies.name]`

  const entryFor = (tableName: string, key: string, line: number) => {
    const id = `${tableName}\0${key}`;
    let e = byKey.get(id);
    if (!e) {
      e = { table: tableName, key, crate: key, source: {}, line, endLine: line, pairs: new Map() };
      byKey.set(id, e);
    }
    e.line = Math.min(e.line, line);
    return e;
  };

  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = stripComment(lines[n].replace(/\r$/, ''));
    const t = raw.trim();
    if (t === '') continue;
    const header = /^\[\[?([^\]]*)\]\]?$/.exec(t);
    if (header) {
      table = undefined;
      subTable = undefined;
      if (t.startsWith('[[')) continue;
      const segs = splitKey(header[1]);
      if (!segs) {
        problems.push({ line: lineNo, message: `cannot read the table header ${t}` });
        continue;
      }
      if (isDependencyTable(segs)) table = segs;
      else if (segs.length >= 2 && isDependencyTable(segs.slice(0, -1))) {
        subTable = { table: segs.slice(0, -1).join('.'), key: segs[segs.length - 1] };
        entryFor(subTable.table, subTable.key, lineNo);
      }
      continue;
    }
    const kv = /^("[^"]*"|'[^']*'|[A-Za-z0-9_.\-\s"']+?)\s*=(.*)$/.exec(t);
    if (!kv) continue;
    const keySegs = splitKey(kv[1]);
    if (!keySegs) continue;
    let value = kv[2];
    let endLine = lineNo;
    // An inline table may continue over the following lines (TOML 1.1, accepted by Cargo).
    if (value.trimStart().startsWith('{')) {
      let depth = braceDelta(value);
      while (depth > 0 && endLine < lines.length) {
        const next = stripComment(lines[endLine].replace(/\r$/, ''));
        value += '\n' + next;
        depth += braceDelta(next);
        endLine++;
      }
      n = endLine - 1; // continue after the table's last line
    }
    if (subTable) {
      const e = entryFor(subTable.table, subTable.key, lineNo);
      e.endLine = Math.max(e.endLine, endLine);
      const v = readValue(value);
      e.pairs.set(keySegs.join('.'), v.value);
      continue;
    }
    if (!table) continue;
    const tableName = table.join('.');
    const e = entryFor(tableName, keySegs[0], lineNo);
    e.endLine = Math.max(e.endLine, endLine);
    if (keySegs.length > 1) {
      e.pairs.set(keySegs.slice(1).join('.'), readValue(value).value);
    } else if (value.trimStart().startsWith('{')) {
      const body = value
        .trim()
        .replace(/^\{/, '')
        .replace(/\}\s*$/, '');
      for (const [k, v] of inlinePairs(body)) e.pairs.set(k, v);
    } else {
      const v = readValue(value).value;
      if (typeof v === 'string') e.pairs.set('version', v);
      else problems.push({ line: lineNo, message: `dependency ${keySegs[0]} has a value that is neither a version string nor a table` });
    }
  }
  return { entries: entriesOf(byKey.values()), problems };
}

type Pairs = Map<string, string | boolean | undefined>;

/** A scalar's value as Cargo reads it (strings and booleans; other kinds are not dependency sources). */
function scalar(node: AST.TOMLContentNode): string | boolean | undefined {
  if (node.type !== 'TOMLValue') return undefined;
  if (node.kind === 'string' || node.kind === 'boolean') return node.value as string | boolean;
  return undefined;
}

function keyPath(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
}

/** Splits a full key path into dependency table, dependency key and the rest, when it names a dependency. */
function dependencyPath(path: readonly string[]): { table: string; key: string; rest: string[] } | undefined {
  for (let i = 1; i < path.length; i++) {
    if (isDependencyTable(path.slice(0, i))) return { table: path.slice(0, i).join('.'), key: path[i], rest: path.slice(i + 1) };
  }
  return undefined;
}

/**
 * Dependency entries read by a TOML parser that keeps positions (TOML 1.1, as Cargo reads it):
 * text inside multi-line strings is never a table, and escapes (`"\u003d0.4.1"`) are decoded.
 */
function parseWithToml(text: string): { entries: DependencyEntry[]; problems: TomlProblem[] } {
  const ast = parseTOML(text, { tomlVersion: '1.1' });
  const problems: TomlProblem[] = [];
  const byKey = new Map<string, DependencyEntry & { pairs: Pairs }>();
  const entryFor = (table: string, key: string, line: number, endLine: number) => {
    const id = `${table}\0${key}`;
    let e = byKey.get(id);
    if (!e) {
      e = { table, key, crate: key, source: {}, line, endLine, pairs: new Map() };
      byKey.set(id, e);
    }
    e.line = Math.min(e.line, line);
    e.endLine = Math.max(e.endLine, endLine);
    return e;
  };
  /** The pairs of an inline table, with dotted keys joined (`{ version = "1", package = "x" }`). */
  const inlinePairsOf = (node: AST.TOMLInlineTable, into: Pairs, prefix: string[]) => {
    for (const kv of node.body) {
      const k = [...prefix, ...keyPath(kv.key)];
      if (kv.value.type === 'TOMLInlineTable') inlinePairsOf(kv.value, into, k);
      else into.set(k.join('.'), scalar(kv.value));
    }
  };
  const keyValue = (tablePath: readonly string[], kv: AST.TOMLKeyValue) => {
    const dep = dependencyPath([...tablePath, ...keyPath(kv.key)]);
    if (!dep) return;
    const e = entryFor(dep.table, dep.key, kv.loc.start.line, kv.loc.end.line);
    if (dep.rest.length > 0) {
      if (kv.value.type === 'TOMLInlineTable') inlinePairsOf(kv.value, e.pairs, dep.rest);
      else e.pairs.set(dep.rest.join('.'), scalar(kv.value));
      return;
    }
    if (kv.value.type === 'TOMLInlineTable') inlinePairsOf(kv.value, e.pairs, []);
    else {
      const v = scalar(kv.value);
      if (typeof v === 'string') e.pairs.set('version', v);
      else
        problems.push({
          line: kv.loc.start.line,
          message: `dependency ${dep.key} has a value that is neither a version string nor a table`,
        });
    }
  };
  for (const node of ast.body[0].body) {
    if (node.type === 'TOMLKeyValue') {
      keyValue([], node);
      continue;
    }
    if (node.kind === 'array') continue;
    const path = node.resolvedKey.map(String);
    // `[dependencies.p3-air]`: the table itself is the entry.
    const dep = dependencyPath(path);
    if (dep && dep.rest.length === 0) entryFor(dep.table, dep.key, node.loc.start.line, node.loc.end.line);
    for (const kv of node.body) keyValue(path, kv);
  }
  return { entries: entriesOf(byKey.values()), problems };
}

/**
 * Dependency entries of a Cargo.toml: read by the TOML parser; a text it refuses (a half-typed
 * buffer) is read by the tolerant line reader, and the result says so.
 */
export function parseDependencies(text: string): ParsedDependencies {
  try {
    return { ...parseWithToml(text), reader: 'toml-parser' };
  } catch (err) {
    const e = err as { lineNumber?: unknown; message?: unknown };
    const line = typeof e.lineNumber === 'number' && Number.isInteger(e.lineNumber) && e.lineNumber >= 1 ? e.lineNumber : 1;
    const message = typeof e.message === 'string' ? e.message : String(err);
    return { ...parseDependenciesTolerant(text), reader: 'tolerant', parseError: { line, message } };
  }
}

/** `=0.4.1`, `git https://… rev abc`, `workspace`, `path ../x`, or `(none)`. */
export function describeSource(s: DependencySource | undefined): string {
  if (!s) return '(removed)';
  const parts: string[] = [];
  if (s.workspace) parts.push('workspace = true');
  if (s.version !== undefined) parts.push(JSON.stringify(s.version));
  for (const k of ['git', 'rev', 'tag', 'branch', 'path', 'registry'] as const)
    if (s[k] !== undefined) parts.push(`${k} ${JSON.stringify(s[k])}`);
  return parts.length ? parts.join(', ') : '(no version)';
}

export function sameSource(a: DependencySource | undefined, b: DependencySource | undefined): boolean {
  return describeSource(a && normalised(a)) === describeSource(b && normalised(b));
}

function normalised(s: DependencySource): DependencySource {
  return s.version === undefined ? s : { ...s, version: normaliseReq(s.version) };
}

/** `= 0.4.1` and `=0.4.1` are the same requirement. */
export function normaliseReq(req: string): string {
  return req.replace(/\s+/g, '').replace(/,/g, ', ');
}
