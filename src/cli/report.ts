/** `milestone-scope report <ID>` and `milestone-scope complete <ID>`. */
import { readTextFile } from '../core/files';
import { InputError } from '../core/problems';
import {
  completeMilestone,
  prepareReport,
  type Bottleneck,
  type ChangedFile,
  type CompletionResult,
  type MilestoneReport,
  type Refusal,
  type SpanDelta,
  type TraceInfo,
} from '../core/report';
import type { Spread } from '../core/trace/aggregate';
import { DEFAULT_MAX_TRACE_MB } from '../core/trace/limits';
import { EXIT } from './exitCodes';
import { printJson, type CliIO } from './io';
import { argumentPath, COMMON_HELP, parseCommand, resolveRoot } from './options';
import { traceLimitOption } from './trace';
import { formatProblems, JSON_VERSION, problemJson } from './views';
import { helpText } from './help';

const TRACE_HELP = [
  '  --baseline FILE        baseline trace (default: the latest recorded baseline profiling run)',
  '  --after FILE           after trace (default: the latest profiling run recorded after the baseline)',
  '  --summary TEXT         the optimisation summary (default: the summary section of the tracking file)',
  '  --summary-file FILE    read the optimisation summary from FILE',
  `  --max-trace-mb N       refuse trace files larger than N MB before reading them (default ${DEFAULT_MAX_TRACE_MB}; 0: no limit)`,
];

export const REPORT_HELP = helpText([
  'Usage: milestone-scope report <ID> [options]',
  '',
  "Prints the milestone's report as markdown: scope (work item, Problem, Target), changed files",
  'since the base commit with their scope verdicts, the optimisation summary, the recorded',
  'validation runs, timing deltas between the baseline and after traces, and residual bottlenecks.',
  'Changes nothing. Exit code: 0.',
  '',
  'Options:',
  ...TRACE_HELP,
  ...COMMON_HELP,
]);

export const COMPLETE_HELP = helpText([
  'Usage: milestone-scope complete <ID> [options]',
  '',
  "Writes the report's sections into the milestone's tracking file (between markers; everything",
  'else is kept), the summary into its summary section, Status and Completed fields, and marks the',
  'STATUS.md row completed with the date. Running it again rewrites only the generated parts.',
  'Refuses when the milestone is not yours (exit 4), not in progress (exit 5), when the scope',
  'check finds errors (exit 6; --force --reason TEXT completes anyway and records the reason), or',
  'without a summary (exit 2).',
  '',
  'Options:',
  ...TRACE_HELP,
  '  --force                complete despite scope errors (needs --reason)',
  '  --reason TEXT          why the completion is forced; recorded in the report',
  ...COMMON_HELP,
]);

const TRACE_OPTIONS = {
  baseline: { type: 'string' },
  after: { type: 'string' },
  summary: { type: 'string' },
  'summary-file': { type: 'string' },
  'max-trace-mb': { type: 'string' },
} as const;

async function readSummary(io: CliIO, root: string, values: Record<string, unknown>): Promise<string | undefined> {
  const text = values.summary as string | undefined;
  const file = values['summary-file'] as string | undefined;
  if (text !== undefined && file !== undefined)
    throw new InputError('give the summary with --summary or --summary-file, not both', undefined, 'input/usage');
  if (text !== undefined) {
    if (text.trim() === '') throw new InputError('--summary is empty', undefined, 'input/usage');
    return text;
  }
  if (file === undefined) return undefined;
  try {
    // A folder or a FIFO is refused before it is read (a FIFO with no writer would hang the read).
    const content = await readTextFile(argumentPath(io, root, file, '--summary-file'), `--summary-file ${file}`);
    if (content === undefined) throw new InputError(`--summary-file ${file} does not exist`, undefined, 'input/usage');
    if (content.trim() === '') throw new InputError(`--summary-file ${file} is empty`, undefined, 'input/usage');
    return content;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`--summary-file ${file}: ${(err as Error).message}`, undefined, 'input/usage');
  }
}

