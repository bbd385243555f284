/**
 * CLI start-up, each figure next to its reference, in fresh processes as a user runs them
 * (median of RUNS, interleaved so a busy machine weighs on both alike):
 * - `milestone-scope --help` next to `node -e 0` (goal <= 1.5x);
 * - `milestone-scope scope` on a copy of the fixture repository with 20 files edited since the
 *   milestone's start, next to the raw `git diff -U0 <base>` + `git status --porcelain` it needs
 *   (goal <= 3x).
 * `BENCH_CLI=<dist/cli.js>` measures another build.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.join(__dirname, '..');
const CLI = path.resolve(process.env.BENCH_CLI ?? path.join(REPO, 'dist', 'cli.js'));
const RUNS = 11;

function timed(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  try {
    execFileSync(cmd, args, { cwd, stdio: 'ignore' });
  } catch {
    // scope exits 6 on violations: a result, not a failure
  }
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function pair(label: string, a: () => number, b: () => number, goal: number, refLabel: string): void {
  const xs: number[] = [];
  const ys: number[] = [];
  a();
  b(); // warm the page cache and the compile cache
  for (let i = 0; i < RUNS; i++) {
    xs.push(a());
    ys.push(b());
  }
  const ratio = median(xs) / median(ys);
  console.log(`${label}: ${median(xs).toFixed(0)} ms | ${refLabel} ${median(ys).toFixed(0)} ms | ${ratio.toFixed(1)}x (goal <= ${goal}x: ${ratio <= goal ? 'met' : 'MISSED'})`);
}

export async function main(): Promise<void> {
  console.log(`cli: ${CLI}; node ${process.version}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; median of ${RUNS}`);
  pair('--help', () => timed(process.execPath, [CLI, '--help'], REPO), () => timed(process.execPath, ['-e', '0'], REPO), 1.5, 'node -e 0');

  const dir = mkdtempSync(path.join(tmpdir(), 'startup-bench-'));
  try {
    const root = path.join(dir, 'repo');
    execFileSync('cp', ['-r', path.join(REPO, 'test', 'fixtures', 'stark-backend-metal'), root]);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
    git('init', '-q');
    git('config', 'user.name', 'bench');
    git('add', '-A');
    git('commit', '-qm', 'fixture');
    execFileSync(process.execPath, [CLI, 'start', '2', '--local'], { cwd: root, stdio: 'ignore' });
    git('commit', '-qam', 'start');
    const base = git('rev-parse', 'HEAD~1').trim();
    const files = git('ls-files', '*.rs').split('\n').filter(Boolean).slice(0, 20);
    for (const f of files) appendFileSync(path.join(root, f), '// edited\n');
    pair(
      `scope (${files.length} files edited)`,
      () => timed(process.execPath, [CLI, 'scope'], root),
      () => timed('git', ['diff', '-U0', base], root) + timed('git', ['status', '--porcelain'], root),
      3,
      'git diff -U0 + git status',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
