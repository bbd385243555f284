import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { DEFAULT_CONFIG, type CargoCommandSpec, type MilestoneScopeConfig } from './configTypes';
import type { Problem } from './problems';
import { YamlReader } from './yamlReader';

/** The configuration file's name at the repository root. */
export const CONFIG_FILE = '.milestone-scope.yaml';
const CONFIG_FILES = [CONFIG_FILE, '.milestone-scope.yml'];

export interface LoadedConfig {
  config: MilestoneScopeConfig;
  /** Repository-relative path of the file read, or undefined when defaults apply. */
  file: string | undefined;
  problems: Problem[];
}

type KeyReader = (r: YamlReader, value: Node | null, key: string) => Partial<MilestoneScopeConfig> | undefined;

/** One reader per key; adding a setting is one entry here plus its type in configTypes.ts. */
const KEYS: Record<string, KeyReader> = {
  catalog: (r, v, k) => wrap('catalog', repoPath(r, v, k, /\.(md|markdown|ya?ml)$/i, 'a .md, .yaml or .yml file')),
  status: (r, v, k) => wrap('status', repoPath(r, v, k)),
  tracking: (r, v, k) => {
    const p = repoPath(r, v, k);
    if (p !== undefined && !p.includes('{id}')) {
      r.report('error', 'config/type', `${k} must contain "{id}", the place of the milestone id (e.g. docs/tracking/milestone-{id}.md)`, v);
      return undefined;
    }
    return wrap('tracking', p);
  },
  crate: (r, v, k) => wrap('crate', crateName(r, v, k)),
  pins: (r, v, k) => {
    if (!isMap(v)) return void r.report('error', 'config/type', `${k} must map crate-name globs to version requirements (e.g. "p3-*": "=0.4.1")`, v);
    const pins: Record<string, string> = {};
    for (const e of r.entries(v, k)) {
      const req = r.string(e.value, `${k}.${e.key}`);
      if (req !== undefined) pins[e.key] = req;
    }
    return { pins };
  },
  checks: (r, v, k) => {
    const checks = r.seq(v, k).flatMap((item, i) => cargoSpec(r, item, `${k}[${i}]`) ?? []);
    return { checks };
  },
  profile: (r, v, k) => wrap('profile', cargoSpec(r, v, k)),
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

function repoPath(r: YamlReader, v: Node | null, key: string, ext?: RegExp, extWhat?: string): string | undefined {
  const s = r.string(v, key);
  if (s === undefined) return undefined;
  const p = s.replace(/\\/g, '/');
  if (path.posix.isAbsolute(p) || /^[A-Za-z]:/.test(p) || path.posix.normalize(p).startsWith('../')) {
    r.report('error', 'config/type', `${key} must be a path inside the repository, relative to its root`, v);
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
export function cargoSpec(r: YamlReader, v: Node | null, what: string): CargoCommandSpec | undefined {
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
    r.report('error', 'config/type', `${what}: "${spec?.command ?? ''}" is not a cargo command this tool runs (${[...CARGO_COMMANDS].join(', ')})`, v);
    return undefined;
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

/** Parses configuration text; problems carry the file and line, bad values keep their defaults. */
export function parseConfig(text: string, file = CONFIG_FILE): { config: MilestoneScopeConfig; problems: Problem[] } {
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
      const value = reader(r, e.value, e.key);
      if (value) Object.assign(config, value);
    }
  }
  return { config, problems: r.problems.map((p) => (p.code === 'yaml/type' ? { ...p, code: 'config/type' } : p.code === 'yaml/unknown-key' ? { ...p, code: 'config/unknown-key' } : p)) };
}

/** Reads `.milestone-scope.yaml` (or `.yml`) at `root`; defaults when there is none. */
export async function loadConfig(root: string): Promise<LoadedConfig> {
  for (const name of CONFIG_FILES) {
    let text: string;
    try {
      text = await fs.readFile(path.join(root, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    return { ...parseConfig(text, name), file: name };
  }
  return { config: structuredClone(DEFAULT_CONFIG), file: undefined, problems: [] };
}
