/**
 * Per-crate cargo tasks (task type `milestone-scope`) and the validation commands: Run Check,
 * Run Tests, Run Profiling and Capture Baseline. Tasks come from the configuration and from the
 * crate's real test and example targets (`cargo metadata`); each runs in a Pseudoterminal that
 * streams cargo's output, reports diagnostics to the Problems panel and can be cancelled with
 * its whole process tree. Nothing runs in an untrusted workspace.
 */
import * as vscode from 'vscode';
import type { CargoCommandSpec } from '../core/config/types';
import { buildInvocation } from '../core/cargo/invocation';
import { cargoCommandLine } from '../core/cargo/command';
import { loadCargoMetadata, findPackage, metadataFallbackMessage, targetsOfKind, type CargoWorkspace } from '../core/cargo/metadata';
import { validationTargetFor } from '../core/cargo/target';
import { planValidation, VALIDATION_KINDS, type Plan, type ValidationKind, type ValidationRunResult } from '../core/cargo/validation';
import { loadWorkspace, type LoadedWorkspace } from '../core/workspace';
import { CargoDiagnostics } from './cargoDiagnostics';
import { CargoPseudoterminal, type TerminalRun } from './cargoTerminal';
import { abortLiveRuns } from './liveRuns';
import { settings } from './settings';
import type { ExtensionContextHolder } from './context';
import { getWorkspaceModel } from './workspaceModel';

export const TASK_TYPE = 'milestone-scope';
const TASK_SOURCE = 'Milestone Scope';

/** What a `milestone-scope` task in tasks.json may say (mirrors `contributes.taskDefinitions`). */
export interface MilestoneTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  /** A cargo subcommand (`check`, `test`, `run`, ...). */
  command?: string;
  package?: string;
  test?: string;
  example?: string;
  args?: string[];
  env?: Record<string, string>;
  /** One of the workflow's validation commands instead of a cargo command. */
  validation?: ValidationKind;
  /** With `validation: "profile"`: label the capture `baseline`. */
  baseline?: boolean;
}

/** The parts of a definition that make a cargo command (validated leniently: tasks.json is user input). */
export function specFromDefinition(def: MilestoneTaskDefinition): CargoCommandSpec {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const env =
    def.env && typeof def.env === 'object'
      ? Object.fromEntries(Object.entries(def.env).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    label: str(def.test) ?? str(def.example) ?? str(def.command) ?? 'cargo',
    command: str(def.command) ?? '',
    package: str(def.package),
    test: str(def.test),
    example: str(def.example),
    args: strings(def.args),
    env,
  };
}

/** A cargo command equal to the configured profiling run is one (its output is captured). */
function isProfileSpec(spec: CargoCommandSpec, ws: LoadedWorkspace): boolean {
  const p = ws.config.profile;
  return (
    spec.command === p.command &&
    (spec.example ?? '') === (p.example ?? '') &&
    (spec.package || ws.config.crate) === (p.package || ws.config.crate)
  );
}

function taskName(def: MilestoneTaskDefinition, ws: LoadedWorkspace | undefined): string {
  if (def.validation === 'check') return 'Check';
  if (def.validation === 'test') return 'Milestone Tests';
  if (def.validation === 'profile') return def.baseline ? 'Capture Baseline' : 'Profiling Run';
  const spec = specFromDefinition(def);
  const pkg = spec.package || ws?.config.crate || '';
  if (spec.test) return `test ${spec.test}`;
  if (spec.example) return `run example ${spec.example}`;
  return `${spec.command} ${pkg}`.trim();
}

