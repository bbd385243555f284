import * as vscode from 'vscode';
import * as path from 'node:path';
import { findMilestone, milestoneHotspots, normaliseMilestoneId, type Catalog, type Milestone } from '../core/catalog/model';
import { gitHead } from '../core/git/repo';
import { decidePreflight, withRemote, type PreflightResult } from '../core/preflight';
import { readRemoteClaim, type RemoteLookup } from '../core/git/remoteClaim';
import { startBaseCommit, writeStartRecord } from '../core/scope/startRecord';
import { computeStartEdits, type StartPlan } from '../core/start';
import { isoDate, parseStatus, statusEntry } from '../core/status';
import { parseTracking } from '../core/tracking';
import { loadTrackingFor, trackingFileFor, workspaceFile } from '../core/workspace';
import type { ExtensionContextHolder } from './context';
import { nextChange, readSource, unchanged, writeChanges, type Source } from './editorDisk';
import { getHotspotIndex } from './hotspotIndex';
import { currentOwner } from './settings';
import { openMilestoneDocument } from './milestoneDocument';
import { OPEN_TRACKING_FILE, pickDetail, refusalActions, refusalMessage } from './startMessages';
import { getWorkspaceModel, type LoadedWorkspace } from './workspaceModel';

/** How often a start is recomputed when a document changes between reading and applying. */
const START_ATTEMPTS = 3;
/** How long to wait for the editor to reload a document that changed on disk. */
const STALE_WAIT_MS = 2000;

/** Start, Stop and Show Milestone, and opening a milestone's tracking file. */
export function activateMilestoneCommands(ctx: ExtensionContextHolder): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('milestoneScope.startMilestone', (arg?: unknown) => startCommand(ctx, milestoneIdArg(arg))),
    vscode.commands.registerCommand('milestoneScope.stopMilestone', () => stopCommand(ctx)),
    vscode.commands.registerCommand('milestoneScope.showMilestone', (arg?: unknown) => showCommand(ctx, milestoneIdArg(arg))),
    vscode.commands.registerCommand('milestoneScope.openTrackingFile', (arg?: unknown) =>
      openTrackingFile(ctx, milestoneIdArg(arg) ?? ctx.active.current?.id),
    ),
  );
  // The persisted active milestone is restored after a reload; menus depend on this key.
  void vscode.commands.executeCommand('setContext', 'milestoneScope.active', ctx.active.current?.id ?? false);
}

/** A milestone id from a command argument: an id, a tree node (`{ milestone }`) or `{ milestoneId }`. */
function milestoneIdArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' || typeof arg === 'number') return String(arg);
  if (arg && typeof arg === 'object') {
    const o = arg as { milestone?: { id?: unknown }; milestoneId?: unknown };
    if (typeof o.milestone?.id === 'string') return o.milestone.id;
    if (typeof o.milestoneId === 'string') return o.milestoneId;
  }
  return undefined;
}

async function currentWorkspace(ctx: ExtensionContextHolder): Promise<LoadedWorkspace | undefined> {
  const model = getWorkspaceModel(ctx);
  // Decisions are made on what is on disk now, not on a load from before the last save.
  const ws = await model.reload();
  if (!ws) {
    const problem = model.problems[0];
    void vscode.window.showErrorMessage(
      problem
        ? vscode.l10n.t('Milestone Scope: {0} ({1}:{2})', problem.message, problem.file, problem.line)
        : vscode.l10n.t('Milestone Scope: open a folder with a milestone catalog first.'),
    );
  }
  return ws;
}

interface MilestonePick extends vscode.QuickPickItem {
  milestone: Milestone;
}

