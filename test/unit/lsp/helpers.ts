/** Shared set-up for the language-server tests: temporary git copies and a recording host. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Problem } from '../../../src/core/problems';
import { Session, type SessionHost } from '../../../src/server/session';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');
export const STARK = path.join(FIXTURES, 'stark-backend-metal');
export const ALT = path.join(FIXTURES, 'alt-layout');
export const CATALOG = 'docs/metal-backend-optimization-milestones.md';
export const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';

export async function git(cwd: string, ...args: string[]): Promise<string> {
  // execa is ESM-only; a dynamic import keeps these CommonJS-compiled tests loading it.
  const { execa } = await import('execa');
  const r = await execa('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd });
  return r.stdout;
}

/** A fresh copy of a fixture in its own git repository with one commit (skipping build output). */
export async function gitCopy(fixture: string): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'ms-lsp-'));
  cpSync(fixture, root, { recursive: true, filter: (src) => !/[\\/]target([\\/]|$)/.test(src) });
  await git(root, 'init', '-q', '-b', 'main');
  await git(root, 'add', '-A');
  await git(root, 'commit', '-q', '-m', 'fixture');
  return root;
}

export function plainCopy(fixture: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ms-lsp-'));
  cpSync(fixture, root, { recursive: true, filter: (src) => !/[\\/]target([\\/]|$)/.test(src) });
  return root;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

export function write(root: string, rel: string, text: string): void {
  writeFileSync(path.join(root, rel), text);
}

/** Replaces the first occurrence of `from` in a file; fails loudly when it is not there. */
export function edit(root: string, rel: string, from: string, to: string): void {
  const text = read(root, rel);
  if (!text.includes(from)) throw new Error(`${rel} does not contain ${JSON.stringify(from)}`);
  write(root, rel, text.replace(from, to));
}

/** Inserts lines before 1-based line `at`. */
export function insertLines(root: string, rel: string, at: number, lines: string[]): void {
  const all = read(root, rel).split('\n');
  all.splice(at - 1, 0, ...lines);
  write(root, rel, all.join('\n'));
}

export class RecordingHost implements SessionHost {
  readonly open = new Map<string, string>();
  readonly published = new Map<string, Problem[]>();
  referenced: readonly string[] = [];
  openText(rel: string): string | undefined {
    return this.open.get(rel);
  }
  publish(rel: string, problems: readonly Problem[]): void {
    this.published.set(rel, [...problems]);
  }
  referencedFilesChanged(paths: readonly string[]): void {
    this.referenced = paths;
  }
  /** Every published problem, flattened. */
  all(): Problem[] {
    return [...this.published.values()].flat();
  }
}

/** A loaded session with its git baseline settled and its problems published. */
export async function loadSession(root: string, options: { git?: boolean } = {}): Promise<{ session: Session; host: RecordingHost }> {
  const host = new RecordingHost();
  const session = new Session(root, host, options);
  session.load();
  await session.settled();
  session.publishNow();
  return { session, host };
}

/** 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`not found: ${needle}`);
  return i + 1;
}

export function describeProblems(ps: readonly Problem[]): string {
  return ps.map((p) => `${p.file}:${p.line}:${p.column ?? ''} ${p.severity} ${p.code} ${p.message}`).join('\n');
}
