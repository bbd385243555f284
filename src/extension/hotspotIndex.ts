import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { applyChanges, resolveAnchor, type Anchor } from '../core/diff/anchors';
import { milestoneWorkItems, type HotspotRef, type Milestone, type WorkItem } from '../core/catalog/model';
import { diffTexts } from '../core/diff/buffer';
import { diffWorkingTree, type WorkingDiff } from '../core/git/diff';
import { indexByOldPath } from '../core/diff/mapLine';
import type { FileDiff } from '../core/diff/types';
import type { ExtensionContextHolder } from './context';
import { getWorkspaceModel, type LoadedWorkspace } from './workspaceModel';

/** One catalog hotspot placed in the working tree. */
export interface HotspotEntry {
  /** Stable within one catalog: `milestone/work item/position`. */
  key: string;
  milestone: Milestone;
  workItem: WorkItem;
  ref: HotspotRef;
  /** 1-based position among the milestone's hotspots, and their number. */
  index: number;
  total: number;
  /** Repository-relative path now (a renamed file's new path). */
  path: string;
  uri: vscode.Uri;
  /** Where `ref.line` is now. */
  anchor: Anchor;
  /** Where `ref.endLine` is now, for a range reference. */
  end?: Anchor;
  /** Why the hotspot cannot be shown in the code (a missing file); undefined when placed. */
  unresolved?: string;
}

/** Rebuilds after saves, catalog reloads and commits settle. */
const DERIVE_DELAY_MS = 250;

/**
 * Every milestone's hotspots, anchored to the current code: derived from the diff between the
 * base revision (the active milestone's base commit, else HEAD) and the working tree plus unsaved
 * buffers, then moved live with each document change.
 */
