/**
 * The workflow as tools for coding agents (MCP server, editor language-model tools). Each tool runs
 * the matching CLI subcommand in-process with `--json`, so its decisions, refusals and JSON shapes
 * are exactly the CLI's (docs/cli.md). A noop, conflict, blocked or scope violation is a normal
 * result the agent must respect; only bad input and unexpected failures are errors.
 */
import { z } from 'zod';
import { EXIT } from '../cli/exitCodes';
import type { CliIO } from '../cli/io';
import { runCommand } from '../cli/commands';

/** What a tool's exit code means for the agent. */
export type ToolOutcome = 'ok' | 'noop' | 'conflict' | 'blocked' | 'scope-violations' | 'failed' | 'interrupted' | 'bad-input' | 'error';

const OUTCOMES: Record<number, ToolOutcome> = {
  [EXIT.ok]: 'ok',
  [EXIT.unexpected]: 'failed',
  [EXIT.usage]: 'bad-input',
  [EXIT.noop]: 'noop',
  [EXIT.conflict]: 'conflict',
  [EXIT.blocked]: 'blocked',
  [EXIT.scopeViolations]: 'scope-violations',
  130: 'interrupted',
};

/** What the agent must do with each outcome that is not plain success. */
const GUIDANCE: Partial<Record<ToolOutcome, string>> = {
  noop: 'The milestone is already completed: stop; do not change anything for it.',
  conflict: 'The milestone is claimed by someone else: stop; do not change anything for it.',
  blocked: 'The milestone is blocked or not in a state that allows this: stop and report the reason.',
  'scope-violations': 'The changes break the milestone scope: revert or move the listed changes before going on.',
};

const milestone = z.string().min(1).describe('Milestone ID as in the catalog, e.g. "2"');
const owner = z.string().min(1).optional().describe('Who is working (default: git user.name, else the login name)');

export interface ToolDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** True for tools that change files or run commands; editors ask for confirmation. */
  writes: boolean;
  /** The CLI arguments (without `--json`). */
  argv(args: z.infer<z.ZodObject<S>>): string[];
}

function define<S extends z.ZodRawShape>(d: ToolDefinition<S>): ToolDefinition {
  return d as unknown as ToolDefinition;
}

const opt = (flag: string, value: string | number | undefined): string[] => (value === undefined ? [] : [flag, String(value)]);
const flag = (name: string, on: boolean | undefined): string[] => (on ? [name] : []);

/** What `report` and `complete_milestone` take: complete writes the report that report prepares. */
const reportInput = {
  milestone,
  owner,
  summary: z.string().min(1).optional().describe("The optimisation summary (default: the tracking file's summary section)"),
  baseline: z.string().min(1).optional().describe('Baseline trace (default: the latest recorded baseline profiling run)'),
  after: z.string().min(1).optional().describe('After trace (default: the latest profiling run after the baseline)'),
};

function reportArgs(a: { milestone: string; owner?: string; summary?: string; baseline?: string; after?: string }): string[] {
  return [
    a.milestone,
    ...opt('--owner', a.owner),
    ...opt('--summary', a.summary),
    ...opt('--baseline', a.baseline),
    ...opt('--after', a.after),
  ];
}

