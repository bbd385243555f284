import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');
export const METAL = path.join(FIXTURES, 'stark-backend-metal');
export const ALT = path.join(FIXTURES, 'alt-layout');
export const CATALOG = 'docs/metal-backend-optimization-milestones.md';
export const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';
export const tracking = (id: string) => `docs/metal-backend-optimization-tracking/milestone-${id}.md`;

export function fixtureText(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trimEnd();
}

/**
 * A temporary git repository holding a copy of a fixture, committed once, with a local
 * user.name so owner resolution is deterministic.
 */
export function gitCopy(fixture: string, userName = 'tester', email = 'tester@example.invalid'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-fixture-'));
  cpSync(fixture, dir, { recursive: true, filter: (src) => !/[\\/](target|node_modules)([\\/]|$)/.test(src) });
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', userName);
  git(dir, 'config', 'user.email', email);
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  return dir;
}

/** The prompt's catalog: every work item's hotspots as `path:line`, in order. */
export const PROMPT_HOTSPOTS: Record<string, string[]> = {
  '1': ['crates/metal-backend/src/stacked_pcs.rs:110', 'crates/metal-backend/src/stacked_pcs.rs:129', 'crates/metal-backend/src/stacked_pcs.rs:146'],
  '2': [
    'crates/metal-backend/src/metal/mod.rs:166',
    'crates/metal-backend/src/metal/stacked_reduction.rs:77',
    'crates/metal-backend/src/metal/logup_zerocheck.rs:1319',
    'crates/metal-backend/src/metal/logup_zerocheck.rs:1406',
  ],
  '3': [
    'crates/metal-backend/src/merkle_tree.rs:97',
    'crates/metal-backend/src/data_transporter.rs:170',
    'crates/metal-backend/src/data_transporter.rs:217',
    'crates/metal-backend/src/logup_zerocheck/mod.rs:2222',
  ],
  '4': [
    'crates/metal-backend/src/data_transporter.rs:110',
    'crates/metal-backend/src/data_transporter.rs:131',
    'crates/metal-backend/src/data_transporter.rs:136',
    'crates/metal-backend/src/metal/matrix.rs:145',
  ],
  '5': [
    'crates/metal-backend/src/metal/logup_zerocheck.rs:1254',
    'crates/metal-backend/src/metal/logup_zerocheck.rs:1315',
    'crates/metal-backend/src/metal/logup_zerocheck.rs:1414',
    'crates/metal-backend/src/metal/logup_zerocheck.rs:69',
  ],
  '6': ['crates/metal-backend/src/metal/batch_ntt_small.rs:57', 'crates/metal-backend/src/metal/batch_ntt_small.rs:67'],
};

/** Milestone -> work item of the prompt's mapping (0 and 7 map to kinds of work). */
export const PROMPT_MAPPING: Record<string, string> = { '1': '2', '2': '1', '3': '3', '4': '4', '5': '5', '6': '6' };
