import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gitCopy, git, METAL } from '../core/helpers';
import { startMilestone } from '../../../src/core/start';

export { git };
export const TRACES = path.resolve(__dirname, '../../fixtures/traces');
export const BASELINE = path.join(TRACES, 'forest_baseline.txt');
export const AFTER = path.join(TRACES, 'forest_after.txt');
export const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';
export const TRACKING = (id: string) => `docs/metal-backend-optimization-tracking/milestone-${id}.md`;
export const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';
export const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
export const COMMAND = 'crates/metal-backend/src/metal/command.rs';

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/**
 * Duration in ms of the first span line named `name` in tracing-forest text
 * (`name [ 149ms | 38.36% ]`), read with a regular expression of its own.
 */
export function forestMs(text: string, name: string): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`[━ ]${escaped} \\[ ([0-9.]+)(ns|µs|ms|s) `).exec(text);
  if (!m) throw new Error(`no span ${name} in the trace text`);
  const scale: Record<string, number> = { ns: 1e-6, µs: 1e-3, ms: 1, s: 1e3 };
  return Number(m[1]) * scale[m[2]!]!;
}

/** `-40.0%` as the report writes a relative change. */
export function pct(before: number, after: number): string {
  const v = ((after - before) / before) * 100;
  return `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;
}

export function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A temporary git copy of the fixture with milestone 2 started by `owner` and an edit in its hotspot function. */
export async function startedRepo(owner = 'tester'): Promise<string> {
  const root = gitCopy(METAL, owner);
  const r = await startMilestone(root, '2', { owner, now: new Date('2026-11-20T10:00:00Z') });
  if (r.preflight.decision !== 'ready') throw new Error(`start: ${r.preflight.decision}`);
  edit(root, STACKED, (t) => t.replace(/\n(\s*)(for [^\n]*\{)/, '\n$1// Copies are batched below.\n$1$2'));
  return root;
}

/** Records the fixture's baseline and after traces as the milestone's profiling runs (captures named by time). */
export function recordTraces(root: string, milestone = '2'): { baseline: string; after: string } {
  const dir = path.join(root, '.milestone-scope/traces', milestone);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(root, '.milestone-scope/.gitignore'), '*\n');
  const baseline = `.milestone-scope/traces/${milestone}/20261120T110000Z-baseline.txt`;
  const after = `.milestone-scope/traces/${milestone}/20261121T110000Z-after.txt`;
  copyFileSync(BASELINE, path.join(root, baseline));
  copyFileSync(AFTER, path.join(root, after));
  return { baseline, after };
}

export function edit(root: string, rel: string, change: (text: string) => string): void {
  const file = path.join(root, rel);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${rel} changed nothing`);
  writeFileSync(file, after);
}

export function fileText(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

/** The text with every generated section's body removed (markers kept), for comparing prose. */
export function withoutSections(text: string): string {
  return text.replace(/(<!-- milestone-scope:([a-z0-9-]+):start -->)[\s\S]*?(<!-- milestone-scope:\2:end -->)/g, '$1$3');
}

/** The body of a generated section. */
export function section(text: string, name: string): string | undefined {
  const m = new RegExp(`<!-- milestone-scope:${name}:start -->\\n([\\s\\S]*?)\\n<!-- milestone-scope:${name}:end -->`).exec(text);
  return m?.[1];
}