function traceOption(io: CliIO, root: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const v = String(value);
  if (v.trim() === '') throw new InputError(`--${name} needs a file`, undefined, 'input/usage');
  return argumentPath(io, root, v, `--${name}`);
}

// ---- JSON ---------------------------------------------------------------------------------------

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function spreadJson(s: Spread | undefined) {
  return s ? { min: s.min, max: s.max, mean: s.mean, stddev: s.stddev, cv: s.cv } : null;
}

function traceJson(t: TraceInfo) {
  return { file: t.file, source: t.source, time: orNull(t.time), format: t.format, durationKind: t.durationKind, runs: t.runs };
}

function deltaJson(d: SpanDelta) {
  return {
    path: d.path,
    relPath: d.relPath,
    name: d.name,
    baseNs: orNull(d.baseNs),
    afterNs: orNull(d.afterNs),
    deltaNs: d.deltaNs,
    relative: d.relative,
    verdict: d.verdict,
    baseSpread: spreadJson(d.baseSpread),
    afterSpread: spreadJson(d.afterSpread),
    via: orNull(d.via),
  };
}

function fileJson(f: ChangedFile) {
  return {
    path: f.path,
    oldPath: orNull(f.oldPath),
    kind: f.kind,
    binary: f.binary,
    added: orNull(f.added),
    removed: orNull(f.removed),
    verdict: f.verdict,
  };
}

function bottleneckJson(b: Bottleneck) {
  return {
    path: b.path,
    relPath: b.relPath,
    name: b.name,
    selfNs: b.selfNs,
    shareOfRoot: b.shareOfRoot,
    totalNs: b.totalNs,
    countPerRun: b.countPerRun,
    workItem: b.match ? { id: b.match.workItem.id, title: b.match.workItem.title, milestones: b.match.milestones, via: b.match.via } : null,
  };
}

/** The JSON shape of a report (documented in docs/report.md). */
export function reportJson(r: MilestoneReport, markdown: string) {
  const s = r.status;
  const t = r.timing;
  const res = r.residual;
  return {
    milestone: { id: r.milestone.id, title: r.milestone.title, kind: r.milestone.kind, description: orNull(r.milestone.description) },
    workItems: r.workItems,
    status: {
      status: orNull(s.status),
      owner: orNull(s.owner),
      started: orNull(s.started),
      completed: orNull(s.completed),
      baseCommit: orNull(s.baseCommit),
    },
    changes: {
      base: orNull(r.changes.base),
      unavailable: orNull(r.changes.unavailable),
      counts: r.changes.counts,
      files: r.changes.files.map(fileJson),
    },
    summary: { text: orNull(r.summary.text), source: r.summary.source },
    validation: {
      file: r.validation.file,
      runs: r.validation.runs.map((v) => ({
        date: v.date,
        command: v.command,
        result: v.result,
        outcome: v.outcome,
        duration: v.duration,
        durationMs: orNull(v.durationMs),
        note: v.note,
        line: v.line,
      })),
    },
    timing: t
      ? {
          baseline: traceJson(t.baseline),
          after: traceJson(t.after),
          root: deltaJson(t.root),
          changes: t.changes.map(deltaJson),
          inherited: t.inherited.map(deltaJson),
          counterNames: t.counterNames,
          phases: t.phases.map((p) => ({
            path: p.path,
            name: p.name,
            counters: Object.fromEntries(Object.entries(p.counters).map(([k, c]) => [k, { base: orNull(c.base), after: orNull(c.after) }])),
          })),
          warnings: t.warnings,
        }
      : null,
    timingUnavailable: orNull(r.timingUnavailable),
    residual: res
      ? { trace: traceJson(res.trace), root: res.root, rootNs: res.rootNs, bottlenecks: res.bottlenecks.map(bottleneckJson) }
      : null,
    residualUnavailable: orNull(r.residualUnavailable),
    forced: orNull(r.forced),
    problems: r.problems.map(problemJson),
    markdown,
  };
}

// ---- commands -----------------------------------------------------------------------------------

