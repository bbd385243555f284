/**
 * `milestone-scope`: the workflow's decisions from the command line.
 * Each subcommand is a module exporting `run<Name>(argv, io): Promise<number>`; add one line to
 * COMMANDS to register another.
 */
import { ConcurrentChangeError, FileLockedError } from '../core/files';
import { InputError } from '../core/problems';
import { EXIT } from './exitCodes';
import { processIO, type CliIO } from './io';
import { runList } from './list';
import { runPreflight } from './preflight';
import { runScope } from './scope';
import { runShow } from './show';
import { runStart } from './start';
import { runTrace } from './trace';
import { runRun } from './run';
import { runAb, runBaseWorktree } from './ab';
import { runComplete, runReport } from './report';
import { runMcp } from './mcp';

type Command = { summary: string; run: (argv: string[], io: CliIO) => Promise<number> };

export const COMMANDS: Record<string, Command> = {
  list: { summary: 'list milestones, work items and hotspots', run: runList },
  show: { summary: 'show one milestone: scope, hotspots, status, tracking', run: runShow },
  preflight: { summary: 'decide ready / resume / noop / conflict / blocked', run: runPreflight },
  start: { summary: 'pre-flight, then mark the milestone in progress', run: runStart },
  scope: { summary: "check changes against the active milestone's scope", run: runScope },
  trace: { summary: 'summarise a trace, or diff a baseline trace against an after trace', run: runTrace },
  run: { summary: 'run check, the relevant tests or the profiling run, per crate, and record the result', run: runRun },
  ab: { summary: "measure the milestone's change: base commit vs working tree, interleaved runs until the interval is narrow", run: runAb },
  'base-worktree': { summary: "show or remove the base commit's worktree baselines are built in", run: runBaseWorktree },
  report: { summary: "print a milestone's report: changes, validation, timing deltas, residual bottlenecks", run: runReport },
  complete: { summary: 'write the report into the tracking file and mark the milestone completed', run: runComplete },
  mcp: { summary: 'serve the workflow to coding agents as Model Context Protocol tools (stdio)', run: runMcp },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'Usage: milestone-scope <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'milestone-scope <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 unexpected error, 2 bad input or usage, 3 noop, 4 conflict, 5 blocked, 6 scope violations.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`milestone-scope: unknown command "${name}"\n\n${usage()}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
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

if (require.main === module) {
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`milestone-scope: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = EXIT.unexpected;
    },
  );
}
