/**
 * Flame chart panels: Open Trace, Compare Traces, restore after reload. The host parses traces
 * through the trace core and posts the webview a flattened document once it reports ready.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMilestone, milestoneWorkItems } from '../../core/catalog/model';
import { latestAfter, latestBaseline, listProfileRuns, TRACES_DIR } from '../../core/cargo/profileRuns';
import { isInside } from '../../core/paths';
import type { FlameDocument, FlameViewKind } from '../../core/flame/data';
import { highlightNamesForWorkItems } from '../../core/flame/highlight';
import { documentArrayBytes, documentFile, SLICE_BYTES, splitDocument } from '../../core/flame/transfer';
import type { TraceNotes } from '../../core/flame/load';
import { formatPhases, type PhaseMark } from '../../core/flame/phases';
import { joinParts } from '../../core/flame/flatten';

const workerPhases = (marks: readonly PhaseMark[]): PhaseMark[] => marks.map(([n, at]): PhaseMark => [`worker ${n}`, at]);
import {
  assertNever,
  FLAME_VIEW_TYPE,
  parseFromWebview,
  parseWebviewState,
  type FromWebview,
  type PanelSource,
  type ToWebview,
} from '../../webview/flame/protocol';
import type { ExtensionContextHolder } from '../context';
import { flameHtml, makeNonce } from './html';
import { chooseSourceTarget, findSpanSource, openSourceTarget } from './source';
import { displayPath, showTooLarge, TraceLoad, type TraceLoadOutcome } from './traceLoad';
import { getWorkspaceModel } from '../workspaceModel';
import { spanTimingsStore } from '../spanTimings';
import type { SpanTimings } from '../../core/flame/spanTimings';

const TRACE_EXTENSIONS = ['txt', 'json', 'folded', 'log'];
/** Rewrites of a trace file (a profiling run still writing) coalesce into one reload. */
const RELOAD_DELAY_MS = 400;
/** Slices of a big document posted before the first of them is delivered. */
const SLICES_IN_FLIGHT = 4;

/** Where big documents are written for their webview to fetch (under the extension's storage). */
function flameDataFolder(ctx: ExtensionContextHolder): vscode.Uri {
  return vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'flame-data');
}

function sourceKey(source: PanelSource): string {
  if (source.kind === 'compare' && source.runs) return `runs:${source.runs.baseline.join('\n')}\n--\n${source.runs.after.join('\n')}`;
  return source.kind === 'trace' ? `trace:${source.uri}` : `compare:${source.baseline}\n${source.after}`;
}

function panelTitle(source: PanelSource): string {
  const base = (u: string) => path.posix.basename(vscode.Uri.parse(u).path);
  if (source.kind === 'compare' && source.runs)
    return `Compare: ${source.runs.baseline.length} baseline ↔ ${source.runs.after.length} after runs`;
  return source.kind === 'trace' ? `Flame: ${base(source.uri)}` : `Compare: ${base(source.baseline)} ↔ ${base(source.after)}`;
}

class FlamePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private doc: FlameDocument | undefined;
  /** Per path figures of the trace(s); for a pair, the statistics of each path's change. */
  private timings: SpanTimings | undefined;
  private error: { title: string; message: string } | undefined;
  private generation = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private sourceSearch: vscode.CancellationTokenSource | undefined;
  private running: TraceLoad | undefined;
  /** Counts document sends; a newer one stops an older one still sending slices. */
  private sendId = 0;
  /** The send waiting for the webview to fetch its document file (see postDocument). */
  private fileWait: { id: number; file: string; done: (ok: boolean) => void } | undefined;
  /** How the last document went to the webview (for the log). */
  private lastTransfer: 'one message' | 'a file' | 'slices' = 'one message';
  /** The phases of the latest sends so far (by send id), logged with the webview's once it has drawn the chart. */
  private readonly marks = new Map<
    number,
    { title: string; /** Which part reached the chart (log only). */ part: string; marks: PhaseMark[] }
  >();
  private static fileCount = 0;
  private disposed = false;
  /** The latest load (the commands return its outcome). */
  loading: Promise<TraceLoadOutcome>;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly source: PanelSource,
    private readonly manager: FlamePanels,
  ) {
    const media = vscode.Uri.joinPath(manager.ctx.extension.extensionUri, 'media');
    panel.title = panelTitle(source);
    panel.webview.options = { enableScripts: true, localResourceRoots: [media, flameDataFolder(manager.ctx)] };
    panel.webview.html = flameHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'flame.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'flame.css')).toString(),
    });
    this.onDidDispose = panel.onDidDispose;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
      // The editor's span timings follow the chart in front.
      panel.onDidChangeViewState((e) => e.webviewPanel.active && spanTimingsStore.prefer(sourceKey(source))),
    );
    this.watchFiles();
    this.loading = this.load();
  }

  private get uris(): vscode.Uri[] {
    const s = this.source;
    if (s.kind === 'compare' && s.runs) return [...s.runs.baseline, ...s.runs.after].map((u) => vscode.Uri.parse(u));
    return s.kind === 'trace' ? [vscode.Uri.parse(s.uri)] : [vscode.Uri.parse(s.baseline), vscode.Uri.parse(s.after)];
  }

  /**
   * Re-reads the trace(s) in a worker thread, behind a cancellable progress notification; the
   * webview gets the new document when it is ready. A newer load cancels this one.
   */
  async load(): Promise<TraceLoadOutcome> {
    const gen = ++this.generation;
    this.running?.cancel();
    const runs = this.source.kind === 'compare' ? this.source.runs : undefined;
    const title = runs ? `${runs.baseline.length} baseline ↔ ${runs.after.length} after runs` : this.uris.map(displayPath).join(' ↔ ');
    this.post({ type: 'loading', title });
    const started = Date.now();
    // A big trace's merged view arrives first (see FIRST_PART_MIN_BYTES): it goes to the chart at
    // once, while the worker builds the timeline.
    let first: { doc: FlameDocument; at: number; sent: Promise<void>; sentAt?: number } | undefined;
    const onFirst = (doc: FlameDocument, workerMarks: PhaseMark[]) => {
      if (gen !== this.generation || this.disposed) return;
      const at = Date.now();
      this.doc = doc;
      this.error = undefined;
      this.marks.set(this.sendId + 1, {
        title,
        part: 'first screen',
        marks: [['command', started], ...workerPhases(workerMarks), ['host received', at]],
      });
      const sent = this.sendDocument().then(() => void (f.sentAt = Date.now()));
      const f: NonNullable<typeof first> = { doc, at, sent };
      first = f;
    };
    const load = (this.running = new TraceLoad(this.manager.ctx, this.uris, title, runs?.baseline.length, onFirst));
    const outcome = await load.run();
    if (this.running === load) this.running = undefined;
    if (gen !== this.generation || this.disposed || outcome.status === 'superseded') return { status: 'superseded' };
    const out = this.manager.ctx.output;
    switch (outcome.status) {
      case 'loaded': {
        const { doc, notes, runDiff } = load.result!;
        for (const n of notes) this.report(n);
        if (runDiff) {
          const called = runDiff.rows.filter((r) => r.verdict === 'faster' || r.verdict === 'slower');
          out.info(
            `Flame chart: ${title}: ${called.length} span path(s) faster or slower over ${runDiff.base.sources.length} + ${runDiff.after.sources.length} runs${called.length ? `: ${called.map((r) => `${r.name} ${r.verdict}`).join(', ')}` : ''}.`,
          );
        }
        this.error = undefined;
        this.timings = load.result!.timings;
        if (this.timings) spanTimingsStore.set(sourceKey(this.source), this.timings);
        const read = Date.now();
        const marks: PhaseMark[] = [['command', started], ...workerPhases(load.result!.marks ?? []), ['host received', read]];
        if (first && doc.adds) {
          // The chart has (or is getting) the first part: the rest goes once that is delivered.
          await first.sent;
          if (gen !== this.generation || this.disposed) return { status: 'superseded' };
          const firstPart = { readMs: first.at - started, sendMs: (first.sentAt ?? first.at) - first.at, transfer: this.lastTransfer };
          this.doc = joinParts(first.doc, doc);
          const restAt = Date.now();
          const id = ++this.sendId;
          this.marks.set(id, { title, part: 'timeline', marks: [...marks, ['first part sent', restAt]] });
          this.endFileWait(false);
          await this.postDocument(doc, id);
          out.info(
            `Flame chart: ${title}: ${doc.spanCount} spans; first screen (merged view) read in ${firstPart.readMs} ms, sent to the chart in ${firstPart.sendMs} ms (${firstPart.transfer}); timeline read in ${read - started} ms, sent to the chart in ${Date.now() - restAt} ms (${this.lastTransfer}).`,
          );
          return { ...outcome, readMs: read - started, sendMs: Date.now() - read, firstPart };
        }
        this.doc = doc;
        this.marks.set(this.sendId + 1, { title, part: 'chart', marks });
        await this.sendDocument();
        out.info(
          `Flame chart: ${title}: ${doc.spanCount} spans read in ${read - started} ms, sent to the chart in ${Date.now() - read} ms (${this.lastTransfer}).`,
        );
        return { ...outcome, readMs: read - started, sendMs: Date.now() - read };
      }
      case 'cancelled':
        this.showError(title, `${outcome.message} Open the trace again to read it.`);
        out.info(`Flame chart: ${outcome.message}`);
        void vscode.window.showInformationMessage(outcome.message);
        return outcome;
      case 'too-large':
        this.showError(title, outcome.message);
        out.error(`Flame chart: ${outcome.message}`);
        showTooLarge(outcome.message);
        return outcome;
      case 'failed':
        this.showError(title, outcome.message);
        out.error(`Flame chart: ${title}: ${outcome.message}`);
        return outcome;
    }
  }

  private showError(title: string, message: string): void {
    this.doc = undefined;
    this.error = { title, message };
    this.post({ type: 'error', ...this.error });
  }

  /** Lines the parser could not read go to the output channel with their file and line. */
  private report(notes: TraceNotes): void {
    if (notes.unparsedCount === 0) return;
    const out = this.manager.ctx.output;
    out.warn(`Flame chart: ${notes.title}: ${notes.unparsedCount} line(s) not understood and left out.`);
    for (const u of notes.unparsed) out.warn(`  ${notes.title}:${u.line}: ${u.reason}`);
  }

  /** Resolves once the document has gone to the webview (or a newer send replaced this one). */
  private sendDocument(): Promise<void> {
    const id = ++this.sendId;
    this.endFileWait(false);
    let sent = Promise.resolve();
    if (this.doc) sent = this.postDocument(this.doc, id).then(() => this.sendStats(id));
    else if (this.error) this.post({ type: 'error', ...this.error });
    this.sendHighlight();
    return sent;
  }

  /**
   * A small document goes in one message. A big one is written as one binary file under the
   * extension's storage that the webview fetches through its asWebviewUri (a stream of bytes, with
   * no serialisation in the extension host or on the way: in code-server, messages cross a
   * websocket in slices at a fraction of the speed). Should the fetch fail, it goes in slices of a
   * few MB, one per task, so the extension host never copies the whole chart in one go
   * (src/core/flame/transfer.ts). Resolves once the webview has the document (or a newer send
   * replaced this one).
   */
  private async postDocument(doc: FlameDocument, id: number): Promise<void> {
    if (documentArrayBytes(doc) <= SLICE_BYTES) {
      this.lastTransfer = 'one message';
      this.post({ type: 'document', id, source: this.source, doc });
      return;
    }
    this.lastTransfer = 'a file';
    if (await this.postDocumentFile(doc, id)) return;
    this.lastTransfer = 'slices';
    const stale = () => this.disposed || this.sendId !== id;
    if (stale()) return;
    const { skeleton, parts, slices } = splitDocument(doc);
    await this.panel.webview.postMessage({ type: 'documentStart', id, source: this.source, skeleton, parts } satisfies ToWebview);
    // A few slices in flight hide the round trips; waiting for deliveries keeps what the IPC
    // holds (copies of the slices) to a few of them.
    const inFlight: Thenable<boolean>[] = [];
    for (const slice of slices()) {
      if (inFlight.length >= SLICES_IN_FLIGHT) await inFlight.shift();
      if (stale()) return;
      inFlight.push(this.panel.webview.postMessage({ type: 'documentSlice', id, ...slice } satisfies ToWebview));
    }
    await Promise.all(inFlight);
    this.mark(id, 'slices sent');
    if (!stale()) await this.panel.webview.postMessage({ type: 'documentEnd', id } satisfies ToWebview);
  }

  /** Sends `doc` as a file the webview fetches; false when that failed (nothing shown yet). */
  private async postDocumentFile(doc: FlameDocument, id: number): Promise<boolean> {
    this.endFileWait(false);
    const { skeleton, parts, chunks, totalBytes } = documentFile(doc);
    const folder = flameDataFolder(this.manager.ctx);
    const file = vscode.Uri.joinPath(folder, `chart-${process.pid}-${++FlamePanel.fileCount}.bin`);
    try {
      await mkdir(folder.fsPath, { recursive: true });
      const handle = await open(file.fsPath, 'w');
      try {
        for (const chunk of chunks()) await handle.write(chunk);
      } finally {
        await handle.close();
      }
    } catch (err) {
      this.manager.ctx.output.warn(
        `Flame chart: could not write the chart data to ${file.fsPath} (${String(err)}); sending it in messages`,
      );
      await rm(file.fsPath, { force: true });
      return false;
    }
    if (this.disposed || this.sendId !== id) {
      await rm(file.fsPath, { force: true });
      return true;
    }
    this.mark(id, `file written (${(totalBytes / 1e6).toFixed(1)} MB)`);
    const fetched = new Promise<boolean>((done) => (this.fileWait = { id, file: file.fsPath, done }));
    const url = this.panel.webview.asWebviewUri(file).toString();
    this.post({ type: 'documentFile', id, source: this.source, skeleton, parts, url });
    const ok = await fetched;
    // Stale (replaced, disposed): nothing more to send for this id.
    return ok || this.disposed || this.sendId !== id;
  }

  /** Notes the end of a phase of send `id` (when it is the latest load's). */
  private mark(id: number, name: string): void {
    this.marks.get(id)?.marks.push([name, Date.now()]);
  }

  /** The webview drew the chart of send `id`: the load's phases, from the command on, go to the log. */
  private logPhases(id: number, webviewMarks: readonly PhaseMark[]): void {
    const m = this.marks.get(id);
    if (!m) return;
    for (const k of [...this.marks.keys()]) if (k <= id) this.marks.delete(k);
    const all = [...m.marks, ...webviewMarks.map(([n, at]): PhaseMark => [`webview ${n}`, at])];
    this.manager.ctx.output.info(
      `Flame chart: ${m.title}: phases (${m.part}): ${formatPhases(all)}; command to ${m.part} shown ${all.at(-1)![1] - all[0]![1]} ms.`,
    );
  }

  /** The webview has fetched the file (or failed to), or the send was replaced: the file goes. */
  private endFileWait(ok: boolean, id?: number): void {
    const w = this.fileWait;
    if (!w || (id !== undefined && w.id !== id)) return;
    this.fileWait = undefined;
    void rm(w.file, { force: true });
    w.done(ok);
  }

  /** A compare chart's per-path verdicts, intervals and p values (after the document). */
  private sendStats(id: number): void {
    const t = this.timings;
    if (!t || t.kind !== 'compare' || this.sendId !== id) return;
    const rows = t.spans.flatMap((s) =>
      s.change
        ? [
            {
              path: s.path,
              verdict: s.change.verdict,
              ...(s.change.ci95 ? { lo: s.change.ci95.lo, hi: s.change.ci95.hi } : {}),
              ...(s.change.p !== undefined ? { p: s.change.p } : {}),
            },
          ]
        : [],
    );
    this.post({ type: 'spanStats', rows });
  }

  sendHighlight(): void {
    void this.manager.highlight().then((h) => this.post({ type: 'highlight', ...h }));
  }

  private post(message: ToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.manager.ctx.output.warn(`Flame chart: ignored a message from the webview: ${parsed.error}`);
      return;
    }
    const msg: FromWebview = parsed.value;
    switch (msg.type) {
      case 'ready':
        void this.sendDocument();
        return;
      case 'openSource':
        void this.openSource(msg.view, msg.node, msg.toSide);
        return;
      case 'documentFileDone':
        this.endFileWait(msg.ok, msg.id);
        return;
      case 'drawn':
        this.logPhases(msg.id, msg.marks);
        return;
      case 'error':
        this.manager.ctx.output.error(`Flame chart webview: ${msg.message}`);
        return;
      default:
        assertNever(msg);
    }
  }

  private async openSource(kind: FlameViewKind, node: number, toSide: boolean): Promise<void> {
    const view = this.doc?.views[kind];
    if (!this.doc || !view || node >= view.count) {
      this.post({ type: 'sourceResult', ok: false, message: 'That span is no longer in the chart.' });
      return;
    }
    const s = this.doc.strings;
    const name = s[view.name[node]];
    const file = view.file[node] >= 0 ? s[view.file[node]] : undefined;
    this.sourceSearch?.cancel();
    const cts = (this.sourceSearch = new vscode.CancellationTokenSource());
    try {
      const targets = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Finding {0}', name) },
        () => findSpanSource({ name, file, line: view.line[node] || undefined }, cts.token),
      );
      if (cts.token.isCancellationRequested) return;
      if (targets.length === 0) {
        this.post({ type: 'sourceResult', ok: false, message: `No definition of ${name} found in the workspace's Rust files.` });
        return;
      }
      const target = await chooseSourceTarget(name, targets);
      if (!target) {
        this.post({ type: 'sourceResult', ok: false, message: 'No definition chosen.' });
        return;
      }
      const column = toSide
        ? vscode.ViewColumn.Beside
        : this.panel.viewColumn === vscode.ViewColumn.One
          ? vscode.ViewColumn.Two
          : vscode.ViewColumn.One;
      await openSourceTarget(target, column);
      this.post({
        type: 'sourceResult',
        ok: true,
        message: `Opened ${vscode.workspace.asRelativePath(target.uri, false)}:${target.line} (${target.how}).`,
      });
    } catch (err) {
      this.post({
        type: 'sourceResult',
        ok: false,
        message: `Could not open the source: ${err instanceof Error ? err.message : String(err)}`,
      });
    } finally {
      cts.dispose();
      if (this.sourceSearch === cts) this.sourceSearch = undefined;
    }
  }

  private watchFiles(): void {
    for (const uri of this.uris) {
      if (uri.scheme !== 'file') continue;
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), path.basename(uri.fsPath)),
      );
      const schedule = () => {
        if (this.reloadTimer) clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => (this.loading = this.load()), RELOAD_DELAY_MS);
      };
      this.disposables.push(watcher, watcher.onDidChange(schedule), watcher.onDidCreate(schedule));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.sourceSearch?.cancel();
    this.running?.cancel();
    this.endFileWait(false);
    this.manager.forget(this);
    spanTimingsStore.delete(sourceKey(this.source));
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** All open flame panels, one per trace (or pair of traces). */
class FlamePanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, FlamePanel>();

  constructor(readonly ctx: ExtensionContextHolder) {}

  show(source: PanelSource, options: { preserveFocus?: boolean } = {}): FlamePanel {
    const existing = this.panels.get(sourceKey(source));
    if (existing) {
      existing.panel.reveal(undefined, options.preserveFocus);
      existing.loading = existing.load();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      FLAME_VIEW_TYPE,
      panelTitle(source),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: options.preserveFocus },
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media'), flameDataFolder(this.ctx)],
      },
    );
    return this.adopt(panel, source);
  }

  private adopt(panel: vscode.WebviewPanel, source: PanelSource): FlamePanel {
    const p = new FlamePanel(panel, source, this);
    this.panels.set(sourceKey(source), p);
    return p;
  }

  forget(p: FlamePanel): void {
    if (this.panels.get(sourceKey(p.source)) === p) this.panels.delete(sourceKey(p.source));
  }

  /** Restores a panel after a reload from the state its webview saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const source = parseWebviewState(state).source;
    if (!source || this.panels.has(sourceKey(source))) {
      panel.dispose();
      return;
    }
    this.adopt(panel, source);
  }

  private highlightCache: Promise<{ names: string[]; milestone?: string }> | undefined;

  /** Span names of the active milestone's work items, for highlighting (cached until a change). */
  highlight(): Promise<{ names: string[]; milestone?: string }> {
    this.highlightCache ??= this.computeHighlight();
    return this.highlightCache;
  }

  private async computeHighlight(): Promise<{ names: string[]; milestone?: string }> {
    const active = this.ctx.active.current;
    const loaded = getWorkspaceModel(this.ctx).current;
    if (!active || !loaded) return { names: [] };
    const milestone = findMilestone(loaded.catalog, active.id);
    if (!milestone) return { names: [], milestone: active.id };
    return { names: highlightNamesForWorkItems(milestoneWorkItems(loaded.catalog, milestone)), milestone: milestone.id };
  }

  refreshHighlights(): void {
    this.highlightCache = undefined;
    for (const p of this.panels.values()) p.sendHighlight();
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
  }
}

