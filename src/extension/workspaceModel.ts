import * as vscode from 'vscode';
import { loadWorkspace, type LoadedWorkspace } from '../core/workspace';
import { trackingPath } from '../core/config/types';
import { CONFIG_FILE, CONFIG_FILES } from '../core/config';
import type { Problem } from '../core/problems';
import type { ExtensionContextHolder } from './context';

export type { LoadedWorkspace };

/**
 * The milestone documents of the workspace (configuration, catalog, status) as loaded from
 * disk, kept current by file watchers. Every feature reads the same instance through
 * `getWorkspaceModel(ctx)`.
 */
export interface WorkspaceModel {
  /** The last successful load; undefined before the first load or without a workspace folder. */
  readonly current: LoadedWorkspace | undefined;
  /** Problems of the last load, including a load that failed as a whole. */
  readonly problems: readonly Problem[];
  /** Fires after every load (also when it failed: then `current` is the previous value or undefined). */
  readonly onDidChange: vscode.Event<LoadedWorkspace | undefined>;
  /** Loads again now; concurrent calls share one load. */
  reload(): Promise<LoadedWorkspace | undefined>;
  /** Resolves once the first load has completed. */
  readonly ready: Promise<LoadedWorkspace | undefined>;
}

/** Saves of several documents (a start edits STATUS.md and a tracking file) coalesce into one load. */
const RELOAD_DELAY_MS = 150;

class WorkspaceModelImpl implements WorkspaceModel, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<LoadedWorkspace | undefined>();
  readonly onDidChange = this.emitter.event;
  private loaded: LoadedWorkspace | undefined;
  private lastProblems: Problem[] = [];
  private inFlight: Promise<LoadedWorkspace | undefined> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private watchers: vscode.Disposable[] = [];
  private watchedKey = '';
  private lastReported = '';
  private resolveReady!: (w: LoadedWorkspace | undefined) => void;
  readonly ready = new Promise<LoadedWorkspace | undefined>((resolve) => (this.resolveReady = resolve));

  constructor(private readonly ctx: ExtensionContextHolder) {}

  get current(): LoadedWorkspace | undefined {
    return this.loaded;
  }

  get problems(): readonly Problem[] {
    return this.lastProblems;
  }

  reload(): Promise<LoadedWorkspace | undefined> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.loadLoop().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Debounced reload for file-system events. */
  scheduleReload(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, RELOAD_DELAY_MS);
  }

  private async loadLoop(): Promise<LoadedWorkspace | undefined> {
    let result: LoadedWorkspace | undefined;
    do {
      this.again = false;
      result = await this.loadOnce();
    } while (this.again);
    return result;
  }

  private async loadOnce(): Promise<LoadedWorkspace | undefined> {
    const root = this.ctx.root;
    if (!root || root.scheme !== 'file') {
      this.loaded = undefined;
      this.lastProblems = [];
    } else {
      try {
        this.loaded = await loadWorkspace(root.fsPath);
        this.lastProblems = [...this.loaded.problems];
      } catch (err) {
        // Keep the previous model so the editor does not go blank while a document is mid-edit.
        this.lastProblems = [loadFailure(err)];
      }
    }
    this.report();
    this.watch();
    this.resolveReady(this.loaded);
    this.emitter.fire(this.loaded);
    return this.loaded;
  }

  /** Logs problems when they differ from the last load, so a stable workspace stays quiet. */
  private report(): void {
    const text = this.lastProblems.map((p) => `${p.file}:${p.line}: ${p.severity}: ${p.message} [${p.code}]`).join('\n');
    if (text === this.lastReported) return;
    this.lastReported = text;
    if (this.lastProblems.length === 0) {
      this.ctx.output.info('Milestone documents loaded without problems.');
      return;
    }
    this.ctx.output.warn(`Milestone documents: ${this.lastProblems.length} problem(s)`);
    for (const p of this.lastProblems) {
      const log = p.severity === 'error' ? this.ctx.output.error : this.ctx.output.warn;
      log.call(this.ctx.output, `  ${p.file}:${p.line}: ${p.message} [${p.code}]`);
    }
  }

  /** Watches the configuration and the documents it names; re-created when the paths change. */
  private watch(): void {
    const root = this.ctx.root;
    if (!root) return;
    const config = this.loaded?.config;
    // Either spelling of the configuration file reloads the model.
    const globs = [...CONFIG_FILES];
    if (config) globs.push(config.catalog, config.status, trackingPath(config, '*'));
    const key = globs.join('\n');
    if (key === this.watchedKey) return;
    this.disposeWatchers();
    this.watchedKey = key;
    for (const glob of globs) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, glob));
      watcher.onDidCreate(() => this.scheduleReload());
      watcher.onDidChange(() => this.scheduleReload());
      watcher.onDidDelete(() => this.scheduleReload());
      this.watchers.push(watcher);
    }
  }

  private disposeWatchers(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposeWatchers();
    this.emitter.dispose();
  }
}

function loadFailure(err: unknown): Problem {
  const e = err as { message?: string; location?: { file: string; line: number; column?: number }; code?: string };
  const at = e.location ?? { file: CONFIG_FILE, line: 1 };
  return {
    severity: 'error',
    code: typeof e.code === 'string' && e.code.includes('/') ? e.code : 'workspace/load-failed',
    message: `The milestone documents could not be loaded: ${e.message ?? String(err)}`,
    ...at,
  };
}

const models = new WeakMap<ExtensionContextHolder, WorkspaceModelImpl>();

/** The shared workspace model of this extension instance (created on first use). */
export function getWorkspaceModel(ctx: ExtensionContextHolder): WorkspaceModel {
  let model = models.get(ctx);
  if (!model) {
    model = new WorkspaceModelImpl(ctx);
    models.set(ctx, model);
    ctx.subscriptions.push(model);
  }
  return model;
}

/** Starts the first load off the activation path; features subscribe to `onDidChange`. */
export function activateWorkspaceModel(ctx: ExtensionContextHolder): void {
  const model = getWorkspaceModel(ctx);
  ctx.subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(() => void model.reload()),
    vscode.commands.registerCommand('milestoneScope.reloadWorkspace', () => model.reload()),
    // For tests: which configuration file and catalog the model was last loaded from.
    vscode.commands.registerCommand('milestoneScope.internal.workspaceModel', () => ({
      configFile: model.current?.configFile,
      catalog: model.current?.config.catalog,
      problems: model.problems.map((p) => `${p.file}:${p.line}: ${p.code}`),
    })),
  );
  setTimeout(() => void model.reload(), 0);
}
