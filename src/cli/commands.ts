/**
 * The command table of `milestone-scope` and its dispatcher, shared by the CLI entry (main.ts, which
 * adds `mcp`) and the MCP tools (which run these commands in process): neither imports the other.
 *
 * Start-up cost is paid per subcommand: each subcommand is a module exporting
 * `run<Name>(argv, io): Promise<number>`, listed in WORKFLOW_COMMANDS with a loader `() => import('./x')`.
 * The build (esbuild.mjs, code splitting) turns every loader into its own chunk, so `--help` loads
 * this file only, `scope` loads the scope check and git, and only `mcp` loads the MCP SDK and zod.
 * To add a subcommand, add one line to WORKFLOW_COMMANDS; never import a subcommand's module statically here.
 */
import { ConcurrentChangeError, FileLockedError } from '../core/files';
import { InputError } from '../core/problems';
import { EXIT } from './exitCodes';
import type { CliIO } from './io';

type Run = (argv: string[], io: CliIO) => Promise<number>;
export type Command = { summary: string; load: () => Promise<Run> };

export const WORKFLOW_COMMANDS: Record<string, Command> = {
  list: { summary: 'list milestones, work items and hotspots', load: async () => (await import('./list')).runList },
  show: { summary: 'show one milestone: scope, hotspots, status, tracking', load: async () => (await import('./show')).runShow },
  preflight: { summary: 'decide ready / resume / noop / conflict / blocked', load: async () => (await import('./preflight')).runPreflight },
  start: { summary: 'pre-flight, then mark the milestone in progress', load: async () => (await import('./start')).runStart },
  scope: { summary: "check changes against the active milestone's scope", load: async () => (await import('./scope')).runScope },
  trace: {
    summary: 'summarise a trace, or diff a baseline trace against an after trace',
    load: async () => (await import('./trace')).runTrace,
  },
  run: {
    summary: 'run check, the relevant tests or the profiling run, per crate, and record the result',
    load: async () => (await import('./run')).runRun,
  },
  ab: {
    summary: "measure the milestone's change: base commit vs working tree, interleaved runs until the interval is narrow",
    load: async () => (await import('./ab')).runAb,
  },
  'base-worktree': {
    summary: "show or remove the base commit's worktree baselines are built in",
    load: async () => (await import('./ab')).runBaseWorktree,
  },
  report: {
    summary: "print a milestone's report: changes, validation, timing deltas, residual bottlenecks",
    load: async () => (await import('./report')).runReport,
  },
  complete: {
    summary: 'write the report into the tracking file and mark the milestone completed',
    load: async () => (await import('./report')).runComplete,
  },
};

function usage(commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    'Usage: milestone-scope <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'milestone-scope <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 unexpected error, 2 bad input or usage, 3 noop, 4 conflict, 5 blocked, 6 scope violations, 7 validation failed.',
  ].join('\n');
}

/** Runs one command of `commands` (default: the workflow commands, without `mcp`). */
export async function runCommand(argv: string[], io: CliIO, commands: Record<string, Command> = WORKFLOW_COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(commands) + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr(`milestone-scope: unknown command "${name}"\n\n${usage(commands)}\n`);
    return EXIT.usage;
  }
  try {
    return await (
      await command.load()
    )(rest, io);
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`milestone-scope ${name}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof ConcurrentChangeError || err instanceof FileLockedError) {
      io.stderr(`milestone-scope ${name}: ${err.message}\n`);
      return EXIT.unexpected;
    }
    io.stderr(`milestone-scope ${name}: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.unexpected;
  }
}
