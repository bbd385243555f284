/**
 * Loading trace files for a flame chart without blocking the extension host: the size limit
 * (setting `milestoneScope.trace.maxFileSizeMB`) checked from the files' sizes first, then the
 * parse and layout in a worker thread behind a cancellable progress notification that shows the
 * percentage of bytes read.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FlameDocument } from '../../core/flame/data';
import type { PhaseMark } from '../../core/flame/phases';
import type { FlameJob, FlameLoadResult, TraceInput } from '../../core/flame/load';
import { formatMB, isCancelled, limitBytes, TraceTooLargeError } from '../../core/trace/limits';
import type { ExtensionContextHolder } from '../context';
import { settings } from '../settings';
import { startFlameWorker, type FlameWorkerTask } from './traceWorkerClient';

/**
 * How a load ended; the Open Trace and Compare Traces commands return it. Small on purpose: a
 * command's result travels to whoever ran it (the document does not).
 */
export type TraceLoadOutcome =
  | {
      status: 'loaded';
      spanCount: number;
      progress: number[];
      worker: WorkerEnd;
      readMs?: number;
      sendMs?: number;
      /** A big trace's first screen (its merged view), sent before the rest was built (see FIRST_PART_MIN_BYTES). */
      firstPart?: { readMs: number; sendMs: number; transfer: string };
    }
  | { status: 'cancelled'; message: string; progress: number[]; worker?: WorkerEnd }
  | { status: 'too-large'; message: string }
  | { status: 'failed'; message: string; progress: number[]; worker?: WorkerEnd }
  /** A newer load of the same panel started, or the panel closed. */
  | { status: 'superseded' };

/** The worker thread's id and exit code, known once it has stopped. */
export interface WorkerEnd {
  threadId: number;
  exitCode: number;
}

export function displayPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : uri.toString(true);
}

/** The configured limit in bytes (Infinity when the setting is 0), and how to change it. */
export function traceSizeLimit(): { maxBytes: number; hint: string } {
  return {
    maxBytes: limitBytes(settings.get('traceMaxFileSizeMB')),
    hint: `raise the setting ${settings.key('traceMaxFileSizeMB')} (0 for no limit) to open it`,
  };
}

/**
 * The first file over the limit, from the file system's sizes alone (nothing is read), and the
 * size of them all.
 */
async function checkSizes(
  uris: readonly vscode.Uri[],
  limit: { maxBytes: number; hint: string },
): Promise<{ tooLarge?: TraceTooLargeError; totalBytes: number }> {
  let totalBytes = 0;
  for (const uri of uris) {
    let size: number;
    try {
      size = (await vscode.workspace.fs.stat(uri)).size;
    } catch {
      continue; // The worker reports a missing or unreadable file with the parser's message.
    }
    totalBytes += size;
    if (size > limit.maxBytes) return { tooLarge: new TraceTooLargeError(displayPath(uri), size, limit.maxBytes, limit.hint), totalBytes };
  }
  return { totalBytes };
}

/**
 * A trace at least this big is charted in two parts: the merged view (the first screen of a
 * many-proof run) is sent as soon as it is laid out, the timeline after it.
 */
export const FIRST_PART_MIN_BYTES = 4 << 20;

/** A local file is read by the worker itself; a file of another file system is read here, then handed over. */
async function inputOf(uri: vscode.Uri): Promise<TraceInput> {
  const title = displayPath(uri);
  if (uri.scheme === 'file') return { title, path: uri.fsPath };
  return { title, bytes: await vscode.workspace.fs.readFile(uri) };
}

export function showTooLarge(message: string): void {
  void vscode.window.showErrorMessage(message, vscode.l10n.t('Open Settings')).then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', settings.key('traceMaxFileSizeMB'));
  });
}

/**
 * One load of a flame chart's trace(s). `cancel()` stops it from outside (the panel closed, or
 * a newer load started); the notification's Cancel button does the same.
 */
export class TraceLoad {
  private task: FlameWorkerTask | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: ExtensionContextHolder,
    private readonly uris: readonly vscode.Uri[],
    private readonly title: string,
    /** With several runs per side: how many of `uris` (the first ones) are baseline runs. */
    private readonly baselineRuns?: number,
    /** Called with the first part of a big one-trace document, before the rest is built (see FIRST_PART_MIN_BYTES). */
    private readonly onFirst?: (doc: FlameDocument, workerMarks: PhaseMark[]) => void,
  ) {}

  cancel(): void {
    this.stopped = true;
    void this.task?.cancel();
  }

  /** The document when loaded. */
  result: FlameLoadResult | undefined;

  async run(): Promise<TraceLoadOutcome> {
    const limit = traceSizeLimit();
    const { tooLarge, totalBytes } = await checkSizes(this.uris, limit);
    if (tooLarge) return { status: 'too-large', message: tooLarge.message };
    const progress: number[] = [];
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading {0}', this.title), cancellable: true },
      async (report, token): Promise<TraceLoadOutcome> => {
        let task: FlameWorkerTask | undefined;
        const cancelled = token.onCancellationRequested(() => this.cancel());
        const stoppedOutcome = (worker?: WorkerEnd): TraceLoadOutcome =>
          token.isCancellationRequested
            ? { status: 'cancelled', message: vscode.l10n.t('Reading {0} was cancelled.', this.title), progress, worker }
            : { status: 'superseded' };
        try {
          const inputs = await Promise.all(this.uris.map(inputOf));
          if (this.stopped) return stoppedOutcome();
          const job: FlameJob =
            this.baselineRuns !== undefined
              ? { kind: 'compare-runs', baseline: inputs.slice(0, this.baselineRuns), after: inputs.slice(this.baselineRuns) }
              : inputs.length === 1
                ? { kind: 'trace', trace: inputs[0]! }
                : { kind: 'compare', baseline: inputs[0]!, after: inputs[1]! };
          let shown = 0;
          task = this.task = startFlameWorker(
            path.join(this.ctx.extension.extensionPath, 'dist', 'traceWorker.js'),
            { job, maxBytes: limit.maxBytes, limitHint: limit.hint, parts: job.kind === 'trace' && totalBytes >= FIRST_PART_MIN_BYTES },
            (p) => {
              const percent = p.totalBytes > 0 ? Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes)) : 100;
              if (p.phase === 'read') {
                progress.push(percent);
                report.report({ increment: percent - shown, message: vscode.l10n.t('{0}% of {1}', percent, formatMB(p.totalBytes)) });
                shown = percent;
              } else {
                report.report({ increment: 100 - shown, message: vscode.l10n.t('laying out {0} spans', p.spans.toLocaleString('en-US')) });
                shown = 100;
              }
            },
            (first, marks) => {
              if (!this.stopped) this.onFirst?.(first, marks);
            },
          );
          if (this.stopped) void task.cancel();
          this.result = await task.result;
          return {
            status: 'loaded',
            spanCount: this.result.doc.spanCount,
            progress,
            worker: { threadId: task.threadId, exitCode: await task.exited },
          };
        } catch (err) {
          const worker = task ? { threadId: task.threadId, exitCode: await task.exited } : undefined;
          if (isCancelled(err)) return stoppedOutcome(worker);
          if (err instanceof TraceTooLargeError) return { status: 'too-large', message: err.message };
          return { status: 'failed', message: err instanceof Error ? err.message : String(err), progress, worker };
        } finally {
          cancelled.dispose();
          if (this.task === task) this.task = undefined;
        }
      },
    );
  }
}
