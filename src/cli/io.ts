/** Where a CLI command writes and what it runs in; tests pass their own. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Terminal width for tables, when known. */
  columns?: number;
  /**
   * The arguments come from an agent (MCP, language-model tools), not from a person at a prompt:
   * files they name must lie inside the workspace root, symbolic links followed.
   */
  confinePaths?: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  };
}

/** Machine output: stable key order as built, two-space indentation, trailing newline. */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}
