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
        v += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
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

export function parseDependencies(text: string): { entries: DependencyEntry[]; problems: TomlProblem[] } {
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
      const body = value.trim().replace(/^\{/, '').replace(/\}\s*$/, '');
      for (const [k, v] of inlinePairs(body)) e.pairs.set(k, v);
    } else {
      const v = readValue(value).value;
      if (typeof v === 'string') e.pairs.set('version', v);
      else problems.push({ line: lineNo, message: `dependency ${keySegs[0]} has a value that is neither a version string nor a table` });
    }
  }
  const entries: DependencyEntry[] = [];
  for (const e of byKey.values()) {
    const { source, pkg } = sourceFrom(e.pairs);
    entries.push({ table: e.table, key: e.key, crate: pkg ?? e.key, source, line: e.line, endLine: e.endLine });
  }
  entries.sort((a, b) => a.line - b.line);
  return { entries, problems };
}

/** `=0.4.1`, `git https://… rev abc`, `workspace`, `path ../x`, or `(none)`. */
export function describeSource(s: DependencySource | undefined): string {
  if (!s) return '(removed)';
  const parts: string[] = [];
  if (s.workspace) parts.push('workspace = true');
  if (s.version !== undefined) parts.push(JSON.stringify(s.version));
  for (const k of ['git', 'rev', 'tag', 'branch', 'path', 'registry'] as const) if (s[k] !== undefined) parts.push(`${k} ${JSON.stringify(s[k])}`);
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
