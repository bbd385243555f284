/**
 * Measure Before/After: an A/B session (src/core/measure/ab.ts) behind a cancellable progress
 * notification that shows the runs done and the root span's current interval; at the end the
 * Compare view opens on the session's runs and a summary says what changed. Remove Baseline
 * Worktree deletes the base commit's worktree and its target folder.
 */
import * as vscode from 'vscode';
import { abTargetFor, formatChange, runAbSession, type AbOptions, type AbResult } from '../core/measure/ab';
import { removeBaseWorktree, BASE_WORKTREE } from '../core/measure/baseWorktree';
import { formatSpanTime } from '../core/trace/index';
import type { ExtensionContextHolder } from './context';
import { trackRun } from './liveRuns';
import { settings } from './settings';
import { getWorkspaceModel } from './workspaceModel';
import { loadWorkspace } from '../core/workspace';

/** Arguments a caller (CodeLens, tests, keybindings) may pass. */
export interface MeasureArgs extends Pick<AbOptions, 'runs' | 'maxRuns' | 'targetCi' | 'warmup' | 'seed'> {
  milestoneId?: string;
  /** Open the Compare view at the end (default true). */
  openCompare?: boolean;
}

function argsOf(arg: unknown): MeasureArgs {
  if (typeof arg === 'string' || typeof arg === 'number') return { milestoneId: String(arg) };
  if (arg && typeof arg === 'object') {
    const o = arg as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    return {
      milestoneId: typeof o.milestoneId === 'string' ? o.milestoneId : undefined,
      runs: num(o.runs),
      maxRuns: num(o.maxRuns),
      targetCi: num(o.targetCi),
      warmup: num(o.warmup),
      seed: num(o.seed),
      openCompare: o.openCompare !== false,
    };
  }
  return {};
}

function summaryText(r: AbResult): string {
  const c = r.comparison;
  const head =
    c && r.root
      ? `${r.root}: ${formatSpanTime(c.base.mean)} → ${formatSpanTime(c.after.mean)}, ${formatChange(c.estimate, c.ci95.lo, c.ci95.hi)}, ${c.verdict} (${c.n.base} + ${c.n.after} runs)`
      : 'no runs were compared';
  const why = {
    converged: 'the interval is narrow enough',
    'max-runs': `stopped at ${r.options.maxRuns} runs per side`,
    cancelled: 'cancelled',
    failed: r.failure ?? 'failed',
  }[r.outcome];
  return `Before/after, milestone ${r.milestone}: ${head}; ${why}.`;
}

async function measure(ctx: ExtensionContextHolder, arg: unknown): Promise<AbResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Measure Before/After runs cargo, which does not run in an untrusted workspace.'));
    return undefined;
  }
  const args = argsOf(arg);
  const model = getWorkspaceModel(ctx);
  const root = ctx.root;
  const ws = model.current ?? (await model.ready) ?? (root?.scheme === 'file' ? await loadWorkspace(root.fsPath) : undefined);
  if (!ws) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No milestone workspace is open (a folder with the milestone documents).'));
    return undefined;
  }
  const active = ctx.active.current;
  const id = args.milestoneId ?? active?.id;
  const owner = active && active.id === id ? active.owner : settings.get('owner');
  let target;
  try {
    target = (await abTargetFor(ws, id, owner)).target;
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Measure Before/After: {0}', (err as Error).message));
    return undefined;
  }
  const out = ctx.output;
  const abort = new AbortController();
  let result: AbResult | undefined;
  let failure: string | undefined;
  const live = trackRun(abort, async () => {
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Measure Before/After (milestone {0})', String(target.milestone)),
        cancellable: true,
      },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => abort.abort());
        progress.report({ message: vscode.l10n.t('preparing the baseline worktree…') });
        try {
          result = await runAbSession(target, {
            runs: args.runs,
            maxRuns: args.maxRuns,
            targetCi: args.targetCi,
            warmup: args.warmup,
            seed: args.seed,
            signal: abort.signal,
            onEvent: (e) => {
              switch (e.kind) {
                case 'note':
                  return out.info(`Measure Before/After: ${e.text}`);
                case 'build':
                  if (e.phase === 'start')
                    progress.report({
                      message:
                        e.side === 'baseline' ? vscode.l10n.t('building the base commit…') : vscode.l10n.t('building the working tree…'),
                    });
                  return out.info(
                    `Measure Before/After: ${e.phase === 'start' ? `$ ${e.command} (${e.side})` : `build ${e.side}: ${e.outcome}`}`,
                  );
                case 'line':
                  return out.trace(`  ${e.side}: ${e.line}`);
                case 'run-start':
                  return;
                case 'run': {
                  const ci = e.interval ? ` · ${e.root} ${formatChange(e.interval.estimate, e.interval.lo, e.interval.hi)}` : '';
                  const runs = vscode.l10n.t('baseline {0}, after {1} runs', e.counted.base, e.counted.after);
                  progress.report({ message: `${runs}${ci}` });
                  return out.info(
                    `Measure Before/After: ${e.run.side} run ${e.run.n}${e.run.warmup ? ' (warm-up)' : ''}: ${e.run.rootNs !== undefined ? formatSpanTime(e.run.rootNs) : e.run.outcome}${ci}`,
                  );
                }
              }
            },
          });
        } catch (err) {
          failure = (err as Error).message;
        } finally {
          sub.dispose();
        }
      },
    );
  });
  await live.finished;
  if (failure !== undefined) {
    out.error(`Measure Before/After: ${failure}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Measure Before/After: {0}', failure));
    return undefined;
  }
  if (!result) return undefined;
  const text = summaryText(result);
  out.info(text);
  if (result.outcome === 'failed') {
    void vscode.window.showErrorMessage(text, vscode.l10n.t('Show Output')).then((p) => p && out.show());
    return result;
  }
  if (
    result.outcome !== 'cancelled' &&
    args.openCompare !== false &&
    result.files.base.length > 0 &&
    result.files.after.length > 0 &&
    root
  ) {
    const uris = (files: string[]) => files.map((f) => vscode.Uri.joinPath(root, ...f.split('/')));
    void vscode.commands.executeCommand('milestoneScope.compareTraces', uris(result.files.base), uris(result.files.after));
  }
  void vscode.window.showInformationMessage(text);
  return result;
}

async function removeWorktree(ctx: ExtensionContextHolder): Promise<boolean> {
  const root = ctx.root;
  if (!root || root.scheme !== 'file') return false;
  const r = await removeBaseWorktree(root.fsPath);
  const text =
    r.worktree || r.targetDir
      ? vscode.l10n.t('Removed the baseline worktree {0} and its cargo target folder.', BASE_WORKTREE)
      : vscode.l10n.t('There is no baseline worktree to remove.');
  ctx.output.info(text);
  void vscode.window.showInformationMessage(text);
  return r.worktree;
}

export function activateMeasure(ctx: ExtensionContextHolder): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('milestoneScope.measureBeforeAfter', (arg?: unknown) => measure(ctx, arg)),
    vscode.commands.registerCommand('milestoneScope.removeBaseWorktree', () => removeWorktree(ctx)),
  );
}
