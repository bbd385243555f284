/**
 * `milestone-scope ab`: the profiling run at the milestone's base commit against the working tree,
 * repeated and interleaved until the root span's change is known to the wanted precision.
 */
import { InputError } from '../core/problems';
import { loadWorkspace } from '../core/workspace';
import { RefusedCommand } from '../core/cargo/invocation';
import { CargoMetadataError } from '../core/cargo/metadata';
import { myMilestoneInProgress } from '../core/cargo/target';
import { formatSpanTime } from '../core/trace/index';
import { AB_DEFAULTS, abTargetFor, formatChange, halfWidth, runAbSession, type AbResult } from '../core/measure/ab';
import { BASE_TARGET_DIR, BASE_WORKTREE, baseWorktreeInfo, removeBaseWorktree } from '../core/measure/baseWorktree';
import { diffSessionRuns } from '../core/measure/spans';
import { diffJson, diffView } from '../core/trace/render';
import type { TraceDiff } from '../core/trace/diff';
import { renderTable } from './table';
import { EXIT } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { EXIT_FAILED, EXIT_INTERRUPTED } from './run';
import { JSON_VERSION } from './views';
import { helpText } from './help';

export const AB_HELP = helpText([
  'Usage: milestone-scope ab [options]',
  '',
  "Measures the milestone's change: the profiling run built at the milestone's base commit (A, in",
  'the git worktree .milestone-scope/base) against the working tree (B), run alternately in blocks',
  "(A B or B A, the order drawn from the seed) until the 95% interval of the root span's relative",
  'change is narrow enough. Both sides are built first (untimed). Every run is captured and recorded',
  'like a profiling run, labelled baseline or after, with the session id.',
  '',
  'Options:',
  '  --milestone ID     the milestone (default: the one in progress by you, if exactly one)',
  `  --runs N           counted runs per side before stopping is considered (default ${AB_DEFAULTS.runs}, at least 2)`,
  `  --max-runs M       counted runs per side at most (default ${AB_DEFAULTS.maxRuns})`,
  `  --target-ci P      stop when the interval is within ±P percent of the estimate (default ${AB_DEFAULTS.targetCi * 100})`,
  `  --warmup K         runs per side at the start that are not counted (default ${AB_DEFAULTS.warmup})`,
  '  --seed S           seed of the run order and the statistics (default: drawn and printed)',
  ...COMMON_HELP,
  '',
  'Exit code: 0 finished (converged or at --max-runs), 1 a build or run failed, 2 bad input or',
  'refused, 130 interrupted.',
]);

function intOption(v: unknown, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || !/^\s*\d+\s*$/.test(String(v)))
    throw new InputError(`--${name} must be a whole number of at least ${min} (got "${String(v)}")`, undefined, 'input/usage');
  return n;
}

function percentOption(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(v));
  const n = m ? Number(m[1]) : NaN;
  if (!(n > 0 && n < 100))
    throw new InputError(
      `ab: --target-ci must be a percentage above 0 and below 100, e.g. 1 or 0.5% (got "${String(v)}")`,
      undefined,
      'input/usage',
    );
  return n / 100;
}

function resultJson(r: AbResult) {
  const c = r.comparison;
  return {
    session: r.session,
    seed: r.seed,
    milestone: r.milestone,
    outcome: r.outcome,
    failure: r.failure ?? null,
    commits: { base: r.commits.base, after: r.commits.after ?? null },
    options: r.options,
    root: r.root ?? null,
    change: c
      ? {
          estimate: c.estimate,
          ci95: { lo: Number.isFinite(c.ci95.lo) ? c.ci95.lo : null, hi: Number.isFinite(c.ci95.hi) ? c.ci95.hi : null },
          p: c.p,
          verdict: c.verdict,
          reason: c.reason,
          runs: c.n,
          baseMeanNs: c.base.mean,
          afterMeanNs: c.after.mean,
          outliers: c.outliers,
        }
      : null,
    runs: r.runs.map((x) => ({
      side: x.side,
      n: x.n,
      warmup: x.warmup,
      file: x.file,
      outcome: x.outcome,
      durationMs: x.durationMs,
      rootNs: x.rootNs ?? null,
    })),
    files: r.files,
    recorded: r.recorded,
  };
}

