/**
 * The scope check against git: the diff from the base revision (recorded at start, else HEAD) to
 * the working tree or the index, untracked files included, classified file by file. A session
 * keeps the model and base texts so unsaved editor buffers can be re-checked in well under a
 * millisecond per edit.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { normaliseMilestoneId, type Milestone } from '../catalog/model';
import { diffTexts } from '../diff/buffer';
import {
  blobSpec,
  diffCommits,
  diffWorkingTree,
  EMPTY_TREE,
  lastCommitTouching,
  listFiles,
  readBlobs,
  probeRevision,
  addedFileHunks,
} from '../diff/git';
import { indexByOldPath, mapFileLine } from '../diff/mapLine';
import type { FileDiff } from '../diff/types';
import { InputError, problem, type Problem, type Severity } from '../problems';
import { sameOwner } from '../statusDoc/statuses';
import type { LoadedWorkspace } from '../workspace';
import { loadTrackingFor } from '../workspace';
import { parseAllowedFiles } from './allowed';
import { classifyFile, textsNeeded, type FileTexts, type ScopeFinding } from './classify';
import type { SeverityOverrides } from './codes';
import { cratesOf } from './crates';
import { buildScopeModel, type RefLocator, type ScopeModel } from './model';

export type BaseSource = 'option' | 'recorded' | 'head' | 'empty';

export interface ScopeResult {
  milestone: { id: string; title: string };
  base: { commit: string; source: BaseSource };
  staged: boolean;
  findings: ScopeFinding[];
  /** Inputs that could not be fully understood (never silently dropped). */
  problems: Problem[];
  counts: Record<Severity, number>;
  filesChecked: number;
}

export interface ActiveChoice {
  milestone: Milestone;
  /** The base commit recorded for it (tracking file or STATUS.md), as written, and where. */
  recordedBase?: string;
  recordedBaseAt?: { file: string; line: number };
}

/**
 * The milestone to check: the given id, else the one in progress for `owner` (STATUS.md first,
 * then the milestones' tracking files). Throws InputError when there is no single answer.
 */
export async function resolveActiveMilestone(ws: LoadedWorkspace, choice: { milestone?: string; owner?: string }): Promise<ActiveChoice> {
  let milestone: Milestone | undefined;
  if (choice.milestone !== undefined) {
    const want = normaliseMilestoneId(choice.milestone);
    milestone = ws.catalog.milestones.find((m) => normaliseMilestoneId(m.id) === want);
    if (!milestone) {
      const known = ws.catalog.milestones.map((m) => m.id).join(', ') || 'none';
      throw new InputError(`milestone ${choice.milestone} is not in the catalog (known: ${known})`, { file: ws.catalog.file, line: 1 }, 'scope/unknown-milestone');
    }
  } else {
    const owner = choice.owner;
    const fromStatus = ws.status.entries.filter((e) => e.status === 'in_progress' && sameOwner(e.owner, owner));
    let ids = fromStatus.map((e) => e.id);
    if (ids.length === 0) {
      const tracked = await Promise.all(ws.catalog.milestones.map(async (m) => ({ m, t: await loadTrackingFor(ws, m.id) })));
      ids = tracked.filter(({ t }) => t.status === 'in_progress' && sameOwner(t.fields.owner?.value, owner)).map(({ m }) => normaliseMilestoneId(m.id));
    }
    if (ids.length === 0) throw new InputError(`no milestone is in progress for ${owner ?? 'you'}; pass --milestone ID`, { file: ws.status.file, line: 1 }, 'scope/no-active-milestone');
    if (ids.length > 1) throw new InputError(`several milestones are in progress for ${owner}: ${ids.join(', ')}; pass --milestone ID`, { file: ws.status.file, line: 1 }, 'scope/several-active');
    milestone = ws.catalog.milestones.find((m) => normaliseMilestoneId(m.id) === ids[0]);
    if (!milestone) throw new InputError(`milestone ${ids[0]} is in progress but not in the catalog`, { file: ws.status.file, line: 1 }, 'scope/unknown-milestone');
  }
  const tracking = await loadTrackingFor(ws, milestone.id);
  const entry = ws.status.entries.find((e) => e.id === normaliseMilestoneId(milestone!.id));
  if (tracking.fields.base?.value) {
    return { milestone, recordedBase: tracking.fields.base.value, recordedBaseAt: { file: tracking.file, line: tracking.fields.base.line } };
  }
  if (entry?.base) return { milestone, recordedBase: entry.base, recordedBaseAt: { file: ws.status.file, line: entry.line } };
  return { milestone };
}