export class HotspotIndex implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires with the document whose anchors moved, or undefined after a full rebuild. */
  readonly onDidChange = this.emitter.event;
  private entries: HotspotEntry[] = [];
  private byUri = new Map<string, HotspotEntry[]>();
  /** The text each document's anchors were placed on; dropped once they follow live edits. */
  private placedOn = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private baseDescription = 'HEAD';
  private resolveReady!: () => void;
  /** Resolves after the first rebuild. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));

  constructor(private readonly ctx: ExtensionContextHolder) {
    const model = getWorkspaceModel(ctx);
    this.disposables.push(
      model.onDidChange(() => this.schedule()),
      ctx.active.onDidChange(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.follow(e)),
      vscode.workspace.onDidSaveTextDocument((d) => this.byUri.has(d.uri.toString()) && this.schedule()),
      // Closing an unsaved buffer drops its changes: the anchors go back to the file on disk.
      vscode.workspace.onDidCloseTextDocument((d) => d.isDirty && this.byUri.has(d.uri.toString()) && this.schedule()),
      vscode.workspace.onDidOpenTextDocument((d) => this.opened(d)),
      vscode.workspace.onDidCreateFiles(() => this.schedule()),
      vscode.workspace.onDidDeleteFiles(() => this.schedule()),
      vscode.workspace.onDidRenameFiles(() => this.schedule()),
    );
    const root = ctx.root;
    // Commits and checkouts move the code under the anchors (and HEAD, the default base).
    if (root) this.disposables.push(this.watch(root, '.git/{HEAD,refs/heads/**}'));
  }

  private fileWatcher: vscode.Disposable | undefined;
  private watchedFiles = '';

  private watch(root: vscode.Uri, glob: string): vscode.Disposable {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, glob));
    w.onDidChange(() => this.schedule());
    w.onDidCreate(() => this.schedule());
    w.onDidDelete(() => this.schedule());
    return w;
  }

  /** Watches the hotspot files for changes made outside the editor (git, formatters, other tools). */
  private watchHotspotFiles(paths: readonly string[]): void {
    const root = this.ctx.root;
    const key = [...new Set(paths)].sort().join(',');
    if (!root || key === this.watchedFiles) return;
    this.fileWatcher?.dispose();
    this.watchedFiles = key;
    this.fileWatcher = key ? this.watch(root, `{${key}}`) : undefined;
  }

  /** Every entry, in catalog order. */
  all(): readonly HotspotEntry[] {
    return this.entries;
  }

  forDocument(uri: vscode.Uri): readonly HotspotEntry[] {
    return this.byUri.get(uri.toString()) ?? [];
  }

  forMilestone(id: string): HotspotEntry[] {
    return this.entries.filter((e) => e.milestone.id === id);
  }

  /** What the anchors are measured from, for messages: `HEAD` or a short commit. */
  get base(): string {
    return this.baseDescription;
  }

  /** Rebuilds now (tests, commands); resolves when done. */
  async refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.rebuild();
  }

  private schedule(delay = DERIVE_DELAY_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.rebuild();
    }, delay);
  }

  /**
   * A document can open with text its anchors were not placed on, and with no change event: hot
   * exit creates the model from its backup (reported as not dirty) and only then marks it dirty,
   * possibly after the anchors were placed on the file on disk.
   */
  private opened(doc: vscode.TextDocument): void {
    const k = doc.uri.toString();
    if (this.byUri.has(k) && this.placedOn.get(k) !== doc.getText()) this.schedule(0);
  }

  /** Moves the anchors of a changed document at once, so the next paint is already right. */
  private follow(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const list = this.byUri.get(e.document.uri.toString());
    if (!list || list.length === 0) return;
    const doc = e.document;
    const lineAt = (l: number) => (l >= 0 && l < doc.lineCount ? doc.lineAt(l).text : undefined);
    let lost = false;
    for (const entry of list) {
      if (entry.unresolved) continue;
      // Lines replaced by other lines (a restored backup, a formatter, a paste over a block) cannot
      // be followed one by one: the anchors in them are placed again from a diff of the texts.
      lost ||= e.contentChanges.some(
        (c) =>
          c.range.end.line > c.range.start.line &&
          c.text.length > 0 &&
          c.range.start.line < entry.anchor.line &&
          entry.anchor.line - 1 <= c.range.end.line,
      );
      const moved = applyChanges(entry.end ? [entry.anchor, entry.end] : [entry.anchor], e.contentChanges, lineAt);
      entry.anchor = moved[0]!;
      if (entry.end) entry.end = moved[1];
    }
    this.placedOn.delete(doc.uri.toString());
    this.emitter.fire(doc.uri);
    if (lost) this.schedule(0);
  }

  private async rebuild(): Promise<void> {
    const generation = ++this.generation;
    const ws = getWorkspaceModel(this.ctx).current;
    try {
      const placedOn = new Map<string, string>();
      const entries = ws ? await this.derive(ws, generation, placedOn) : [];
      if (entries === undefined || generation !== this.generation) return;
      this.entries = entries;
      this.placedOn = placedOn;
      this.byUri = new Map();
      for (const e of entries) {
        const k = e.uri.toString();
        const list = this.byUri.get(k) ?? [];
        list.push(e);
        this.byUri.set(k, list);
      }
      this.watchHotspotFiles(entries.flatMap((e) => (e.path === e.ref.path ? [e.path] : [e.path, e.ref.path])));
      this.emitter.fire(undefined);
    } catch (err) {
      this.ctx.output.error(`Could not place the hotspots: ${(err as Error).message}`);
    } finally {
      if (generation === this.generation) this.resolveReady();
    }
  }

  private async derive(ws: LoadedWorkspace, generation: number, placedOn: Map<string, string>): Promise<HotspotEntry[] | undefined> {
    const root = ws.root;
    const active = this.ctx.active.current;
    const diff = await this.baseDiff(root, active?.baseCommit);
    if (generation !== this.generation) return undefined;
    const diffs = indexByOldPath(diff?.files ?? []);
    this.baseDescription = diff ? (active?.baseCommit ? diff.base.slice(0, 10) : 'HEAD') : 'the files on disk';

    const refs: Array<{ milestone: Milestone; workItem: WorkItem; ref: HotspotRef; index: number; total: number }> = [];
    for (const milestone of ws.catalog.milestones) {
      const items = milestoneWorkItems(ws.catalog, milestone);
      const total = items.reduce((n, w) => n + w.hotspots.length, 0);
      let index = 0;
      for (const workItem of items) for (const ref of workItem.hotspots) refs.push({ milestone, workItem, ref, index: ++index, total });
    }

    // Disk texts first (async); the buffers are read afterwards in one synchronous pass, so no
    // document change can slip in between reading a buffer and placing its anchors.
    const paths = new Set<string>();
    for (const r of refs) paths.add(newPathOf(diffs, r.ref.path));
    const disk = new Map<string, string | undefined>();
    await Promise.all([...paths].map(async (p) => disk.set(p, await readText(path.join(root, p)))));
    if (generation !== this.generation) return undefined;

    const buffers = new Map<string, string>();
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== 'file') continue;
      const rel = relative(root, doc.uri.fsPath);
      if (rel !== undefined && paths.has(rel)) buffers.set(rel, doc.getText());
    }
    // What the anchors are placed on: the unsaved buffer when there is one, else the file on disk.
    const textOf = (p: string) => buffers.get(p) ?? disk.get(p);
    for (const p of paths) {
      const text = textOf(p);
      if (text !== undefined) placedOn.set(vscode.Uri.file(path.join(root, p)).toString(), text);
    }
    const lineCache = new Map<string, string[] | undefined>();
    const linesOf = (p: string) => {
      if (!lineCache.has(p)) lineCache.set(p, textOf(p)?.split('\n'));
      return lineCache.get(p);
    };
    const bufferHunks = (p: string) => {
      const b = buffers.get(p);
      const d = disk.get(p);
      return b !== undefined && d !== undefined && b !== d ? diffTexts(d, b) : undefined;
    };
    const lineText = (p: string, line: number) => linesOf(p)?.[line - 1];

    return refs.map(({ milestone, workItem, ref, index, total }) => {
      const start = resolveAnchor(diffs, ref.path, ref.line, bufferHunks, lineText);
      const entry: HotspotEntry = {
        key: `${milestone.id}/${workItem.id}/${index}`,
        milestone,
        workItem,
        ref,
        index,
        total,
        path: start.path,
        uri: vscode.Uri.file(path.join(root, start.path)),
        anchor: start.anchor,
      };
      if (ref.endLine > ref.line) entry.end = resolveAnchor(diffs, ref.path, ref.endLine, bufferHunks, lineText).anchor;
      if (linesOf(start.path) === undefined) {
        const deleted = diffs.get(ref.path)?.kind === 'deleted';
        entry.unresolved = deleted ? `${ref.path} was deleted since ${this.baseDescription}` : `${ref.path} does not exist`;
      } else if (start.anchor.state === 'removed' && ref.line > (linesOf(start.path)?.length ?? 0) && !diffs.has(ref.path)) {
        entry.unresolved = `${ref.path} has ${linesOf(start.path)!.length} lines; line ${ref.line} is past its end`;
      }
      return entry;
    });
  }

  /** The diff from the base revision to the working tree; undefined outside git. */
  private async baseDiff(root: string, baseCommit: string | undefined): Promise<WorkingDiff | undefined> {
    try {
      return await diffWorkingTree(root, { base: baseCommit });
    } catch (err) {
      if (baseCommit) {
        this.ctx.output.warn(`Base commit ${baseCommit} is not available (${(err as Error).message}); anchoring to HEAD.`);
        try {
          return await diffWorkingTree(root);
        } catch {
          /* fall through: not a git work tree */
        }
      }
      return undefined;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.fileWatcher?.dispose();
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}

function newPathOf(diffs: ReadonlyMap<string, FileDiff>, p: string): string {
  const d = diffs.get(p);
  return d?.newPath ?? p;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function relative(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

const indexes = new WeakMap<ExtensionContextHolder, HotspotIndex>();

/** The shared hotspot index (created on first use; the first rebuild waits for the catalog). */
export function getHotspotIndex(ctx: ExtensionContextHolder): HotspotIndex {
  let index = indexes.get(ctx);
  if (!index) {
    index = new HotspotIndex(ctx);
    indexes.set(ctx, index);
    ctx.subscriptions.push(index);
  }
  return index;
}

/**
 * Creates the index at activation (its first rebuild waits for the catalog) and registers the
 * internal command tests use: rebuild from git and the buffers now, and report every placement.
 */
export function activateHotspotIndex(ctx: ExtensionContextHolder): void {
  const index = getHotspotIndex(ctx);
  ctx.subscriptions.push(
    vscode.commands.registerCommand('milestoneScope.internal.hotspots', async () => {
      await index.refresh();
      return {
        base: index.base,
        hotspots: index.all().map((e) => ({
          key: e.key,
          milestone: e.milestone.id,
          path: e.path,
          line: e.anchor.line,
          state: e.anchor.state,
          unresolved: e.unresolved,
        })),
      };
    }),
  );
}
