/**
 * Everything the workflow reads from a repository, loaded in one call: the configuration, the
 * catalog and STATUS.md, with every problem found on the way. Shared by the extension, the
 * language server and the CLI.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from './config';
import { readTextFile } from './files';
import { parseCatalog } from './catalog/parse';
import { findMilestone, type Catalog, type Milestone } from './catalog/model';
import { trackingPath, type MilestoneScopeConfig } from './config/types';
import { resolveLinkRefs } from './docChecks/linkRefs';
import { escapeMessage, realLocation, resolveInside, writtenAbsolute, type InsideResult } from './paths';
import { InputError, problem, type Problem } from './problems';
import { loadStatus, parseStatus, type StatusDocument } from './status';
import { loadTracking, parseTracking, type TrackingDocument } from './tracking';

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

async function readOptional(file: string, shown: string): Promise<string | undefined> {
  return readTextFile(file, shown);
}

/** Code of a path from a document or the configuration that leads outside the workspace. */
export const OUTSIDE_WORKSPACE = 'ref/outside-workspace';
const CONFIG_OUTSIDE = 'config/outside-workspace';

export async function loadCatalog(root: string, file: string): Promise<Catalog> {
  const inside = resolveInside(root, file);
  if (!inside.ok) {
    return {
      file,
      workItems: [],
      milestones: [],
      problems: [problem('error', CONFIG_OUTSIDE, `the catalog is not read: ${inside.message}`, { file, line: 1 })],
    };
  }
  const text = await readOptional(inside.abs, file);
  if (text === undefined) {
    return {
      file,
      workItems: [],
      milestones: [],
      problems: [
        problem('error', 'catalog/missing', `catalog ${file} does not exist (set "catalog" in .milestone-scope.yaml)`, { file, line: 1 }),
      ],
    };
  }
  const exists = (rel: string) => {
    try {
      return statSync(path.join(root, rel)).isFile();
    } catch {
      return false;
    }
  };
  return confineReferences(root, resolveLinkRefs(parseCatalog(text, file), exists), text);
}

/**
 * Takes out of the catalog every hotspot reference that leads outside the workspace (written as
 * an absolute path, `..` above the root, or through a symbolic link pointing outside), each
 * replaced by an error at the reference. What is left is all that may be read, decorated or
 * turned into scope rules.
 */
