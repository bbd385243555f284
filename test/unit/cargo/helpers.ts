// Temporary git copies of the fixture workspace for tests that run real cargo.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

export const FIXTURE = path.resolve(__dirname, '../../fixtures/stark-backend-metal');

/** A git repository holding a copy of the fixture (without build output), one commit. */
export function fixtureCopy(prefix = 'ms-cargo-'): { root: string; head: string; cleanup(): void } {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(FIXTURE, root, { recursive: true, filter: (src) => !src.split(path.sep).includes('target') });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'add', '-A');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '-q', '-m', 'fixture');
  const head = git('rev-parse', 'HEAD');
  return { root, head, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * One cargo target folder per test file, shared by its copies, so each file compiles the fixture
 * once. Set before any cargo run; child processes inherit it.
 */
export function shareTargetDir(name: string): string {
  const dir = path.join(tmpdir(), `ms-cargo-target-${name}-${process.pid}`);
  process.env.CARGO_TARGET_DIR = dir;
  return dir;
}

/** Live processes of a process group (Linux /proc), with their command names. */
export function groupMembers(pgid: number): Array<{ pid: number; comm: string }> {
  const out: Array<{ pid: number; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const [state, , pgrp] = stat.slice(close + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') out.push({ pid: Number(entry), comm });
    } catch {
      // the process ended while listing
    }
  }
  return out;
}
