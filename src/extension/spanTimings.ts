/**
 * Span timings in the Rust source: for the trace (or baseline/after pair) of the flame chart in
 * front, a CodeLens above every span site of the file (`info_span!` and the other span macros,
 * `#[instrument]`, or the location the trace records) with the span's total and self time per
 * proof, share of the root and change against the baseline; a heat mark in the gutter of the
 * active milestone's hotspot lines under a span; Next/Previous Hotspot and Go to Slowest Span Site.
 *
 * CodeLens rather than inlay hints: the figures are a line of their own above the site (an inlay
 * hint would push the code sideways and be cut at the end of the line), they carry a tooltip with
 * every path of the span, and they sit where this extension's hotspot lenses already are.
 */
import * as vscode from 'vscode';
import type { WorkItem } from '../core/catalog/model';
import { highlightNamesForWorkItems } from '../core/flame/highlight';
import {
  findSpanSites,
  heatLevel,
  lensTitle,
  lensTooltip,
  namedSpanTiming,
  siteAbove,
  slowestSpans,
  type SpanSite,
} from '../core/flame/spanSites';
import { timingsByName, type SpanTiming, type SpanTimings } from '../core/flame/spanTimings';
import { formatSpanTime } from '../core/trace/duration';
import { share } from '../core/trace/render';
import type { ExtensionContextHolder } from './context';
import { chooseSourceTarget, findSpanSource, openSourceTarget } from './flame/source';
import { getHotspotIndex, type HotspotEntry } from './hotspotIndex';
import { hotspotRange } from './hotspotRanges';
import { settings } from './settings';
import { getWorkspaceModel } from './workspaceModel';

const RUST: vscode.DocumentSelector = { scheme: 'file', pattern: '**/*.rs' };
const PAINT_DELAY_MS = 150;

/** The span timings of every open flame chart; the one in front (or loaded last) is shown. */
class SpanTimingsStore {
  private readonly entries = new Map<string, SpanTimings>();
  private order: string[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  /** Grows on every change: caches compare it. */
  generation = 0;

  set(key: string, timings: SpanTimings): void {
    this.entries.set(key, timings);
    this.prefer(key);
  }

  prefer(key: string): void {
    if (!this.entries.has(key)) return;
    this.order = [...this.order.filter((k) => k !== key), key];
    this.changed();
  }

  delete(key: string): void {
    if (!this.entries.delete(key)) return;
    this.order = this.order.filter((k) => k !== key);
    this.changed();
  }

  get current(): SpanTimings | undefined {
    const key = this.order[this.order.length - 1];
    return key === undefined ? undefined : this.entries.get(key);
  }

  private changed(): void {
    this.generation++;
    this.byNameCache = undefined;
    this.emitter.fire();
  }

  private byNameCache: { generation: number; map: Map<string, SpanTiming[]> } | undefined;

  /** The current timings grouped by span name (cached until a change). */
  byName(): Map<string, SpanTiming[]> | undefined {
    const t = this.current;
    if (!t) return undefined;
    if (!this.byNameCache || this.byNameCache.generation !== this.generation)
      this.byNameCache = { generation: this.generation, map: timingsByName(t) };
    return this.byNameCache.map;
  }
}

export const spanTimingsStore = new SpanTimingsStore();

function enabled(): boolean {
  return settings.get('spanTimingsEnabled');
}

/** Span sites per document, kept until the document changes (its version) or the timings do. */
const siteCache = new Map<string, { version: number; generation: number; sites: SpanSite[] }>();

function sitesOf(doc: vscode.TextDocument): SpanSite[] {
  const byName = spanTimingsStore.byName();
  if (!byName) return [];
  const key = doc.uri.toString();
  const hit = siteCache.get(key);
  if (hit && hit.version === doc.version && hit.generation === spanTimingsStore.generation) return hit.sites;
  const sites = findSpanSites(doc.getText(), vscode.workspace.asRelativePath(doc.uri, false), byName);
  siteCache.set(key, { version: doc.version, generation: spanTimingsStore.generation, sites });
  return sites;
}

function lensesOf(doc: vscode.TextDocument): vscode.CodeLens[] {
  const timings = spanTimingsStore.current;
  const byName = spanTimingsStore.byName();
  if (!enabled() || !timings || !byName) return [];
  const out: vscode.CodeLens[] = [];
  const source = `${timings.kind === 'compare' ? 'Baseline ↔ after' : 'Trace'}: ${timings.title}`;
  for (const site of sitesOf(doc)) {
    const paths = byName.get(site.name);
    if (!paths || site.line < 1 || site.line > doc.lineCount) continue;
    const range = new vscode.Range(site.line - 1, 0, site.line - 1, 0);
    out.push(new vscode.CodeLens(range, { title: `${site.name} ${lensTitle(paths)}`, tooltip: lensTooltip(paths, source), command: '' }));
  }
  return out;
}

/** Span names per work item, from its title as written (backticks kept by the catalog parser). */
let namesFor: unknown;
const workItemNames = new Map<WorkItem, Set<string>>();

function forgetNamesOnReload(ctx: ExtensionContextHolder): void {
  const loaded = getWorkspaceModel(ctx).current;
  if (namesFor === loaded) return;
  namesFor = loaded;
  workItemNames.clear();
}

function namesOf(item: WorkItem): ReadonlySet<string> {
  let n = workItemNames.get(item);
  if (!n) workItemNames.set(item, (n = new Set(highlightNamesForWorkItems([item]))));
  return n;
}

const heatEmitter = new vscode.EventEmitter<void>();
/** Fires when hotspot heat may have changed (timings, catalog, setting). */
export const onDidChangeHotspotHeat = heatEmitter.event;

/**
 * The heat of an active milestone's hotspot line, drawn by the hotspot decorations in its gutter
 * icon: the share of the root of the spans the hotspot's work item names (as the chart outlines
 * them), else of the span site above the line. Undefined without a trace or below 1 %.
 */
export function hotspotHeat(entry: HotspotEntry, doc: vscode.TextDocument): { level: 1 | 2 | 3; message: string } | undefined {
  const byName = spanTimingsStore.byName();
  if (!enabled() || !byName || !doc.uri.path.endsWith('.rs')) return undefined;
  const range = hotspotRange(entry, doc);
  if (!range) return undefined;
  let p = namedSpanTiming(byName, namesOf(entry.workItem));
  let why = p ? `Span \`${p.name}\` of this work item` : '';
  if (!p) {
    const site = siteAbove(sitesOf(doc), range.start.line + 1);
    p = site ? byName.get(site.name)?.[0] : undefined;
    if (site) why = `Under span \`${site.name}\` (line ${site.line})`;
  }
  if (!p) return undefined;
  const level = heatLevel(p.shareOfRoot);
  if (level === 0) return undefined;
  return {
    level,
    message: `${why}: ${formatSpanTime(p.totalPerRunNs)} per proof, ${share(p.shareOfRoot)} of the root (${spanTimingsStore.current?.title ?? 'trace'}).`,
  };
}

export function activateSpanTimings(ctx: ExtensionContextHolder): void {
  const lensChanged = new vscode.EventEmitter<void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    lensChanged.fire();
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      forgetNamesOnReload(ctx);
      heatEmitter.fire();
    }, PAINT_DELAY_MS);
  };

  ctx.subscriptions.push(
    lensChanged,
    heatEmitter,
    { dispose: () => timer && clearTimeout(timer) },
    vscode.languages.registerCodeLensProvider(RUST, {
      onDidChangeCodeLenses: lensChanged.event,
      provideCodeLenses: (doc) => lensesOf(doc),
    }),
    spanTimingsStore.onDidChange(refresh),
    getWorkspaceModel(ctx).onDidChange(refresh),
    vscode.workspace.onDidCloseTextDocument((d) => siteCache.delete(d.uri.toString())),
    vscode.workspace.onDidChangeConfiguration((e) => settings.affects(e, 'spanTimingsEnabled') && refresh()),
    vscode.commands.registerCommand('milestoneScope.nextHotspot', () => stepHotspot(ctx, 1)),
    vscode.commands.registerCommand('milestoneScope.previousHotspot', () => stepHotspot(ctx, -1)),
    vscode.commands.registerCommand('milestoneScope.goToSlowestSpanSite', () => goToSlowestSpanSite()),
  );
  refresh();
}

