import { readTextFile } from '../files';
import * as path from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { DEFAULT_CONFIG, type CargoCommandSpec, type MilestoneScopeConfig } from './types';
import type { Problem } from '../problems';
import { escapeMessage, pathEscape, resolveInside } from '../paths';
import { YamlReader } from './yamlReader';
import { cargoPathSettings } from '../cargo/invocation';
import { isScopeCode, parseSeverityOverrides, type SeverityOverrides } from '../scope/codes';

/** The configuration file's name at the repository root. */
export const CONFIG_FILE = '.milestone-scope.yaml';
/** Configuration file names, the first found wins. */
export const CONFIG_FILES = [CONFIG_FILE, '.milestone-scope.yml'];

export interface LoadedConfig {
  config: MilestoneScopeConfig;
  /** Repository-relative path of the file read, or undefined when defaults apply. */
  file: string | undefined;
  problems: Problem[];
}

/** What the key readers may consult besides the text. */
interface ReadContext {
  /** The repository root: path keys are also checked for symbolic links leading outside it. */
  root?: string;
}

type KeyReader = (r: YamlReader, value: Node | null, key: string, ctx: ReadContext) => Partial<MilestoneScopeConfig> | undefined;

/** One reader per key; adding a setting is one entry here plus its type in types.ts. */
const KEYS: Record<string, KeyReader> = {
  catalog: (r, v, k, ctx) => wrap('catalog', repoPath(r, v, k, ctx, /\.(md|markdown|ya?ml)$/i, 'a .md, .yaml or .yml file')),
  status: (r, v, k, ctx) => wrap('status', repoPath(r, v, k, ctx)),
  tracking: (r, v, k, ctx) => {
    const p = repoPath(r, v, k, ctx);
    if (p !== undefined && !p.includes('{id}')) {
      r.report('error', 'config/type', `${k} must contain "{id}", the place of the milestone id (e.g. docs/tracking/milestone-{id}.md)`, v);
      return undefined;
    }
    return wrap('tracking', p);
  },
  crate: (r, v, k) => wrap('crate', crateName(r, v, k)),
  pins: (r, v, k) => {
    if (!isMap(v))
      return void r.report('error', 'config/type', `${k} must map crate-name globs to version requirements (e.g. "p3-*": "=0.4.1")`, v);
    const pins: Record<string, string> = {};
    for (const e of r.entries(v, k)) {
      const req = r.string(e.value, `${k}.${e.key}`);
      if (req !== undefined) pins[e.key] = req;
    }
    return { pins };
  },
  checks: (r, v, k, ctx) => {
    const checks = r.seq(v, k).flatMap((item, i) => cargoSpec(r, item, `${k}[${i}]`, ctx) ?? []);
    return { checks };
  },
  profile: (r, v, k, ctx) => wrap('profile', cargoSpec(r, v, k, ctx)),
  scope: (r, v, k) => {
    const severity: SeverityOverrides = {};
    for (const e of r.entries(v, k)) {
      if (e.key !== 'severity') {
        r.unknownKey(e.key, e.keyNode, k, ['severity']);
        continue;
      }
      for (const c of r.entries(e.value, `${k}.severity`)) {
        const level = r.string(c.value, `${k}.severity.${c.key}`);
        if (level === undefined) continue;
        const parsed = parseSeverityOverrides({ [c.key]: level });
        for (const err of parsed.errors)
          r.report('error', 'config/type', `${k}.severity: ${err}`, isScopeCode(c.key) ? c.value : c.keyNode);
        Object.assign(severity, parsed.overrides);
      }
    }
    return { scope: { severity } };
  },
  counters: (r, v, k) => {
    const list = r.stringList(v, k);
    return list ? { counters: list } : undefined;
  },
  relevantTests: (r, v, k) => {
    const out: Record<string, string[]> = {};
    for (const e of r.entries(v, k)) {
      const tests = r.stringList(e.value, `${k}.${e.key}`);
      if (tests) out[e.key] = tests;
    }
    return { relevantTests: out };
  },
};

function wrap<K extends keyof MilestoneScopeConfig>(key: K, value: MilestoneScopeConfig[K] | undefined) {
  return value === undefined ? undefined : ({ [key]: value } as Partial<MilestoneScopeConfig>);
}

/**
 * A repository-relative path. Paths leaving the repository (absolute, `..` above the root, or,
 * with a root to look at, a symbolic link pointing outside) are refused; the key keeps its
 * default. For a template (`{id}`), the folders before the first `{id}` are what is checked.
 */
function repoPath(r: YamlReader, v: Node | null, key: string, ctx: ReadContext, ext?: RegExp, extWhat?: string): string | undefined {
  const s = r.string(v, key);
  if (s === undefined) return undefined;
  const p = s.replace(/\\/g, '/');
  const fixed = p.includes('{id}') ? p.slice(0, p.indexOf('{id}')).replace(/[^/]*$/, '') || '.' : p;
  const inside = resolveInside(ctx.root ?? '.', fixed, { lexical: ctx.root === undefined });
  const escape = pathEscape(p) ?? (inside.ok ? undefined : inside.reason);
  if (escape) {
    const why = escapeMessage(s, escape, inside.ok ? undefined : inside.target);
    r.report('error', 'config/outside-workspace', `${key} must be a path inside the repository, relative to its root: ${why}`, v);
    return undefined;
  }
  if (ext && !ext.test(p)) {
    r.report('error', 'config/type', `${key} must be ${extWhat}`, v);
    return undefined;
  }
  return path.posix.normalize(p);
}

