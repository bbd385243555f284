/**
 * What the active milestone may change: its own hotspot files, its tracking file and STATUS.md
 * row, its crate; and what it may not: other milestones' hotspot regions, their rows and tracking
 * files, pinned dependency versions.
 */
import { normaliseMilestoneId, type Catalog, type HotspotRef, type Milestone, type WorkItem } from '../catalog/model';
import { trackingPath, type MilestoneScopeConfig } from '../config/types';
import type { AllowedFiles } from './allowed';
import type { SeverityOverrides } from './codes';
import { crateOfFile, type CrateInfo } from './crates';
import { pinMatcher, type PinMatcher } from './pins';

/** A hotspot reference located at the base revision. */
export interface BaseHotspot {
  path: string;
  line: number;
  endLine: number;
  /** The reference as written in the catalog. */
  ref: HotspotRef;
  workItem: WorkItem;
  /** Milestones (other than the active one) the work item belongs to; empty when it is mapped to none. */
  milestones: Milestone[];
}

/** Where a catalog reference is at the base revision; `undefined` when its file or line is gone. */
export type RefLocator = (ref: HotspotRef) => { path: string; line: number; endLine: number } | undefined;

export interface ScopeModel {
  milestone: Milestone;
  workItems: WorkItem[];
  config: MilestoneScopeConfig;
  /** Own hotspots at the base revision, by path. */
  ownHotspots: Map<string, BaseHotspot[]>;
  /** Other milestones' (and unmapped work items') hotspots at the base revision, by path. */
  otherHotspots: Map<string, BaseHotspot[]>;
  /** Files of the milestone's own hotspots (base and current paths). */
  ownFiles: Set<string>;
  crates: CrateInfo[];
  /** The milestone's crate, when the configured package was found. */
  crate: CrateInfo | undefined;
  statusFile: string;
  trackingFile: string;
  /** The milestone a tracking file belongs to (any id the template can produce). */
  trackingOwner(file: string): string | undefined;
  pins: PinMatcher;
  allowed: AllowedFiles;
  severity: SeverityOverrides;
  milestoneById(id: string): Milestone | undefined;
  /** The catalog the model was built from (at the base commit when `trusted`). */
  catalog: Catalog;
  /** The configuration file at the base (undefined: defaults applied there). */
  configFile: string | undefined;
  /** True when the model was read from the base commit, false when from the working tree. */
  trusted: boolean;
  /** The base commit recorded when the milestone started (its git ref), if any. */
  startRecord: string | undefined;
}

export interface ScopeModelInput {
  config: MilestoneScopeConfig;
  catalog: Catalog;
  milestone: Milestone;
  crates: CrateInfo[];
  allowed: AllowedFiles;
  severity?: SeverityOverrides;
  /** Locates catalog references at the base revision (identity when the catalog's revision is the base). */
  locate?: RefLocator;
  configFile?: string;
  /** Default true: the documents were read from the base commit. */
  trusted?: boolean;
  startRecord?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches paths produced by the tracking template and returns the id in them. */
export function trackingMatcher(template: string): (file: string) => string | undefined {
  const parts = template.split('{id}').map(escapeRegExp);
  const re = new RegExp(`^${parts.join('([^/]+?)')}$`);
  return (file) => {
    const m = re.exec(file);
    return m ? normaliseMilestoneId(m[1]) : undefined;
  };
}

const identity: RefLocator = (ref) => ({ path: ref.path, line: ref.line, endLine: ref.endLine });

export function buildScopeModel(input: ScopeModelInput): ScopeModel {
  const { config, catalog, milestone } = input;
  const locate = input.locate ?? identity;
  const activeId = normaliseMilestoneId(milestone.id);
  const owners = new Map<string, Milestone[]>();
  for (const m of catalog.milestones) {
    if (m.scope.kind !== 'work-items') continue;
    for (const w of m.scope.workItems) {
      const list = owners.get(w) ?? [];
      list.push(m);
      owners.set(w, list);
    }
  }
  const ownHotspots = new Map<string, BaseHotspot[]>();
  const otherHotspots = new Map<string, BaseHotspot[]>();
  const ownFiles = new Set<string>();
  const ownItems: WorkItem[] = [];
  for (const w of catalog.workItems) {
    const ms = owners.get(w.id) ?? [];
    const own = ms.some((m) => normaliseMilestoneId(m.id) === activeId);
    if (own) ownItems.push(w);
    for (const ref of w.hotspots) {
      if (own) ownFiles.add(ref.path);
      const at = locate(ref);
      if (!at) continue;
      const spot: BaseHotspot = { ...at, ref, workItem: w, milestones: own ? [] : ms };
      const map = own ? ownHotspots : otherHotspots;
      const list = map.get(at.path) ?? [];
      list.push(spot);
      map.set(at.path, list);
      if (own) ownFiles.add(at.path);
    }
  }
  const crate = input.crates.find((c) => c.name === config.crate);
  const ownTracking = trackingPath(config, milestone.id);
  const matchTracking = trackingMatcher(config.tracking);
  return {
    milestone,
    workItems: ownItems,
    config,
    ownHotspots,
    otherHotspots,
    ownFiles,
    crates: input.crates,
    crate,
    statusFile: config.status,
    trackingFile: ownTracking,
    trackingOwner: (file) => (file === ownTracking ? activeId : matchTracking(file)),
    pins: pinMatcher(config.pins),
    allowed: input.allowed,
    severity: input.severity ?? {},
    milestoneById: (id) => catalog.milestones.find((m) => normaliseMilestoneId(m.id) === normaliseMilestoneId(id)),
    catalog,
    configFile: input.configFile,
    trusted: input.trusted ?? true,
    startRecord: input.startRecord,
  };
}

/** True when the file is in the milestone's crate (not in a nested crate of its own). */
export function inMilestoneCrate(model: ScopeModel, file: string): boolean {
  if (!model.crate) return false;
  return crateOfFile(model.crates, file)?.name === model.crate.name;
}

export function milestoneLabel(m: Milestone): string {
  return `milestone ${m.id} (${m.title})`;
}
