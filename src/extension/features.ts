/**
 * The extension's features, loaded by extension.ts right after activation (dist/extensionFeatures.mjs,
 * an ES module chunk shared with the CLI: see esbuild.mjs).
 */
import type { ExtensionContextHolder } from './context';
import { CONFIG_FILES, loadConfig } from '../core/config';
import { DEFAULT_CONFIG } from '../core/config/types';
import type { LanguageClientHost } from './languageClient';
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
  settings.reportTo((message) => ctx.output.warn(message));
  for (const activateFeature of features) await activateFeature(ctx);
}

/** What the language client (dist/languageClient.js, a bundle of its own) uses of the features' code. */
export function languageClientHost(ctx: ExtensionContextHolder): LanguageClientHost {
  return {
    modelChanged: getWorkspaceModel(ctx).onDidChange,
    settings,
    loadConfig,
    configFiles: CONFIG_FILES,
    defaultConfig: DEFAULT_CONFIG,
  };
}

/** Ends every cargo run (see extension.ts's deactivate). */
export function deactivateFeatures(): Promise<void> {
  return endLiveRuns();
}
