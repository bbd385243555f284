/**
 * What `cargo metadata --no-deps --format-version 1` says about a workspace: its root, its
 * member packages and their targets. Used to refuse unknown packages and to offer the crate's
 * real test and example targets.
 */
import * as path from 'node:path';
import { runProcess } from './run';

export interface CargoTarget {
  name: string;
  /** `lib`, `bin`, `test`, `example`, `bench`, `custom-build`, ... */
  kind: string[];
  /** Absolute path of the target's root source file. */
  srcPath: string;
}

export interface CargoPackage {
  name: string;
  version: string;
  /** Absolute path of the package's Cargo.toml. */
  manifestPath: string;
  targets: CargoTarget[];
}

export interface CargoWorkspace {
  /** Absolute path of the workspace root folder. */
  workspaceRoot: string;
  /** Packages of the workspace (with `--no-deps`: the members only). */
  packages: CargoPackage[];
  /** Whether the root Cargo.toml is a package itself (otherwise a virtual manifest). */
  rootIsPackage: boolean;
}

export class CargoMetadataError extends Error {
  constructor(
    message: string,
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'CargoMetadataError';
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Parses the JSON `cargo metadata` prints; throws CargoMetadataError on anything else. */
export function parseCargoMetadata(json: string): CargoWorkspace {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new CargoMetadataError(`cargo metadata printed something that is not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new CargoMetadataError('cargo metadata output is not an object');
  const o = raw as Record<string, unknown>;
  const workspaceRoot = str(o.workspace_root);
  if (!workspaceRoot || !Array.isArray(o.packages)) {
    throw new CargoMetadataError('cargo metadata output has no workspace_root or packages (format version 1 expected)');
  }
  const packages: CargoPackage[] = [];
  for (const p of o.packages as unknown[]) {
    const po = (p ?? {}) as Record<string, unknown>;
    const name = str(po.name);
    const manifestPath = str(po.manifest_path);
    if (!name || !manifestPath) continue; // not a package entry; nothing of it can be used
    const targets: CargoTarget[] = [];
    for (const t of Array.isArray(po.targets) ? (po.targets as unknown[]) : []) {
      const to = (t ?? {}) as Record<string, unknown>;
      const tname = str(to.name);
      if (!tname) continue;
      const kind = Array.isArray(to.kind) ? (to.kind as unknown[]).filter((k): k is string => typeof k === 'string') : [];
      targets.push({ name: tname, kind, srcPath: str(to.src_path) ?? '' });
    }
    packages.push({ name, version: str(po.version) ?? '', manifestPath, targets });
  }
  const rootManifest = path.join(workspaceRoot, 'Cargo.toml');
  const rootIsPackage = packages.some((p) => path.resolve(p.manifestPath) === path.resolve(rootManifest));
  return { workspaceRoot, packages, rootIsPackage };
}

export function findPackage(ws: CargoWorkspace, name: string): CargoPackage | undefined {
  return ws.packages.find((p) => p.name === name);
}

export type TargetKind = 'test' | 'example' | 'bench' | 'bin' | 'lib';

export function targetsOfKind(pkg: CargoPackage, kind: TargetKind): CargoTarget[] {
  return pkg.targets.filter((t) => t.kind.includes(kind) || (kind === 'lib' && t.kind.some((k) => /lib$/.test(k))));
}

/** Runs `cargo metadata --no-deps --format-version 1` in `cwd` (offline: it needs no network). */
export async function loadCargoMetadata(cwd: string, opts: { cargo?: string; signal?: AbortSignal } = {}): Promise<CargoWorkspace> {
  let stdout = '';
  let stderr = '';
  const result = await runProcess(opts.cargo ?? 'cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], {
    cwd,
    signal: opts.signal,
    onStdout: (chunk) => (stdout += chunk),
    onStderr: (chunk) => (stderr += chunk),
  });
  if (result.spawnError) throw new CargoMetadataError(`cargo could not be started: ${result.spawnError}`);
  if (result.exitCode !== 0) {
    const first = stderr.split('\n').find((l) => /error/i.test(l)) ?? stderr.trim().split('\n')[0] ?? '';
    throw new CargoMetadataError(`cargo metadata failed (exit ${result.exitCode ?? result.signal}): ${first.trim()}`, stderr);
  }
  return parseCargoMetadata(stdout);
}

/**
 * What the user is told, once, when `cargo metadata` fails and the tasks fall back to the
 * configured commands: the reason (a `rust-toolchain.toml` pinning a toolchain that is not
 * installed is common) and what is used instead.
 */
export function metadataFallbackMessage(reason: string, configured: readonly string[]): string {
  const why = reason.replace(/^cargo metadata failed\s*/, '').replace(/[.\s]+$/, '');
  const instead = configured.length ? `the configured commands only (${configured.join(', ')})` : 'no cargo tasks';
  return `cargo metadata failed ${why}. Milestone Scope tasks use ${instead}; the crate's other test and example targets are offered once cargo metadata works.`;
}
