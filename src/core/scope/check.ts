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
import { blobSpec, diffWorkingTree, EMPTY_TREE, readBlobs, isGitWorkTree, addedFileHunks } from '../git/diff';
import { isAncestor, mergeBase, resolveCommits } from '../diff/history';
import type { FileDiff } from '../diff/types';
import { InputError, problem, type Problem, type Severity } from '../problems';
import { sameOwner } from '../status/statuses';
import type { LoadedWorkspace } from '../workspace';
import { loadTrackingFor } from '../workspace';
import { parseAllowedFiles } from './allowed';
import { classifyFile, textsNeeded, type FileTexts, type ScopeFinding } from './classify';
import type { SeverityOverrides } from './codes';
import { buildScopeModel, type ScopeModel } from './model';
import { startRef } from './startRecord';
import { loadTrustedDocs } from './trusted';

export type BaseSource = 'option' | 'recorded' | 'start' | 'head' | 'empty';

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
      // Not in the working tree's catalog: the check still runs when the base commit's catalog
      // has it (removing one's own mapping line does not switch the guard off).
      if (!/^[A-Za-z0-9][\w.-]*$/.test(choice.milestone.trim())) {
        throw new InputError(
          `milestone ${choice.milestone} is not in the catalog`,
          { file: ws.catalog.file, line: 1 },
          'scope/unknown-milestone',
        );
      }
      milestone = { id: choice.milestone.trim(), title: choice.milestone.trim(), scope: { kind: 'other', description: '' }, line: 1 };
    }
  } else {
    const owner = choice.owner;
    const fromStatus = ws.status.entries.filter((e) => e.status === 'in_progress' && sameOwner(e.owner, owner));
    let ids = fromStatus.map((e) => e.id);
    if (ids.length === 0) {
      const tracked = await Promise.all(ws.catalog.milestones.map(async (m) => ({ m, t: await loadTrackingFor(ws, m.id) })));
      ids = tracked
        .filter(({ t }) => t.status === 'in_progress' && sameOwner(t.fields.owner?.value, owner))
        .map(({ m }) => normaliseMilestoneId(m.id));
    }
    if (ids.length === 0)
      throw new InputError(
        `no milestone is in progress for ${owner ?? 'you'}; pass --milestone ID`,
        { file: ws.status.file, line: 1 },
        'scope/no-active-milestone',
      );
    if (ids.length > 1)
      throw new InputError(
        `several milestones are in progress for ${owner}: ${ids.join(', ')}; pass --milestone ID`,
        { file: ws.status.file, line: 1 },
        'scope/several-active',
      );
    milestone = ws.catalog.milestones.find((m) => normaliseMilestoneId(m.id) === ids[0]);
    if (!milestone)
      throw new InputError(
        `milestone ${ids[0]} is in progress but not in the catalog`,
        { file: ws.status.file, line: 1 },
        'scope/unknown-milestone',
      );
  }
  const tracking = await loadTrackingFor(ws, milestone.id);
  const entry = ws.status.entries.find((e) => e.id === normaliseMilestoneId(milestone!.id));
  if (tracking.fields.base?.value) {
    return {
      milestone,
      recordedBase: tracking.fields.base.value,
      recordedBaseAt: { file: tracking.file, line: tracking.fields.base.line },
    };
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

export class ScopeSession {
  private readonly baseTexts = new Map<string, string | undefined>();
  private diffs = new Map<string, FileDiff>();
  /** The diff started by open() with `prefetchDiff`, for the first checkAll() only. */
  private prefetched: Promise<Awaited<ReturnType<typeof diffWorkingTree>>> | undefined;
  /** Base texts read beside the documents with `prefetchDiff` (likelyBaseSpecs), for the first checkAll() only. */
  private prefetchedBase: Promise<Map<string, string | undefined>> | undefined;

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
    // The base texts the check will likely read, read as soon as the diff is known, beside the
    // reads of the documents at the base (the model that says which are needed comes from those).
    const prefetchedBase = prefetched?.then((wd) => readBlobs(root, likelyBaseSpecs(ws, wd.base, wd.files)));
    prefetchedBase?.catch(() => undefined);
    const [base, tracking] = await Promise.allSettled([resolvingBase, loadTrackingFor(ws, options.milestone.id)]);
    if (base.status === 'rejected') throw base.reason;
    if (tracking.status === 'rejected') throw tracking.reason;
    // The rules come from the base commit, never from what the milestone's own changes rewrote.
    const docs = await loadTrustedDocs(ws, base.value.commit);
    problems.push(...docs.problems);
    const milestone = docs.catalog.milestones.find((m) => normaliseMilestoneId(m.id) === normaliseMilestoneId(options.milestone.id));
    if (!milestone) {
      const known = docs.catalog.milestones.map((m) => m.id).join(', ') || 'none';
      throw new InputError(
        docs.source === 'base'
          ? `milestone ${options.milestone.id} is not in the catalog ${docs.config.catalog} at the base commit ${base.value.commit.slice(0, 12)} (known: ${known}); the scope guard reads the catalog from there (commit the catalog entry first)`
          : `milestone ${options.milestone.id} is not in the catalog ${docs.config.catalog} (known: ${known})`,
        { file: docs.config.catalog, line: 1 },
        'scope/unknown-milestone',
      );
    }
    const allowed = parseAllowedFiles(tracking.value.text, tracking.value.file);
    problems.push(...allowed.problems);
    const model = buildScopeModel({
      config: docs.config,
      catalog: docs.catalog,
      milestone,
      crates: docs.crates,
      allowed,
      severity: options.severity,
      locate: docs.locate,
      configFile: docs.configFile,
      trusted: docs.source === 'base',
      startRecord: base.value.record,
    });
    if (!model.crate) {
      problems.push(
        problem(
          'warning',
          'scope/crate-not-found',
          `no Cargo.toml declares package ${docs.config.crate}; every change counts as cross-crate`,
          { file: docs.configFile ?? docs.config.catalog, line: 1 },
        ),
      );
    }
    const session = new ScopeSession(
      root,
      model,
      { commit: base.value.commit, source: base.value.source },
      options.staged ?? false,
      problems,
    );
    session.prefetched = prefetched;
    session.prefetchedBase = prefetchedBase;
    return session;
  }

  /**
   * The base commit. With a start record (the ref written at Start): `--base` and the base
   * written in the tracking file are accepted only when they are that commit or earlier; else the
   * start record is the base. Without one: `--base`, else the recorded base when it is an
   * ancestor of HEAD, else HEAD. Each probe also checks for git.
   */
  private static async resolveBase(
    root: string,
    o: SessionOptions,
    problems: Problem[],
  ): Promise<{ commit: string; source: BaseSource; record?: string }> {
    const notGit = () =>
      new InputError(`${root} is not inside a git work tree; the scope check compares against a git revision`, undefined, 'scope/not-git');
    const ref = startRef(o.milestone.id);
    // The start record's common ancestor with HEAD, asked by name beside the lookup of the
    // revisions: the record is an ancestor of HEAD exactly when it is that common ancestor. No
    // record (or no HEAD): git refuses, and the answer is not used.
    const meeting = mergeBase(root, ref, 'HEAD').catch(() => undefined);
    // One git process resolves HEAD, the start record and the revisions given.
    let revs: Map<string, string | undefined>;
    try {
      revs = await resolveCommits(root, [
        'HEAD',
        ref,
        ...(o.base !== undefined ? [o.base] : []),
        ...(o.recordedBase ? [o.recordedBase] : []),
      ]);
    } catch (err) {
      if (!(await isGitWorkTree(root))) throw notGit();
      throw err;
    }
    const head = { commit: revs.get('HEAD') };
    let record = revs.get(ref);
    const at = o.recordedBaseAt ?? { file: '.', line: 1 };
    // Asked again by id only when the names moved in between.
    const common = record && head.commit ? ((await meeting) ?? (await mergeBase(root, record, head.commit))) : undefined;
    if (record && head.commit && common !== record) {
      problems.push(
        problem(
          'warning',
          'scope/start-record-not-ancestor',
          `the base recorded when milestone ${o.milestone.id} started (${record.slice(0, 12)}, ${ref}) is not an ancestor of HEAD; comparing against ${common ? `their common ancestor ${common.slice(0, 12)}` : 'HEAD'}`,
          at,
        ),
      );
      record = common;
    }
    if (o.base !== undefined) {
      const commit = revs.get(o.base);
      if (!commit) throw new InputError(`--base ${o.base} does not name a commit`, undefined, 'scope/bad-base');
      if (record && !(await isAncestor(root, commit, record))) {
        throw new InputError(
          `--base ${o.base} is later than the base recorded when milestone ${o.milestone.id} started (${record.slice(0, 12)}); compare against that commit or an earlier one`,
          undefined,
          'scope/base-after-start',
        );
      }
      return { commit, source: 'option', record };
    }
    if (o.recordedBase) {
      const commit = revs.get(o.recordedBase);
      if (!commit) {
        problems.push(
          problem(
            'warning',
            'scope/recorded-base-missing',
            `the base commit recorded for milestone ${o.milestone.id} (${o.recordedBase}) is not in this repository; comparing against ${record ? 'the start record' : 'HEAD'}`,
            at,
          ),
        );
      } else if (record) {
        // Only the start record or an earlier commit; a later one would hide commits (recorded-base-changed says so).
        if (await isAncestor(root, commit, record)) return { commit, source: 'recorded', record };
        return { commit: record, source: 'start', record };
      } else if (head.commit && (await isAncestor(root, commit, head.commit))) {
        return { commit, source: 'recorded' };
      } else {
        const common = head.commit ? await mergeBase(root, commit, head.commit) : undefined;
        problems.push(
          problem(
            'warning',
            'scope/recorded-base-not-ancestor',
            `the base commit recorded for milestone ${o.milestone.id} (${o.recordedBase}) is not an ancestor of HEAD; comparing against ${common ? `their common ancestor ${common.slice(0, 12)}` : 'HEAD'}`,
            at,
          ),
        );
        if (common) return { commit: common, source: 'recorded' };
      }
    }
    if (record) return { commit: record, source: 'start', record };
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
    const early = this.prefetchedBase;
    this.prefetchedBase = undefined;
    if (early && wd.base === commit) {
      const blobs = await early;
      for (const f of files)
        if (f.oldPath !== undefined && blobs.has(blobSpec(commit, f.oldPath)))
          this.baseTexts.set(f.oldPath, blobs.get(blobSpec(commit, f.oldPath)));
    }
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
    for (const f of files)
      if (f.oldPath !== undefined && blobs.has(blobSpec(commit, f.oldPath)))
        this.baseTexts.set(f.oldPath, blobs.get(blobSpec(commit, f.oldPath)));
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
        ? {
            oldPath: undefined,
            newPath: file,
            kind: 'added',
            binary: false,
            untracked: this.diffs.get(file)?.untracked,
            hunks: addedFileHunks(text),
          }
        : {
            oldPath: basePath,
            newPath: file,
            kind: basePath === file ? 'modified' : 'renamed',
            binary: false,
            hunks: diffTexts(base, text),
          };
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

/**
 * The base texts a one-shot check of these changes is likely to read, guessed before the model
 * is built (from the working tree's catalog): files with hotspots, manifests and the milestone
 * documents. A wrong guess costs a second read of the missing texts, never a wrong result.
 */
export function likelyBaseSpecs(ws: LoadedWorkspace, base: string, files: readonly FileDiff[]): string[] {
  const hotspotFiles = new Set(ws.catalog.workItems.flatMap((w) => w.hotspots.map((h) => h.path)));
  const docs = new Set([ws.config.catalog, ws.config.status, ...(ws.configFile ? [ws.configFile] : [])]);
  const tracking = ws.config.tracking.split('{id}');
  const isDoc = (p: string) =>
    docs.has(p) ||
    (tracking.length === 2 && p.startsWith(tracking[0]) && p.endsWith(tracking[1])) ||
    path.posix.basename(p) === 'Cargo.toml';
  return files
    .filter((f) => f.oldPath !== undefined && !f.binary && (hotspotFiles.has(f.oldPath) || isDoc(f.oldPath)))
    .map((f) => blobSpec(base, f.oldPath!));
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
