import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

export const REPO = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO, 'dist/cli.js');

/**
 * Builds dist/cli.js as `npm run build` does (same options as esbuild.mjs's CLI entry), so the
 * tests always run the current sources even when only the unit tests are run.
 */
export async function buildCli(): Promise<void> {
  await esbuild.build({
    entryPoints: { cli: path.join(REPO, 'src/cli/main.ts') },
    outdir: path.join(REPO, 'dist'),
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'error',
    external: ['vscode'],
    banner: { js: '#!/usr/bin/env node' },
  });
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
