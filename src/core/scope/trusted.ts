/**
 * The scope model's inputs as they are at the base commit: the configuration (pins, crate,
 * document paths), the catalog (work items, hotspot lines, the milestone mapping) and the crates.
 * The milestone's own changes can rewrite the working tree, not the base commit: a change to a
 * document is classified as a change (see documents.ts) and never changes the rules it is
 * checked by.
 *
 * Hotspot lines are followed from the commit each catalog line was written in (`git blame -w`
 * of the catalog at the base) to the base, through renames anywhere in the tree: a later,
 * unrelated edit of the catalog does not move other milestones' lines.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Catalog, HotspotRef } from '../catalog/model';
import { parseCatalog } from '../catalog/parse';
import { CONFIG_FILES, parseConfig } from '../config';
import { DEFAULT_CONFIG, type MilestoneScopeConfig } from '../config/types';
import { blobSpec, diffCommits, EMPTY_TREE, listFiles, readBlobs } from '../git/diff';
import { blameLines, pathFates, treeFiles } from '../diff/history';
import { indexByOldPath, mapFileLine } from '../diff/mapLine';
import { problem, type Problem } from '../problems';
import { confineReferences, type LoadedWorkspace } from '../workspace';
import { cratesOf, type CrateInfo } from './crates';
import type { RefLocator } from './model';

export interface TrustedDocs {
  /** `base`: read from the base commit; `working-tree`: the base has no catalog (or no commit yet). */
  source: 'base' | 'working-tree';
  config: MilestoneScopeConfig;
  /** The configuration file at the base (undefined: defaults). */
  configFile: string | undefined;
  catalog: Catalog;
  /** The catalog's text the model was read from. */
  catalogText: string | undefined;
  crates: CrateInfo[];
  /** Locates catalog references at the base commit. */
  locate: RefLocator | undefined;
  problems: Problem[];
}

const isManifest = (p: string) => path.posix.basename(p) === 'Cargo.toml';

/** What a commit holds never changes: the documents read at a base are kept per repository and commit. */
const CACHE_LIMIT = 8;
const cache = new Map<string, Promise<BaseDocs | string>>();

/** Documents at a base commit; the locator reports into the problems list it is given. */
interface BaseDocs extends Omit<TrustedDocs, 'locate' | 'problems' | 'source'> {
  locator: ((problems: Problem[]) => RefLocator) | undefined;
}

/** Forgets the documents read at base commits (benchmarks measure a first read with it). */
export function clearTrustedDocsCache(): void {
  cache.clear();
}

/** The scope model's documents at the base commit (falls back to the working tree, with a warning, when the base has no catalog). */
export async function loadTrustedDocs(ws: LoadedWorkspace, base: string): Promise<TrustedDocs> {
  if (base === EMPTY_TREE) return workingTreeDocs(ws, 'the repository has no commit yet');
  const key = `${ws.root}\0${base}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = readBaseDocs(ws.root, base, ws.config.catalog);
    cache.set(key, hit);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    hit.catch(() => cache.delete(key));
  }
  const docs = await hit;
  if (typeof docs === 'string') return workingTreeDocs(ws, docs);
  const problems: Problem[] = [];
  const { locator, ...rest } = docs;
  return { ...rest, source: 'base', locate: locator?.(problems), problems };
}

/** The documents at a base commit, or why they cannot be read from there. */
async function readBaseDocs(root: string, base: string, likelyCatalog: string): Promise<BaseDocs | string> {
  // The catalog's lines are dated while the tree is read (its path rarely differs at the base).
  const early = blameLines(root, base, likelyCatalog);
  early.catch(() => undefined); // not at the base: the catalog's own path is dated below, or there is none
  const dating = new Map<string, Promise<string[]>>([[likelyCatalog, early]]);
  const blame = (file: string) => dating.get(file) ?? blameLines(root, base, file);
  const files = await treeFiles(root, base);
  const present = new Set(files);
  const configFile = CONFIG_FILES.find((f) => present.has(f));
  const manifests = files.filter(isManifest);
  const first = await readBlobs(
    root,
    [...(configFile ? [configFile] : []), ...manifests, ...(present.has(likelyCatalog) ? [likelyCatalog] : [])].map((f) =>
      blobSpec(base, f),
    ),
  );
  let config: MilestoneScopeConfig = structuredClone(DEFAULT_CONFIG);
  if (configFile) {
    const text = first.get(blobSpec(base, configFile));
    if (text !== undefined) config = parseConfig(text, configFile, { root }).config;
  }
  if (!present.has(config.catalog)) return `the catalog ${config.catalog} is not in the base commit ${base.slice(0, 12)}`;
  const catalogText =
    first.get(blobSpec(base, config.catalog)) ??
    (await readBlobs(root, [blobSpec(base, config.catalog)])).get(blobSpec(base, config.catalog));
  if (catalogText === undefined) return `the catalog ${config.catalog} could not be read at the base commit ${base.slice(0, 12)}`;
  const catalog = confineReferences(root, parseCatalog(catalogText, config.catalog), catalogText);
  const crates = cratesOf(new Map(manifests.map((m) => [m, first.get(blobSpec(base, m))] as [string, string | undefined])));
  const locator = await hotspotLocator(root, base, catalog, blame);
  return { config, configFile, catalog, catalogText, crates, locator };
}

/** The model from the working tree, as before there was a base to read it from. */
async function workingTreeDocs(ws: LoadedWorkspace, why: string): Promise<TrustedDocs> {
  const manifests = await listFiles(ws.root, ['Cargo.toml', ':(glob)**/Cargo.toml']);
  const texts = await Promise.all(
    manifests.map(
      async (m) => [m, await fs.readFile(path.join(ws.root, m), 'utf8').catch(() => undefined)] as [string, string | undefined],
    ),
  );
  return {
    source: 'working-tree',
    config: ws.config,
    configFile: ws.configFile,
    catalog: ws.catalog,
    catalogText: undefined,
    crates: cratesOf(new Map(texts)),
    locate: undefined,
    problems: [
      problem(
        'warning',
        'scope/model-not-at-base',
        `${why}: the scope model is read from the working tree, which the milestone's own changes can rewrite; commit the milestone documents`,
        {
          file: ws.config.catalog,
          line: 1,
        },
      ),
    ],
  };
}