/** A quick pick of the catalog's milestones, marked with what starting each would do. */
async function pickMilestone(
  ctx: ExtensionContextHolder,
  ws: LoadedWorkspace,
  me: string,
  title: string,
  withDecisions: boolean,
): Promise<Milestone | undefined> {
  if (ws.catalog.milestones.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No milestones found in {0}.', ws.config.catalog));
    return undefined;
  }
  const active = ctx.active.current;
  const decisions = withDecisions
    ? await Promise.all(ws.catalog.milestones.map(async (m) => preflightQuiet(ws, m, me)))
    : ws.catalog.milestones.map(() => undefined);
  const items: MilestonePick[] = ws.catalog.milestones.map((m, i) => {
    const row = statusEntry(ws.status, m.id);
    const d = decisions[i];
    const isActive = active !== undefined && normaliseMilestoneId(active.id) === normaliseMilestoneId(m.id);
    const count = milestoneHotspots(ws.catalog, m).length;
    const status = (row?.status ?? (row ? row.rawStatus : 'not_started')).replace(/_/g, ' ');
    const icon = isActive
      ? '$(target)'
      : d?.decision === 'noop'
        ? '$(pass)'
        : d?.decision === 'conflict'
          ? '$(lock)'
          : d?.decision === 'blocked'
            ? '$(circle-slash)'
            : d?.decision === 'resume'
              ? '$(play-circle)'
              : '$(circle-large-outline)';
    const description = [status, row?.owner, count === 1 ? vscode.l10n.t('1 hotspot') : vscode.l10n.t('{0} hotspots', count)]
      .filter(Boolean)
      .join(' · ');
    const scopeNote =
      m.scope.kind !== 'work-items' && m.scope.description.toLowerCase() !== m.title.toLowerCase() ? m.scope.description : undefined;
    const detail = isActive ? vscode.l10n.t('Active in this window') : (pickDetail(d) ?? scopeNote);
    return { label: `${icon} M${m.id} · ${m.title}`, description, detail, milestone: m };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('Choose a milestone'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.milestone;
}

async function preflightQuiet(ws: LoadedWorkspace, m: Milestone, me: string): Promise<PreflightResult | undefined> {
  try {
    return decidePreflight({
      milestone: m,
      statusFile: ws.status.file,
      statusExists: ws.status.exists,
      statusEntry: statusEntry(ws.status, m.id),
      tracking: await loadTrackingFor(ws, m.id),
      me,
    });
  } catch {
    return undefined;
  }
}

async function planStart(
  ws: LoadedWorkspace,
  milestone: Milestone,
  me: string,
): Promise<{ plan: StartPlan; sources: Source[]; baseCommit: string | undefined }> {
  const trackingFile = trackingFileFor(ws, milestone.id);
  workspaceFile(ws, ws.config.status, 'the status document'); // refuses a STATUS.md leading outside the workspace
  const [statusSrc, trackingSrc, start] = await Promise.all([
    readSource(ws.root, ws.config.status),
    readSource(ws.root, trackingFile),
    gitHead(ws.root).then((head) => startBaseCommit(ws.root, milestone.id, head)),
  ]);
  const baseCommit = start.commit;
  const plan = computeStartEdits({
    catalog: ws.catalog,
    config: ws.config,
    status: parseStatus(statusSrc.text ?? '', ws.config.status, statusSrc.text !== undefined),
    tracking: parseTracking(trackingSrc.text ?? '', trackingFile, trackingSrc.text !== undefined),
    milestone,
    owner: me,
    date: isoDate(new Date()),
    baseCommit,
  });
  return { plan, sources: [statusSrc, trackingSrc], baseCommit };
}

/** Resolves with the pre-flight result (undefined when nothing was chosen or the start failed). */
async function startCommand(ctx: ExtensionContextHolder, requested: string | undefined): Promise<PreflightResult | undefined> {
  const ws = await currentWorkspace(ctx);
  if (!ws) return undefined;
  const me = await currentOwner(ws.root);
  const milestone = requested
    ? findMilestone(ws.catalog, requested)
    : await pickMilestone(ctx, ws, me, vscode.l10n.t('Start Milestone'), true);
  if (!milestone) {
    if (requested) void vscode.window.showErrorMessage(vscode.l10n.t('Milestone {0} is not in {1}.', requested, ws.config.catalog));
    return undefined;
  }
  return startMilestone(ctx, ws, milestone, me);
}

/** The milestone's documents on the remote's default branch (fetched with a timeout; offline is a warning). */
async function remoteClaim(ctx: ExtensionContextHolder, ws: LoadedWorkspace, trackingFile: string): Promise<RemoteLookup> {
  return vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Milestone Scope: checking claims on the remote') },
      () => readRemoteClaim(ws.root, { status: ws.config.status, tracking: trackingFile }, { timeoutMs: 10_000 }),
    )
    .then(undefined, (err: unknown) => {
      ctx.output.warn(`remote claim check failed: ${String(err)}`);
      return { kind: 'unavailable', warning: `remote claim check failed: ${String(err)}` } as RemoteLookup;
    });
}

/** Runs the pre-flight and acts on it; exported for the tests and other features. */
export async function startMilestone(
  ctx: ExtensionContextHolder,
  ws: LoadedWorkspace,
  milestone: Milestone,
  me: string,
): Promise<PreflightResult | undefined> {
  let confirmed = false;
  let stale: Source | undefined;
  let remote: RemoteLookup | undefined;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const { plan, sources, baseCommit } = await planStart(ws, milestone, me);
    // Never decide on, or write, a document the editor has not reloaded from disk yet.
    stale = sources.find((s) => s.stale);
    if (stale) {
      await nextChange(stale.doc!, STALE_WAIT_MS);
      continue;
    }
    const trackingFile = trackingFileFor(ws, milestone.id);
    // A claim pushed by someone else to the remote's default branch is a conflict here too.
    remote ??= await remoteClaim(ctx, ws, trackingFile);
    const pre = withRemote(plan.preflight, remote);
    for (const w of pre.warnings ?? []) ctx.output.warn(`pre-flight of milestone ${milestone.id}: ${w}`);
    switch (pre.decision) {
      case 'noop':
        void offerTracking(ctx, milestone.id, vscode.window.showInformationMessage(refusalMessage(pre)!, ...refusalActions(pre)));
        return pre;
      case 'conflict':
      case 'blocked':
        void offerTracking(ctx, milestone.id, vscode.window.showWarningMessage(refusalMessage(pre)!, ...refusalActions(pre)));
        return pre;
      case 'resume': {
        if (!(await confirmSwitch(ctx, milestone))) return undefined;
        const tracking = parseTracking(sources[1]!.text ?? '', trackingFile, sources[1]!.text !== undefined);
        const recorded = tracking.fields.base?.value ?? statusEntry(ws.status, milestone.id)?.base;
        const previous = ctx.active.current;
        const base = recorded ?? (previous && previous.id === milestone.id ? previous.baseCommit : undefined) ?? (await gitHead(ws.root));
        await ctx.active.set({ id: milestone.id, owner: me, baseCommit: base, startedAt: pre.date ?? new Date().toISOString() });
        void vscode.window.showInformationMessage(
          [
            vscode.l10n.t('Resumed milestone {0} ({1}).', milestone.id, pre.reason),
            base ? vscode.l10n.t('Base commit {0}.', base.slice(0, 10)) : '',
            recorded ? '' : vscode.l10n.t('No base commit was recorded; using the current HEAD.'),
          ]
            .filter(Boolean)
            .join(' '),
        );
        return pre;
      }
      case 'ready': {
        if (!confirmed && !(await confirmSwitch(ctx, milestone))) return undefined;
        confirmed = true;
        if (!(await unchanged(sources))) continue; // a document changed while we computed: recompute
        const applied = await applyStart(ctx, ws.root, ws.catalog, plan, sources, milestone, baseCommit);
        if (applied === 'retry') continue; // a file changed on disk under the lock check: recompute
        if (!applied) return undefined;
        return pre;
      }
    }
  }
  void vscode.window.showErrorMessage(
    stale
      ? vscode.l10n.t(
          'Milestone {0} was not started: {1} is open with text that differs from the file on disk and has not been reloaded. Nothing was changed; revert or reopen it, then start again.',
          milestone.id,
          stale.file,
        )
      : vscode.l10n.t(
          'Milestone {0} was not started: its documents kept changing while the start was computed. Nothing was changed; try again.',
          milestone.id,
        ),
  );
  return undefined;
}

/**
 * Writes the start (on disk, or in the editor for documents with unsaved edits: see
 * writeChanges). Returns 'retry' when a file changed on disk since it was read (nothing was
 * written), false when the start could not be written.
 */
async function applyStart(
  ctx: ExtensionContextHolder,
  root: string,
  catalog: Catalog,
  plan: StartPlan,
  sources: Source[],
  milestone: Milestone,
  base: string | undefined,
): Promise<boolean | 'retry'> {
  const outcome = await writeChanges(plan.changes, sources, vscode.l10n.t('Start milestone {0}', milestone.id));
  if (outcome.kind === 'changed') return 'retry';
  if (outcome.kind === 'locked') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Milestone {0} was not started: {1}', milestone.id, outcome.message));
    return false;
  }
  if (outcome.kind === 'refused') {
    const written = outcome.written;
    void vscode.window.showErrorMessage(
      written.length === 0
        ? vscode.l10n.t(
            'Milestone {0} was started only in part: the editor refused the changes to {1}.',
            milestone.id,
            outcome.inEditor.join(' and '),
          )
        : written.length === 1
          ? vscode.l10n.t(
              'Milestone {0} was started only in part: the editor refused the changes to {1} ({2} was written).',
              milestone.id,
              outcome.inEditor.join(' and '),
              written[0]!,
            )
          : vscode.l10n.t(
              'Milestone {0} was started only in part: the editor refused the changes to {1} ({2} were written).',
              milestone.id,
              outcome.inEditor.join(' and '),
              written.join(' and '),
            ),
    );
    return false;
  }
  const unsaved = outcome.unsaved;
  // The scope guard's trusted record of the base, out of reach of the milestone's own edits.
  if (base)
    await writeStartRecord(root, milestone.id, base).catch((err: unknown) =>
      ctx.output.warn(`the start record of milestone ${milestone.id} was not written: ${String(err)}`),
    );
  await ctx.active.set({ id: milestone.id, owner: plan.preflight.me, baseCommit: base, startedAt: new Date().toISOString() });
  // The command returns once the files are written; the tree, decorations and lenses follow the reload.
  void getWorkspaceModel(ctx)
    .reload()
    .catch((err: unknown) => ctx.output.warn(`reloading the milestone documents after the start: ${String(err)}`));
  const count = milestoneHotspots(catalog, milestone).length;
  const notes = plan.notes.length ? ` ${plan.notes.join('; ')}.` : '';
  const pending = unsaved.length
    ? ` ${vscode.l10n.t('{0} had unsaved changes: the start is applied in the editor; save to record it.', unsaved.join(' and '))}`
    : '';
  const started = base
    ? vscode.l10n.t('Milestone {0} started: in progress by {1}, base commit {2}.', milestone.id, plan.preflight.me, base.slice(0, 10))
    : vscode.l10n.t('Milestone {0} started: in progress by {1}.', milestone.id, plan.preflight.me);
  const hotspots = count === 1 ? vscode.l10n.t('1 hotspot.') : vscode.l10n.t('{0} hotspots.', count);
  const goToFirst = vscode.l10n.t('Go to First Hotspot');
  const showMilestone = vscode.l10n.t('Show Milestone');
  // Not awaited: the command completes when the milestone has started, not when the message closes.
  void vscode.window
    .showInformationMessage(`${started} ${hotspots}${notes}${pending}`, ...(count ? [goToFirst] : []), showMilestone)
    .then(async (choice) => {
      if (choice === showMilestone) await openMilestoneDocument(milestone.id);
      if (choice === goToFirst) {
        const first = getHotspotIndex(ctx)
          .forMilestone(milestone.id)
          .find((h) => !h.unresolved);
        if (first) await vscode.commands.executeCommand('milestoneScope.openHotspot', first.key);
      }
    });
  return true;
}

