import * as vscode from 'vscode';
import * as path from 'node:path';
import { findMilestone, normaliseMilestoneId, type Milestone } from '../core/catalog/model';
import { ConcurrentChangeError } from '../core/files';
import { InputError } from '../core/problems';
import { applyCompletion, decideOwnership, planCompletion, recordedSummary, type CompletionPlan, type Refusal } from '../core/report';
import { decidePreflight } from '../core/preflight';
import { statusEntry } from '../core/status';
import { loadTrackingFor, trackingFileFor } from '../core/workspace';
import type { ExtensionContextHolder } from './context';
import { getWorkspaceModel, type LoadedWorkspace } from './workspaceModel';
import { currentOwner, settings } from './settings';
import { traceSizeLimit } from './flame/traceLoad';

const SCHEME = 'milestone-scope-report';
const REPORT_CONTEXT = 'milestoneScope.reportAvailable';

/** Arguments for scripted use (tests, other commands): anything given is not asked for. */
export interface CompleteArgs {
  milestoneId?: string;
  summary?: string;
  force?: boolean;
  reason?: string;
  /** Absolute paths of traces to use instead of the recorded profiling runs. */
  baseline?: string;
  after?: string;
}

export interface CompleteResult {
  milestoneId: string;
  completed: boolean;
  refusals: Refusal[];
  written: string[];
  date?: string;
  markdown: string;
}