function crateName(r: YamlReader, v: Node | null, key: string): string | undefined {
  const s = r.string(v, key);
  if (s !== undefined && !/^[A-Za-z0-9_-]+$/.test(s)) {
    r.report('error', 'config/type', `${key} must be a cargo package name`, v);
    return undefined;
  }
  return s;
}

const SPEC_KEYS = ['label', 'command', 'package', 'test', 'example', 'args', 'env'] as const;
const CARGO_COMMANDS = new Set(['check', 'test', 'run', 'build', 'bench', 'clippy', 'nextest', 'doc']);

/** A cargo command, written as a mapping or as one string (`cargo test -p x --test y`). */
export function cargoSpec(r: YamlReader, v: Node | null, what: string, ctx: ReadContext = {}): CargoCommandSpec | undefined {
  let spec: CargoCommandSpec | undefined;
  if (isScalar(v) && typeof v.value === 'string') spec = parseCargoCommandLine(v.value);
  else if (isMap(v)) {
    const out: Partial<CargoCommandSpec> = {};
    for (const e of r.entries(v, what)) {
      switch (e.key) {
        case 'label':
        case 'command':
        case 'package':
        case 'test':
        case 'example': {
          const s = r.string(e.value, `${what}.${e.key}`);
          if (s !== undefined) out[e.key] = s;
          break;
        }
        case 'args': {
          const a = r.stringList(e.value, `${what}.args`);
          if (a) out.args = a;
          break;
        }
        case 'env': {
          const env: Record<string, string> = {};
          for (const x of r.entries(e.value, `${what}.env`)) {
            if (isScalar(x.value) && x.value.value !== null) env[x.key] = String(x.value.value);
            else r.report('error', 'config/type', `${what}.env.${x.key} must be a string`, x.value);
          }
          out.env = env;
          break;
        }
        default:
          r.unknownKey(e.key, e.keyNode, what, SPEC_KEYS);
      }
    }
    if (!out.command) {
      r.report('error', 'config/type', `${what} needs a "command" (check, test, run, ...)`, v);
      return undefined;
    }
    spec = { label: out.label ?? out.test ?? out.example ?? out.command, ...out } as CargoCommandSpec;
  } else {
    r.report('error', 'config/type', `${what} must be a cargo command line or a mapping with "command"`, v);
    return undefined;
  }
  if (!spec || !CARGO_COMMANDS.has(spec.command)) {
    r.report(
      'error',
      'config/type',
      `${what}: "${spec?.command ?? ''}" is not a cargo command this tool runs (${[...CARGO_COMMANDS].join(', ')})`,
      v,
    );
    return undefined;
  }
  for (const [flag, value] of cargoPathSettings(spec)) {
    const inside = resolveInside(ctx.root ?? '.', value, { lexical: ctx.root === undefined });
    if (!inside.ok) {
      r.report('error', 'config/outside-workspace', `${what}: ${flag} must name a place inside the repository: ${inside.message}`, v);
      return undefined;
    }
  }
  if ((spec.args ?? []).some((a) => a === '--workspace' || a === '--all')) {
    r.report('warning', 'config/workspace-wide', `${what} is workspace-wide; the workflow runs per-crate commands only`, v);
  }
  return spec;
}

/** `cargo test -p pkg --test name -- --nocapture` -> spec. Whitespace-separated; no shell quoting. */
export function parseCargoCommandLine(line: string): CargoCommandSpec | undefined {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words[0] === 'cargo') words.shift();
  const command = words.shift();
  if (!command) return undefined;
  const spec: CargoCommandSpec = { label: command, command };
  const args: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = () => words[++i];
    if (w === '--') {
      args.push(...words.slice(i));
      break;
    }
    if (w === '-p' || w === '--package') spec.package = next();
    else if (w.startsWith('--package=')) spec.package = w.slice(10);
    else if (w === '--test') spec.test = next();
    else if (w === '--example') spec.example = next();
    else args.push(w);
  }
  if (args.length) spec.args = args;
  spec.label = spec.test ?? spec.example ?? command;
  return spec;
}

/**
 * Parses configuration text; problems carry the file and line, bad values keep their defaults.
 * With `root`, path keys are also checked on disk (symbolic links leading outside the root).
 */
export function parseConfig(
  text: string,
  file = CONFIG_FILE,
  options: ReadContext = {},
): { config: MilestoneScopeConfig; problems: Problem[] } {
  const r = new YamlReader(text, file);
  const config: MilestoneScopeConfig = structuredClone(DEFAULT_CONFIG);
  const root = r.root;
  if (r.ok && root !== null && !(isScalar(root) && root.value === null)) {
    for (const e of r.entries(root, 'the configuration')) {
      const reader = KEYS[e.key];
      if (!reader) {
        r.unknownKey(e.key, e.keyNode, 'the configuration', Object.keys(KEYS));
        continue;
      }
      const value = reader(r, e.value, e.key, options);
      if (value) Object.assign(config, value);
    }
  }
  return {
    config,
    problems: r.problems.map((p) =>
      p.code === 'yaml/type' ? { ...p, code: 'config/type' } : p.code === 'yaml/unknown-key' ? { ...p, code: 'config/unknown-key' } : p,
    ),
  };
}

/** Reads `.milestone-scope.yaml` (or `.yml`) at `root`; defaults when there is none. */
export async function loadConfig(root: string): Promise<LoadedConfig> {
  for (const name of CONFIG_FILES) {
    const text = await readTextFile(path.join(root, name), name);
    if (text === undefined) continue;
    return { ...parseConfig(text, name, { root }), file: name };
  }
  return { config: structuredClone(DEFAULT_CONFIG), file: undefined, problems: [] };
}
