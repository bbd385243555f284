/**
 * An A/B session: the profiling run at the milestone's base commit (A, the baseline, built in the
 * base worktree) against the working tree (B, the after side), repeated and interleaved until
 * the root span's relative change is known to the wanted precision.
 *
 * 1. Both sides are built first (`cargo build -p <crate> --example <ex>`, untimed), so no run
 *    pays for compilation.
 * 2. Runs go in blocks of one A and one B, the order of each block drawn from the session's seed
 *    (A B, B A, ...), so drift (clocks, temperature, other load) hits both sides alike.
 * 3. The first `warmup` runs of each side are captured but not counted.
 * 4. Every run is a profiling run like any other: its output is captured under
 *    `.milestone-scope/traces/<milestone>/`, listed in the run index (label, source, commit, session)
 *    and recorded in the tracking file.
 * 5. After each block, `compareSamples` gives the 95% interval of the root span's relative
 *    change; the session stops when the interval's half-width is at most `targetCi` (with at least
 *    `runs` counted runs per side), or at `maxRuns` per side.
 *
 * Each run gets `MILESTONE_SCOPE_RUN_SEED` in its environment (derived from the session seed, the
 * side and the run number), for programs that simulate noise and want it reproducible.
 */
import { randomInt } from 'node:crypto';
import * as path from 'node:path';
import { addProfileRun, compactTime, ensureStateDirIgnored, newCapturePath, TraceCapture, type ProfileLabel } from '../cargo/profileRuns';
import { buildInvocation, type CargoInvocation } from '../cargo/invocation';
import { baselinePlace, executeCargo, planValidation, type OutputStream, type ValidationTarget } from '../cargo/validation';
import { recordRun, type RunOutcome } from '../cargo/validationRecord';
import { gitHead } from '../git/repo';
import { largestRoot } from '../report/timing';
import { compareSamples, createRandom, deriveSeed, type SampleComparison } from '../stats/index';
import { aggregate, parseTraceFile, type TraceAggregate } from '../trace/index';
import type { BaselineSource } from './baseWorktree';
import { runProcess } from '../cargo/run';
import { stripAnsi } from '../trace/strings';
import { LineSplitter } from '../trace/lines';
import { validationTargetFor } from '../cargo/target';
import { resolveActiveMilestone } from '../scope/check';
import { InputError } from '../problems';
import type { LoadedWorkspace } from '../workspace';

export const AB_DEFAULTS = { runs: 5, maxRuns: 30, targetCi: 0.01, warmup: 1 } as const;

export interface AbOptions {
  /** Counted runs per side before the session may stop (default 5, at least 2). */
  runs?: number;
  /** Counted runs per side at most (default 30). */
  maxRuns?: number;
  /** Stop when the 95% interval's half-width on the root's relative change is at most this fraction (default 0.01). */
  targetCi?: number;
  /** Runs per side at the start that are not counted (default 1). */
  warmup?: number;
  /** Seed of the run order, the per-run seeds and the bootstrap (default: drawn, and reported). */
  seed?: number;
  signal?: AbortSignal;
  cargo?: string;
  /** Ask cargo for coloured status lines. */
  colour?: boolean;
  onEvent?(event: AbEvent): void;
}

export type AbSide = 'baseline' | 'after';

export interface AbRun {
  side: AbSide;
  /** 1-based number of this side's run, warm-up runs included. */
  n: number;
  warmup: boolean;
  /** Repository-relative capture. */
  file: string;
  outcome: RunOutcome;
  durationMs: number;
  /** The root span's time in this run (mean over its instances), ns; undefined when the run failed. */
  rootNs?: number;
}

export interface AbInterval {
  estimate: number;
  lo: number;
  hi: number;
  n: { base: number; after: number };
}

export type AbEvent =
  | { kind: 'note'; text: string }
  | { kind: 'build'; side: AbSide; command: string; phase: 'start' | 'end'; outcome?: RunOutcome }
  | { kind: 'line'; side: AbSide; line: string; stream: OutputStream }
  | { kind: 'run-start'; side: AbSide; n: number; warmup: boolean }
  | { kind: 'run'; run: AbRun; root: string | undefined; interval?: AbInterval; counted: { base: number; after: number } };