/** What `report` and `complete` read from their shared options (TRACE_OPTIONS). */
async function reportInputs(io: CliIO, root: string, values: Record<string, unknown>) {
  return {
    owner: values.owner as string | undefined,
    summary: await readSummary(io, root, values),
    baseline: traceOption(io, root, 'baseline', values.baseline),
    after: traceOption(io, root, 'after', values.after),
    traceLimit: traceLimitOption(values['max-trace-mb'] as string | undefined),
  };
}

export async function runReport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, { name: 'report', positionals: ['ID'], options: TRACE_OPTIONS });
  if (values.help) {
    io.stdout(REPORT_HELP + '\n');
    return EXIT.ok;
  }
  const root = await resolveRoot(io, values.root);
  const prepared = await prepareReport(root, positionals[0]!, await reportInputs(io, root, values));
  if (values.json) printJson(io, { version: JSON_VERSION, ...reportJson(prepared.report, prepared.markdown) });
  else {
    io.stdout(prepared.markdown);
    if (prepared.report.problems.length) io.stderr(formatProblems(prepared.report.problems));
  }
  return EXIT.ok;
}

const REFUSAL_EXIT: Record<Refusal['code'], number> = {
  'not-yours': EXIT.conflict,
  'not-started': EXIT.blocked,
  blocked: EXIT.blocked,
  'scope-errors': EXIT.scopeViolations,
  'scope-unavailable': EXIT.scopeViolations,
  'no-summary': EXIT.usage,
};

function describeCompletion(r: CompletionResult): string {
  const id = r.report.milestone.id;
  const lines: string[] = [];
  if (r.refusals.length > 0) {
    lines.push(`Milestone ${id} was not completed:`);
    for (const x of r.refusals) lines.push(`  - ${x.message}${x.forcible ? ' (--force --reason TEXT overrides)' : ''}`);
    lines.push('Nothing changed.');
    return lines.join('\n') + '\n';
  }
  lines.push(
    r.alreadyCompleted
      ? `Milestone ${id} was already completed on ${r.date} by ${r.prepared.me}; report regenerated.`
      : `Milestone ${id} completed on ${r.date} by ${r.prepared.me}.`,
  );
  if (r.report.forced) lines.push(`  forced past ${r.report.forced.errors} scope error(s): ${r.report.forced.reason}`);
  if (r.written.length) for (const f of r.written) lines.push(`  updated ${f}`);
  else lines.push('  nothing changed: the files already hold this report');
  const t = r.report.timing;
  if (t) lines.push(`  ${t.root.name}: ${t.root.relative === null ? 'new' : `${(t.root.relative * 100).toFixed(1)}%`} per proof`);
  return lines.join('\n') + '\n';
}

export async function runComplete(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    name: 'complete',
    positionals: ['ID'],
    options: { ...TRACE_OPTIONS, force: { type: 'boolean', default: false }, reason: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(COMPLETE_HELP + '\n');
    return EXIT.ok;
  }
  const force = values.force as boolean;
  const reason = values.reason as string | undefined;
  if (force && (reason === undefined || reason.trim() === ''))
    throw new InputError('--force needs --reason TEXT: the report records why the completion was forced', undefined, 'input/usage');
  if (!force && reason !== undefined) throw new InputError('--reason is only used with --force', undefined, 'input/usage');
  const root = await resolveRoot(io, values.root);
  const r = await completeMilestone(root, positionals[0]!, { ...(await reportInputs(io, root, values)), force, reason });
  const exit = r.refusals.length ? REFUSAL_EXIT[r.refusals[0]!.code] : EXIT.ok;
  if (values.json) {
    printJson(io, {
      version: JSON_VERSION,
      completed: r.refusals.length === 0,
      alreadyCompleted: r.alreadyCompleted,
      date: r.refusals.length ? null : r.date,
      me: r.prepared.me,
      refusals: r.refusals,
      written: r.written,
      notes: r.notes,
      report: reportJson(r.report, r.markdown),
      exitCode: exit,
    });
  } else {
    io.stdout(describeCompletion(r));
    for (const n of r.notes) io.stderr(`note: ${n}\n`);
    if (r.report.problems.length) io.stderr(formatProblems(r.report.problems));
  }
  return exit;
}