export class MilestoneTasks implements vscode.TaskProvider, vscode.Disposable {
  readonly diagnostics = new CargoDiagnostics();
  private metadata: { root: string; value: Promise<CargoWorkspace> } | undefined;
  private readonly metadataFailuresShown = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: ExtensionContextHolder) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/Cargo.toml');
    const forget = () => (this.metadata = undefined);
    watcher.onDidChange(forget);
    watcher.onDidCreate(forget);
    watcher.onDidDelete(forget);
    this.disposables.push(watcher, this.diagnostics);
  }

  async workspace(): Promise<LoadedWorkspace | undefined> {
    const model = getWorkspaceModel(this.ctx);
    const ws = model.current ?? (await model.ready);
    if (ws) return ws;
    const root = this.ctx.root;
    return root?.scheme === 'file' ? loadWorkspace(root.fsPath) : undefined;
  }

  cargoMetadata(root: string): Promise<CargoWorkspace> {
    if (this.metadata?.root !== root) {
      const value = loadCargoMetadata(root);
      value.catch(() => (this.metadata = undefined)); // retry next time
      this.metadata = { root, value };
    }
    return this.metadata.value;
  }

  async provideTasks(): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return [];
    const ws = await this.workspace();
    if (!ws) return [];
    const defs: MilestoneTaskDefinition[] = [
      { type: TASK_TYPE, validation: 'check' },
      { type: TASK_TYPE, validation: 'test' },
      { type: TASK_TYPE, validation: 'profile' },
      { type: TASK_TYPE, validation: 'profile', baseline: true },
    ];
    const seen = new Set<string>();
    const keyOf = (spec: CargoCommandSpec) =>
      JSON.stringify([spec.command, spec.package || ws.config.crate, spec.test ?? null, spec.example ?? null, spec.args ?? []]);
    // The validation tasks above already run the configured checks and the profiling run.
    for (const c of ws.config.checks) if (c.command === 'check' || c.command === 'clippy') seen.add(keyOf(c));
    seen.add(keyOf(ws.config.profile));
    const add = (spec: CargoCommandSpec) => {
      const def: MilestoneTaskDefinition = { type: TASK_TYPE, command: spec.command };
      if (spec.package) def.package = spec.package;
      if (spec.test) def.test = spec.test;
      if (spec.example) def.example = spec.example;
      if (spec.args?.length) def.args = spec.args;
      if (spec.env && Object.keys(spec.env).length) def.env = spec.env;
      const key = keyOf(spec);
      if (seen.has(key)) return;
      seen.add(key);
      defs.push(def);
    };
    for (const c of ws.config.checks) add(c);
    add(ws.config.profile);
    try {
      const meta = await this.cargoMetadata(ws.root);
      const pkg = findPackage(meta, ws.config.crate);
      if (pkg) {
        for (const t of targetsOfKind(pkg, 'test')) add({ label: t.name, command: 'test', test: t.name });
        for (const t of targetsOfKind(pkg, 'example')) add({ label: t.name, command: 'run', example: t.name });
      } else {
        this.ctx.output.warn(`cargo metadata does not list the configured crate "${ws.config.crate}"; only configured tasks are offered`);
      }
    } catch (err) {
      const reason = (err as Error).message;
      const message = metadataFallbackMessage(
        reason,
        [...ws.config.checks, ws.config.profile].map((c) => cargoCommandLine(c, ws.config.crate)),
      );
      this.ctx.output.warn(message);
      // Once per workspace and reason, visibly: the output channel alone goes unnoticed.
      const key = `${ws.root}\0${reason}`;
      if (!this.metadataFailuresShown.has(key)) {
        this.metadataFailuresShown.add(key);
        const show = vscode.l10n.t('Show Output');
        void vscode.window.showWarningMessage(message, show).then((choice) => {
          if (choice === show) this.ctx.output.show();
        });
      }
    }
    return defs.map((d) => this.toTask(d, ws));
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as MilestoneTaskDefinition;
    if (def.type !== TASK_TYPE) return undefined;
    // The definition must stay the same object for VS Code to match the task to tasks.json.
    return this.toTask(def, getWorkspaceModel(this.ctx).current, task.scope, task.name);
  }

  toTask(def: MilestoneTaskDefinition, ws: LoadedWorkspace | undefined, scope?: vscode.Task['scope'], name?: string): vscode.Task {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const label = name ?? taskName(def, ws);
    const task = new vscode.Task(
      def,
      scope ?? folder ?? vscode.TaskScope.Workspace,
      label,
      TASK_SOURCE,
      new vscode.CustomExecution(async (resolved) => this.terminal(resolved as MilestoneTaskDefinition, undefined, label)),
      // Diagnostics come from cargo's JSON messages, not from scanning the output; an explicit
      // empty list also stops VS Code asking which problem matcher to attach.
      [],
    );
    const kind =
      def.validation ??
      (def.command === 'check' || def.command === 'clippy' || def.command === 'build'
        ? 'check'
        : def.command === 'test'
          ? 'test'
          : undefined);
    if (kind === 'check') task.group = vscode.TaskGroup.Build;
    else if (kind === 'test') task.group = vscode.TaskGroup.Test;
    task.detail = this.detail(def, ws);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true, showReuseMessage: false };
    return task;
  }

  private detail(def: MilestoneTaskDefinition, ws: LoadedWorkspace | undefined): string | undefined {
    if (!ws) return undefined;
    try {
      if (def.validation === 'test') return `the tests the milestone's changes select (cargo test -p ${ws.config.crate} --test …)`;
      const spec =
        def.validation === 'check'
          ? (ws.config.checks.find((c) => c.command === 'check') ?? { label: 'check', command: 'check' })
          : def.validation === 'profile'
            ? ws.config.profile
            : specFromDefinition(def);
      return buildInvocation(spec, { defaultCrate: ws.config.crate, json: false }).display;
    } catch (err) {
      return (err as Error).message; // a refused definition says so in the picker too
    }
  }

  /** The terminal of one run of `def`. */
  terminal(def: MilestoneTaskDefinition, milestoneId?: string, label?: string): vscode.Pseudoterminal {
    const refuse = (message: string): vscode.Pseudoterminal => {
      const write = new vscode.EventEmitter<string>();
      const close = new vscode.EventEmitter<number>();
      return {
        onDidWrite: write.event,
        onDidClose: close.event,
        open: () => {
          write.fire(`\x1b[31m\x1b[1m${message}\x1b[0m\r\n`);
          close.fire(2);
        },
        close: () => undefined,
      };
    };
    if (!vscode.workspace.isTrusted)
      return refuse(vscode.l10n.t('Cargo tasks do not run in an untrusted workspace. Trust the workspace to run them.'));
    const run: TerminalRun = {
      title: vscode.l10n.t('Milestone Scope: {0}', label ?? taskName(def, getWorkspaceModel(this.ctx).current)),
      baseline: def.baseline === true,
      baselineTree: settings.get('baselineTree') === 'currentTree' ? 'current-tree' : 'base-worktree',
      plan: (signal) => this.plan(def, milestoneId, signal),
      onFinished: (results) => this.afterRun(results),
    };
    return new CargoPseudoterminal(run, this.diagnostics, this.ctx.output);
  }

  private async plan(def: MilestoneTaskDefinition, milestoneId: string | undefined, signal: AbortSignal) {
    const ws = await this.workspace();
    if (!ws) throw new Error('No milestone workspace is open (a folder with the milestone documents).');
    const active = this.ctx.active.current;
    const id = milestoneId ?? active?.id;
    const owner = active && active.id === id ? active.owner : settings.get('owner');
    const { target, notRecorded } = await validationTargetFor(ws, id, owner);
    const metadata = await this.cargoMetadata(ws.root);
    let plan: Plan;
    if (def.validation !== undefined) {
      if (!VALIDATION_KINDS.includes(def.validation))
        throw new Error(`"validation" must be one of ${VALIDATION_KINDS.join(', ')}; got "${String(def.validation)}"`);
      plan = await planValidation(def.validation, target, { metadata, signal });
    } else {
      const spec = specFromDefinition(def);
      const invocation = buildInvocation(spec, { defaultCrate: ws.config.crate, metadata });
      plan = {
        kind: isProfileSpec(spec, ws) ? 'profile' : spec.command === 'test' ? 'test' : 'check',
        runs: [{ spec, invocation }],
        notes: [],
        metadata,
      };
    }
    return { plan, target, notRecorded };
  }

  private afterRun(results: ValidationRunResult[]): void {
    const captured = results.find((r) => r.capture && r.outcome === 'passed');
    const root = this.ctx.root;
    if (!captured?.capture || !root) return;
    const uri = vscode.Uri.joinPath(root, ...captured.capture.file.split('/'));
    void (async () => {
      const commands = await vscode.commands.getCommands(true);
      const openChart = vscode.l10n.t('Open Flame Chart');
      const openFile = vscode.l10n.t('Open File');
      const actions = commands.includes('milestoneScope.openTrace') ? [openChart, openFile] : [openFile];
      this.ctx.output.info(`offering ${actions.join(', ')} for ${captured.capture!.file}`);
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t('Profiling run captured as {0}: {1}', captured.capture!.label, captured.capture!.file),
        ...actions,
      );
      if (pick === openChart) await vscode.commands.executeCommand('milestoneScope.openTrace', uri);
      else if (pick === openFile) await vscode.window.showTextDocument(uri);
    })().catch((err) => this.ctx.output.error(`after the profiling run: ${(err as Error).stack ?? String(err)}`));
  }

  dispose(): void {
    // Deactivation (`deactivate` has already begun ending them and waits for it): every running
    // cargo process tree gets SIGTERM.
    abortLiveRuns();
    for (const d of this.disposables) d.dispose();
  }
}

