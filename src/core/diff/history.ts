/**
 * Questions about history the scope guard asks git: which commit each revision names (several in
 * one process), ancestry, the files of a commit, where each line of a file was last written
 * (blame), and which files were renamed or deleted between two commits (rename detection over
 * the whole tree, not limited to some paths).
 */
import { runGit } from '../git/run';

const OID = /^[0-9a-f]{40,64}$/;

/**
 * The commit each revision names (undefined when it names none), in one `git cat-file
 * --batch-check` process.
 */
export async function resolveCommits(cwd: string, revs: readonly string[]): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  const asked = [...new Set(revs)].filter((r) => r.length > 0 && !r.startsWith('-') && !/[\n\s]/.test(r));
  for (const r of revs) out.set(r, undefined);
  if (asked.length === 0) return out;
  const r = await runGit(cwd, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: asked.map((x) => `${x}^{commit}`).join('\n') + '\n',
  });
  const lines = r.stdout.split('\n');
  asked.forEach((rev, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    out.set(rev, type === 'commit' && OID.test(oid) ? oid : undefined);
  });
  return out;
}

/** True when `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  // Between two commit ids the answer never changes.
  const key = `${cwd}\0${ancestor}\0${descendant}`;
  const known = ancestry.get(key);
  if (known !== undefined) return known;
  const r = await runGit(cwd, ['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1] });
  const yes = r.exitCode === 0;
  if (OID.test(ancestor) && OID.test(descendant)) {
    ancestry.set(key, yes);
    if (ancestry.size > 256) ancestry.delete(ancestry.keys().next().value!);
  }
  return yes;
}
const ancestry = new Map<string, boolean>();

/** The best common ancestor of two commits, if they have one. */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string | undefined> {
  const r = await runGit(cwd, ['merge-base', a, b], { okCodes: [1] });
  const sha = r.stdout.trim();
  return r.exitCode === 0 && OID.test(sha) ? sha : undefined;
}

/** Paths (relative to cwd) of every file in a commit's tree. */
export async function treeFiles(cwd: string, rev: string): Promise<string[]> {
  const r = await runGit(cwd, ['ls-tree', '-r', '-z', '--name-only', rev]);
  return r.stdout.split('\0').filter((n) => n.length > 0);
}

/**
 * For each line of `file` at `rev` (1-based index), the commit that last changed it, whitespace
 * changes ignored (`git blame -w`).
 */
export async function blameLines(cwd: string, rev: string, file: string): Promise<string[]> {
  const r = await runGit(cwd, ['blame', '-w', '--porcelain', rev, '--', file]);
  const out: string[] = [];
  // Each line's group starts with "<sha> <orig line> <final line>[ <count>]".
  for (const l of r.stdout.split('\n')) {
    const m = /^([0-9a-f]{40,64}) \d+ (\d+)/.exec(l);
    if (m) out[Number(m[2])] = m[1];
  }
  return out;
}

/** What happened to a file between two commits, rename detection over the whole tree. */
export type PathFate = { kind: 'renamed'; to: string } | { kind: 'deleted' };

/**
 * Renamed and deleted files between two commits (`git diff --raw -M` on the whole tree: a
 * rename is found even when only its old path is of interest). Keys are old paths.
 */
export async function pathFates(cwd: string, from: string, to: string): Promise<Map<string, PathFate>> {
  const r = await runGit(cwd, ['diff', '--raw', '-z', '-M', '--relative', '--no-ext-diff', '--no-textconv', from, to]);
  const parts = r.stdout.split('\0');
  const out = new Map<string, PathFate>();
  for (let i = 0; i < parts.length; i++) {
    const meta = parts[i];
    if (!meta.startsWith(':')) continue;
    const status = meta.split(' ').pop() ?? '';
    if (status.startsWith('R')) {
      out.set(parts[i + 1], { kind: 'renamed', to: parts[i + 2] });
      i += 2;
    } else if (status.startsWith('C')) {
      i += 2; // a copy leaves its source in place
    } else {
      if (status === 'D') out.set(parts[i + 1], { kind: 'deleted' });
      i += 1;
    }
  }
  return out;
}
