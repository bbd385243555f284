import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const REPO = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO, 'dist/cli.js');

/**
 * Builds dist/cli.js and the chunks it loads as `npm run build` does (esbuild.mjs's own entries), so
 * the tests always run the current sources even when only the unit tests are run.
 */
export async function buildCli(): Promise<void> {
  const { cliEntries } = (await import(pathToFileURL(path.join(REPO, 'esbuild.mjs')).href)) as { cliEntries: esbuild.BuildOptions[] };
  await Promise.all(cliEntries.map((e) => esbuild.build({ ...e, absWorkingDir: REPO, logLevel: 'error' })));
  if (!existsSync(CLI) || statSync(CLI).size === 0) throw new Error('dist/cli.js was not built');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], cwd = REPO, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function cliJson<T = any>(args: string[], cwd?: string): Promise<{ code: number; json: T; stderr: string }> {
  const r = await cli([...args, '--json'], cwd);
  let json: T;
  try {
    json = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, json, stderr: r.stderr };
}
