/**
 * `milestone-scope run <check|test|profile>`: the workflow's validation commands, per crate,
 * recorded in the milestone's tracking file; the profiling run's output is captured as a trace.
 */
import * as path from 'node:path';
import { InputError } from '../core/problems';
import { loadWorkspace } from '../core/workspace';
import { RefusedCommand } from '../core/cargo/invocation';
import { CargoMetadataError } from '../core/cargo/metadata';
import { formatElapsed, formatOutcome } from '../core/cargo/validationRecord';
import {
  executePlan,
  overallOutcome,
  planValidation,
  VALIDATION_KINDS,
  type ValidationKind,
  type ValidationRunResult,
} from '../core/cargo/validation';
import { myMilestoneInProgress, validationTargetFor } from '../core/cargo/target';
import { EXIT } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { JSON_VERSION } from './views';
import { helpText } from './help';

/** A cargo command that ran and failed (or could not start): its own code, not 1 (unexpected). */
export const EXIT_FAILED = EXIT.validationFailed;
/** Interrupted (Ctrl+C): the conventional 128 + SIGINT. */
export const EXIT_INTERRUPTED = 130;

export const RUN_HELP = helpText([
  'Usage: milestone-scope run <check|test|profile> [options]',
  '',
  'Runs one of the validation commands, per crate (never workspace-wide):',
  '  check    cargo check -p <crate> (the configured "checks" of command check)',
  '  test     the milestone-relevant tests: "relevantTests" globs matched against the files changed',
  "           since the milestone's base commit; the configured tests when nothing matches",
  '  profile  the profiling run ("profile", default the keccakf example); its full output is',
  '           captured to .milestone-scope/traces/<milestone>/<time>-<baseline|after>.txt',
  '',
  "Each run is recorded (command, result, duration, date) in the milestone's tracking file when",
  'the milestone is in progress by you.',
  '',
  'Options:',
  '  --milestone ID  the milestone (default: the one in progress by you, if exactly one)',
  '  --test NAME     (test) run this test target instead of the selection; repeatable',
  "  --baseline      (profile) capture a baseline: built and run in a git worktree of the milestone's",
  '                  base commit (.milestone-scope/base, its own target folder; your working tree,',
  '                  index and stash are not touched). Without it the first run after start is the',
  '                  baseline, run in the current tree.',
  '  --current-tree  (profile --baseline) build and run the baseline in the current working tree',
  ...COMMON_HELP,
  '',
  'Exit code: 0 passed, 7 a command failed (or could not start), 2 refused or bad input, 1 unexpected error, 130 interrupted.',
]);

function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

function runJson(root: string, r: ValidationRunResult) {
  return {
    command: r.invocation.display,
    args: r.invocation.args,
    outcome: r.outcome,
    exitCode: r.exitCode ?? null,
    durationMs: r.durationMs,
    date: r.date.toISOString(),
    note: r.note ?? null,
    diagnostics: r.diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      code: d.code ?? null,
      file: d.location ? relative(root, d.location.file) : null,
      line: d.location?.line ?? null,
      column: d.location?.column ?? null,
    })),
    capture: r.capture ?? null,
    recorded: r.record ? (r.record.recorded ? { file: r.record.file } : null) : null,
    notRecorded: r.record && !r.record.recorded ? r.record.reason : null,
  };
}

export async function runRun(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    name: 'run',
    positionals: ['check|test|profile'],
    options: {
      milestone: { type: 'string' },
      test: { type: 'string', multiple: true },
      baseline: { type: 'boolean', default: false },
      'current-tree': { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    io.stdout(RUN_HELP + '\n');
    return EXIT.ok;
  }
  const kind = positionals[0] as ValidationKind;
  if (!VALIDATION_KINDS.includes(kind)) {
    throw new InputError(`"${positionals[0]}" is not one of ${VALIDATION_KINDS.join(', ')}`, undefined, 'input/usage');
  }
  const tests = (values.test as string[] | undefined) ?? [];
  if (tests.length && kind !== 'test') throw new InputError('run: --test only applies to "run test"', undefined, 'input/usage');
  if (values.baseline && kind !== 'profile')
    throw new InputError('run: --baseline only applies to "run profile"', undefined, 'input/usage');
  if (values['current-tree'] && !values.baseline)
    throw new InputError('run: --current-tree only applies to "run profile --baseline"', undefined, 'input/usage');

  const ws = await loadWorkspace(await resolveRoot(io, values.root));
  const owner = values.owner;
  const milestone = (values.milestone as string | undefined) ?? (await myMilestoneInProgress(ws, owner));
  const { target, notRecorded } = await validationTargetFor(ws, milestone, owner);
  // With --json, stdout is the JSON document alone; cargo's output goes to stderr.
  const out = values.json ? io.stderr : io.stdout;
  const say = (text: string) => io.stderr(text + '\n');

  const ac = new AbortController();
  const interrupt = () => ac.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    let plan;
    try {
      plan = await planValidation(kind, target, { tests, signal: ac.signal });
    } catch (err) {
      if (err instanceof RefusedCommand || err instanceof CargoMetadataError) {
        if (values.json)
          printJson(io, { version: JSON_VERSION, kind, milestone: target.milestone ?? null, refused: err.message, runs: [] });
        say(`milestone-scope run: ${err.message}`);
        return EXIT.usage;
      }
      throw err;
    }
    for (const note of plan.notes) say(`note: ${note}`);
    if (notRecorded) say(`note: ${notRecorded}`);
    const results = await executePlan(plan, target, {
      signal: ac.signal,
      colour: io.columns !== undefined && !io.env.NO_COLOR,
      baseline: values.baseline as boolean,
      baselineTree: values['current-tree'] ? 'current-tree' : 'base-worktree',
      onNote: (text) => say(`note: ${text}`),
      onRunStart: (run, i, total) => say(`${total > 1 ? `[${i + 1}/${total}] ` : ''}$ ${run.invocation.display}`),
      onLine: (line, stream) => (stream === 'stderr' ? io.stderr(line + '\n') : out(line + '\n')),
      onMalformed: (line, error) => say(`warning: a cargo message could not be read (${error}): ${line.slice(0, 120)}`),
    });
    for (const r of results) {
      const where = r.record?.recorded ? `; recorded in ${r.record.file}` : r.record ? `; not recorded: ${r.record.reason}` : '';
      const tree =
        r.capture?.label === 'baseline'
          ? r.capture.source === 'base-worktree'
            ? ` (base commit ${r.capture.commit?.slice(0, 12)})`
            : ' (current tree)'
          : '';
      const capture = r.capture ? `; ${r.capture.label} trace ${r.capture.file}${tree}` : '';
      const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = r.diagnostics.filter((d) => d.severity === 'warning').length;
      const counts =
        errors + warnings ? ` (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})` : '';
      say(`${r.invocation.display}: ${formatOutcome(r)}${counts} in ${formatElapsed(r.durationMs)}${capture}${where}`);
      if (r.spawnError) say(`  cargo could not be started: ${r.spawnError}`);
    }
    if (values.json) {
      printJson(io, {
        version: JSON_VERSION,
        kind,
        milestone: target.milestone ?? null,
        notes: plan.notes,
        notRecorded: notRecorded ?? null,
        outcome: overallOutcome(results),
        runs: results.map((r) => runJson(ws.root, r)),
      });
    }
    const outcome = ac.signal.aborted ? 'cancelled' : overallOutcome(results);
    return outcome === 'passed' ? EXIT.ok : outcome === 'cancelled' ? EXIT_INTERRUPTED : EXIT_FAILED;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
}