function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  }
  return undefined;
}

async function pickTraceFile(ctx: ExtensionContextHolder, title: string): Promise<vscode.Uri | undefined> {
  const root = ctx.root;
  const found = root
    ? await vscode.workspace.findFiles(
        new vscode.RelativePattern(root, `${TRACES_DIR}/**/*.{${TRACE_EXTENSIONS.join(',')}}`),
        undefined,
        200,
      )
    : [];
  // Offered without asking: only captures that really are inside the workspace (no links out of it).
  const recorded = found.filter((uri) => uri.scheme === 'file' && root?.scheme === 'file' && isInside(root.fsPath, uri.fsPath));
  const browse = { label: vscode.l10n.t('$(folder-opened) Browse…'), uri: undefined as vscode.Uri | undefined };
  if (recorded.length > 0) {
    const stats = await Promise.all(recorded.map(async (uri) => ({ uri, mtime: (await vscode.workspace.fs.stat(uri)).mtime })));
    stats.sort((a, b) => b.mtime - a.mtime);
    const picked = await vscode.window.showQuickPick(
      [
        ...stats.map((s) => ({
          label: path.basename(s.uri.fsPath),
          description: displayPath(s.uri),
          uri: s.uri as vscode.Uri | undefined,
        })),
        browse,
      ],
      { title, placeHolder: vscode.l10n.t('Recorded profiling runs, newest first') },
    );
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
  }
  const chosen = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    defaultUri: root ? vscode.Uri.joinPath(root, TRACES_DIR) : undefined,
    filters: { [vscode.l10n.t('Trace files')]: TRACE_EXTENSIONS, [vscode.l10n.t('All files')]: ['*'] },
  });
  return chosen?.[0];
}

