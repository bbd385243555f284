/**
 * Everything the workflow reads from a repository, loaded in one call: the configuration, the
 * catalog and STATUS.md, with every problem found on the way. Shared by the extension, the
 * language server and the CLI.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from './config';
import { parseCatalog } from './catalog/parse';
import { findMilestone, type Catalog, type Milestone } from './catalog/model';
import { trackingPath, type MilestoneScopeConfig } from './configTypes';
import { problem, type Problem } from './problems';
import { loadStatus, type StatusDocument } from './status';
import { loadTracking, type TrackingDocument } from './tracking';

export interface LoadedWorkspace {
  /** Absolute path of the repository root. */
  root: string;
  config: MilestoneScopeConfig;
  /** Repository-relative path of the configuration file, when there is one. */
  configFile: string | undefined;
  catalog: Catalog;
  status: StatusDocument;
  /** Problems of the configuration, catalog and STATUS.md, in that order. */
  problems: Problem[];
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function loadCatalog(root: string, file: string): Promise<Catalog> {
  const text = await readOptional(path.join(root, file));
  if (text === undefined) {
    return {
      file,
      workItems: [],
      milestones: [],
      problems: [problem('error', 'catalog/missing', `catalog ${file} does not exist (set "catalog" in .milestone-scope.yaml)`, { file, line: 1 })],
    };
  }
  return parseCatalog(text, file);
}

export async function loadWorkspace(root: string): Promise<LoadedWorkspace> {
  const abs = path.resolve(root);
  const { config, file: configFile, problems: configProblems } = await loadConfig(abs);
  const [catalog, status] = await Promise.all([loadCatalog(abs, config.catalog), loadStatus(abs, config.status)]);
  return {
    root: abs,
    config,
    configFile,
    catalog,
    status,
    problems: [...configProblems, ...catalog.problems, ...status.problems],
  };
}

/** Repository-relative path of a milestone's tracking file. */
export function trackingFileFor(ws: Pick<LoadedWorkspace, 'config'>, milestoneId: string): string {
  return trackingPath(ws.config, milestoneId);
}

export function loadTrackingFor(ws: LoadedWorkspace, milestoneId: string): Promise<TrackingDocument> {
  return loadTracking(ws.root, trackingFileFor(ws, milestoneId));
}

export function milestoneOf(ws: LoadedWorkspace, id: string): Milestone | undefined {
  return findMilestone(ws.catalog, id);
}
