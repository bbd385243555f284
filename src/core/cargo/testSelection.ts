/**
 * Which test targets are relevant to a milestone: the configured `relevantTests` map from file
 * globs to test targets, applied to the files changed since the milestone's base commit.
 */
import picomatch from 'picomatch';
import type { CargoCommandSpec, MilestoneScopeConfig } from '../config/types';
import { runGit } from '../git/run';

export interface TestSelection {
  /** Test targets to run, in configuration order. */
  tests: string[];
  /** For each selected test, the changed files that selected it. */
  reasons: Record<string, string[]>;
  /** True when no changed file matched and the configured test checks were used instead. */
  fallback: boolean;
}

/** Maps changed files (repository-relative, forward slashes) to test targets. */
export function selectRelevantTests(
  changedFiles: readonly string[],
  relevantTests: Record<string, string[]>,
  fallbackTests: readonly string[] = [],
): TestSelection {
  const reasons: Record<string, string[]> = {};
  const tests: string[] = [];
  for (const [glob, targets] of Object.entries(relevantTests)) {
    const isMatch = picomatch(glob, { dot: true });
    const hits = changedFiles.filter((f) => isMatch(f.replace(/\\/g, '/')));
    if (hits.length === 0) continue;
    for (const t of targets) {
      if (!tests.includes(t)) tests.push(t);
      reasons[t] = [...new Set([...(reasons[t] ?? []), ...hits])];
    }
  }
  if (tests.length > 0) return { tests, reasons, fallback: false };
  return { tests: [...new Set(fallbackTests)], reasons: {}, fallback: true };
}

/** The `--test` targets among the configured checks (the default validation tests). */
export function configuredTestTargets(config: Pick<MilestoneScopeConfig, 'checks'>): string[] {
  return config.checks.filter((c) => c.command === 'test' && c.test).map((c) => c.test!);
}

/** The test command for a selected target, based on a configured test check when there is one. */
export function testSpecFor(config: Pick<MilestoneScopeConfig, 'checks'>, test: string): CargoCommandSpec {
  const configured = config.checks.find((c) => c.command === 'test' && c.test === test);
  return configured ?? { label: test, command: 'test', test };
}

export interface ChangedFiles {
  files: string[];
  /** Set when the base commit could not be used and HEAD was diffed instead. */
  warning?: string;
}

/**
 * Files changed since `base` (committed, staged, unstaged and untracked), repository-relative.
 * Without a usable base commit: the working tree's changes against HEAD.
 */
export async function changedFilesSince(root: string, base: string | undefined): Promise<ChangedFiles> {
  let warning: string | undefined;
  let from = 'HEAD';
  if (base && /^[0-9a-f]{7,64}$/i.test(base)) from = base;
  else if (base) warning = `base commit "${base}" is not a commit id; comparing with HEAD`;
  let diff = await runGit(root, ['diff', '--name-only', '-z', from, '--'], { okCodes: [128] });
  if (diff.exitCode === 128 && from !== 'HEAD') {
    warning = `base commit ${from} is not in this repository; comparing with HEAD`;
    diff = await runGit(root, ['diff', '--name-only', '-z', 'HEAD', '--'], { okCodes: [128] });
  }
  const untracked = await runGit(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  const names = [...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter((n) => n.length > 0);
  return { files: [...new Set(names)].sort(), warning };
}