export type AbOutcome = 'converged' | 'max-runs' | 'cancelled' | 'failed';

export interface AbResult {
  session: string;
  seed: number;
  milestone: string;
  /** The base commit (A) and the working tree's HEAD (B; uncommitted edits on top). */
  commits: { base: string; after: string | undefined };
  outcome: AbOutcome;
  /** Why it failed. */
  failure?: string;
  /** The compared root span (the largest root present on both sides). */
  root?: string;
  runs: AbRun[];
  /** The counted captures of each side (repository-relative), in run order. */
  files: { base: string[]; after: string[] };
  /** The root span's comparison over the counted runs. */
  comparison?: SampleComparison;
  options: { runs: number; maxRuns: number; targetCi: number; warmup: number };
  /** Whether runs were recorded in the tracking file. */
  recorded: boolean;
}

/** The half-width of an interval (the larger side, for an asymmetric one). */
export function halfWidth(c: { estimate: number; ci95: { lo: number; hi: number } }): number {
  return Math.max(c.estimate - c.ci95.lo, c.ci95.hi - c.estimate);
}

/** `cargo build` of the profiling run's target: the same package, example and cargo flags, nothing for the program. */
export function buildInvocationFor(
  spec: ValidationTarget['config']['profile'],
  defaultCrate: string,
  metadata: Parameters<typeof buildInvocation>[1]['metadata'],
): CargoInvocation {
  const args = spec.args ?? [];
  const cut = args.indexOf('--');
  return buildInvocation({ ...spec, command: 'build', args: cut < 0 ? args : args.slice(0, cut) }, { defaultCrate, metadata });
}

function validate(o: AbOptions): Required<Pick<AbOptions, 'runs' | 'maxRuns' | 'targetCi' | 'warmup'>> {
  const runs = o.runs ?? AB_DEFAULTS.runs;
  const maxRuns = o.maxRuns ?? Math.max(AB_DEFAULTS.maxRuns, runs);
  const targetCi = o.targetCi ?? AB_DEFAULTS.targetCi;
  const warmup = o.warmup ?? AB_DEFAULTS.warmup;
  if (!Number.isInteger(runs) || runs < 2) throw new RangeError(`--runs must be a whole number of at least 2 (got ${runs})`);
  if (!Number.isInteger(maxRuns) || maxRuns < runs)
    throw new RangeError(`--max-runs must be a whole number of at least --runs (${runs}; got ${maxRuns})`);
  if (!(targetCi > 0 && targetCi < 1))
    throw new RangeError(`--target-ci must be a fraction between 0 and 1, e.g. 0.01 for ±1% (got ${targetCi})`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`--warmup must be a whole number of at least 0 (got ${warmup})`);
  return { runs, maxRuns, targetCi, warmup };
}

/**
 * Runs an A/B session for the milestone of `target` (which must carry the base commit). Throws
 * InputError for what the user must fix first (no base commit, refused command); a build or run
 * that fails ends the session with outcome `failed` and says why.
 */