/** `milestone-scope-report:/milestone-2-report.md` */
export function reportUri(milestoneId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/milestone-${encodeURIComponent(milestoneId)}-report.md` });
}

function idOfUri(uri: vscode.Uri): string | undefined {
  const m = /^\/milestone-(.+)-report\.md$/.exec(uri.path);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** The reports shown in this window, as read-only markdown documents for the preview. */
class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly reports = new Map<string, string>();
  last: string | undefined;

  set(milestoneId: string, markdown: string): vscode.Uri {
    this.reports.set(milestoneId, markdown);
    this.last = milestoneId;
    const uri = reportUri(milestoneId);
    this.emitter.fire(uri);
    void vscode.commands.executeCommand('setContext', REPORT_CONTEXT, true);
    return uri;
  }

  get(milestoneId: string): string | undefined {
    return this.reports.get(milestoneId);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = idOfUri(uri);
    return (
      (id !== undefined ? this.reports.get(id) : undefined) ??
      'This report is no longer available. Run Milestone Scope: Complete Milestone again.'
    );
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function idArg(arg: unknown): CompleteArgs {
  if (typeof arg === 'string' || typeof arg === 'number') return { milestoneId: String(arg) };
  if (arg && typeof arg === 'object') {
    const o = arg as CompleteArgs & { milestone?: { id?: unknown } };
    if (typeof o.milestone?.id === 'string') return { milestoneId: o.milestone.id };
    return o;
  }
  return {};
}

export function activateCompleteMilestone(ctx: ExtensionContextHolder): void {
  const docs = new ReportDocuments();
  ctx.subscriptions.push(
    docs,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
    vscode.commands.registerCommand('milestoneScope.completeMilestone', (arg?: unknown) => completeCommand(ctx, docs, idArg(arg))),
    vscode.commands.registerCommand('milestoneScope.copyReport', (arg?: unknown) => copyReport(docs, arg)),
  );
}

/** The milestone to complete: the argument, the active one, else a pick of those in progress by the user. */
async function chooseMilestone(
  ctx: ExtensionContextHolder,
  ws: LoadedWorkspace,
  owner: string,
  requested: string | undefined,
): Promise<Milestone | undefined> {
  const id = requested ?? ctx.active.current?.id;
  if (id !== undefined) {
    const m = findMilestone(ws.catalog, id);
    if (!m) void vscode.window.showErrorMessage(vscode.l10n.t('Milestone {0} is not in {1}.', id, ws.config.catalog));
    return m;
  }
  const mine: Milestone[] = [];
  for (const m of ws.catalog.milestones) {
    const d = decidePreflight({
      milestone: m,
      statusFile: ws.status.file,
      statusExists: ws.status.exists,
      statusEntry: statusEntry(ws.status, m.id),
      tracking: await loadTrackingFor(ws, m.id),
      me: owner,
    });
    if (d.decision === 'resume') mine.push(m);
  }
  if (mine.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No milestone is in progress by {0}. Start one before completing it.', owner));
    return undefined;
  }
  if (mine.length === 1) return mine[0];
  const pick = await vscode.window.showQuickPick(
    mine.map((m) => ({ label: `M${m.id} · ${m.title}`, milestone: m })),
    { title: vscode.l10n.t('Complete Milestone'), placeHolder: vscode.l10n.t('Which milestone is finished?') },
  );
  return pick?.milestone;
}

/** Open editors with unsaved changes to the documents the completion writes: saved first, or the completion stops. */
async function saveDocuments(ws: LoadedWorkspace, milestoneId: string): Promise<boolean> {
  const files = [ws.config.status, trackingFileFor(ws, milestoneId)].map((f) => path.join(ws.root, f));
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && files.includes(d.uri.fsPath));
  if (dirty.length === 0) return true;
  const names = dirty.map((d) => path.basename(d.uri.fsPath)).join(' and ');
  const save = vscode.l10n.t('Save and Complete');
  const choice = await vscode.window.showWarningMessage(
    dirty.length > 1
      ? vscode.l10n.t('{0} have unsaved changes. Save before completing the milestone?', names)
      : vscode.l10n.t('{0} has unsaved changes. Save before completing the milestone?', names),
    { modal: true },
    save,
  );
  if (choice !== save) return false;
  for (const d of dirty) if (!(await d.save())) return false;
  return true;
}

/** The summary, asked for and pre-filled from the tracking file's summary section. */
async function askSummary(ws: LoadedWorkspace, milestone: Milestone): Promise<string | undefined> {
  const tracking = await loadTrackingFor(ws, milestone.id);
  const recorded = recordedSummary(tracking.text);
  // The input box holds one line; a recorded multi-line summary is kept as written when left as shown.
  const shown = recorded?.replace(/\s*\r?\n\s*/g, ' ');
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Complete Milestone {0}: optimisation summary', milestone.id),
    prompt: vscode.l10n.t(
      'What milestone {0} changed and why (kept in {1}; edit it there for several paragraphs)',
      milestone.id,
      path.basename(tracking.file),
    ),
    value: shown ?? '',
    placeHolder: vscode.l10n.t('e.g. Batched the blit copies into one command buffer with one sync'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('The report needs an optimisation summary.') : undefined),
  });
  if (value === undefined) return undefined;
  return recorded !== undefined && value === shown ? recorded : value.trim();
}

async function plan(ws: LoadedWorkspace, milestone: Milestone, owner: string, args: CompleteArgs): Promise<CompletionPlan | undefined> {
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Milestone {0}: building the report', milestone.id) },
      () =>
        planCompletion(ws.root, milestone.id, {
          owner,
          summary: args.summary,
          severity: settings.get('scopeSeverity'),
          force: args.force,
          reason: args.reason,
          baseline: args.baseline,
          after: args.after,
          traceLimit: traceSizeLimit(),
        }),
    );
  } catch (err) {
    if (err instanceof InputError) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Milestone {0} was not completed: {1}', milestone.id, err.message));
      return undefined;
    }
    throw err;
  }
}

async function showPreview(docs: ReportDocuments, milestoneId: string, markdown: string): Promise<void> {
  const uri = docs.set(milestoneId, markdown);
  try {
    // Beside the editor being worked in; in the editor area itself when nothing is open.
    await vscode.commands.executeCommand(vscode.window.activeTextEditor ? 'markdown.showPreviewToSide' : 'markdown.showPreview', uri);
  } catch {
    // Without the built-in markdown extension the source is still readable.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
    });
  }
}

function resultOf(p: CompletionPlan, written: string[]): CompleteResult {
  const completed = p.refusals.length === 0;
  return {
    milestoneId: p.report.milestone.id,
    completed,
    refusals: p.refusals,
    written,
    ...(completed ? { date: p.date } : {}),
    markdown: p.markdown,
  };
}

/** The refusal message and what the user may do next: preview, see the problems, or force with a reason. */
async function offerAfterRefusal(
  ctx: ExtensionContextHolder,
  docs: ReportDocuments,
  refused: CompletionPlan,
  args: CompleteArgs,
): Promise<void> {
  const id = refused.report.milestone.id;
  const forcible = refused.refusals.every((r) => r.forcible);
  const reasons = refused.refusals.map((r) => r.message).join('; ');
  const anyway = vscode.l10n.t('Complete Anyway…');
  const preview = vscode.l10n.t('Preview Report');
  const problems = vscode.l10n.t('Show Problems');
  const actions = [...(forcible ? [anyway] : []), preview, ...(refused.refusals.some((r) => r.code === 'scope-errors') ? [problems] : [])];
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Milestone {0} was not completed: {1}.', id, reasons), ...actions);
  if (choice === preview) await showPreview(docs, id, refused.markdown);
  if (choice === problems) await vscode.commands.executeCommand('workbench.actions.view.problems');
  if (choice !== anyway) return;
  const reason = await vscode.window.showInputBox({
    title: vscode.l10n.t('Complete Milestone {0} despite: {1}', id, reasons),
    prompt: vscode.l10n.t('Why? The reason is recorded in the report.'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('A forced completion needs a reason.') : undefined),
  });
  if (reason !== undefined) await completeCommand(ctx, docs, { ...args, force: true, reason });
}

async function completeCommand(
  ctx: ExtensionContextHolder,
  docs: ReportDocuments,
  args: CompleteArgs,
): Promise<CompleteResult | undefined> {
  const model = getWorkspaceModel(ctx);
  const ws = await model.reload();
  if (!ws) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Milestone Scope: open a folder with a milestone catalog first.'));
    return undefined;
  }
  const owner = await currentOwner(ws.root);
  const milestone = await chooseMilestone(ctx, ws, owner, args.milestoneId);
  if (!milestone) return undefined;
  if (!(await saveDocuments(ws, milestone.id))) return undefined;
  // Not the user's milestone: say so before asking for a summary.
  const tracking = await loadTrackingFor(ws, milestone.id);
  const ownership = decideOwnership({ milestone, status: ws.status, entry: statusEntry(ws.status, milestone.id), tracking, me: owner });
  const summary = args.summary ?? (ownership.refusal ? recordedSummary(tracking.text) : await askSummary(ws, milestone));
  if (summary === undefined && !ownership.refusal) return undefined;

  const current = await plan(ws, milestone, owner, { ...args, summary });
  if (!current) return undefined;
  if (current.refusals.length > 0) {
    // Not awaited: the command reports the refusal at once; the choices continue on their own.
    void offerAfterRefusal(ctx, docs, current, { ...args, milestoneId: milestone.id, summary });
    return resultOf(current, []);
  }

  let written: string[];
  try {
    written = await applyCompletion(current);
  } catch (err) {
    if (err instanceof ConcurrentChangeError) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Milestone {0} was not completed: {1}', milestone.id, err.message));
      return { ...resultOf(current, []), completed: false };
    }
    throw err;
  }
  ctx.output.info(`Completed milestone ${milestone.id} on ${current.date}; wrote ${written.join(', ') || 'nothing (already up to date)'}.`);
  if (ctx.active.current && normaliseMilestoneId(ctx.active.current.id) === normaliseMilestoneId(milestone.id))
    await ctx.active.set(undefined);
  await model.reload();
  await showPreview(docs, milestone.id, current.markdown);
  const root = current.report.timing?.root;
  const speed =
    root && root.relative !== null
      ? ` ${
          root.relative < 0
            ? vscode.l10n.t('{0}: {1}% faster.', root.name, (Math.abs(root.relative) * 100).toFixed(1))
            : vscode.l10n.t('{0}: {1}% slower.', root.name, (Math.abs(root.relative) * 100).toFixed(1))
        }`
      : '';
  const what = current.alreadyCompleted
    ? written.length
      ? vscode.l10n.t('Milestone {0} report regenerated.', milestone.id)
      : vscode.l10n.t('Milestone {0} report already up to date.', milestone.id)
    : vscode.l10n.t('Milestone {0} completed on {1}.', milestone.id, current.date);
  const copy = vscode.l10n.t('Copy Report');
  const openTracking = vscode.l10n.t('Open Tracking File');
  void vscode.window.showInformationMessage(`${what}${speed}`, copy, openTracking).then(async (choice) => {
    if (choice === copy) await copyReport(docs, milestone.id);
    if (choice === openTracking) {
      const uri = vscode.Uri.file(path.join(ws.root, trackingFileFor(ws, milestone.id)));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    }
  });
  return resultOf(current, written);
}

/**
 * Copies a report's markdown: the one named (id or report URI), the active report, else the last
 * shown. Resolves with the text copied.
 */
async function copyReport(docs: ReportDocuments, arg?: unknown): Promise<string | undefined> {
  let id: string | undefined;
  if (arg instanceof vscode.Uri) id = idOfUri(arg);
  else if (typeof arg === 'string') id = arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (id === undefined && active?.scheme === SCHEME) id = idOfUri(active);
  id ??= docs.last;
  const markdown = id !== undefined ? docs.get(id) : undefined;
  if (!markdown) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No milestone report to copy yet: run Milestone Scope: Complete Milestone first.'),
    );
    return undefined;
  }
  await vscode.env.clipboard.writeText(markdown);
  void vscode.window.showInformationMessage(vscode.l10n.t('The report of milestone {0} is on the clipboard (markdown).', String(id)));
  return markdown;
}
