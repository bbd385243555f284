import * as vscode from 'vscode';

/** What is recorded about the milestone the user is working on in this workspace. */
export interface ActiveMilestone {
  id: string;
  owner: string;
  /** The git commit recorded as the base when the work started (undefined outside git). */
  baseCommit?: string;
  startedAt: string;
}

const KEY = 'milestoneScope.activeMilestone';

/** The active milestone, persisted in workspace state so it survives a reload. */
export class ActiveMilestoneStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ActiveMilestone | undefined>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento) {}

  get current(): ActiveMilestone | undefined {
    return this.state.get<ActiveMilestone>(KEY);
  }

  async set(value: ActiveMilestone | undefined): Promise<void> {
    await this.state.update(KEY, value);
    await vscode.commands.executeCommand('setContext', 'milestoneScope.active', value?.id ?? false);
    this.emitter.fire(value);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