/** Runs one validation command as a task, so it shows in the terminal and task list. */
async function runValidation(tasks: MilestoneTasks, kind: ValidationKind, arg: unknown, baseline = false): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window
      .showWarningMessage(vscode.l10n.t('Cargo commands do not run in an untrusted workspace.'), vscode.l10n.t('Manage Workspace Trust'))
      .then((p) => {
        if (p) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return;
  }
  const milestoneId = typeof arg === 'string' || typeof arg === 'number' ? String(arg) : undefined;
  const ws = await tasks.workspace();
  const def: MilestoneTaskDefinition = { type: TASK_TYPE, validation: kind, ...(baseline ? { baseline } : {}) };
  const task = tasks.toTask(def, ws);
  if (milestoneId) {
    // A command argument names the milestone; the task's own execution keeps it.
    task.execution = new vscode.CustomExecution(async (resolved) =>
      tasks.terminal(resolved as MilestoneTaskDefinition, milestoneId, task.name),
    );
  }
  await vscode.tasks.executeTask(task);
}

export function activateTasks(ctx: ExtensionContextHolder): void {
  const tasks = new MilestoneTasks(ctx);
  ctx.subscriptions.push(
    tasks,
    vscode.tasks.registerTaskProvider(TASK_TYPE, tasks),
    vscode.commands.registerCommand('milestoneScope.runCheck', (arg?: unknown) => runValidation(tasks, 'check', arg)),
    vscode.commands.registerCommand('milestoneScope.runTests', (arg?: unknown) => runValidation(tasks, 'test', arg)),
    vscode.commands.registerCommand('milestoneScope.runProfile', (arg?: unknown) => runValidation(tasks, 'profile', arg)),
    vscode.commands.registerCommand('milestoneScope.captureBaseline', (arg?: unknown) => runValidation(tasks, 'profile', arg, true)),
  );
}
