import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { gitTopLevel } from '../core/git/repo';
import { escapeMessage, isInside, realLocation, resolveInside } from '../core/paths';
import { InputError } from '../core/problems';
import type { CliIO } from './io';

/** Options every subcommand accepts. */
export const COMMON_OPTIONS = {
  root: { type: 'string' },
  owner: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_HELP = [
  '  --root DIR     repository root (default: the git top level of the current folder)',
  '  --owner NAME   who you are (default: git user.name, else the login name)',
  '  --json         machine-readable output (see docs/cli.md)',
  '  -h, --help     this help',
];

export interface ParsedCommand<V> {
  values: V & { root?: string; owner?: string; json: boolean; help: boolean };
  positionals: string[];
}

/**
 * Parses a subcommand's arguments (common options plus its own). Unknown options and a wrong
 * number of positionals are usage errors (InputError -> exit 2).
 */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  spec: { name: string; positionals: string[]; options?: O },
): ParsedCommand<Record<string, unknown>> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...(spec.options ?? {}) }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(`${spec.name}: ${(err as Error).message}`, undefined, 'input/usage');
  }
  const values = parsed.values as ParsedCommand<Record<string, unknown>>['values'];
  if (!values.help && parsed.positionals.length !== spec.positionals.length) {
    const want = spec.positionals.length ? ` ${spec.positionals.map((p) => `<${p}>`).join(' ')}` : ' no arguments';
    throw new InputError(
      `${spec.name} takes${want}; got ${parsed.positionals.length ? parsed.positionals.join(' ') : 'none'}`,
      undefined,
      'input/usage',
    );
  }
  return { values, positionals: parsed.positionals };
}

/** `--root`, else the git top level of the current folder, else the current folder. */
export async function resolveRoot(io: CliIO, root: string | undefined): Promise<string> {
  if (root === undefined) return (await gitTopLevel(io.cwd)) ?? io.cwd;
  const abs = path.resolve(io.cwd, root);
  const stat = await fs.stat(abs).catch(() => undefined);
  if (!stat?.isDirectory()) throw new InputError(`--root ${root}: not a folder`, undefined, 'input/usage');
  return abs;
}

/**
 * The absolute path of a file named in an argument. Typed by a person, it is taken as given,
 * relative to the current folder (a trace in /tmp is fine: the person chose it). From an agent
 * (`io.confinePaths`), it must lie inside `root` once `..` and symbolic links are resolved; an
 * absolute path is accepted only when it does. Refusals are InputError naming the path.
 */
export function argumentPath(io: CliIO, root: string, file: string, what: string): string {
  if (file.includes('\0')) throw new InputError(`${what} ${JSON.stringify(file)}: ${escapeMessage(file, 'nul')}`, undefined, 'input/usage');
  if (!io.confinePaths) return path.resolve(io.cwd, file);
  const refuse = (message: string) =>
    new InputError(
      `${what} ${file}: ${message}; files named by tools must be inside the workspace ${root}`,
      undefined,
      'input/outside-workspace',
    );
  if (path.isAbsolute(file)) {
    if (isInside(root, file)) return path.resolve(file);
    const rel = path.relative(root, file);
    const written = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    throw refuse(written ? escapeMessage(file, 'symlink', realLocation(file)) : 'it is outside the workspace');
  }
  const inside = resolveInside(root, file);
  if (!inside.ok) throw refuse(inside.message);
  return inside.abs;
}
