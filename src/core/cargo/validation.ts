/**
 * The workflow's three validation commands, shared by the CLI and the extension:
 * `check` (cargo check -p <crate>), `test` (the milestone-relevant test targets) and `profile`
 * (the profiling run, its output captured as a trace). Every run that starts is recorded in the
 * milestone's tracking file.
 */
import * as path from 'node:path';
import type { CargoCommandSpec, MilestoneScopeConfig } from '../config/types';
import { stripAnsi } from '../trace/strings';
import { LineSplitter } from '../trace/lines';
import { buildInvocation, type CargoInvocation } from './invocation';
import { loadCargoMetadata, type CargoWorkspace } from './metadata';
import { parseCargoLine, type CargoDiagnostic } from './messages';
import { PanicScanner } from './panics';
import {
  addProfileRun,
  chooseLabel,
  ensureStateDirIgnored,
  listProfileRuns,
  newCapturePath,
  TraceCapture,
  type ProfileLabel,
} from './profileRuns';
import { runProcess } from './run';
import { changedFilesSince, configuredTestTargets, selectRelevantTests, testSpecFor } from './testSelection';
import { recordRun, type RecordResult, type RunOutcome } from './validationRecord';
import { gitHead } from '../git/repo';
import { InputError } from '../problems';
import { BASE_WORKTREE, ensureBaseWorktree, type BaselineSource } from '../measure/baseWorktree';

export type ValidationKind = 'check' | 'test' | 'profile';
export const VALIDATION_KINDS: readonly ValidationKind[] = ['check', 'test', 'profile'];

export interface ValidationTarget {
  /** Absolute repository root (where cargo runs). */
  root: string;
  config: MilestoneScopeConfig;
  /** The milestone the run belongs to; without one nothing is recorded or captured. */
  milestone?: string;
  /** Repository-relative tracking file of the milestone. */
  trackingFile?: string;
  /** The tracking file's base commit and start date. */
  baseCommit?: string;
  started?: string;
  /** cargo executable (default `cargo` on PATH). */
  cargo?: string;
}

export interface PlannedRun {
  spec: CargoCommandSpec;
  invocation: CargoInvocation;
  /** Why this run was chosen (shown and recorded). */
  note?: string;
}

export interface Plan {
  kind: ValidationKind;
  runs: PlannedRun[];
  /** Information for the user (test selection, fallbacks). */
  notes: string[];
  metadata: CargoWorkspace;
}

/** Loads `cargo metadata` and turns a validation kind into checked cargo invocations. */
export async function planValidation(
  kind: ValidationKind,
  target: ValidationTarget,
  opts: { tests?: string[]; metadata?: CargoWorkspace; signal?: AbortSignal } = {},
): Promise<Plan> {
  const metadata = opts.metadata ?? (await loadCargoMetadata(target.root, { cargo: target.cargo, signal: opts.signal }));
  const { config } = target;
  const build = (spec: CargoCommandSpec, note?: string): PlannedRun => ({
    spec,
    invocation: buildInvocation(spec, { defaultCrate: config.crate, metadata }),
    note,
  });
  const notes: string[] = [];
  switch (kind) {
    case 'check': {
      const checks = config.checks.filter((c) => c.command === 'check' || c.command === 'clippy');
      const specs = checks.length ? checks : [{ label: 'check', command: 'check' }];
      return { kind, runs: specs.map((s) => build(s)), notes, metadata };
    }
    case 'test': {
      let tests = opts.tests ?? [];
      const reasons: Record<string, string> = {};
      if (tests.length === 0) {
        const changed = await changedFilesSince(target.root, target.baseCommit);
        if (changed.warning) notes.push(changed.warning);
        const sel = selectRelevantTests(changed.files, config.relevantTests, configuredTestTargets(config));
        tests = sel.tests;
        if (sel.fallback) {
          notes.push(
            changed.files.length
              ? `No changed file matches "relevantTests"; running the configured tests.`
              : `No files changed${target.baseCommit ? ` since ${target.baseCommit.slice(0, 12)}` : ''}; running the configured tests.`,
          );
        }
        for (const [t, files] of Object.entries(sel.reasons)) {
          const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
          reasons[t] = `selected by changes to ${shown}`;
          notes.push(`${t}: ${reasons[t]}`);
        }
      }
      if (tests.length === 0) {
        // Nothing configured either: the crate's own tests, as cargo would run them per crate.
        notes.push('No test targets are configured; running all tests of the crate.');
        return { kind, runs: [build({ label: 'test', command: 'test' })], notes, metadata };
      }
      return { kind, runs: tests.map((t) => build(testSpecFor(config, t), reasons[t])), notes, metadata };
    }
    case 'profile':
      return { kind, runs: [build(config.profile)], notes, metadata };
  }
}

export type OutputStream = 'stdout' | 'stderr';

