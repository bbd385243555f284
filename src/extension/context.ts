import * as vscode from 'vscode';
import { ActiveMilestoneStore } from './activeMilestone';

/**
 * The extension's shared state. Features receive it in `activateX(ctx)` and push
 * every registration into `ctx.subscriptions` so deactivation disposes it.
 */
export class ExtensionContextHolder {
  readonly output: vscode.LogOutputChannel;
  /** The milestone being worked on; persisted across reloads. */
  readonly active: ActiveMilestoneStore;
  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Milestone Scope', { log: true });
    this.active = new ActiveMilestoneStore(extension.workspaceState);
    extension.subscriptions.push(this.output, this.active);
  }
  get subscriptions(): vscode.Disposable[] {
    return this.extension.subscriptions;
  }
  /** The workspace folder the milestone documents live in (the first one, for now). */
  get root(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
  }
}
