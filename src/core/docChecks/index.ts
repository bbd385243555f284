/**
 * Checks of the milestone documents, shared by the language server and the CLI: catalog
 * references against the workspace and the catalog's last commit, STATUS.md against the tracking
 * files, plus every problem the parsers found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trackingPath, type MilestoneScopeConfig } from '../config/types';
import { resolveInside } from '../paths';
import type { Problem } from '../problems';
import { parseTracking } from '../tracking';
import { loadWorkspace } from '../workspace';
import { loadReferenceBaseline } from './baseline';
import { WorkspaceFiles } from './fileCache';
import { checkReferences } from './references';
import { checkStatusAndTracking, trackingFilePattern, type TrackingFile } from './statusTracking';

export { DocCheckCode, DOC_CHECK_DESCRIPTIONS } from './codes';
export { ReferenceChecker, checkReferences, evaluateReference, formatRef, type RefFinding } from './references';
export { ReferenceBaseline, loadReferenceBaseline, catalogCommit, type Drift } from './baseline';
export { WorkspaceFiles, type FileLookup, type ResolvedFile } from './fileCache';
export { checkStatusAndTracking, trackingFilePattern, type TrackingFile } from './statusTracking';
export { rewriteReferenceLines } from './rewrite';

/** The tracking files that exist: one per catalog milestone, plus any other matching the template. */
function readTrackings(root: string, config: MilestoneScopeConfig, ids: readonly string[]): TrackingFile[] {
  const template = config.tracking;
  const found = new Map<string, string>();
  for (const id of ids) found.set(trackingPath(config, id), id);
  const dir = path.posix.dirname(template);
  if (!dir.includes('{id}')) {
    const pattern = trackingFilePattern(template);
    let names: string[] = [];
    try {
      names = fs.readdirSync(path.join(root, dir));
    } catch {
      // no tracking folder
    }
    for (const name of names) {
      const rel = dir === '.' ? name : `${dir}/${name}`;
      const m = pattern.exec(rel);
      if (m) found.set(rel, m[1]!);
    }
  }
  const out: TrackingFile[] = [];
  for (const [rel, id] of found) {
    const inside = resolveInside(root, rel);
    if (!inside.ok) continue; // a milestone id or a link leading outside: never read
    let text: string;
    try {
      text = fs.readFileSync(inside.abs, 'utf8');
    } catch {
      continue;
    }
    out.push({ id, doc: parseTracking(text, rel, true) });
  }
  return out;
}

/**
 * Every problem of a workspace's milestone documents, read from disk, sorted by file and line.
 * `git: false` skips the comparison with the catalog's last commit.
 */
export async function checkDocuments(root: string, options: { git?: boolean } = {}): Promise<Problem[]> {
  const ws = await loadWorkspace(root);
  const trackings = readTrackings(
    ws.root,
    ws.config,
    ws.catalog.milestones.map((m) => m.id),
  );
  const catalogPath = resolveInside(ws.root, ws.config.catalog);
  const catalogFile = catalogPath.ok && fs.existsSync(catalogPath.abs) ? catalogPath.abs : undefined;
  const problems: Problem[] = [...ws.problems, ...trackings.flatMap((t) => t.doc.problems)];
  if (catalogFile) {
    const paths = ws.catalog.workItems.flatMap((w) => w.hotspots.map((h) => h.path));
    const baseline = options.git === false ? undefined : await loadReferenceBaseline(ws.root, ws.config.catalog, paths);
    const catalogText = fs.readFileSync(catalogFile, 'utf8');
    const lines = catalogText.split(/\r?\n/);
    problems.push(
      ...checkReferences(ws.catalog, {
        files: new WorkspaceFiles(ws.root),
        baseline,
        catalogText,
        sourceText: (ref) => lines[ref.source.line - 1]?.slice(ref.source.column - 1, ref.source.endColumn - 1),
      }),
    );
  }
  problems.push(...checkStatusAndTracking(ws.status, trackings, catalogFile ? ws.catalog : undefined));
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}