export async function runAb(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommand(argv, {
    name: 'ab',
    positionals: [],
    options: {
      milestone: { type: 'string' },
      runs: { type: 'string' },
      'max-runs': { type: 'string' },
      'target-ci': { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (values.help) {
    io.stdout(AB_HELP + '\n');
    return EXIT.ok;
  }
  const runs = intOption(values.runs, 'runs', 2);
  const maxRuns = intOption(values['max-runs'], 'max-runs', 2);
  const warmup = intOption(values.warmup, 'warmup', 0);
  const seed = intOption(values.seed, 'seed', 0);
  const targetCi = percentOption(values['target-ci']);
  if (maxRuns !== undefined && maxRuns < (runs ?? AB_DEFAULTS.runs))
    throw new InputError(`--max-runs (${maxRuns}) must be at least --runs (${runs ?? AB_DEFAULTS.runs})`, undefined, 'input/usage');

  const ws = await loadWorkspace(await resolveRoot(io, values.root));
  const owner = values.owner;
  const milestone = (values.milestone as string | undefined) ?? (await myMilestoneInProgress(ws, owner));
  const { target, notRecorded } = await abTargetFor(ws, milestone, owner);
  const say = (text: string) => io.stderr(text + '\n');
  // The line per run: on stdout, or on stderr with --json (stdout is the JSON document alone).
  const line = values.json ? say : (text: string) => io.stdout(text + '\n');
  if (notRecorded) say(`note: ${notRecorded}`);

  const ac = new AbortController();
  const interrupt = () => ac.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    let result: AbResult;
    let building = false;
    try {
      result = await runAbSession(target, {
        runs,
        maxRuns,
        targetCi,
        warmup,
        seed,
        signal: ac.signal,
        colour: io.columns !== undefined && !io.env.NO_COLOR,
        onEvent: (e) => {
          switch (e.kind) {
            case 'note':
              return say(`note: ${e.text}`);
            case 'build':
              building = e.phase === 'start';
              return say(
                e.phase === 'start'
                  ? `$ ${e.command}   (${e.side === 'baseline' ? 'A: base commit' : 'B: working tree'})`
                  : `build ${e.side}: ${e.outcome}`,
              );
            case 'line':
              // cargo's output while building (to stderr); each run's output is in its capture.
              if (building) io.stderr(e.line + '\n');
              return;
            case 'run': {
              const r = e.run;
              const side = r.side === 'baseline' ? 'A baseline' : 'B after   ';
              const time = r.rootNs !== undefined ? `${e.root} ${formatSpanTime(r.rootNs)}` : r.warmup ? 'warm-up, not counted' : r.outcome;
              const ci = e.interval
                ? `  change ${formatChange(e.interval.estimate, e.interval.lo, e.interval.hi)} (n=${e.interval.n.base}+${e.interval.n.after})`
                : '';
              return line(`${side}  run ${String(r.n).padStart(2)}  ${time}${ci}`);
            }
          }
        },
      });
    } catch (err) {
      if (err instanceof RefusedCommand || err instanceof CargoMetadataError) {
        say(`milestone-scope ab: ${err.message}`);
        if (values.json) printJson(io, { version: JSON_VERSION, kind: 'ab', refused: err.message });
        return EXIT.usage;
      }
      if (err instanceof RangeError) throw new InputError(err.message, undefined, 'input/usage');
      throw err;
    }
    const c = result.comparison;
    const summary: string[] = [];
    if (c && result.root) {
      summary.push(
        `${result.root}: ${formatSpanTime(c.base.mean)} → ${formatSpanTime(c.after.mean)}, ${formatChange(c.estimate, c.ci95.lo, c.ci95.hi)} (95% interval, ${c.n.base} + ${c.n.after} runs): ${c.verdict}`,
      );
      const outliers = c.outliers.base.length + c.outliers.after.length;
      if (outliers)
        summary.push(
          `outlier runs (Tukey fences, kept): baseline ${c.outliers.base.map((i) => i + 1).join(', ') || 'none'}; after ${c.outliers.after.map((i) => i + 1).join(', ') || 'none'}`,
        );
    }
    const stopped = {
      converged: `the interval is within ±${(result.options.targetCi * 100).toFixed(2)}% (half-width ${c ? (halfWidth(c) * 100).toFixed(2) : '?'}%)`,
      'max-runs': `reached --max-runs ${result.options.maxRuns} per side before the interval was within ±${(result.options.targetCi * 100).toFixed(2)}%`,
      cancelled: 'interrupted',
      failed: result.failure ?? 'failed',
    }[result.outcome];
    summary.push(`session ${result.session} (seed ${result.seed}): ${stopped}`);
    if (result.files.base.length || result.files.after.length) {
      summary.push(
        `traces: ${result.files.base.length} baseline and ${result.files.after.length} after runs in .milestone-scope/traces/${result.milestone}/ (index.json, session ${result.session})`,
      );
    }
    // Span by span over the counted runs: interval, p, q and a verdict per span path.
    let spans: TraceDiff | undefined;
    if (result.files.base.length > 0 && result.files.after.length > 0) {
      spans = await diffSessionRuns(ws.root, result.files, { seed: result.seed });
      if (!values.json) {
        const v = diffView(spans);
        const out = [...v.header, ''];
        if (v.table.rows.length > 0) out.push(renderTable(v.table.headers, v.table.rows, io.columns));
        out.push(...v.notes, '');
        io.stdout(out.join('\n'));
      }
    }
    for (const s of summary) say(s);
    if (values.json) printJson(io, { version: JSON_VERSION, kind: 'ab', ...resultJson(result), spans: spans ? diffJson(spans) : null });
    return result.outcome === 'cancelled' ? EXIT_INTERRUPTED : result.outcome === 'failed' ? EXIT_FAILED : EXIT.ok;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
}

export const BASE_WORKTREE_HELP = helpText([
  'Usage: milestone-scope base-worktree [status|remove] [options]',
  '',
  "The git worktree of the milestone's base commit that baselines are built in",
  '(.milestone-scope/base, with its cargo target folder .milestone-scope/base-target).',
  '  status   where it is and which commit it holds (default)',
  '  remove   remove the worktree and its target folder (git worktree remove + prune)',
  '',
  'Options:',
  '  --keep-target  (remove) keep the cargo target folder for a later rebuild',
  ...COMMON_HELP,
]);

export async function runBaseWorktree(argv: string[], io: CliIO): Promise<number> {
  const action = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'status';
  const rest = argv[0] === action ? argv.slice(1) : argv;
  const { values } = parseCommand(rest, {
    name: 'base-worktree',
    positionals: [],
    options: { 'keep-target': { type: 'boolean', default: false } },
  });
  if (values.help) {
    io.stdout(BASE_WORKTREE_HELP + '\n');
    return EXIT.ok;
  }
  if (action !== 'status' && action !== 'remove') throw new InputError(`"${action}" is not status or remove`, undefined, 'input/usage');
  const root = await resolveRoot(io, values.root);
  if (action === 'status') {
    const info = await baseWorktreeInfo(root);
    if (values.json)
      printJson(io, { version: JSON_VERSION, kind: 'base-worktree', path: info ? BASE_WORKTREE : null, commit: info?.commit ?? null });
    else io.stdout(info ? `${BASE_WORKTREE} at ${info.commit ?? '(unknown commit)'}\n` : 'no base worktree\n');
    return EXIT.ok;
  }
  const removed = await removeBaseWorktree(root, { keepTarget: values['keep-target'] as boolean });
  if (values.json) printJson(io, { version: JSON_VERSION, kind: 'base-worktree', removed });
  else
    io.stdout(
      removed.worktree || removed.targetDir
        ? `removed ${[removed.worktree ? BASE_WORKTREE : '', removed.targetDir ? BASE_TARGET_DIR : ''].filter(Boolean).join(' and ')}\n`
        : 'no base worktree to remove\n',
    );
  return EXIT.ok;
}
