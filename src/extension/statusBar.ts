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
    md.appendMarkdown(`Owner ${escapeMarkdown(active.owner)} · started ${escapeMarkdown(active.startedAt.slice(0, 10))}`);
    if (active.baseCommit) md.appendMarkdown(` · base \`${active.baseCommit.slice(0, 12)}\``);
    md.appendMarkdown(`\n\n${hotspots.length} hotspot${hotspots.length === 1 ? '' : 's'}${moved ? `, ${moved} edited or removed` : ''}`);
    // Say so when the documents no longer agree that this milestone is ours and in progress.
    let warning: string | undefined;
    if (ws && !milestone) warning = `Milestone ${active.id} is no longer in ${ws.config.catalog}.`;
    else if (ws && (row?.status !== 'in_progress' || !sameOwner(row.owner, active.owner)))
      warning = `${ws.config.status} does not show milestone ${active.id} in progress by ${active.owner}${row?.status ? ` (it says ${row.status.replace(/_/g, ' ')}${row.owner ? ` by ${row.owner}` : ''})` : ''}.`;
    if (warning) md.appendMarkdown(`\n\n$(warning) ${escapeMarkdown(warning)}`);
    md.supportThemeIcons = true;
    item.text = `${warning ? '$(warning)' : '$(target)'} M${active.id}${milestone ? ` · ${shortTitle(milestone.title, TITLE_CHARS)}` : ''}`;
    item.tooltip = md;
    item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = {
      label: `Active milestone ${active.id}${milestone ? `: ${milestone.title}` : ''}${warning ? `. ${warning}` : ''}`,
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
      label: '$(book) Show Milestone',
      description: 'status, hotspots, Problem and Target',
      run: exec('milestoneScope.showMilestone', active.id),
    },
    { label: '$(file) Open Tracking File', run: exec('milestoneScope.openTrackingFile', active.id) },
  ];
  for (const [id, label] of [
    ['milestoneScope.runCheck', '$(check) Run Check'],
    ['milestoneScope.runTests', '$(beaker) Run Tests'],
    ['milestoneScope.runProfile', '$(pulse) Run Profiling'],
    ['milestoneScope.scope.check', '$(shield) Check Scope'],
    ['milestoneScope.completeMilestone', '$(pass) Complete Milestone'],
  ] as const) {
    if (commands.has(id)) items.push({ label, run: exec(id, active.id) });
  }
  items.push({ label: '$(eye) Toggle Hotspot Highlights', run: exec('milestoneScope.toggleHotspots') });
  items.push({
    label: '$(debug-stop) Stop Milestone',
    description: 'in this window; STATUS.md is not changed',
    run: exec('milestoneScope.stopMilestone'),
  });
  const hotspots = index.forMilestone(active.id);
  if (hotspots.length) items.push({ label: 'Hotspots', kind: vscode.QuickPickItemKind.Separator });
  for (const h of hotspots) {
    const where = h.unresolved
      ? h.unresolved
      : h.anchor.state === 'current'
        ? `line ${h.anchor.line}`
        : `${h.anchor.state}, line ${h.anchor.line}`;
    items.push({
      label: `$(location) ${h.ref.path}:${h.ref.line}`,
      description: where,
      detail: h.ref.label,
      run: exec('milestoneScope.openHotspot', h.key),
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `Milestone ${active.id}`,
    placeHolder: 'Choose an action',
    matchOnDescription: true,
  });
  await picked?.run?.();
}
