/**
 * From a configured cargo command to the argument array that runs it, with the workflow's rule
 * enforced: per-crate commands only. Workspace-wide forms (`--workspace`, `--all`, no package at
 * a workspace root) and packages or targets cargo does not know are refused with a message that
 * says what to do instead.
 */
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import type { CargoCommandSpec } from '../config/types';
import { closestName } from '../text';
import { findPackage, targetsOfKind, type CargoWorkspace, type TargetKind } from './metadata';

export const MESSAGE_FORMAT = '--message-format=json-diagnostic-rendered-ansi';

/** cargo subcommands that accept `--message-format` and compile code. */
const COMPILING = new Set(['check', 'build', 'test', 'run', 'bench', 'clippy', 'doc', 'rustc']);

export interface CargoInvocation {
  /** Everything after `cargo`. */
  args: string[];
  env: Record<string, string>;
  /** The package the command runs on. */
  package: string;
  /** Whether stdout carries JSON messages to parse. */
  json: boolean;
  /** The command as a user would type it (without the message-format flag). */
  display: string;
}

export class RefusedCommand extends Error {
  constructor(
    message: string,
    readonly reason: 'workspace-wide' | 'unknown-package' | 'unknown-target' | 'invalid',
  ) {
    super(message);
    this.name = 'RefusedCommand';
  }
}

const WORKSPACE_FLAGS = new Set(['--workspace', '--all', '--exclude']);

/** Words of `args` before any `--` (the rest belongs to the program or test harness). */
function cargoWords(args: readonly string[]): string[] {
  const i = args.indexOf('--');
  return i < 0 ? [...args] : args.slice(0, i);
}

/** Packages named inside `args` (`-p x`, `--package x`, `--package=x`, `-px`). */
function packagesInArgs(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-p' || w === '--package') {
      const next = words[i + 1];
      if (next !== undefined) out.push(next);
      i++;
    } else if (w.startsWith('--package=')) out.push(w.slice('--package='.length));
    else if (/^-p[^-]/.test(w)) out.push(w.slice(2));
  }
  return out;
}

