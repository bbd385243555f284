import * as vscode from 'vscode';
import { findMilestone, normaliseMilestoneId } from '../core/catalog/model';
import { sameOwner } from '../core/status/statuses';
import type { ExtensionContextHolder } from './context';
import { getHotspotIndex } from './hotspotIndex';
import { escapeMarkdown, shortTitle } from './milestoneMarkdown';
import { getWorkspaceModel } from './workspaceModel';

const TITLE_CHARS = 32;

/** The active milestone in the status bar: id and short title; a click lists its actions. */
export function activateStatusBar(ctx: ExtensionContextHolder): void {
  const model = getWorkspaceModel(ctx);
  const index = getHotspotIndex(ctx);
  const item = vscode.window.createStatusBarItem('milestoneScope.active', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Milestone Scope: Active Milestone';
  item.command = 'milestoneScope.milestoneActions';

  const update = () => {
    const active = ctx.active.current;
    if (!active) {
      item.hide();
      return;
    }
    const ws = model.current;
    const milestone = ws ? findMilestone(ws.catalog, active.id) : undefined;
    const row = ws?.status.entries.find((e) => normaliseMilestoneId(e.id) === normaliseMilestoneId(active.id));
    const hotspots = index.forMilestone(active.id);
    const moved = hotspots.filter((h) => h.anchor.state !== 'current' || h.unresolved).length;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Milestone ${escapeMarkdown(active.id)}**${milestone ? `: ${escapeMarkdown(milestone.title)}` : ''}\n\n`);
    md.appendMarkdown(
      vscode.l10n.t('Owner {0} · started {1}', escapeMarkdown(active.owner), escapeMarkdown(active.startedAt.slice(0, 10))),
    );
    if (active.baseCommit) md.appendMarkdown(vscode.l10n.t(' · base {0}', `\`${active.baseCommit.slice(0, 12)}\``));
    md.appendMarkdown(
      `\n\n${hotspots.length === 1 ? vscode.l10n.t('1 hotspot') : vscode.l10n.t('{0} hotspots', hotspots.length)}${moved ? vscode.l10n.t(', {0} edited or removed', moved) : ''}`,
    );
    // Say so when the documents no longer agree that this milestone is ours and in progress.
    let warning: string | undefined;
    if (ws && !milestone) warning = vscode.l10n.t('Milestone {0} is no longer in {1}.', active.id, ws.config.catalog);
    else if (ws && (row?.status !== 'in_progress' || !sameOwner(row.owner, active.owner)))
      warning = !row?.status
        ? vscode.l10n.t('{0} does not show milestone {1} in progress by {2}.', ws.config.status, active.id, active.owner)
        : row.owner
          ? vscode.l10n.t(
              '{0} does not show milestone {1} in progress by {2} (it says {3} by {4}).',
              ws.config.status,
              active.id,
              active.owner,
              row.status.replace(/_/g, ' '),
              row.owner,
            )
          : vscode.l10n.t(
              '{0} does not show milestone {1} in progress by {2} (it says {3}).',
              ws.config.status,
              active.id,
              active.owner,
              row.status.replace(/_/g, ' '),
            );
    if (warning) md.appendMarkdown(`\n\n$(warning) ${escapeMarkdown(warning)}`);
    md.supportThemeIcons = true;
    item.text = `${warning ? '$(warning)' : '$(target)'} M${active.id}${milestone ? ` · ${shortTitle(milestone.title, TITLE_CHARS)}` : ''}`;
    item.tooltip = md;
    item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = {
      label: `${milestone ? vscode.l10n.t('Active milestone {0}: {1}', active.id, milestone.title) : vscode.l10n.t('Active milestone {0}', active.id)}${warning ? `. ${warning}` : ''}`,
    };
    item.show();
  };

  ctx.subscriptions.push(
    item,
    ctx.active.onDidChange(update),
    model.onDidChange(update),
    index.onDidChange((uri) => uri === undefined && update()),
    vscode.commands.registerCommand('milestoneScope.milestoneActions', () => milestoneActions(ctx)),
  );
  update();
}

interface Action extends vscode.QuickPickItem {
  run?: () => Thenable<unknown> | void;
}

/** The active milestone's actions, as a quick pick. */
async function milestoneActions(ctx: ExtensionContextHolder): Promise<void> {
  const active = ctx.active.current;
  if (!active) {
    await vscode.commands.executeCommand('milestoneScope.startMilestone');
    return;
  }
  const index = getHotspotIndex(ctx);
  const commands = new Set(await vscode.commands.getCommands(true));
  const exec =
    (id: string, ...args: unknown[]) =>
    () =>
      vscode.commands.executeCommand(id, ...args);
  const items: Action[] = [
    {
      label: vscode.l10n.t('$(book) Show Milestone'),
      description: vscode.l10n.t('status, hotspots, Problem and Target'),
      run: exec('milestoneScope.showMilestone', active.id),
    },
    { label: vscode.l10n.t('$(file) Open Tracking File'), run: exec('milestoneScope.openTrackingFile', active.id) },
  ];
  for (const [id, label] of [
    ['milestoneScope.runCheck', vscode.l10n.t('$(check) Run Check')],
    ['milestoneScope.runTests', vscode.l10n.t('$(beaker) Run Tests')],
    ['milestoneScope.runProfile', vscode.l10n.t('$(pulse) Run Profiling')],
    ['milestoneScope.scope.check', vscode.l10n.t('$(shield) Check Scope')],
    ['milestoneScope.completeMilestone', vscode.l10n.t('$(pass) Complete Milestone')],
  ] as const) {
    if (commands.has(id)) items.push({ label, run: exec(id, active.id) });
  }
  items.push({ label: vscode.l10n.t('$(eye) Toggle Hotspot Highlights'), run: exec('milestoneScope.toggleHotspots') });
  items.push({
    label: vscode.l10n.t('$(debug-stop) Stop Milestone'),
    description: vscode.l10n.t('in this window; STATUS.md is not changed'),
    run: exec('milestoneScope.stopMilestone'),
  });
  const hotspots = index.forMilestone(active.id);
  if (hotspots.length) items.push({ label: vscode.l10n.t('Hotspots'), kind: vscode.QuickPickItemKind.Separator });
  for (const h of hotspots) {
    const where = h.unresolved
      ? h.unresolved
      : h.anchor.state === 'current'
        ? vscode.l10n.t('line {0}', h.anchor.line)
        : vscode.l10n.t('{0}, line {1}', h.anchor.state, h.anchor.line);
    items.push({
      label: `$(location) ${h.ref.path}:${h.ref.line}`,
      description: where,
      detail: h.ref.label,
      run: exec('milestoneScope.openHotspot', h.key),
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Milestone {0}', active.id),
    placeHolder: vscode.l10n.t('Choose an action'),
    matchOnDescription: true,
  });
  await picked?.run?.();
}
