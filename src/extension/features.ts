/**
 * The extension's features, loaded by extension.ts right after activation (dist/extensionFeatures.mjs,
 * an ES module chunk shared with the CLI: see esbuild.mjs).
 */
import type { ExtensionContextHolder } from './context';
import { settings } from './settings';
import { getWorkspaceModel } from './workspaceModel';
import { activateWorkspaceModel } from './workspaceModel';
import { activateMilestoneCommands } from './milestoneCommands';
import { activateMilestoneDocuments } from './milestoneDocument';
import { activateMilestoneTree } from './milestoneTree';
import { activateStatusBar } from './statusBar';
import { activateHotspotIndex } from './hotspotIndex';
import { activateHotspotDecorations } from './hotspotDecorations';
import { activateHotspotLens } from './hotspotLens';
import { activateFlamePanel } from './flame/panel';
import { activateSpanTimings } from './spanTimings';
import { activateTasks } from './tasks';
import { activateMeasure } from './measure';
import { activateScopeDiagnostics } from './scopeDiagnostics';
import { activateCompleteMilestone } from './completeMilestone';
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
  activateSpanTimings,
  activateTasks,
  activateMeasure,
  activateScopeDiagnostics,
  activateCompleteMilestone,
];

/** Runs every feature's activation (called by extension.ts once this module is loaded). */
export async function activateFeatures(ctx: ExtensionContextHolder): Promise<void> {
  // Each bundle (this chunk, dist/languageClient.js) has its own copy of the settings module.
  settings.reportTo((message) => ctx.output.warn(message));
  for (const activateFeature of features) await activateFeature(ctx);
}

/** The workspace model's change event, for the language client (which lives in extension.js). */
export function workspaceModelChanges(ctx: ExtensionContextHolder): import('vscode').Event<unknown> {
  return getWorkspaceModel(ctx).onDidChange;
}

/** Ends every cargo run (see extension.ts's deactivate). */
export function deactivateFeatures(): Promise<void> {
  return endLiveRuns();
}
