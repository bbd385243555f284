/**
 * One workspace folder as the language server sees it: the configuration, the catalog, STATUS.md
 * and the tracking files (from open editors when open, else from disk), the referenced files,
 * and the problems of each document. Independent of the LSP connection so tests can drive it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalog, HotspotRef } from '../core/catalog/model';
import { CONFIG_FILES, parseConfig } from '../core/config';
import { resolveInside } from '../core/paths';
import { DEFAULT_CONFIG, trackingPath, type MilestoneScopeConfig } from '../core/config/types';
import { catalogCommit, loadReferenceBaseline, readCommittedTexts, type ReferenceBaseline } from '../core/docChecks/baseline';
import { WorkspaceFiles } from '../core/docChecks/fileCache';
import { resolveLinkRefs } from '../core/docChecks/linkRefs';
import { ReferenceChecker, type RefFinding } from '../core/docChecks/references';
import { checkStatusAndTracking, trackingFilePattern, type TrackingFile } from '../core/docChecks/statusTracking';
import { problem, type Problem } from '../core/problems';
import { parseStatus, type StatusDocument } from '../core/status';
import { parseTracking } from '../core/tracking';
import { CatalogDocument } from './catalogDocument';

export type DocRole = { role: 'config' } | { role: 'catalog' } | { role: 'status' } | { role: 'tracking'; id: string };

export interface SessionHost {
  /** The text of an open editor for a workspace-relative path. */
  openText(rel: string): string | undefined;
  /** Replaces the problems shown for a document. */
  publish(rel: string, problems: readonly Problem[]): void;
  /** The set of referenced files changed (to watch them and forward their unsaved text). */
  referencedFilesChanged?(paths: readonly string[]): void;
  log?(message: string): void;
}

/** Problems per workspace-relative document path. */
export type ProblemsByFile = Map<string, Problem[]>;

