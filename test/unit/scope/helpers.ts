import { execFileSync } from 'node:child_process';
import { after } from 'node:test';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { gitCopy } from '../core/helpers';

export const FIXTURE = path.resolve(__dirname, '../../fixtures/stark-backend-metal');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** A temporary git repository holding the fixture, committed once. Remove it with `rmSync`. */
export function fixtureRepo(userName = 'dave'): string {
  return gitCopy(FIXTURE, userName, 'dave@example.invalid');
}

/** A maker of fixture repositories for one test file; they are removed when its tests are done. */
export function fixtureRepos(): () => string {
  const repos: string[] = [];
  after(() => repos.forEach(remove));
  return () => {
    const r = fixtureRepo();
    repos.push(r);
    return r;
  };
}

export function edit(root: string, rel: string, change: (text: string) => string): void {
  const file = path.join(root, rel);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${rel} changed nothing`);
  writeFileSync(file, after);
}

export function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

export function remove(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(root: string, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: root, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** `code@file:line` of each finding in a `--json` run. */
export function codes(run: CliRun): string[] {
  const json = JSON.parse(run.stdout) as { findings: Array<{ code: string; file: string; line: number }> };
  return json.findings.map((f) => `${f.code}@${f.file}:${f.line}`);
}