export interface RunCallbacks {
  /** A line to show, as cargo or the program printed it (ANSI colours kept). */
  onLine?(line: string, stream: OutputStream): void;
  onDiagnostic?(diagnostic: CargoDiagnostic): void;
  /** A stdout line that looked like a cargo message but could not be parsed. */
  onMalformed?(line: string, error: string): void;
}

export interface CargoRunResult {
  invocation: CargoInvocation;
  outcome: RunOutcome;
  exitCode: number | undefined;
  signal: string | undefined;
  durationMs: number;
  date: Date;
  diagnostics: CargoDiagnostic[];
  spawnError?: string;
}

export interface ExecuteOptions extends RunCallbacks {
  signal?: AbortSignal;
  /** Ask cargo for coloured status lines (for terminals). */
  colour?: boolean;
  /** Every shown line also goes here, without ANSI escapes. */
  capture?: TraceCapture;
  cargo?: string;
  onSpawn?(pid: number): void;
  /** Environment on top of the invocation's own (wins over it). */
  env?: Record<string, string>;
  /** A target cargo built (with `--message-format=json…`): its name and executable, if any. */
  onArtifact?(artifact: { target: string; executable: string | undefined }): void;
}

/** Runs one cargo invocation, streaming its lines and parsing its JSON diagnostics. */
export async function executeCargo(
  inv: CargoInvocation,
  cwd: string,
  workspaceRoot: string,
  opts: ExecuteOptions = {},
): Promise<CargoRunResult> {
  const date = new Date();
  const diagnostics: CargoDiagnostic[] = [];
  const report = (diagnostic: CargoDiagnostic) => {
    diagnostics.push(diagnostic);
    opts.onDiagnostic?.(diagnostic);
  };
  // Panics are read from program output only: a compiler message's rendered text is not scanned.
  const panics = { stdout: new PanicScanner(workspaceRoot, report), stderr: new PanicScanner(workspaceRoot, report) };
  const show = (line: string, stream: OutputStream) => {
    opts.onLine?.(line, stream);
    opts.capture?.writeLine(stripAnsi(line));
  };
  const showOutput = (line: string, stream: OutputStream) => {
    panics[stream].push(line);
    show(line, stream);
  };
  const stdout = new LineSplitter((line) => {
    if (!inv.json) return showOutput(line, 'stdout');
    const msg = parseCargoLine(line, workspaceRoot);
    switch (msg.kind) {
      case 'text':
        return showOutput(msg.line, 'stdout');
      case 'malformed':
        opts.onMalformed?.(msg.line, msg.error);
        return showOutput(msg.line, 'stdout');
      case 'diagnostic': {
        report(msg.diagnostic);
        const rendered = msg.diagnostic.rendered.replace(/\r?\n$/, '');
        for (const l of rendered.split(/\r?\n/)) show(l, 'stdout');
        return;
      }
      case 'artifact':
        opts.onArtifact?.({ target: msg.target, executable: msg.executable });
        return;
      default:
        return; // artifacts and build-finished carry nothing to show
    }
  });
  const stderr = new LineSplitter((line) => showOutput(line, 'stderr'));
  const env: Record<string, string> = { ...inv.env, ...opts.env };
  if (opts.colour && env.CARGO_TERM_COLOR === undefined) env.CARGO_TERM_COLOR = 'always';
  const r = await runProcess(opts.cargo ?? 'cargo', inv.args, {
    cwd,
    env,
    signal: opts.signal,
    onStdout: (c) => stdout.push(c),
    onStderr: (c) => stderr.push(c),
    onSpawn: opts.onSpawn,
  });
  stdout.end();
  stderr.end();
  panics.stdout.end();
  panics.stderr.end();
  const outcome: RunOutcome = r.cancelled ? 'cancelled' : r.spawnError ? 'not-started' : r.exitCode === 0 ? 'passed' : 'failed';
  return {
    invocation: inv,
    outcome,
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    date,
    diagnostics,
    spawnError: r.spawnError,
  };
}

export interface ValidationRunResult extends CargoRunResult {
  note?: string;
  /** Where the run was recorded, or why not. */
  record?: RecordResult;
  /** The profiling run's capture. */
  capture?: { file: string; label: ProfileLabel; source: BaselineSource; commit?: string };
}

export interface ValidateOptions extends ExecuteOptions {
  /** Label the profiling run `baseline` whatever came before ("Capture Baseline"). */
  baseline?: boolean;
  /**
   * Where an explicit baseline (`baseline: true`) is built and run: the base worktree at the
   * milestone's base commit (default) or the current working tree.
   */
  baselineTree?: BaselineSource;
  /** Called before each run starts. */
  onRunStart?(run: PlannedRun, index: number, total: number): void;
  /** Information for the user (e.g. the base worktree being prepared). */
  onNote?(text: string): void;
}

/** The place a profiling run runs: the working tree, or the base worktree with its own target folder. */
interface RunPlace {
  cwd: string;
  workspaceRoot: string;
  env?: Record<string, string>;
  source: BaselineSource;
  commit?: string;
}