function quoteForDisplay(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function displayCommand(args: readonly string[]): string {
  return ['cargo', ...args.filter((a) => a !== MESSAGE_FORMAT)].map(quoteForDisplay).join(' ');
}

/** The closest name by edit distance, for "did you mean". */
function suggest(name: string, known: readonly string[]): string {
  const best = closestName(name, known, { maxDistance: Math.max(2, Math.floor(name.length / 3)) });
  return best !== undefined ? ` Did you mean "${best}"?` : '';
}

export interface BuildOptions {
  /** The configured crate, used when the spec names no package. */
  defaultCrate: string;
  /** `cargo metadata` of the workspace; without it only the workspace-wide rules are checked. */
  metadata?: CargoWorkspace;
  /** Add `--message-format=json-diagnostic-rendered-ansi` to compiling commands (default true). */
  json?: boolean;
}

/**
 * Builds the argument array for `spec`, or throws RefusedCommand. Order: subcommand, `-p`,
 * target, message format, extra args (anything after `--` in them stays last).
 */
export function buildInvocation(spec: CargoCommandSpec, opts: BuildOptions): CargoInvocation {
  const command = spec.command?.trim();
  if (!command || command.startsWith('-') || /\s/.test(command)) {
    throw new RefusedCommand(`"${spec.command ?? ''}" is not a cargo subcommand.`, 'invalid');
  }
  const extra = [...(spec.args ?? [])];
  const words = cargoWords(extra);
  const wide = words.find((w) => WORKSPACE_FLAGS.has(w) || w.startsWith('--exclude='));
  if (wide) {
    throw new RefusedCommand(
      `Refused: "${wide}" makes "cargo ${command}" workspace-wide. The milestone workflow runs per-crate commands only; ` +
        `remove "${wide}" and name the crate with "package" (e.g. cargo ${command} -p ${spec.package || opts.defaultCrate || '<crate>'}).`,
      'workspace-wide',
    );
  }
  const inArgs = packagesInArgs(words);
  const pkg = spec.package?.trim() || (inArgs.length ? undefined : opts.defaultCrate.trim()) || undefined;
  const packages = [...(pkg ? [pkg] : []), ...inArgs];
  const meta = opts.metadata;
  if (packages.length === 0) {
    if (!meta || !meta.rootIsPackage || meta.packages.length > 1) {
      throw new RefusedCommand(
        `Refused: "cargo ${command}" without -p at the workspace root runs on every member crate. ` +
          `Name the crate with "package"${meta ? ` (one of: ${meta.packages.map((p) => p.name).join(', ')})` : ''}.`,
        'workspace-wide',
      );
    }
  }
  if (meta) {
    const known = meta.packages.map((p) => p.name);
    for (const name of packages) {
      if (!findPackage(meta, name)) {
        throw new RefusedCommand(
          `Refused: package "${name}" is not a member of the workspace at ${meta.workspaceRoot}.${suggest(name, known)} ` +
            `Known packages: ${known.join(', ') || '(none)'}.`,
          'unknown-package',
        );
      }
    }
    const target = pkg ? findPackage(meta, pkg) : undefined;
    const checkTarget = (kind: TargetKind, name: string | undefined) => {
      if (!name || !target) return;
      const names = targetsOfKind(target, kind).map((t) => t.name);
      if (!names.includes(name)) {
        throw new RefusedCommand(
          `Refused: package "${target.name}" has no ${kind} target "${name}".${suggest(name, names)} ` +
            `Its ${kind} targets: ${names.join(', ') || '(none)'}.`,
          'unknown-target',
        );
      }
    };
    checkTarget('test', spec.test);
    checkTarget('example', spec.example);
  }

  const args = [command];
  if (pkg) args.push('-p', pkg);
  if (spec.test) args.push('--test', spec.test);
  if (spec.example) args.push('--example', spec.example);
  const json = (opts.json ?? true) && COMPILING.has(command) && !words.some((w) => w.startsWith('--message-format'));
  if (json) args.push(MESSAGE_FORMAT);
  args.push(...extra);
  return {
    args,
    env: { ...(spec.env ?? {}) },
    package: pkg ?? packages[0] ?? meta?.packages[0]?.name ?? '',
    json,
    display: displayCommand(args),
  };
}

// ---- where a command puts its output --------------------------------------------------------------

/** cargo's own options that take a path (arguments after `--` belong to the program run). */
export const CARGO_PATH_FLAGS = ['--manifest-path', '--target-dir', '--artifact-dir', '--out-dir', '--lockfile-path'];

/** Environment variables that move cargo's build output (or its intermediate build files). */
const OUTPUT_ENV = ['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR', 'CARGO_BUILD_BUILD_DIR', 'CARGO_BUILD_ARTIFACT_DIR'];
/** `build.<key>` settings of a `--config` value that do the same. */
const OUTPUT_CONFIG_KEYS = ['target-dir', 'build-dir', 'artifact-dir'];

/** The output settings of one `--config` value: a TOML `key = value` snippet, else the path of a configuration file. */
function configValuePaths(value: string): Array<[string, string]> {
  let parsed: unknown;
  try {
    parsed = getStaticTOMLValue(parseTOML(value));
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object') {
    const build = (parsed as { build?: unknown }).build;
    if (!build || typeof build !== 'object') return [];
    return OUTPUT_CONFIG_KEYS.filter((k) => k in build).map((k) => [`--config build.${k}`, String((build as Record<string, unknown>)[k])]);
  }
  // Not valid TOML, yet read as cargo would mean it (an unquoted value): `build.target-dir=/x`.
  const m = /^\s*["']?build["']?\s*\.\s*["']?([a-z-]+)["']?\s*=\s*(.*?)\s*$/.exec(value);
  if (m) return OUTPUT_CONFIG_KEYS.includes(m[1]!) ? [[`--config build.${m[1]}`, m[2]!.replace(/^["']|["']$/g, '')]] : [];
  if (value.includes('=')) return [];
  return [['--config', value]]; // a configuration file, which may set any of them
}

/**
 * Every path a command gives cargo for its manifest, lock file or output, with how it was given:
 * the path options (`--target-dir`, `--artifact-dir` with `-Zunstable-options`, ...), in both
 * `--flag value` and `--flag=value` forms; `--config` values setting `build.target-dir`,
 * `build.build-dir` or `build.artifact-dir` (dotted, quoted or inline-table TOML), or naming a
 * configuration file; and the environment variables with the same effect (`CARGO_TARGET_DIR`,
 * `CARGO_BUILD_TARGET_DIR`, ...). The per-crate rule needs each inside the repository.
 */
export function cargoPathSettings(spec: Pick<CargoCommandSpec, 'args' | 'env'>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const args = spec.args ?? [];
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!;
    for (const flag of CARGO_PATH_FLAGS) {
      if (a === flag) out.push([flag, args[i + 1] ?? '']);
      else if (a.startsWith(flag + '=')) out.push([flag, a.slice(flag.length + 1)]);
    }
    if (a === '--config') out.push(...configValuePaths(args[i + 1] ?? ''));
    else if (a.startsWith('--config=')) out.push(...configValuePaths(a.slice('--config='.length)));
  }
  for (const name of OUTPUT_ENV) {
    const v = spec.env?.[name];
    if (v !== undefined) out.push([`env ${name}`, v]);
  }
  return out;
}