export function confineReferences(root: string, catalog: Catalog, text: string): Catalog {
  const lines = text.split(/\r?\n/);
  const rootReal = realLocation(path.resolve(root));
  const verdicts = new Map<string, InsideResult>();
  const refused: Problem[] = [];
  const workItems = catalog.workItems.map((item) => {
    const hotspots = item.hotspots.filter((ref) => {
      const s = ref.source;
      const written = s.file === catalog.file ? lines[s.line - 1]?.slice(s.column - 1, s.endColumn - 1) : undefined;
      let why: string | undefined;
      if (writtenAbsolute(written)) why = escapeMessage(written!.replace(/^[`\s"']+|[`\s"']+$/g, ''), 'absolute');
      else {
        let v = verdicts.get(ref.path);
        if (!v) verdicts.set(ref.path, (v = resolveInside(root, ref.path, rootReal ? { rootReal } : {})));
        if (!v.ok) why = v.message;
      }
      if (why === undefined) return true;
      refused.push(
        problem('error', OUTSIDE_WORKSPACE, `hotspot reference not used: ${why}`, {
          file: s.file,
          line: s.line,
          column: s.column,
          endColumn: s.endColumn,
        }),
      );
      return false;
    });
    return hotspots.length === item.hotspots.length ? item : { ...item, hotspots };
  });
  if (refused.length === 0) return catalog;
  const problems = [...catalog.problems, ...refused].sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  return { ...catalog, workItems, problems };
}

/** STATUS.md, unless its path leads outside the workspace (then an empty document and an error). */
async function loadStatusInside(root: string, file: string): Promise<StatusDocument> {
  const inside = resolveInside(root, file);
  if (inside.ok) return loadStatus(root, file);
  const doc = parseStatus('', file, false);
  doc.problems.push(problem('error', CONFIG_OUTSIDE, `the status document is not read: ${inside.message}`, { file, line: 1 }));
  return doc;
}

/** The tracking files' folder (the template up to its first `{id}`) must stay inside the workspace. */
function trackingFolderProblems(root: string, config: MilestoneScopeConfig): Problem[] {
  const fixed = config.tracking.slice(0, config.tracking.indexOf('{id}')).replace(/[^/]*$/, '') || '.';
  const inside = resolveInside(root, fixed);
  if (inside.ok) return [];
  return [
    problem('error', CONFIG_OUTSIDE, `tracking files are not read or written: ${inside.message}`, {
      file: fixed.replace(/\/$/, '') || '.',
      line: 1,
    }),
  ];
}

export async function loadWorkspace(root: string): Promise<LoadedWorkspace> {
  const abs = path.resolve(root);
  const { config, file: configFile, problems: configProblems } = await loadConfig(abs);
  const [catalog, status] = await Promise.all([loadCatalog(abs, config.catalog), loadStatusInside(abs, config.status)]);
  return {
    root: abs,
    config,
    configFile,
    catalog,
    status,
    problems: [...configProblems, ...trackingFolderProblems(abs, config), ...catalog.problems, ...status.problems],
  };
}

/**
 * The absolute path of a workspace document named by the configuration or a document (STATUS.md,
 * a tracking file), for reading or writing it. Throws InputError when it leads outside the
 * workspace, so nothing is read or written there.
 */
export function workspaceFile(ws: Pick<LoadedWorkspace, 'root'>, rel: string, what = rel): string {
  const inside = resolveInside(ws.root, rel);
  if (!inside.ok)
    throw new InputError(`${what}: ${inside.message}; nothing is read or written there`, undefined, 'input/outside-workspace');
  return inside.abs;
}

/** Milestone ids usable in a tracking file name (what the tracking-file pattern recognises). */
const TRACKING_ID = /^[A-Za-z0-9][\w.-]*$/;

/**
 * Repository-relative path of a milestone's tracking file. Throws InputError for an id that is no
 * plain file-name part, and when the path leads outside the workspace (a link).
 */
export function trackingFileFor(ws: Pick<LoadedWorkspace, 'config' | 'root'>, milestoneId: string): string {
  // An id from the catalog becomes part of a file name: separators would move the file elsewhere.
  if (!TRACKING_ID.test(milestoneId))
    throw new InputError(
      `milestone id ${JSON.stringify(milestoneId)} cannot be used in a tracking file name (letters, digits, ".", "_" and "-" only)`,
      undefined,
      'input/outside-workspace',
    );
  const rel = trackingPath(ws.config, milestoneId);
  workspaceFile(ws, rel, `the tracking file of milestone ${milestoneId}`);
  return rel;
}

/**
 * A milestone's tracking file as read. One whose path is refused (see trackingFileFor) reads as
 * absent, with an error, so listing and pre-flighting every milestone still works; writing it
 * stays refused.
 */
export async function loadTrackingFor(ws: LoadedWorkspace, milestoneId: string): Promise<TrackingDocument> {
  let rel: string;
  try {
    rel = trackingFileFor(ws, milestoneId);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const file = trackingPath(ws.config, milestoneId);
    const doc = parseTracking('', file, false);
    doc.problems.push(
      problem('error', 'tracking/outside-workspace', `${err.message.replace(/; nothing is read or written there$/, '')}; it is not read`, {
        file,
        line: 1,
      }),
    );
    return doc;
  }
  return loadTracking(ws.root, rel);
}

export function milestoneOf(ws: LoadedWorkspace, id: string): Milestone | undefined {
  return findMilestone(ws.catalog, id);
}
