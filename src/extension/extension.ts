import * as vscode from 'vscode';
import { ExtensionContextHolder } from './context';

/** Each feature lives in its own file and exports `activateX(ctx)`; list them here. */
const features: Array<(ctx: ExtensionContextHolder) => void | Promise<void>> = [
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

export function deactivate(): void {}