export async function runAbSession(target: ValidationTarget, opts: AbOptions = {}): Promise<AbResult> {
  const o = validate(opts);
  const emit = (e: AbEvent) => opts.onEvent?.(e);
  const milestone = target.milestone;
  if (!milestone) throw new RangeError('an A/B session needs a milestone');
  const seed = opts.seed ?? randomInt(0, 2 ** 31);
  const started = new Date();
  const session = `ab-${compactTime(started)}`;
  const signal = opts.signal;

  const cancelled = (): AbResult => ({
    session,
    seed,
    milestone,
    commits: { base: '', after: undefined },
    outcome: 'cancelled',
    runs: [],
    files: { base: [], after: [] },
    options: o,
    recorded: false,
  });
  let prepared;
  try {
    const plan = await planValidation('profile', target, { signal });
    const runInv = plan.runs[0]!.invocation;
    const buildInv = buildInvocationFor(target.config.profile, target.config.crate, plan.metadata);
    const base = await baselinePlace(target, { signal, onNote: (text) => emit({ kind: 'note', text }) });
    prepared = { plan, runInv, buildInv, base };
  } catch (err) {
    // Cancelled while cargo metadata ran or the worktree was made: nothing to report but that.
    if (signal?.aborted || (err as Error).name === 'AbortError') return cancelled();
    throw err;
  }
  const { plan, runInv, buildInv, base } = prepared;
  const afterCommit = await gitHead(target.root);
  const places: Record<
    AbSide,
    { cwd: string; workspaceRoot: string; env: Record<string, string>; source: BaselineSource; commit?: string }
  > = {
    baseline: { cwd: base.cwd, workspaceRoot: base.workspaceRoot, env: base.env ?? {}, source: 'base-worktree', commit: base.commit },
    after: { cwd: target.root, workspaceRoot: plan.metadata.workspaceRoot, env: {}, source: 'current-tree', commit: afterCommit },
  };
  const result: AbResult = {
    session,
    seed,
    milestone,
    commits: { base: base.commit!, after: afterCommit },
    outcome: 'failed',
    runs: [],
    files: { base: [], after: [] },
    options: o,
    recorded: Boolean(target.trackingFile),
  };
  emit({
    kind: 'note',
    text: `Session ${session}, seed ${seed}: A = base commit ${base.commit!.slice(0, 12)} (${path.relative(target.root, base.cwd).split(path.sep).join('/')}), B = the working tree`,
  });

  // 1. Builds, untimed. The runs then start the built program directly (as `cargo run` would,
  // without cargo's own start-up and lock in every run).
  const wanted = target.config.profile.example ?? target.config.profile.test;
  const executables: Partial<Record<AbSide, string>> = {};
  for (const side of ['baseline', 'after'] as const) {
    if (signal?.aborted) return { ...result, outcome: 'cancelled' };
    const place = places[side];
    emit({ kind: 'build', side, command: buildInv.display, phase: 'start' });
    const built: string[] = [];
    const r = await executeCargo(buildInv, place.cwd, place.workspaceRoot, {
      signal,
      cargo: opts.cargo ?? target.cargo,
      colour: opts.colour,
      env: place.env,
      onLine: (line, stream) => emit({ kind: 'line', side, line, stream }),
      onArtifact: (a) => {
        if (a.executable && (wanted === undefined || a.target === wanted)) built.push(a.executable);
      },
    });
    emit({ kind: 'build', side, command: buildInv.display, phase: 'end', outcome: r.outcome });
    if (r.outcome === 'cancelled') return { ...result, outcome: 'cancelled' };
    if (r.outcome !== 'passed') {
      const what =
        side === 'baseline'
          ? `the baseline (base commit ${base.commit!.slice(0, 12)}, in ${path.relative(target.root, place.cwd)})`
          : 'the working tree';
      const why = r.spawnError ? `cargo could not be started: ${r.spawnError}` : `exit ${r.exitCode ?? r.signal}`;
      return { ...result, outcome: 'failed', failure: `${buildInv.display} failed for ${what} (${why}); see cargo's output above` };
    }
    if (built.length !== 1) {
      return {
        ...result,
        outcome: 'failed',
        failure: `${buildInv.display} built ${built.length === 0 ? 'no' : built.length} executable${built.length === 1 ? '' : 's'} for the profiling run ${wanted ? `"${wanted}"` : ''}; an A/B session runs one program (an example or binary)`,
      };
    }
    executables[side] = built[0];
  }
  const spec = target.config.profile;
  const cut = (spec.args ?? []).indexOf('--');
  const programArgs = cut < 0 ? [] : (spec.args ?? []).slice(cut + 1);

  // 2. Interleaved runs.
  await ensureStateDirIgnored(target.root);
  const rng = createRandom(seed);
  const samples: Record<AbSide, number[]> = { baseline: [], after: [] };
  const aggs: Record<AbSide, TraceAggregate[]> = { baseline: [], after: [] };
  const count: Record<AbSide, number> = { baseline: 0, after: 0 };
  let root: string | undefined;
  let comparison: SampleComparison | undefined;

  const runOnce = async (side: AbSide): Promise<AbRun | 'cancelled' | string> => {
    const n = ++count[side];
    const warmup = n <= o.warmup;
    emit({ kind: 'run-start', side, n, warmup });
    const place = places[side];
    const label: ProfileLabel = side;
    const date = new Date();
    const file = await newCapturePath(target.root, milestone, label, date);
    const capture = new TraceCapture(path.join(target.root, file));
    const runSeed = deriveSeed(seed, `${side}#${n}`);
    const exe = executables[side]!;
    const shown = [path.relative(place.cwd, exe).split(path.sep).join('/'), ...programArgs].join(' ');
    capture.writeLine(
      `$ ${shown}   (${side === 'baseline' ? `base commit ${place.commit?.slice(0, 12)}` : 'working tree'}; A/B session ${session}, run ${n}${warmup ? ', warm-up' : ''})`,
    );
    const r = await executeProgram(exe, programArgs, {
      cwd: place.cwd,
      env: { ...(spec.env ?? {}), ...place.env, MILESTONE_SCOPE_RUN_SEED: String(runSeed) },
      signal,
      capture,
      onLine: (line, stream) => emit({ kind: 'line', side, line, stream }),
    });
    await capture.close();
    await addProfileRun(target.root, {
      milestone,
      label,
      time: r.date.toISOString(),
      file,
      command: shown,
      outcome: r.outcome,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      source: place.source,
      ...(place.commit ? { commit: place.commit } : {}),
      session,
      warmup,
    });
    if (target.trackingFile) {
      const where = side === 'baseline' ? ` at base commit ${place.commit!.slice(0, 12)}` : '';
      await recordRun(target.root, target.trackingFile, {
        command: runInv.display,
        outcome: r.outcome,
        exitCode: r.exitCode,
        durationMs: r.durationMs,
        date: r.date,
        note: `A/B session ${session}: ${side} run ${n}${warmup ? ' (warm-up)' : ''}${where}, the built program run directly, trace \`${file}\``,
      });
    }
    const run: AbRun = { side, n, warmup, file, outcome: r.outcome, durationMs: r.durationMs };
    result.runs.push(run);
    if (r.outcome === 'cancelled') return 'cancelled';
    if (r.outcome !== 'passed') {
      return `${side} run ${n} ${r.spawnError ? `could not start (${r.spawnError})` : `failed (exit ${r.exitCode ?? r.signal})`}; its output is in ${file}`;
    }
    if (warmup) return run;
    const trace = await parseTraceFile(path.join(target.root, file));
    const agg = aggregate(trace);
    if (agg.roots.length === 0)
      return `${side} run ${n} printed no span tree that can be read (${file}); the profiling run must print tracing-forest or another supported trace format`;
    aggs[side].push(agg);
    result.files[side === 'baseline' ? 'base' : 'after'].push(file);
    return run;
  };

  const rootTime = (agg: TraceAggregate, name: string): number | undefined => {
    const p = agg.byPath.get(name);
    return p && p.rootCount > 0 ? p.totalNs / p.rootCount : undefined;
  };

  for (;;) {
    const counted = { base: samples.baseline.length, after: samples.after.length };
    if (counted.base >= o.maxRuns && counted.after >= o.maxRuns) {
      result.outcome = 'max-runs';
      break;
    }
    const order: AbSide[] = rng.next() < 0.5 ? ['baseline', 'after'] : ['after', 'baseline'];
    let stop: AbOutcome | undefined;
    for (const side of order) {
      if (signal?.aborted) {
        stop = 'cancelled';
        break;
      }
      const r = await runOnce(side);
      if (r === 'cancelled') {
        stop = 'cancelled';
        break;
      }
      if (typeof r === 'string') {
        result.failure = r;
        stop = 'failed';
        break;
      }
      if (!r.warmup) {
        // The compared root: the largest root of the first counted run (the prover, not the
        // trace generation); every later run must have it.
        const agg = aggs[side].at(-1)!;
        root ??= largestRoot(agg);
        const t = root === undefined ? undefined : rootTime(agg, root);
        if (t === undefined) {
          result.failure = `${side} run ${r.n} has no ${root ?? 'root'} span (${r.file})`;
          stop = 'failed';
          break;
        }
        samples[side].push(t);
        r.rootNs = t;
      }
      let interval: AbInterval | undefined;
      if (samples.baseline.length >= 2 && samples.after.length >= 2) {
        comparison = compareSamples(samples.baseline, samples.after, { seed });
        interval = { estimate: comparison.estimate, lo: comparison.ci95.lo, hi: comparison.ci95.hi, n: comparison.n };
      }
      emit({ kind: 'run', run: r, root, interval, counted: { base: samples.baseline.length, after: samples.after.length } });
    }
    if (stop) {
      result.outcome = stop;
      break;
    }
    const nb = samples.baseline.length;
    const na = samples.after.length;
    if (comparison && nb >= o.runs && na >= o.runs && halfWidth(comparison) <= o.targetCi) {
      result.outcome = 'converged';
      break;
    }
  }
  if (signal?.aborted && result.outcome !== 'failed') result.outcome = 'cancelled';
  result.root = root;
  result.comparison = comparison;
  return result;
}

