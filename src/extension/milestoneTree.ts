import * as vscode from 'vscode';
import * as path from 'node:path';
import { milestoneWorkItems, normaliseMilestoneId, type Milestone, type WorkItem } from '../core/catalog/model';
import type { Problem } from '../core/problems';
import { sameOwner } from '../core/status/statuses';
import type { ExtensionContextHolder } from './context';
import { getHotspotIndex, type HotspotEntry } from './hotspotIndex';
import { placementText, escapeMarkdown } from './milestoneMarkdown';
import { getWorkspaceModel, type LoadedWorkspace } from './workspaceModel';

type Node =
  | { kind: 'milestone'; milestone: Milestone }
  | { kind: 'workItem'; milestone: Milestone; workItem: WorkItem }
  | { kind: 'scope'; milestone: Milestone }
  | { kind: 'hotspot'; entry: HotspotEntry }
  | { kind: 'problems' }
  | { kind: 'problem'; problem: Problem }
  | { kind: 'unresolved'; entry: HotspotEntry };

export const VIEW_ID = 'milestoneScope.milestones';
/** Anchors move with every keystroke; the tree's line numbers may lag a little. */
const REFRESH_DELAY_MS = 300;

/** The Milestones view: milestones with status, their work items and hotspots, and problems. */
export function activateMilestoneTree(ctx: ExtensionContextHolder): void {
  const model = getWorkspaceModel(ctx);
  const index = getHotspotIndex(ctx);
  const provider = new MilestoneTreeProvider(ctx);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      provider.refresh();
    }, REFRESH_DELAY_MS);
  };
  const updateBadge = () => {
    const n = provider.problemCount();
    view.badge = n > 0 ? { value: n, tooltip: vscode.l10n.t('{0} milestone document problem(s)', n) } : undefined;
  };
  ctx.subscriptions.push(
    view,
    provider,
    model.onDidChange(() => {
      provider.refresh();
      updateBadge();
    }),
    index.onDidChange((uri) => {
      if (uri) refreshSoon();
      else {
        provider.refresh();
        updateBadge();
      }
    }),
    ctx.active.onDidChange(() => provider.refresh()),
    vscode.commands.registerCommand('milestoneScope.openHotspot', (arg?: unknown) => openHotspot(ctx, arg)),
    vscode.commands.registerCommand('milestoneScope.openProblem', (p: Problem) => openAt(ctx, p.file, p.line, p.column)),
    { dispose: () => timer && clearTimeout(timer) },
  );
}

class MilestoneTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly ctx: ExtensionContextHolder) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.emitter.dispose();
  }

  private get ws(): LoadedWorkspace | undefined {
    return getWorkspaceModel(this.ctx).current;
  }

  private problems(): Problem[] {
    return [...getWorkspaceModel(this.ctx).problems];
  }

  private unresolved(): HotspotEntry[] {
    return getHotspotIndex(this.ctx)
      .all()
      .filter((e) => e.unresolved);
  }

  problemCount(): number {
    return this.problems().length + this.unresolved().length;
  }

  getChildren(node?: Node): Node[] {
    const ws = this.ws;
    if (!node) {
      const roots: Node[] = (ws?.catalog.milestones ?? []).map((milestone) => ({ kind: 'milestone', milestone }));
      if (this.problemCount() > 0) roots.push({ kind: 'problems' });
      return roots;
    }
    switch (node.kind) {
      case 'milestone': {
        if (!ws) return [];
        if (node.milestone.scope.kind !== 'work-items') return [{ kind: 'scope', milestone: node.milestone }];
        return milestoneWorkItems(ws.catalog, node.milestone).map((workItem) => ({
          kind: 'workItem',
          milestone: node.milestone,
          workItem,
        }));
      }
      case 'workItem':
        return getHotspotIndex(this.ctx)
          .forMilestone(node.milestone.id)
          .filter((e) => e.workItem === node.workItem)
          .map((entry) => ({ kind: 'hotspot', entry }));
      case 'problems':
        return [
          ...this.problems().map((problem): Node => ({ kind: 'problem', problem })),
          ...this.unresolved().map((entry): Node => ({ kind: 'unresolved', entry })),
        ];
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'milestone':
        return this.milestoneItem(node.milestone);
      case 'workItem': {
        const item = new vscode.TreeItem(
          vscode.l10n.t('Work item {0}: {1}', node.workItem.id, node.workItem.title),
          vscode.TreeItemCollapsibleState.Expanded,
        );
        item.iconPath = new vscode.ThemeIcon('checklist');
        item.description =
          node.workItem.hotspots.length === 1 ? vscode.l10n.t('1 hotspot') : vscode.l10n.t('{0} hotspots', node.workItem.hotspots.length);
        item.tooltip = workItemTooltip(node.workItem);
        item.contextValue = 'workItem';
        item.command = {
          title: vscode.l10n.t('Show Problem and Target'),
          command: 'milestoneScope.showProblemTarget',
          arguments: [{ milestoneId: node.milestone.id, workItemId: node.workItem.id }],
        };
        return item;
      }
      case 'scope': {
        const s = node.milestone.scope;
        const item = new vscode.TreeItem(s.kind === 'work-items' ? '' : s.description, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        item.description = vscode.l10n.t('no hotspots');
        return item;
      }
      case 'hotspot':
        return hotspotItem(node.entry);
      case 'problems': {
        const item = new vscode.TreeItem(vscode.l10n.t('Problems'), vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.description = vscode.l10n.t('{0} cannot be resolved', this.problemCount());
        return item;
      }
      case 'problem': {
        const p = node.problem;
        const item = new vscode.TreeItem(p.message, vscode.TreeItemCollapsibleState.None);
        item.description = `${p.file}:${p.line}`;
        item.tooltip = `${p.file}:${p.line}: ${p.message} [${p.code}]`;
        item.iconPath =
          p.severity === 'error'
            ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
            : p.severity === 'warning'
              ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
              : new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground'));
        item.command = { title: vscode.l10n.t('Open'), command: 'milestoneScope.openProblem', arguments: [p] };
        return item;
      }
      case 'unresolved': {
        const e = node.entry;
        const item = new vscode.TreeItem(
          vscode.l10n.t('M{0} hotspot {1} of {2}: {3}', e.milestone.id, e.index, e.total, e.unresolved ?? ''),
          vscode.TreeItemCollapsibleState.None,
        );
        item.description = `${e.ref.source.file}:${e.ref.source.line}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        item.tooltip = vscode.l10n.t('{0}:{1} (catalog line {2}) {3}', e.ref.path, e.ref.line, e.ref.source.line, e.unresolved ?? '');
        item.command = {
          title: vscode.l10n.t('Open in catalog'),
          command: 'milestoneScope.openProblem',
          arguments: [{ file: e.ref.source.file, line: e.ref.source.line, column: e.ref.source.column }],
        };
        return item;
      }
    }
  }

  private milestoneItem(m: Milestone): vscode.TreeItem {
    const ws = this.ws;
    const active = this.ctx.active.current;
    const isActive = active !== undefined && normaliseMilestoneId(active.id) === normaliseMilestoneId(m.id);
    const entry = ws?.status.entries.find((e) => normaliseMilestoneId(e.id) === normaliseMilestoneId(m.id));
    const status = entry?.status ?? 'not_started';
    const item = new vscode.TreeItem(
      `M${m.id} · ${m.title}`,
      isActive ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = `milestone:${m.id}`;
    const parts = [isActive ? 'active' : undefined, status.replace(/_/g, ' '), entry?.owner, entry?.started].filter(Boolean);
    item.description = parts.join(' · ');
    const mine = isActive || (active && sameOwner(entry?.owner, active.owner));
    item.iconPath = statusIcon(status, isActive, !!mine);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Milestone ${escapeMarkdown(m.id)}**: ${escapeMarkdown(m.title)}\n\n`);
    md.appendMarkdown(
      `Status: ${escapeMarkdown(status.replace(/_/g, ' '))}${entry?.owner ? ` · owner ${escapeMarkdown(entry.owner)}` : ''}${entry?.started ? ` · since ${escapeMarkdown(entry.started)}` : ''}`,
    );
    if (entry?.notes) md.appendMarkdown(`\n\n${escapeMarkdown(entry.notes)}`);
    if (isActive && active?.baseCommit) md.appendMarkdown(`\n\nBase commit \`${active.baseCommit.slice(0, 12)}\``);
    item.tooltip = md;
    item.contextValue = isActive ? 'milestone.active' : 'milestone.startable';
    return item;
  }

  getParent(): undefined {
    return undefined;
  }
}

function statusIcon(status: string, active: boolean, mine: boolean): vscode.ThemeIcon {
  if (active) return new vscode.ThemeIcon('target', new vscode.ThemeColor('milestoneScope.activeMilestoneIcon'));
  switch (status) {
    case 'completed':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'in_progress':
      return mine
        ? new vscode.ThemeIcon('play-circle')
        : new vscode.ThemeIcon('lock', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'blocked':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    default:
      return new vscode.ThemeIcon('circle-large-outline');
  }
}

function hotspotItem(e: HotspotEntry): vscode.TreeItem {
  const item = new vscode.TreeItem(
    `${path.posix.basename(e.ref.path)}:${e.ref.line}${e.ref.endLine > e.ref.line ? `-${e.ref.endLine}` : ''}`,
    vscode.TreeItemCollapsibleState.None,
  );
  const placement = placementText(e.ref, { path: e.path, line: e.anchor.line, state: e.anchor.state, unresolved: e.unresolved });
  item.description = [e.ref.label, placement !== 'unchanged' ? placement : undefined].filter(Boolean).join(' · ');
  item.tooltip = `${e.ref.path}:${e.ref.line}${e.ref.label ? ` (${e.ref.label})` : ''}\n${vscode.l10n.t('Hotspot {0} of {1} of milestone {2}: {3}', e.index, e.total, e.milestone.id, placement)}`;
  item.iconPath = e.unresolved
    ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
    : e.anchor.state === 'removed'
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : e.anchor.state === 'edited'
        ? new vscode.ThemeIcon('edit')
        : new vscode.ThemeIcon('location');
  item.contextValue = 'hotspot';
  item.command = { title: vscode.l10n.t('Open Hotspot'), command: 'milestoneScope.openHotspot', arguments: [e.key] };
  return item;
}

function workItemTooltip(w: WorkItem): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Problem**\n\n${w.problem.map((p) => `- ${p}`).join('\n') || '_(none written)_'}\n\n`);
  md.appendMarkdown(`**Target**\n\n${w.target.map((t) => `- ${t}`).join('\n') || '_(none written)_'}`);
  return md;
}

/** Opens a hotspot (by key) at its current line; a removed one at where it was, saying so. */
async function openHotspot(ctx: ExtensionContextHolder, arg: unknown): Promise<void> {
  const index = getHotspotIndex(ctx);
  const key = typeof arg === 'string' ? arg : undefined;
  const entry = index.all().find((e) => e.key === key);
  if (!entry) {
    void vscode.window.showWarningMessage(vscode.l10n.t('That hotspot is no longer in the catalog.'));
    return;
  }
  if (entry.unresolved) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Hotspot {0}:{1} cannot be opened: {2}.', entry.ref.path, entry.ref.line, entry.unresolved),
    );
    return;
  }
  const doc = await vscode.workspace.openTextDocument(entry.uri);
  const line = Math.max(0, Math.min(entry.anchor.line - 1, doc.lineCount - 1));
  const range = new vscode.Range(line, doc.lineAt(line).firstNonWhitespaceCharacterIndex, line, doc.lineAt(line).text.length);
  const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(range.start, range.start), preview: true });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (entry.anchor.state === 'removed') {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Hotspot {0}:{1} has been removed since {2}; this is where it was.', entry.ref.path, entry.ref.line, index.base),
    );
  }
}

async function openAt(ctx: ExtensionContextHolder, file: string, line: number, column?: number): Promise<void> {
  const root = ctx.root;
  if (!root) return;
  const uri = vscode.Uri.joinPath(root, file);
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
  } catch {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} cannot be opened.', file));
  }
}
