import * as vscode from 'vscode';
import { ExtensionContextHolder } from './context';
import { activateWorkspaceModel } from './workspaceModel';
import { activateMilestoneCommands } from './milestoneCommands';
import { activateMilestoneDocuments } from './milestoneDocument';
import { activateMilestoneTree } from './milestoneTree';
import { activateStatusBar } from './statusBar';
import { activateHotspotIndex } from './hotspotIndex';
import { activateHotspotDecorations } from './hotspotDecorations';
import { activateHotspotLens } from './hotspotLens';
import { activateFlamePanel } from './flamePanel';
import { activateLanguageClient } from './languageClient';
import { activateTasks } from './tasks';
import { activateMeasure } from './measure';
import { activateScopeDiagnostics } from './scopeDiagnostics';
import { activateCompleteMilestone } from './completeMilestone';
import { activateLanguageModelTools } from './lmTools';
import { endLiveRuns } from './liveRuns';

/** Each feature lives in its own file and exports `activateX(ctx)`; list them here. */
const features: Array<(ctx: ExtensionContextHolder) => void | Promise<void>> = [
  activateWorkspaceModel,
  activateHotspotIndex,
  activateMilestoneCommands,
  activateMilestoneDocuments,
  activateMilestoneTree,
  activateStatusBar,
  activateHotspotDecorations,
  activateHotspotLens,
  activateFlamePanel,
  activateLanguageClient,
  activateTasks,
  activateMeasure,
  activateScopeDiagnostics,
  activateCompleteMilestone,
  activateLanguageModelTools,
];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new ExtensionContextHolder(context);
  try {
    for (const activateFeature of features) await activateFeature(ctx);
  } catch (err) {
    // VS Code shows nothing by itself when activation fails.
    void vscode.window.showErrorMessage(`Milestone Scope failed to activate: ${String(err)}`);
    throw err;
  }
}

/**
 * Window closed or reloaded, or the extension disabled: no cargo run may outlive the extension
 * host. VS Code waits for the promise (5 s at most) before it ends the host.
 */
export function deactivate(): Promise<void> {
  return endLiveRuns();
}