/** `−3.1% [−3.8%, −2.4%]`: a relative change and its interval. */
export function formatChange(estimate: number, lo?: number, hi?: number): string {
  const pct = (x: number) => {
    if (!Number.isFinite(x)) return x > 0 ? '+∞' : '−∞';
    const v = x * 100;
    const s = Math.abs(v).toFixed(Math.abs(v) < 10 ? 2 : 1);
    return `${v > 0 && s !== '0.00' ? '+' : v < 0 && s !== '0.00' ? '−' : '±'}${s}%`;
  };
  return lo === undefined || hi === undefined ? pct(estimate) : `${pct(estimate)} [${pct(lo)}, ${pct(hi)}]`;
}

/**
 * The validation target of an A/B session: the milestone's, with the base commit recorded at start
 * (the tracking file, else STATUS.md) even when the milestone is not yours (then nothing is
 * recorded in its tracking file).
 */
export async function abTargetFor(
  ws: LoadedWorkspace,
  milestoneId: string | undefined,
  owner?: string,
): Promise<{ target: ValidationTarget; notRecorded?: string }> {
  const { target, notRecorded } = await validationTargetFor(ws, milestoneId, owner);
  if (!target.milestone) {
    throw new InputError(
      "no milestone is in progress for you; pass --milestone ID (an A/B session compares the milestone's base commit with the working tree)",
      undefined,
      'measure/no-milestone',
    );
  }
  if (!target.baseCommit) {
    const recorded = await resolveActiveMilestone(ws, { milestone: target.milestone });
    if (recorded.recordedBase) target.baseCommit = recorded.recordedBase;
  }
  return { target, notRecorded };
}