/** The active milestone's hotspots in catalog order, and the one after (or before) the cursor. */
async function stepHotspot(ctx: ExtensionContextHolder, step: 1 | -1): Promise<void> {
  const id = ctx.active.current?.id;
  if (id === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No milestone is active: start one to step through its hotspots.'));
    return;
  }
  const entries = getHotspotIndex(ctx)
    .forMilestone(id)
    .filter((e) => !e.unresolved && e.anchor.state !== 'removed')
    .sort((a, b) => a.index - b.index);
  if (entries.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Milestone {0} has no hotspot in the code.', id));
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const here = editor
    ? entries.findIndex((e) => e.uri.toString() === editor.document.uri.toString() && e.anchor.line - 1 === editor.selection.active.line)
    : -1;
  let next: number;
  if (here >= 0) next = (here + step + entries.length) % entries.length;
  else if (editor) {
    // Not on a hotspot: the next one after the cursor in this file, else the first (last) overall.
    const inFile = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.uri.toString() === editor.document.uri.toString());
    const line = editor.selection.active.line + 1;
    const ahead = step > 0 ? inFile.find(({ e }) => e.anchor.line > line) : [...inFile].reverse().find(({ e }) => e.anchor.line < line);
    next = ahead ? ahead.i : step > 0 ? 0 : entries.length - 1;
  } else next = step > 0 ? 0 : entries.length - 1;
  const target = entries[next];
  const pos = new vscode.Position(target.anchor.line - 1, 0);
  await vscode.window.showTextDocument(target.uri, { selection: new vscode.Range(pos, pos) });
  vscode.window.setStatusBarMessage(vscode.l10n.t('Hotspot {0} of {1}: {2}', target.index, target.total, target.workItem.title), 4000);
}

/** Opens the site of the span with the most self time per proof whose definition can be found. */
async function goToSlowestSpanSite(): Promise<void> {
  const timings = spanTimingsStore.current;
  if (!timings) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Open a trace in the flame chart first (Milestone Scope: Open Trace): the slowest span comes from it.'),
    );
    return;
  }
  const cts = new vscode.CancellationTokenSource();
  try {
    const candidates = slowestSpans(timings.spans).slice(0, 10);
    for (const s of candidates) {
      const targets = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Finding {0}', s.name) },
        () => findSpanSource({ name: s.name, file: s.location?.file, line: s.location?.line }, cts.token),
      );
      if (targets.length === 0) continue;
      const target = await chooseSourceTarget(s.name, targets);
      if (!target) return;
      await openSourceTarget(target, vscode.ViewColumn.Active);
      vscode.window.setStatusBarMessage(
        vscode.l10n.t('Slowest span: {0} ({1} self per proof)', s.path, formatSpanTime(s.selfPerRunNs)),
        6000,
      );
      return;
    }
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        "None of the {0} slowest spans of {1} is defined in the workspace's Rust files ({2}).",
        candidates.length,
        timings.title,
        candidates.map((c) => c.name).join(', '),
      ),
    );
  } finally {
    cts.dispose();
  }
}
