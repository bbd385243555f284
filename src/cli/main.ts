/**
 * `milestone-scope`: the workflow's decisions from the command line. The command table lives in
 * commands.ts (add a subcommand there); this entry adds `mcp`, the MCP server, whose tools run the
 * same table in process.
 */
import { EXIT } from './exitCodes';
import { processIO, type CliIO } from './io';
import { runCommand, WORKFLOW_COMMANDS, type Command } from './commands';

export const COMMANDS: Record<string, Command> = {
  ...WORKFLOW_COMMANDS,
  mcp: {
    summary: 'serve the workflow to coding agents as Model Context Protocol tools (stdio)',
    load: async () => (await import('./mcp')).runMcp,
  },
};

export function main(argv: string[], io: CliIO): Promise<number> {
  return runCommand(argv, io, COMMANDS);
}

/** The process entry (dist/cli.js loads this module and calls it). */
export function runCli(): void {
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