/** Runs a built program (no shell), its output captured line by line without colours; cancelling ends its process group. */
async function executeProgram(
  file: string,
  args: readonly string[],
  o: {
    cwd: string;
    env: Record<string, string>;
    signal?: AbortSignal;
    capture: TraceCapture;
    onLine?(line: string, stream: OutputStream): void;
  },
): Promise<{
  outcome: RunOutcome;
  exitCode: number | undefined;
  signal: string | undefined;
  durationMs: number;
  date: Date;
  spawnError?: string;
}> {
  const date = new Date();
  const show = (line: string, stream: OutputStream) => {
    o.onLine?.(line, stream);
    o.capture.writeLine(stripAnsi(line));
  };
  const out = new LineSplitter((l) => show(l, 'stdout'));
  const err = new LineSplitter((l) => show(l, 'stderr'));
  const r = await runProcess(file, args, {
    cwd: o.cwd,
    env: o.env,
    signal: o.signal,
    onStdout: (c) => out.push(c),
    onStderr: (c) => err.push(c),
  });
  out.end();
  err.end();
  const outcome: RunOutcome = r.cancelled ? 'cancelled' : r.spawnError ? 'not-started' : r.exitCode === 0 ? 'passed' : 'failed';
  return { outcome, exitCode: r.exitCode, signal: r.signal, durationMs: r.durationMs, date, spawnError: r.spawnError };
}