export const TOOLS: ToolDefinition[] = [
  define({
    name: 'list_milestones',
    title: 'List milestones',
    description:
      'The catalog: every milestone with its status, owner, scope (work items) and hotspots, plus the work items and any problems found in the documents.',
    input: {},
    writes: false,
    argv: () => ['list'],
  }),
  define({
    name: 'preflight',
    title: 'Pre-flight a milestone',
    description:
      'Decides whether a milestone can be worked on, from STATUS.md and its tracking file (and their versions on the remote default branch when there is a remote): ready, resume, noop (completed), conflict (in progress by someone else) or blocked. Run it before any work; respect noop, conflict and blocked.',
    input: { milestone, owner },
    writes: false,
    argv: (a) => ['preflight', a.milestone, ...opt('--owner', a.owner)],
  }),
  define({
    name: 'start_milestone',
    title: 'Start a milestone',
    description:
      "Runs the pre-flight and, when ready, marks the milestone in progress in STATUS.md and its tracking file (owner, date, base commit). Changes nothing for resume, noop, conflict or blocked. With push, the claim is also committed and pushed to the remote's default branch.",
    input: { milestone, owner, push: z.boolean().optional().describe("Commit the claim and push it to the remote's default branch") },
    writes: true,
    argv: (a) => ['start', a.milestone, ...opt('--owner', a.owner), ...flag('--push', a.push)],
  }),
  define({
    name: 'scope_check',
    title: 'Check changes against the milestone scope',
    description:
      "Checks every change since the milestone's base commit: other milestones' hotspot regions and tracking, pinned versions, cross-crate changes, unsafe code without a SAFETY comment. Outcome scope-violations lists what to revert.",
    input: {
      milestone: milestone.optional().describe('Milestone ID (default: the one in progress for the owner)'),
      owner,
      base: z.string().min(1).optional().describe('Compare against this revision instead of the recorded base commit'),
      staged: z.boolean().optional().describe('Check the index instead of the working tree'),
      strict: z.boolean().optional().describe('Warnings fail too'),
    },
    writes: false,
    argv: (a) => [
      'scope',
      ...opt('--milestone', a.milestone),
      ...opt('--owner', a.owner),
      ...opt('--base', a.base),
      ...flag('--staged', a.staged),
      ...flag('--strict', a.strict),
    ],
  }),
  define({
    name: 'run_validation',
    title: 'Run a validation command',
    description:
      'Runs cargo per crate (never workspace-wide): check, the milestone-relevant tests, or the profiling run (whose output is captured as a trace). Each run is recorded in the tracking file of a milestone in progress by the owner.',
    input: {
      kind: z.enum(['check', 'test', 'profile']).describe('check, test or profile'),
      milestone: milestone.optional().describe('Milestone ID (default: the one in progress by the owner)'),
      owner,
      tests: z.array(z.string().min(1)).optional().describe('(test) run these test targets instead of the selection'),
      baseline: z.boolean().optional().describe('(profile) label the capture "baseline"'),
    },
    writes: true,
    argv: (a) => [
      'run',
      a.kind,
      ...opt('--milestone', a.milestone),
      ...opt('--owner', a.owner),
      ...(a.tests ?? []).flatMap((t) => ['--test', t]),
      ...flag('--baseline', a.baseline),
    ],
  }),
  define({
    name: 'trace_summary',
    title: 'Summarise a trace',
    description:
      'The hottest spans by self time of a trace file (tracing-forest text, Chrome JSON, folded stacks or fmt close events), merged over runs.',
    input: {
      file: z.string().min(1).describe('Trace file, relative to the repository root'),
      top: z.number().int().positive().optional().describe('How many spans (default 20)'),
    },
    writes: false,
    argv: (a) => ['trace', 'summary', a.file, ...opt('--top', a.top)],
  }),
  define({
    name: 'trace_diff',
    title: 'Diff two traces',
    description:
      'Baseline vs after, span path by span path: the change per run with its 95% interval, p and q, and a verdict (faster, slower, unchanged, inconclusive). Several traces (or folders of traces) per side pool their runs.',
    input: {
      baseline: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .describe('Baseline trace file(s) or folder(s), relative to the repository root'),
      after: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .describe('After trace file(s) or folder(s), relative to the repository root'),
      threshold: z
        .number()
        .positive()
        .optional()
        .describe('Practical threshold in percent: smaller changes are not called faster or slower (default 1)'),
    },
    writes: false,
    argv: (a) => [
      'trace',
      'diff',
      ...[a.baseline].flat().flatMap((f) => ['--base', f]),
      ...[a.after].flat().flatMap((f) => ['--after', f]),
      ...opt('--threshold', a.threshold),
    ],
  }),
  define({
    name: 'report',
    title: "Prepare a milestone's report",
    description:
      "The milestone's report (changes nothing): scope, changed files with verdicts, the optimisation summary, recorded validation runs, timing deltas between baseline and after traces, residual bottlenecks; with its markdown.",
    input: reportInput,
    writes: false,
    argv: (a) => ['report', ...reportArgs(a)],
  }),
  define({
    name: 'complete_milestone',
    title: 'Complete a milestone',
    description:
      'Writes the report into the tracking file and marks the milestone completed in STATUS.md. Refuses (conflict, blocked, scope-violations, bad-input) when it is not yours, not in progress, has scope errors or has no summary.',
    input: reportInput,
    writes: true,
    argv: (a) => ['complete', ...reportArgs(a)],
  }),
];

export function findTool(name: string): ToolDefinition | undefined {
  return TOOLS.find((t) => t.name === name);
}

export interface ToolResult {
  exitCode: number;
  outcome: ToolOutcome;
  /** The CLI's JSON document, when it printed one. */
  result: unknown;
  /** The CLI's messages (stderr): notes, refusal reasons, cargo output. */
  messages: string;
  /** True for bad input and unexpected failures, not for refusals. */
  isError: boolean;
  /** One paragraph for the agent. */
  text: string;
}

/** Longest tail of stderr kept (cargo output can be long). */
const MAX_MESSAGES = 8000;

/** Runs a tool in repository `root`. Arguments are validated against the tool's schema first. */
export async function runTool(
  tool: ToolDefinition,
  rawArgs: unknown,
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ToolResult> {
  const parsed = z
    .object(tool.input)
    .strict()
    .safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return {
      exitCode: EXIT.usage,
      outcome: 'bad-input',
      result: null,
      messages: why,
      isError: true,
      text: `${tool.name}: invalid arguments: ${why}`,
    };
  }
  const argv = [...tool.argv(parsed.data), '--json'];
  if (argv[0] !== 'trace') argv.push('--root', root);
  let stdout = '';
  let stderr = '';
  // Files an agent names must stay inside the repository (docs/hardening.md).
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: root, env, confinePaths: true };
  const exitCode = await runCommand(argv, io);
  let result: unknown = null;
  try {
    result = stdout.trim() ? JSON.parse(stdout) : null;
  } catch {
    result = null;
  }
  const outcome = OUTCOMES[exitCode] ?? 'error';
  const messages = stderr.length > MAX_MESSAGES ? '…' + stderr.slice(-MAX_MESSAGES) : stderr;
  const isError = outcome === 'bad-input' || outcome === 'error' || (outcome === 'failed' && result === null);
  return { exitCode, outcome, result, messages, isError, text: describe(tool, outcome, result, messages) };
}

function describe(tool: ToolDefinition, outcome: ToolOutcome, result: unknown, messages: string): string {
  const r = (result ?? {}) as Record<string, unknown>;
  const reason = typeof r.reason === 'string' ? ` ${r.reason}.` : '';
  const head = `${tool.name}: ${outcome}${typeof r.decision === 'string' ? ` (decision: ${r.decision})` : ''}.${reason}`;
  const lines = [head];
  const guidance = GUIDANCE[outcome];
  if (guidance) lines.push(guidance);
  if (outcome === 'bad-input' || outcome === 'error' || outcome === 'failed') {
    const msg = messages.trim().split('\n').slice(-10).join('\n');
    if (msg) lines.push(msg);
  }
  if (result !== null) lines.push(JSON.stringify(result));
  return lines.join('\n');
}