/** One milestone at a time: switching away from an active one is a deliberate choice. */
async function confirmSwitch(ctx: ExtensionContextHolder, next: Milestone): Promise<boolean> {
  const active = ctx.active.current;
  if (!active || normaliseMilestoneId(active.id) === normaliseMilestoneId(next.id)) return true;
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Milestone {0} is active in this window. Work on one milestone at a time: switch to milestone {1}?', active.id, next.id),
    { modal: true, detail: vscode.l10n.t('Milestone {0} stays in progress in STATUS.md until it is completed.', active.id) },
    vscode.l10n.t('Switch to Milestone {0}', next.id),
  );
  return choice !== undefined;
}

async function offerTracking(ctx: ExtensionContextHolder, id: string, shown: Thenable<string | undefined>): Promise<void> {
  if ((await shown) === OPEN_TRACKING_FILE) await openTrackingFile(ctx, id);
}

async function stopCommand(ctx: ExtensionContextHolder): Promise<void> {
  const active = ctx.active.current;
  if (!active) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No milestone is active in this window.'));
    return;
  }
  await ctx.active.set(undefined);
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Stopped milestone {0} in this window. STATUS.md still shows it in progress by {1}; Start Milestone {0} resumes it.',
      active.id,
      active.owner,
    ),
  );
}

async function showCommand(ctx: ExtensionContextHolder, requested: string | undefined): Promise<void> {
  let id = requested ?? ctx.active.current?.id;
  if (!id) {
    const ws = await currentWorkspace(ctx);
    if (!ws) return;
    id = (await pickMilestone(ctx, ws, await currentOwner(ws.root), vscode.l10n.t('Show Milestone'), false))?.id;
  }
  if (id) await openMilestoneDocument(id);
}

async function openTrackingFile(ctx: ExtensionContextHolder, id: string | undefined): Promise<void> {
  const ws = getWorkspaceModel(ctx).current ?? (await currentWorkspace(ctx));
  if (!ws) return;
  if (!id) {
    id = (await pickMilestone(ctx, ws, await currentOwner(ws.root), vscode.l10n.t('Open Tracking File'), false))?.id;
    if (!id) return;
  }
  const file = trackingFileFor(ws, id);
  const uri = vscode.Uri.file(path.join(ws.root, file));
  try {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  } catch {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} does not exist yet; it is created when milestone {1} starts.', file, id));
  }
}
