// Shared by the hostile-input tests: an in-process CLI run and temporary fixture copies.
import { rmSync } from 'node:fs';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { gitCopy, METAL } from '../core/helpers';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(cwd: string, ...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const made: string[] = [];

/** A git copy of the Metal fixture, removed when `cleanup` runs. */
export function fixtureCopy(owner = 'tester'): string {
  const dir = gitCopy(METAL, owner);
  made.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** An input error as the CLI prints it: one line, exit 2, no stack trace. */
export function isOneLineInputError(r: Run): boolean {
  return r.code === 2 && r.stderr.trim().split('\n').length === 1 && !/\n\s+at /.test(r.stderr) && !/unexpected error/.test(r.stderr);
}