/**
 * Prepares the base worktree for an explicit baseline (`--baseline`, Capture Baseline): the
 * milestone's base commit checked out under `.milestone-scope/base`, built with its own target
 * folder.
 */
export async function baselinePlace(
  target: ValidationTarget,
  opts: { signal?: AbortSignal; onNote?(text: string): void } = {},
): Promise<RunPlace> {
  if (!target.baseCommit) {
    throw new InputError(
      `no base commit is recorded for ${target.milestone ? `milestone ${target.milestone}` : 'this run'} (it is recorded when you start the milestone); ` +
        'start the milestone first, or build the baseline in the current tree (--current-tree)',
      undefined,
      'measure/no-base',
    );
  }
  const wt = await ensureBaseWorktree(target.root, target.baseCommit, { signal: opts.signal });
  const verb = { created: 'created', reused: 'reusing', moved: 'moved to the new base:' }[wt.action];
  opts.onNote?.(
    `Baseline at the base commit ${wt.commit.slice(0, 12)}: ${verb} ${BASE_WORKTREE} (cargo target folder .milestone-scope/base-target)`,
  );
  return { cwd: wt.dir, workspaceRoot: wt.dir, env: { CARGO_TARGET_DIR: wt.targetDir }, source: 'base-worktree', commit: wt.commit };
}

/**
 * Runs a plan: each invocation in turn (stopping when cancelled), each one recorded in the
 * milestone's tracking file; a profiling run's output is captured and indexed.
 */
export async function executePlan(plan: Plan, target: ValidationTarget, opts: ValidateOptions = {}): Promise<ValidationRunResult[]> {
  const results: ValidationRunResult[] = [];
  for (let i = 0; i < plan.runs.length; i++) {
    const run = plan.runs[i]!;
    if (opts.signal?.aborted) break;
    opts.onRunStart?.(run, i, plan.runs.length);
    let capture: TraceCapture | undefined;
    let captureInfo: ValidationRunResult['capture'];
    let place: RunPlace = { cwd: target.root, workspaceRoot: plan.metadata.workspaceRoot, source: 'current-tree' };
    if (plan.kind === 'profile' && opts.baseline && (opts.baselineTree ?? 'base-worktree') === 'base-worktree') {
      try {
        place = await baselinePlace(target, opts);
      } catch (err) {
        if ((err as Error).name === 'AbortError') break;
        throw err;
      }
    } else if (plan.kind === 'profile') {
      place.commit = await gitHead(target.root);
    }
    if (plan.kind === 'profile' && target.milestone) {
      await ensureStateDirIgnored(target.root);
      const { runs } = await listProfileRuns(target.root, target.milestone);
      const label = chooseLabel(runs, { explicitBaseline: opts.baseline, started: target.started });
      const file = await newCapturePath(target.root, target.milestone, label, new Date());
      capture = new TraceCapture(path.join(target.root, file));
      captureInfo = { file, label, source: place.source, ...(place.commit ? { commit: place.commit } : {}) };
    }
    const result: ValidationRunResult = {
      ...(await executeCargo(run.invocation, place.cwd, place.workspaceRoot, { ...opts, capture, env: { ...opts.env, ...place.env } })),
      note: run.note,
    };
    if (capture && captureInfo && target.milestone) {
      await capture.close();
      result.capture = captureInfo;
      await addProfileRun(target.root, {
        milestone: target.milestone,
        label: captureInfo.label,
        time: result.date.toISOString(),
        file: captureInfo.file,
        command: run.invocation.display,
        outcome: result.outcome,
        exitCode: result.exitCode,
        durationMs: result.durationMs,
        source: captureInfo.source,
        ...(captureInfo.commit ? { commit: captureInfo.commit } : {}),
      });
    }
    if (target.milestone && target.trackingFile) {
      const where =
        captureInfo?.label === 'baseline'
          ? captureInfo.source === 'base-worktree'
            ? ` at base commit ${captureInfo.commit?.slice(0, 12) ?? ''}`.trimEnd()
            : ' (current tree)'
          : '';
      const note = [run.note, captureInfo ? `${captureInfo.label} trace \`${captureInfo.file}\`${where}` : undefined]
        .filter(Boolean)
        .join('; ');
      result.record = await recordRun(target.root, target.trackingFile, {
        command: run.invocation.display,
        outcome: result.outcome,
        exitCode: result.exitCode,
        durationMs: result.durationMs,
        date: result.date,
        note: note || undefined,
      });
    }
    results.push(result);
    if (result.outcome === 'cancelled') break;
  }
  return results;
}

/** The overall outcome of several runs: the worst of them. */
export function overallOutcome(results: readonly { outcome: RunOutcome }[]): RunOutcome {
  const rank: Record<RunOutcome, number> = { passed: 0, failed: 1, 'not-started': 2, cancelled: 3 };
  return results.reduce<RunOutcome>((worst, r) => (rank[r.outcome] > rank[worst] ? r.outcome : worst), 'passed');
}