export class Session {
  config: MilestoneScopeConfig = structuredClone(DEFAULT_CONFIG);
  configFile: string | undefined;
  configText: string | undefined;
  private configProblems: Problem[] = [];
  readonly catalog: CatalogDocument;
  status!: StatusDocument;
  readonly trackings = new Map<string, TrackingFile>();
  readonly files: WorkspaceFiles;
  private readonly checker = new ReferenceChecker();
  baseline: ReferenceBaseline | undefined;
  private baselineRun: Promise<void> | undefined;
  private baselineAgain = false;
  private published = new Map<string, string>();
  private referenced: string[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private lastFindings: RefFinding[] = [];
  private disposed = false;

  constructor(
    readonly root: string,
    private readonly host: SessionHost,
    private readonly options: { git?: boolean } = {},
  ) {
    this.files = new WorkspaceFiles(root);
    this.catalog = new CatalogDocument(DEFAULT_CONFIG.catalog);
    this.catalog.onReparsed = () => {
      if (this.noteReferencedFiles()) this.refreshBaseline();
      this.schedule();
    };
  }

  /** Reads every document and publishes its problems; the git baseline follows asynchronously. */
  load(): void {
    this.readDocuments();
    this.publishNow();
    this.refreshBaseline();
  }

  /** Reads and parses the configuration and every milestone document (no checks yet). */
  readDocuments(): void {
    this.readConfig();
    this.readAll();
  }

  dispose(): void {
    this.disposed = true;
    this.catalog.dispose();
    if (this.scheduled) clearImmediate(this.scheduled);
  }

  /** Resolves once any baseline load in flight has finished (tests, benchmarks). */
  async settled(): Promise<void> {
    while (this.baselineRun) await this.baselineRun;
  }

  // ---- documents --------------------------------------------------------------------------------

  roleOf(rel: string): DocRole | undefined {
    if (CONFIG_FILES.includes(rel)) return { role: 'config' };
    if (rel === this.config.catalog) return { role: 'catalog' };
    if (rel === this.config.status) return { role: 'status' };
    const m = trackingFilePattern(this.config.tracking).exec(rel);
    return m ? { role: 'tracking', id: m[1]! } : undefined;
  }

  /** A document's text: the open editor's, else the disk's (undefined when neither exists). */
  documentText(rel: string): string | undefined {
    return this.text(rel);
  }

  private text(rel: string): string | undefined {
    const open = this.host.openText(rel);
    if (open !== undefined) return open;
    // A document behind a link out of the workspace is not read (the configuration check reports it).
    const inside = resolveInside(this.root, rel);
    if (!inside.ok) {
      this.host.log?.(inside.message);
      return undefined;
    }
    try {
      return fs.readFileSync(path.join(this.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  private readConfig(): void {
    this.configFile = CONFIG_FILES.find((f) => this.text(f) !== undefined);
    this.configText = this.configFile ? this.text(this.configFile) : undefined;
    if (this.configFile && this.configText !== undefined) {
      const parsed = parseConfig(this.configText, this.configFile, { root: this.root });
      this.config = parsed.config;
      this.configProblems = parsed.problems;
    } else {
      this.config = structuredClone(DEFAULT_CONFIG);
      this.configProblems = [];
    }
  }

  private readAll(): void {
    this.readCatalog();
    this.readStatus();
    this.readTrackings();
  }

  private readCatalog(): void {
    this.catalog.setFile(this.config.catalog);
    this.catalog.replace(this.text(this.config.catalog));
    this.noteReferencedFiles();
  }

  private readStatus(): void {
    const text = this.text(this.config.status);
    this.status = parseStatus(text ?? '', this.config.status, text !== undefined);
  }

  /** Tracking files: every milestone's (existing or not) plus any file matching the template. */
  private readTrackings(): void {
    this.trackings.clear();
    const ids = new Set(this.catalog.catalog.milestones.map((m) => m.id));
    const dir = path.posix.dirname(this.config.tracking);
    // With one folder for all of them, its listing says which exist: most milestones have no
    // tracking file yet, and a failed read per milestone costs more than the parse of the rest.
    let listed: Set<string> | undefined;
    if (!dir.includes('{id}')) {
      const pattern = trackingFilePattern(this.config.tracking);
      listed = new Set();
      try {
        for (const name of fs.readdirSync(path.join(this.root, dir))) listed.add(path.posix.join(dir, name));
      } catch {
        // no tracking folder yet
      }
      for (const rel of listed) {
        const m = pattern.exec(rel);
        if (m) ids.add(m[1]!);
      }
    }
    for (const id of ids) {
      const rel = trackingPath(this.config, id);
      if (listed && !listed.has(path.posix.normalize(rel)) && this.host.openText(rel) === undefined) continue;
      this.readTracking(rel, id);
    }
  }

  private readTracking(rel: string, id: string): void {
    const text = this.text(rel);
    if (text === undefined) this.trackings.delete(rel);
    else this.trackings.set(rel, { id, doc: parseTracking(text, rel, true) });
  }

  /**
   * A milestone document was opened, edited, saved or closed, or changed on disk. `changes` (an
   * editor's content changes) let the catalog take a fast path for one-line edits.
   */
  documentChanged(rel: string, changes?: Parameters<CatalogDocument['edit']>[1]): boolean {
    const role = this.roleOf(rel);
    if (!role) return false;
    switch (role.role) {
      case 'config': {
        const before = JSON.stringify(this.config);
        this.readConfig();
        if (JSON.stringify(this.config) !== before) {
          this.readAll();
          this.checker.clear();
          this.refreshBaseline();
        }
        break;
      }
      case 'catalog': {
        const text = this.text(rel);
        const milestonesBefore = milestoneKey(this.catalog.catalog);
        if (changes && text !== undefined) this.catalog.edit(text, changes);
        else this.catalog.replace(text);
        if (milestoneKey(this.catalog.catalog) !== milestonesBefore) this.readTrackings();
        if (this.noteReferencedFiles()) this.refreshBaseline();
        break;
      }
      case 'status':
        this.readStatus();
        break;
      case 'tracking':
        this.readTracking(rel, role.id);
        break;
    }
    this.schedule();
    return true;
  }

  /** A file changed on disk (watcher). Returns true when it affects any problem. */
  fileChanged(rel: string): boolean {
    if (rel.startsWith('.git/')) {
      this.refreshBaseline();
      return true;
    }
    if (this.roleOf(rel) && this.host.openText(rel) === undefined) return this.documentChanged(rel);
    if (this.roleOf(rel)) return false; // the open editor is the truth
    const trackingDir = path.posix.dirname(this.config.tracking);
    let affected = false;
    if (this.files.invalidate(rel)) affected = true;
    if (!trackingDir.includes('{id}') && rel.startsWith(trackingDir + '/')) affected = true;
    if (affected) this.schedule();
    return affected;
  }

  /** The unsaved text of an open referenced file, or undefined to go back to the disk. */
  referencedDocument(rel: string, text: string | undefined): void {
    if (this.files.setOverlay(rel, text)) this.schedule();
  }

  get referencedPaths(): readonly string[] {
    return this.referenced;
  }

  private noteReferencedFiles(): boolean {
    // A link's root-relative reading is watched too: creating either file settles the link anew.
    const paths = [
      ...new Set(
        this.catalog.catalog.workItems.flatMap((w) =>
          w.hotspots.flatMap((h) => (h.rootPath === undefined ? [h.path] : [h.path, h.rootPath])),
        ),
      ),
    ].sort();
    if (paths.length === this.referenced.length && paths.every((p, i) => p === this.referenced[i])) return false;
    this.referenced = paths;
    this.host.referencedFilesChanged?.(paths);
    return true;
  }

  // ---- git baseline -----------------------------------------------------------------------------

  /** Re-reads the catalog's last commit and the committed texts the checks need. */
  refreshBaseline(): void {
    if (this.options.git === false || this.disposed) return;
    if (this.baselineRun) {
      this.baselineAgain = true;
      return;
    }
    this.baselineRun = (async () => {
      do {
        this.baselineAgain = false;
        try {
          await this.loadBaseline();
        } catch (err) {
          this.host.log?.(`git baseline: ${(err as Error).message}`);
        }
      } while (this.baselineAgain && !this.disposed);
    })().finally(() => {
      this.baselineRun = undefined;
      this.schedule();
    });
  }

  private async loadBaseline(): Promise<void> {
    const catalogFile = this.config.catalog;
    const commit = await catalogCommit(this.root, catalogFile);
    if (!commit) {
      this.baseline = undefined;
      return;
    }
    const paths = this.referenced;
    if (!this.baseline || this.baseline.commit !== commit) {
      this.baseline = await loadReferenceBaseline(this.root, catalogFile, paths);
      return;
    }
    const missing = paths.filter((p) => !this.baseline!.covers(p));
    if (missing.length > 0) this.baseline.add(await readCommittedTexts(this.root, commit, missing));
  }

  // ---- problems ---------------------------------------------------------------------------------

  /** Publishes on the next turn of the event loop, once for a burst of changes. */
  schedule(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.publishNow();
    });
  }

  /**
   * The catalog with its links settled against the files as they are now (a link written from the
   * repository root in a catalog below it: see resolveLinkRefs). Checks and navigation use this.
   */
  resolvedCatalog(): Catalog {
    const parsed = this.catalog.catalog;
    if (this.resolved?.from === parsed) return this.resolved.catalog;
    const catalog = resolveLinkRefs(parsed, (rel) => {
      const kind = this.files.resolve(rel).kind;
      return kind !== 'missing' && kind !== 'directory';
    });
    this.resolved = { from: parsed, catalog };
    return catalog;
  }
  /** The last settled catalog and the parse it came from (files may change: computeProblems settles anew). */
  private resolved: { from: Catalog; catalog: Catalog } | undefined;

  /** The reference findings of the last check (code actions read their fixes from here). */
  get findings(): readonly RefFinding[] {
    return this.lastFindings;
  }

  /** Every document's problems, computed now. */
  computeProblems(): ProblemsByFile {
    const out: ProblemsByFile = new Map();
    const add = (file: string, ps: readonly Problem[]) => {
      if (!out.has(file)) out.set(file, []);
      out.get(file)!.push(...ps);
    };
    if (this.configFile) add(this.configFile, this.configProblems);

    const catalogFile = this.config.catalog;
    if (!this.catalog.exists) {
      const message = `catalog ${catalogFile} does not exist`;
      if (this.configFile)
        add(this.configFile, [
          problem('error', 'catalog/missing', message + ' (the "catalog" setting names it)', {
            file: this.configFile,
            line: keyLine(this.configText, 'catalog'),
          }),
        ]);
    } else {
      const text = this.catalog.text;
      const baseline = this.baseline;
      const sources = this.catalog.lineIndex;
      this.resolved = undefined;
      const catalog = this.resolvedCatalog();
      this.lastFindings = this.checker.check(catalog, {
        files: this.files,
        baseline,
        catalogText: text,
        sourceText: (ref: HotspotRef) => sources.slice(text, ref.source.line, ref.source.column, ref.source.endColumn),
        committedLine: (line) => {
          const base = baseline?.catalogAtCommit;
          return base !== undefined && this.catalog.committedLine(base, line);
        },
      });
      add(catalogFile, catalog.problems);
      add(catalogFile, this.lastFindings);
    }

    add(this.status.file, this.status.problems);
    for (const [rel, t] of this.trackings) add(rel, t.doc.problems);
    const cross = checkStatusAndTracking(this.status, [...this.trackings.values()], this.catalog.exists ? this.catalog.catalog : undefined);
    for (const p of cross) add(p.file, [p]);
    return out;
  }

  /** Computes and publishes, sending only documents whose problems changed. */
  publishNow(): void {
    if (this.disposed) return;
    const problems = this.computeProblems();
    const seen = new Set<string>();
    for (const [file, ps] of problems) {
      if (!this.exists(file)) continue;
      seen.add(file);
      const key = JSON.stringify(ps);
      if (this.published.get(file) === key) continue;
      this.published.set(file, key);
      this.host.publish(file, ps);
    }
    for (const file of [...this.published.keys()]) {
      if (seen.has(file)) continue;
      this.published.delete(file);
      this.host.publish(file, []);
    }
  }

  private exists(rel: string): boolean {
    if (this.host.openText(rel) !== undefined) return true;
    if (rel === this.config.catalog) return this.catalog.exists;
    if (rel === this.config.status) return this.status.exists;
    return rel === this.configFile || this.trackings.has(rel);
  }
}

function milestoneKey(c: Catalog): string {
  return c.milestones.map((m) => m.id).join(',');
}

/** 1-based line of a top-level `key:` in YAML text (1 when absent). */
function keyLine(text: string | undefined, key: string): number {
  if (!text) return 1;
  const i = text.split(/\r?\n/).findIndex((l) => l.startsWith(`${key}:`));
  return i >= 0 ? i + 1 : 1;
}
