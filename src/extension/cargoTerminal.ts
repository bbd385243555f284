import * as vscode from 'vscode';
import { RefusedCommand } from '../core/cargo/invocation';
import { CargoMetadataError } from '../core/cargo/metadata';
import { InputError } from '../core/problems';
import { formatElapsed, formatOutcome } from '../core/cargo/validationRecord';
import { executePlan, overallOutcome, type Plan, type ValidationRunResult, type ValidationTarget } from '../core/cargo/validation';
import type { CargoDiagnostics } from './cargoDiagnostics';
import { trackRun, type LiveRun } from './liveRuns';

const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';

export interface TerminalRun {
  /** Builds the plan (may throw RefusedCommand / CargoMetadataError, shown in the terminal). */
  plan(signal: AbortSignal): Promise<{ plan: Plan; target: ValidationTarget; notRecorded?: string }>;
  baseline?: boolean;
  /** Where an explicit baseline is built and run (setting `milestoneScope.baseline.tree`). */
  baselineTree?: 'base-worktree' | 'current-tree';
  title: string;
  onFinished?(results: ValidationRunResult[]): void;
}

/**
 * A task's terminal: streams cargo's coloured output, feeds diagnostics to the Problems panel,
 * shows progress, and ends the whole process tree when the task is terminated (or Ctrl+C).
 */
export class CargoPseudoterminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();
  private live: LiveRun | undefined;

  constructor(
    private readonly run: TerminalRun,
    private readonly diagnostics: CargoDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  open(): void {
    trackRun(this.abort, (live) => {
      this.live = live;
      return this.execute().catch((err) => this.note('error', `cargo task: ${(err as Error).stack ?? String(err)}`));
    });
  }

  close(): void {
    this.abort.abort();
  }

  handleInput(data: string): void {
    if (data === '\x03') {
      this.line(`${YELLOW}^C cancelling…${RESET}`);
      this.abort.abort();
    }
  }

  /** Logs, unless the log is gone: a run cancelled by deactivation finishes after it is closed. */
  private note(level: 'info' | 'warn' | 'error', message: string): void {
    try {
      this.log[level](message);
    } catch {
      // the extension host is shutting down
    }
  }

  private line(text: string): void {
    this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n') + '\r\n');
  }

  private async execute(): Promise<void> {
    let planned: Awaited<ReturnType<TerminalRun['plan']>>;
    try {
      planned = await this.run.plan(this.abort.signal);
    } catch (err) {
      const refused = err instanceof RefusedCommand || err instanceof CargoMetadataError;
      this.line(`${RED}${BOLD}${refused ? '' : 'Error: '}${(err as Error).message}${RESET}`);
      if (!refused) this.note('error', `cargo task failed to start: ${(err as Error).stack ?? String(err)}`);
      this.closeEmitter.fire(2);
      return;
    }
    const { plan, target, notRecorded } = planned;
    for (const note of plan.notes) this.line(`${DIM}${note}${RESET}`);
    if (notRecorded) this.line(`${DIM}Note: ${notRecorded}${RESET}`);
    if (plan.runs.some((r) => r.invocation.json)) this.diagnostics.startRun();
    let results: ValidationRunResult[];
    try {
      results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: this.run.title, cancellable: false },
        (progress) =>
          executePlan(plan, target, {
            signal: this.abort.signal,
            colour: true,
            onSpawn: (pid) => {
              if (this.live) this.live.pid = pid;
            },
            baseline: this.run.baseline,
            baselineTree: this.run.baselineTree,
            onNote: (text) => this.line(`${DIM}${text}${RESET}`),
            onRunStart: (run, i, total) => {
              this.line(`${CYAN}${BOLD}> ${run.invocation.display}${RESET}${total > 1 ? ` ${DIM}(${i + 1}/${total})${RESET}` : ''}`);
              if (run.note) this.line(`${DIM}${run.note}${RESET}`);
              progress.report({ message: run.invocation.display });
            },
            onLine: (line) => {
              this.line(line);
              const status = /^\s*(Compiling|Checking|Running|Finished|Doc-tests)\s+(.*)$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
              if (status) progress.report({ message: `${status[1]} ${status[2]}` });
            },
            onDiagnostic: (d) => {
              try {
                this.diagnostics.add(d);
              } catch {
                // the collection is disposed: the extension host is shutting down
              }
            },
            onMalformed: (line, error) => this.note('warn', `unreadable cargo message (${error}): ${line.slice(0, 200)}`),
          }),
      );
    } catch (err) {
      // E.g. a baseline at the base commit without a recorded base commit, or a worktree git refused.
      if (!(err instanceof InputError)) throw err;
      this.line(`${RED}${BOLD}${err.message}${RESET}`);
      this.closeEmitter.fire(2);
      return;
    }
    for (const r of results) {
      const colour = r.outcome === 'passed' ? GREEN : r.outcome === 'cancelled' ? YELLOW : RED;
      const where = r.record?.recorded ? ` · recorded in ${r.record.file}` : r.record ? ` · not recorded: ${r.record.reason}` : '';
      const capture = r.capture ? ` · ${r.capture.label} trace ${r.capture.file}` : '';
      this.line(`${colour}${BOLD}${r.invocation.display}: ${formatOutcome(r)}${RESET} in ${formatElapsed(r.durationMs)}${capture}${where}`);
      if (r.spawnError) this.line(`${RED}cargo could not be started: ${r.spawnError}${RESET}`);
      this.note('info', `${r.invocation.display}: ${r.outcome} in ${formatElapsed(r.durationMs)}${capture}${where}`);
    }
    const outcome = this.abort.signal.aborted ? 'cancelled' : overallOutcome(results);
    this.run.onFinished?.(results);
    this.closeEmitter.fire(outcome === 'passed' ? 0 : outcome === 'cancelled' ? 130 : 1);
  }
}
