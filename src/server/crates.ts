/**
 * The Cargo packages of a workspace and their source files, for path completion. Found by walking
 * for `Cargo.toml` files (skipping build output), which also covers crates outside `members`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CrateInfo {
  name: string;
  /** Workspace-relative folder of the package ('' for the root package). */
  dir: string;
}

const SKIP = new Set(['target', 'node_modules', '.git', '.milestone-scope', 'dist', 'out']);
const MAX_DEPTH = 5;
const MAX_FILES = 5000;
const SOURCE = /\.(rs|metal|cu|cuh|c|h|cc|cpp|hpp|wgsl|glsl|toml|md|py|sh)$/i;

/** `name` of a manifest's `[package]` section, if it has one. */
export function packageName(manifest: string): string | undefined {
  let inPackage = false;
  for (const raw of manifest.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inPackage = /^\[package\]\s*(#.*)?$/.test(line);
      continue;
    }
    if (!inPackage) continue;
    const m = /^name\s*=\s*["']([^"']+)["']/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

export function findCrates(root: string): CrateInfo[] {
  const out: CrateInfo[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === 'Cargo.toml')) {
      try {
        const name = packageName(fs.readFileSync(path.join(root, dir, 'Cargo.toml'), 'utf8'));
        if (name) out.push({ name, dir });
      } catch {
        // unreadable manifest: not a crate we can name
      }
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) {
      if (!e.isDirectory() || SKIP.has(e.name) || e.name.startsWith('.')) continue;
      walk(dir ? `${dir}/${e.name}` : e.name, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

/** Workspace-relative source files of a crate folder (no build output), sorted. */
export function crateFiles(root: string, crateDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (out.length >= MAX_FILES) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) walk(rel);
      } else if (e.isFile() && SOURCE.test(e.name) && out.length < MAX_FILES) out.push(rel);
    }
  };
  walk(crateDir);
  return out.sort();
}

/** Results older than this are read again: source files come and go without a watcher here. */
const FRESH_MS = 5_000;

/** Caches crate discovery per workspace for a few seconds, or until invalidated. */
export class CrateIndex {
  private crates: { at: number; list: CrateInfo[] } | undefined;
  private files = new Map<string, { at: number; list: string[] }>();
  constructor(private readonly root: string) {}

  list(): CrateInfo[] {
    if (!this.crates || Date.now() - this.crates.at > FRESH_MS) this.crates = { at: Date.now(), list: findCrates(this.root) };
    return this.crates.list;
  }

  filesOf(name: string): string[] {
    const crate = this.list().find((c) => c.name === name);
    if (!crate) return [];
    let f = this.files.get(crate.dir);
    if (!f || Date.now() - f.at > FRESH_MS) this.files.set(crate.dir, (f = { at: Date.now(), list: crateFiles(this.root, crate.dir) }));
    return f.list;
  }

  invalidate(): void {
    this.crates = undefined;
    this.files.clear();
  }
}