export interface SessionOptions {
  milestone: Milestone;
  /** A revision given by the user; wins over the recorded base. */
  base?: string;
  /** The base recorded when the milestone started, and where it is written. */
  recordedBase?: string;
  recordedBaseAt?: { file: string; line: number };
  staged?: boolean;
  severity?: SeverityOverrides;
  /**
   * A one-shot check (CLI, agent tools): the diff from the base starts as soon as the base is known,
   * beside the reads that build the model, and the first checkAll() uses it. A long-lived session
   * (the editor's) leaves this off, so its checks always diff the tree as it is then.
   */
  prefetchDiff?: boolean;
}

function emptyCounts(): Record<Severity, number> {
  return { error: 0, warning: 0, information: 0 };
}

async function readWorkingFile(root: string, file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path.join(root, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** Locates catalog references at the base when the catalog was written at another commit. */
async function refLocator(root: string, catalogRev: string | undefined, base: string, hotspotPaths: string[], problems: Problem[]): Promise<RefLocator | undefined> {
  if (base === EMPTY_TREE) return undefined;
  if (!catalogRev || catalogRev === base || hotspotPaths.length === 0) return undefined;
  const index = indexByOldPath(await diffCommits(root, catalogRev, base, hotspotPaths));
  if (index.size === 0) return undefined;
  return (ref) => {
    const first = mapFileLine(index, ref.path, ref.line);
    if (first.kind === 'file-deleted') {
      problems.push(problem('warning', 'scope/hotspot-file-gone', `hotspot ${ref.path}:${ref.line} names a file deleted since the catalog's revision ${catalogRev.slice(0, 12)}`, ref.source));
      return undefined;
    }
    const last = ref.endLine === ref.line ? first : mapFileLine(index, ref.path, ref.endLine);
    if (first.kind === 'removed') {
      problems.push(problem('information', 'scope/hotspot-line-gone', `the line of hotspot ${ref.path}:${ref.line} was deleted since the catalog's revision ${catalogRev.slice(0, 12)}; its region is taken around line ${first.line}`, ref.source));
    }
    return { path: first.path, line: first.line, endLine: Math.max(first.line, last.kind === 'file-deleted' ? first.line : last.line) };
  };
}

export class ScopeSession {
  private readonly baseTexts = new Map<string, string | undefined>();
  private diffs = new Map<string, FileDiff>();
  /** The diff started by open() with `prefetchDiff`, for the first checkAll() only. */
  private prefetched: Promise<Awaited<ReturnType<typeof diffWorkingTree>>> | undefined;

  private constructor(
    readonly root: string,
    readonly model: ScopeModel,
    readonly base: { commit: string; source: BaseSource },
    readonly staged: boolean,
    /** Problems found while building the model (base fallback, unreadable entries…). */
    readonly problems: Problem[],
  ) {}

  static async open(ws: LoadedWorkspace, options: SessionOptions): Promise<ScopeSession> {
    const root = ws.root;
    const problems: Problem[] = [];
    // Independent reads run together; the git check's verdict is reported first.
    const resolvingBase = ScopeSession.resolveBase(root, options, problems);
    const prefetched = options.prefetchDiff
      ? resolvingBase.then((b) => diffWorkingTree(root, { base: b.commit, staged: options.staged ?? false }))
      : undefined;
    // Awaited by checkAll() (or never, when open() fails): no unhandled rejection meanwhile.
    prefetched?.catch(() => undefined);
    const [base, tracking, manifests, catalogRev] = await Promise.allSettled([
      resolvingBase,
      loadTrackingFor(ws, options.milestone.id),
      listFiles(root, ['Cargo.toml', ':(glob)**/Cargo.toml']),
      lastCommitTouching(root, ws.config.catalog),
    ]);
    if (base.status === 'rejected') throw base.reason;
    if (tracking.status === 'rejected') throw tracking.reason;
    if (manifests.status === 'rejected') throw manifests.reason;
    const hotspotPaths = [...new Set(ws.catalog.workItems.flatMap((w) => w.hotspots.map((h) => h.path)))];
    const locate = await refLocator(root, catalogRev.status === 'fulfilled' ? catalogRev.value : undefined, base.value.commit, hotspotPaths, problems);
    const manifestPaths = manifests.value;
    const manifestTexts = new Map<string, string | undefined>(await Promise.all(manifestPaths.map(async (m) => [m, await readWorkingFile(root, m)] as [string, string | undefined])));
    const crates = cratesOf(manifestTexts);
    const allowed = parseAllowedFiles(tracking.value.text, tracking.value.file);
    problems.push(...allowed.problems);
    const model = buildScopeModel({ config: ws.config, catalog: ws.catalog, milestone: options.milestone, crates, allowed, severity: options.severity, locate });
    if (!model.crate) {
      problems.push(problem('warning', 'scope/crate-not-found', `no Cargo.toml declares package ${ws.config.crate}; every change counts as cross-crate`, { file: ws.configFile ?? ws.config.catalog, line: 1 }));
    }
    const session = new ScopeSession(root, model, base.value, options.staged ?? false, problems);
    session.prefetched = prefetched;
    return session;
  }

  /** The base commit: the user's --base, the recorded base, else HEAD (each probe also checks for git). */
  private static async resolveBase(root: string, o: SessionOptions, problems: Problem[]): Promise<{ commit: string; source: BaseSource }> {
    const notGit = () => new InputError(`${root} is not inside a git work tree; the scope check compares against a git revision`, undefined, 'scope/not-git');
    if (o.base !== undefined) {
      const { workTree, commit } = await probeRevision(root, o.base);
      if (!workTree) throw notGit();
      if (!commit) throw new InputError(`--base ${o.base} does not name a commit`, undefined, 'scope/bad-base');
      return { commit, source: 'option' };
    }
    if (o.recordedBase) {
      const { workTree, commit } = await probeRevision(root, o.recordedBase);
      if (!workTree) throw notGit();
      if (commit) return { commit, source: 'recorded' };
      problems.push(problem('warning', 'scope/recorded-base-missing', `the base commit recorded for milestone ${o.milestone.id} (${o.recordedBase}) is not in this repository; comparing against HEAD`, o.recordedBaseAt ?? { file: '.', line: 1 }));
    }
    const head = await probeRevision(root, 'HEAD');
    if (!head.workTree) throw notGit();
    return head.commit ? { commit: head.commit, source: 'head' } : { commit: EMPTY_TREE, source: 'empty' };
  }

  /** The file's text at the base revision (cached). */
  async baseText(file: string): Promise<string | undefined> {
    if (this.baseTexts.has(file)) return this.baseTexts.get(file);
    const blobs = await readBlobs(this.root, [blobSpec(this.base.commit, file)]);
    const text = blobs.get(blobSpec(this.base.commit, file));
    this.baseTexts.set(file, text);
    return text;
  }

  /** The path a current file had at the base revision (after the last full check's renames). */
  basePathOf(file: string): string | undefined {
    const d = this.diffs.get(file);
    if (d) return d.oldPath;
    return file;
  }

  /** The last full check's diff of a file (by current path), if it changed. */
  fileDiff(file: string): FileDiff | undefined {
    return this.diffs.get(file);
  }

  /** Checks every change from the base. */
  async checkAll(): Promise<ScopeResult> {
    const { commit } = this.base;
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    const wd = await (prefetched ?? diffWorkingTree(this.root, { base: commit, staged: this.staged }));
    const files = wd.files;
    const baseSpecs: string[] = [];
    const indexSpecs: string[] = [];
    const workPaths: string[] = [];
    const needs = files.map((f) => textsNeeded(this.model, f));
    files.forEach((f, i) => {
      if (needs[i].base && f.oldPath !== undefined && !this.baseTexts.has(f.oldPath)) baseSpecs.push(blobSpec(commit, f.oldPath));
      if (needs[i].current && f.newPath !== undefined) (this.staged ? indexSpecs : workPaths).push(f.newPath);
    });
    const [blobs, work] = await Promise.all([
      readBlobs(this.root, [...baseSpecs, ...indexSpecs.map((p) => blobSpec(undefined, p))]),
      Promise.all(workPaths.map(async (p) => [p, await readWorkingFile(this.root, p)] as const)),
    ]);
    for (const f of files) if (f.oldPath !== undefined && blobs.has(blobSpec(commit, f.oldPath))) this.baseTexts.set(f.oldPath, blobs.get(blobSpec(commit, f.oldPath)));
    const current = new Map<string, string | undefined>(work);
    for (const p of indexSpecs) current.set(p, blobs.get(blobSpec(undefined, p)));

    const findings: ScopeFinding[] = [];
    const problems: Problem[] = [...this.problems];
    this.diffs = new Map();
    files.forEach((f, i) => {
      if (f.newPath !== undefined) this.diffs.set(f.newPath, f);
      const texts: FileTexts = {
        base: needs[i].base && f.oldPath !== undefined ? this.baseTexts.get(f.oldPath) : undefined,
        current: needs[i].current && f.newPath !== undefined ? current.get(f.newPath) : undefined,
      };
      const r = classifyFile(this.model, f, texts);
      findings.push(...r.findings);
      problems.push(...r.problems);
    });
    return this.result(findings, dedupeProblems(problems), files.length);
  }

  /**
   * Re-checks one file from its current text (an unsaved buffer), against its base text. Call
   * `prepareFile` first (or a full check) so the base text is cached; this then runs synchronously.
   */
  checkText(file: string, text: string): { findings: ScopeFinding[]; problems: Problem[]; diff: FileDiff } | undefined {
    const basePath = this.basePathOf(file);
    if (basePath !== undefined && !this.baseTexts.has(basePath)) return undefined;
    const base = basePath !== undefined ? this.baseTexts.get(basePath) : undefined;
    const diff: FileDiff =
      base === undefined
        ? { oldPath: undefined, newPath: file, kind: 'added', binary: false, untracked: this.diffs.get(file)?.untracked, hunks: addedFileHunks(text) }
        : { oldPath: basePath, newPath: file, kind: basePath === file ? 'modified' : 'renamed', binary: false, hunks: diffTexts(base, text) };
    if (diff.hunks.length === 0 && diff.kind === 'modified') return { findings: [], problems: [], diff };
    const r = classifyFile(this.model, diff, { base, current: text });
    return { ...r, diff };
  }

  /** Loads what `checkText` needs for a file. */
  async prepareFile(file: string): Promise<void> {
    const basePath = this.basePathOf(file);
    if (basePath !== undefined) await this.baseText(basePath);
  }

  result(findings: ScopeFinding[], problems: Problem[], filesChecked: number): ScopeResult {
    const counts = emptyCounts();
    for (const f of findings) counts[f.severity]++;
    findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.code.localeCompare(b.code));
    return {
      milestone: { id: this.model.milestone.id, title: this.model.milestone.title },
      base: this.base,
      staged: this.staged,
      findings,
      problems,
      counts,
      filesChecked,
    };
  }
}

function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}:${p.line}:${p.code}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface CheckScopeOptions {
  milestone?: string;
  owner?: string;
  base?: string;
  staged?: boolean;
  severity?: SeverityOverrides;
}

/** One full check: resolve the milestone and base, then classify every change. */
export async function checkScope(ws: LoadedWorkspace, options: CheckScopeOptions): Promise<ScopeResult> {
  const choice = await resolveActiveMilestone(ws, { milestone: options.milestone, owner: options.owner });
  const session = await ScopeSession.open(ws, {
    milestone: choice.milestone,
    base: options.base,
    recordedBase: choice.recordedBase,
    recordedBaseAt: choice.recordedBaseAt,
    staged: options.staged,
    severity: options.severity,
    prefetchDiff: true,
  });
  return session.checkAll();
}
