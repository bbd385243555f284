import * as vscode from 'vscode';
import { findMilestone, type HotspotRef } from '../core/catalog/model';
import { normaliseMilestoneId } from '../core/catalog/model';
import type { ExtensionContextHolder } from './context';
import { getHotspotIndex, type HotspotEntry } from './hotspotIndex';
import { renderMilestone, type Placement, type StatusSummary } from './milestoneMarkdown';
import { getWorkspaceModel, type LoadedWorkspace } from './workspaceModel';

const SCHEME = 'milestone-scope';

/** `milestone-scope:/milestone-2.md`, `milestone-scope:/milestone-2/work-item-1.md`. */
export function milestoneDocumentUri(milestoneId: string, workItemId?: string): vscode.Uri {
  const base = `/milestone-${encodeURIComponent(milestoneId)}`;
  return vscode.Uri.from({ scheme: SCHEME, path: workItemId ? `${base}/work-item-${encodeURIComponent(workItemId)}.md` : `${base}.md` });
}

function parseUri(uri: vscode.Uri): { milestoneId: string; workItemId?: string } | undefined {
  const m = /^\/milestone-([^/]+?)(?:\/work-item-([^/]+?))?\.md$/.exec(uri.path);
  if (!m) return undefined;
  return { milestoneId: decodeURIComponent(m[1]!), workItemId: m[2] ? decodeURIComponent(m[2]) : undefined };
}

/** The status of a milestone as the documents give it, for display. */
export function statusSummary(ws: LoadedWorkspace, milestoneId: string, base?: string): StatusSummary | undefined {
  const want = normaliseMilestoneId(milestoneId);
  const entry = ws.status.entries.find((e) => normaliseMilestoneId(e.id) === want);
  if (!entry) return base ? { base } : undefined;
  return {
    status: entry.status ?? entry.rawStatus,
    owner: entry.owner,
    started: entry.started,
    notes: entry.notes,
    base: base ?? entry.base,
  };
}

export function placementOf(entries: readonly HotspotEntry[], ref: HotspotRef): Placement | undefined {
  const e = entries.find((x) => x.ref === ref);
  if (!e) return undefined;
  return { path: e.path, line: e.anchor.line, state: e.anchor.state, unresolved: e.unresolved };
}

/** Read-only markdown documents describing milestones, opened in the markdown preview. */
export function activateMilestoneDocuments(ctx: ExtensionContextHolder): void {
  const emitter = new vscode.EventEmitter<vscode.Uri>();
  const open = new Set<string>();
  const model = getWorkspaceModel(ctx);
  const index = getHotspotIndex(ctx);
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: emitter.event,
    provideTextDocumentContent(uri) {
      open.add(uri.toString());
      const ws = model.current;
      const what = parseUri(uri);
      if (!ws || !what) return 'The milestone documents are not loaded.';
      const milestone = findMilestone(ws.catalog, what.milestoneId);
      if (!milestone) return `Milestone ${what.milestoneId} is not in ${ws.config.catalog}.`;
      const active = ctx.active.current;
      const base = active && active.id === milestone.id ? active.baseCommit : undefined;
      const entries = index.forMilestone(milestone.id);
      return renderMilestone(ws.catalog, milestone, {
        workItemId: what.workItemId,
        status: statusSummary(ws, milestone.id, base),
        placement: (ref) => placementOf(entries, ref),
      });
    },
  };
  const refresh = () => open.forEach((u) => emitter.fire(vscode.Uri.parse(u)));
  ctx.subscriptions.push(
    emitter,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === SCHEME && open.delete(d.uri.toString())),
    model.onDidChange(refresh),
    index.onDidChange((uri) => uri === undefined && refresh()),
    vscode.commands.registerCommand('milestoneScope.showProblemTarget', (arg?: unknown) => showProblemTarget(ctx, arg)),
  );
}

/** Opens the milestone's document in the markdown preview beside the editor. */
export async function openMilestoneDocument(milestoneId: string, workItemId?: string): Promise<void> {
  const uri = milestoneDocumentUri(milestoneId, workItemId);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    // Without the built-in markdown extension, the source is still readable.
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

/**
 * Problem and Target of a hotspot's work item. The argument is a hotspot key (from a lens) or
 * `{ milestoneId, workItemId }`; without one, the hotspot under the cursor or the active milestone.
 */
async function showProblemTarget(ctx: ExtensionContextHolder, arg: unknown): Promise<void> {
  const index = getHotspotIndex(ctx);
  let milestoneId: string | undefined;
  let workItemId: string | undefined;
  if (typeof arg === 'string') {
    const entry = index.all().find((e) => e.key === arg);
    milestoneId = entry?.milestone.id;
    workItemId = entry?.workItem.id;
  } else if (arg && typeof arg === 'object' && 'milestoneId' in arg) {
    const a = arg as { milestoneId: string; workItemId?: string };
    milestoneId = a.milestoneId;
    workItemId = a.workItemId;
  } else {
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      const line = editor.selection.active.line + 1;
      const here = index.forDocument(editor.document.uri).find((e) => e.anchor.state !== 'removed' && e.anchor.line === line);
      milestoneId = here?.milestone.id;
      workItemId = here?.workItem.id;
    }
    milestoneId ??= ctx.active.current?.id;
  }
  if (!milestoneId) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No milestone is active. Start one, or run this from a hotspot line.'));
    return;
  }
  await openMilestoneDocument(milestoneId, workItemId);
}