/**
 * Locates each hotspot reference at the base: the line refers to its file as it was in the
 * commit that wrote the catalog line, and is followed from there to the base (renames included).
 */
async function hotspotLocator(
  root: string,
  base: string,
  catalog: Catalog,
  blame: (file: string) => Promise<string[]>,
): Promise<((problems: Problem[]) => RefLocator) | undefined> {
  const refs = catalog.workItems.flatMap((w) => w.hotspots).filter((r) => r.source.file === catalog.file);
  if (refs.length === 0) return undefined;
  const written = await blame(catalog.file);
  const byRev = new Map<string, HotspotRef[]>();
  for (const ref of refs) {
    const rev = written[ref.source.line];
    if (!rev || rev === base) continue;
    const list = byRev.get(rev) ?? [];
    list.push(ref);
    byRev.set(rev, list);
  }
  if (byRev.size === 0) return undefined;
  const indexes = new Map<string, ReturnType<typeof indexByOldPath>>();
  await Promise.all(
    [...byRev].map(async ([rev, list]) => {
      const fates = await pathFates(root, rev, base);
      const paths = new Set<string>();
      for (const r of list) {
        paths.add(r.path);
        const fate = fates.get(r.path);
        if (fate?.kind === 'renamed') paths.add(fate.to);
      }
      const diffs = await diffCommits(root, rev, base, [...paths]);
      // A rename between both paths is reported by the path-limited diff; a deletion stays one.
      indexes.set(rev, indexByOldPath(diffs));
    }),
  );
  return (problems) => (ref) => {
    const rev = written[ref.source.line];
    const index = rev ? indexes.get(rev) : undefined;
    if (!rev || !index) return { path: ref.path, line: ref.line, endLine: ref.endLine };
    const first = mapFileLine(index, ref.path, ref.line);
    if (first.kind === 'file-deleted') {
      problems.push(
        problem(
          'warning',
          'scope/hotspot-file-gone',
          `hotspot ${ref.path}:${ref.line} names a file deleted since the catalog line was written (${rev.slice(0, 12)})`,
          ref.source,
        ),
      );
      return undefined;
    }
    const last = ref.endLine === ref.line ? first : mapFileLine(index, ref.path, ref.endLine);
    if (first.kind === 'removed') {
      problems.push(
        problem(
          'information',
          'scope/hotspot-line-gone',
          `the line of hotspot ${ref.path}:${ref.line} was deleted since the catalog line was written (${rev.slice(0, 12)}); its region is taken around line ${first.line}`,
          ref.source,
        ),
      );
    }
    return { path: first.path, line: first.line, endLine: Math.max(first.line, last.kind === 'file-deleted' ? first.line : last.line) };
  };
}