/** The active milestone's latest recorded baseline and after runs, when both exist. */
async function recordedPair(
  ctx: ExtensionContextHolder,
): Promise<{ baseline: vscode.Uri; after: vscode.Uri; milestone: string } | undefined> {
  const root = ctx.root;
  const active = ctx.active.current;
  if (!root || root.scheme !== 'file' || !active) return undefined;
  const { runs } = await listProfileRuns(root.fsPath, active.id);
  const b = latestBaseline(runs);
  const a = latestAfter(runs);
  if (!b || !a) return undefined;
  return {
    baseline: vscode.Uri.joinPath(root, ...b.file.split('/')),
    after: vscode.Uri.joinPath(root, ...a.file.split('/')),
    milestone: active.id,
  };
}

async function orderByTime(a: vscode.Uri, b: vscode.Uri): Promise<[vscode.Uri, vscode.Uri]> {
  try {
    const [sa, sb] = await Promise.all([vscode.workspace.fs.stat(a), vscode.workspace.fs.stat(b)]);
    return sa.mtime <= sb.mtime ? [a, b] : [b, a];
  } catch {
    return [a, b];
  }
}

export function activateFlamePanel(ctx: ExtensionContextHolder): void {
  const panels = new FlamePanels(ctx);
  ctx.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(FLAME_VIEW_TYPE, panels),
    vscode.commands.registerCommand('milestoneScope.openTrace', async (arg?: unknown, options?: { preserveFocus?: boolean }) => {
      let uri = asUri(arg);
      if (!uri) {
        const doc = vscode.window.activeTextEditor?.document;
        const ext = doc ? path.extname(doc.uri.path).slice(1) : '';
        uri = doc && !doc.isUntitled && TRACE_EXTENSIONS.includes(ext) ? doc.uri : await pickTraceFile(ctx, vscode.l10n.t('Open Trace'));
      }
      if (!uri) return;
      return panels.show({ kind: 'trace', uri: uri.toString() }, { preserveFocus: options?.preserveFocus === true }).loading;
    }),
    vscode.commands.registerCommand('milestoneScope.compareTraces', async (first?: unknown, second?: unknown) => {
      let baseline: vscode.Uri | undefined;
      let after: vscode.Uri | undefined;
      if (Array.isArray(first) && Array.isArray(second)) {
        // Several runs per side (an A/B session): lists of trace files.
        const b = first.map(asUri).filter((u): u is vscode.Uri => u !== undefined);
        const a = second.map(asUri).filter((u): u is vscode.Uri => u !== undefined);
        if (b.length === 0 || a.length === 0) return undefined;
        const runs = { baseline: b.map(String), after: a.map(String) };
        return panels.show({ kind: 'compare', baseline: runs.baseline[0]!, after: runs.after[0]!, runs }).loading;
      }
      if (Array.isArray(second) && second.length === 2) {
        // Two files selected in the explorer: the older one is the baseline.
        const [a, b] = second.map(asUri);
        if (a && b) [baseline, after] = await orderByTime(a, b);
      } else {
        baseline = asUri(first);
        after = asUri(second);
      }
      if (!baseline || !after) {
        const pair = baseline ? undefined : await recordedPair(ctx);
        if (pair) {
          const choice = await vscode.window.showQuickPick(
            [
              {
                label: vscode.l10n.t('Milestone {0}: recorded baseline ↔ latest after run', pair.milestone),
                detail: `${displayPath(pair.baseline)} ↔ ${displayPath(pair.after)}`,
                recorded: true,
              },
              { label: vscode.l10n.t('Choose two trace files…'), recorded: false },
            ],
            { title: vscode.l10n.t('Compare Traces') },
          );
          if (!choice) return;
          if (choice.recorded) [baseline, after] = [pair.baseline, pair.after];
        }
        baseline ??= await pickTraceFile(ctx, vscode.l10n.t('Compare Traces: choose the baseline'));
        if (!baseline) return;
        after ??= await pickTraceFile(ctx, vscode.l10n.t('Compare Traces: choose the after trace'));
        if (!after) return;
      }
      return panels.show({ kind: 'compare', baseline: baseline.toString(), after: after.toString() }).loading;
    }),
    ctx.active.onDidChange(() => panels.refreshHighlights()),
    getWorkspaceModel(ctx).onDidChange(() => panels.refreshHighlights()),
  );
}
