import * as vscode from 'vscode';
import type { ExtensionContextHolder } from './context';
import { getHotspotIndex, type HotspotEntry, type HotspotIndex } from './hotspotIndex';
import { hotspotLine, hotspotRange } from './hotspotRanges';
import { escapeMarkdown, shortTitle } from './milestoneMarkdown';
import { settings } from './settings';

const LENS_TITLE_CHARS = 60;

const RUN_CHECK = 'milestoneScope.runCheck';

/**
 * CodeLens above each hotspot line of the active milestone (every milestone's when none is
 * active), and a hover with the work item's Problem and Target. Both are lookups in the index.
 */
export function activateHotspotLens(ctx: ExtensionContextHolder): void {
  const index = getHotspotIndex(ctx);
  const changed = new vscode.EventEmitter<void>();
  const checkAvailable = commandProbe(RUN_CHECK);
  const selector: vscode.DocumentSelector = { scheme: 'file' };

  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(doc) {
      if (!settings.get('codeLensEnabled')) return [];
      const entries = shown(index, ctx, doc.uri);
      if (entries.length === 0) return [];
      const canCheck = ctx.active.current !== undefined && (await checkAvailable());
      return entries.flatMap((e) => lensesFor(e, doc, ctx.active.current?.id, canCheck, index.base));
    },
  };

  const hover: vscode.HoverProvider = {
    provideHover(doc, position) {
      const here = shown(index, ctx, doc.uri).filter((e) => hotspotRange(e, doc)?.contains(position.with(undefined, 0)));
      if (here.length === 0) return undefined;
      return new vscode.Hover(here.map((e) => hoverMarkdown(e, index.base)));
    },
  };

  ctx.subscriptions.push(
    changed,
    vscode.languages.registerCodeLensProvider(selector, provider),
    vscode.languages.registerHoverProvider(selector, hover),
    index.onDidChange(() => changed.fire()),
    ctx.active.onDidChange(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => settings.affects(e, 'codeLensEnabled') && changed.fire()),
    vscode.extensions.onDidChange(() => changed.fire()),
  );
}

/** The active milestone's hotspots in a document; all milestones' when none is active. */
function shown(index: HotspotIndex, ctx: ExtensionContextHolder, uri: vscode.Uri): HotspotEntry[] {
  const activeId = ctx.active.current?.id;
  return index.forDocument(uri).filter((e) => !e.unresolved && (activeId === undefined || e.milestone.id === activeId));
}

function lensesFor(
  e: HotspotEntry,
  doc: vscode.TextDocument,
  activeId: string | undefined,
  canCheck: boolean,
  base: string,
): vscode.CodeLens[] {
  const range = new vscode.Range(hotspotLine(e, doc), 0, hotspotLine(e, doc), 0);
  const where = vscode.l10n.t('hotspot {0} of {1}', e.index, e.total);
  const title = shortTitle(e.workItem.title, LENS_TITLE_CHARS);
  const lenses: vscode.CodeLens[] = [];
  const state =
    e.anchor.state === 'removed'
      ? `$(warning) M${e.milestone.id} · ${vscode.l10n.t('{0} removed since {1} (was {2}:{3})', where, base, e.ref.path, e.ref.line)}`
      : e.anchor.state === 'edited'
        ? `$(edit) M${e.milestone.id} · ${vscode.l10n.t('{0} (edited)', where)} · ${title}`
        : `$(target) M${e.milestone.id} · ${where} · ${title}`;
  lenses.push(
    new vscode.CodeLens(range, {
      title: state,
      command: 'milestoneScope.showMilestone',
      arguments: [e.milestone.id],
      tooltip: vscode.l10n.t('Show milestone {0}', e.milestone.id),
    }),
  );
  lenses.push(
    new vscode.CodeLens(range, {
      title: vscode.l10n.t('Problem & Target'),
      command: 'milestoneScope.showProblemTarget',
      arguments: [e.key],
      tooltip: vscode.l10n.t('Problem and Target of work item {0}', e.workItem.id),
    }),
  );
  if (activeId === undefined) {
    lenses.push(
      new vscode.CodeLens(range, {
        title: vscode.l10n.t('Start Milestone {0}', e.milestone.id),
        command: 'milestoneScope.startMilestone',
        arguments: [e.milestone.id],
      }),
    );
  } else if (canCheck) {
    lenses.push(
      new vscode.CodeLens(range, {
        title: vscode.l10n.t('$(check) Run check'),
        command: RUN_CHECK,
        arguments: [e.milestone.id],
        tooltip: vscode.l10n.t("Run the milestone's cargo check"),
      }),
    );
  }
  return lenses;
}

export function hoverMarkdown(e: HotspotEntry, base: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: ['milestoneScope.showProblemTarget', 'milestoneScope.showMilestone'] };
  const state = e.anchor.state === 'edited' ? ` · line edited since ${escapeMarkdown(base)}` : '';
  md.appendMarkdown(`**Milestone ${escapeMarkdown(e.milestone.id)}** · hotspot ${e.index} of ${e.total}${state}\n\n`);
  md.appendMarkdown(`Work item ${escapeMarkdown(e.workItem.id)}: ${escapeMarkdown(e.workItem.title)}\n\n`);
  md.appendMarkdown('**Problem**\n\n' + (e.workItem.problem.map((p) => `- ${p}`).join('\n') || '_(none written)_') + '\n\n');
  md.appendMarkdown('**Target**\n\n' + (e.workItem.target.map((t) => `- ${t}`).join('\n') || '_(none written)_') + '\n\n');
  const args = encodeURIComponent(JSON.stringify([e.key]));
  md.appendMarkdown(`[Open Problem and Target](command:milestoneScope.showProblemTarget?${args})`);
  return md;
}

/** Whether a command exists; re-checked (at most every few seconds) until it does. */
function commandProbe(id: string): () => Promise<boolean> {
  let known = false;
  let checkedAt = 0;
  return async () => {
    if (known || Date.now() - checkedAt < 5000) return known;
    checkedAt = Date.now();
    known = (await vscode.commands.getCommands(true)).includes(id);
    return known;
  };
}
