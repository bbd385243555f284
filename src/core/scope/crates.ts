import * as path from 'node:path';

/** A crate of the workspace: its package name and directory (repository-relative, `''` for the root). */
export interface CrateInfo {
  name: string;
  dir: string;
  manifest: string;
}

/** `[package] name = "…"` of a Cargo.toml, or undefined for a virtual manifest. */
export function packageName(manifestText: string): string | undefined {
  let inPackage = false;
  for (const raw of manifestText.split('\n')) {
    const t = raw.replace(/#.*$/, '').trim();
    if (t.startsWith('[')) {
      inPackage = /^\[\s*package\s*\]$/.test(t);
      continue;
    }
    if (!inPackage) continue;
    const m = /^name\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(t);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

/** The crates among the given manifests (path -> text). */
export function cratesOf(manifests: ReadonlyMap<string, string | undefined>): CrateInfo[] {
  const out: CrateInfo[] = [];
  for (const [manifest, text] of manifests) {
    if (text === undefined) continue;
    const name = packageName(text);
    if (!name) continue;
    const dir = path.posix.dirname(manifest);
    out.push({ name, dir: dir === '.' ? '' : dir, manifest });
  }
  return out.sort((a, b) => a.manifest.localeCompare(b.manifest));
}

/** True when `file` lies in `dir` (repository-relative, forward slashes). */
export function isInside(file: string, dir: string): boolean {
  return dir === '' || file === dir || file.startsWith(dir + '/');
}

/** The innermost crate containing a file (nested crates win over their parents). */
export function crateOfFile(crates: readonly CrateInfo[], file: string): CrateInfo | undefined {
  let best: CrateInfo | undefined;
  for (const c of crates) if (isInside(file, c.dir) && (!best || c.dir.length > best.dir.length)) best = c;
  return best;
}
