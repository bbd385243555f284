import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyChanges, resolveAnchor, type ResolvedAnchor } from '../../../src/core/diff/anchors';
// The diff modules directly: the package index also exports the git runner (execa, ESM-only).
import { diffTexts } from '../../../src/core/diff/buffer';
import { indexByOldPath } from '../../../src/core/diff/mapLine';
import { parseGitDiff } from '../../../src/core/diff/parse';
import type { FileDiff, Hunk } from '../../../src/core/diff/types';

// The fixture's stacked_pcs.rs, whose lines 110, 129 and 146 are the prompt's hotspots.
const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.resolve(here, '../../fixtures/stark-backend-metal/crates/metal-backend/src/stacked_pcs.rs');
const REL = 'crates/metal-backend/src/stacked_pcs.rs';
const HOTSPOTS = [110, 129, 146];

let repo: string;
let original: string;
let lines: string[];

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  writeFileSync(path.join(repo, rel), text);
}

function read(rel: string): string {
  return readFileSync(path.join(repo, rel), 'utf8');
}

/** The working tree's diff from the base commit, as git reports it (renames found). */
function baseDiff(): Map<string, FileDiff> {
  const out = git('-c', 'color.ui=false', 'diff', '--no-color', '--no-ext-diff', '--find-renames', '-U0', 'base', '--');
  return indexByOldPath(parseGitDiff(out));
}

/** Resolves the hotspots against the files on disk, plus optional unsaved buffers. */
function resolve(buffers: Record<string, string> = {}, refs = HOTSPOTS, file = REL): ResolvedAnchor[] {
  const diffs = baseDiff();
  const textOf = (p: string): string | undefined => buffers[p] ?? (existsSync(path.join(repo, p)) ? read(p) : undefined);
  const bufferHunks = (p: string): Hunk[] | undefined => (buffers[p] !== undefined ? diffTexts(read(p), buffers[p]!) : undefined);
  const lineText = (p: string, line: number) => textOf(p)?.split('\n')[line - 1];
  return refs.map((line) => resolveAnchor(diffs, file, line, bufferHunks, lineText));
}

function insertLines(text: string, beforeLine: number, added: string[]): string {
  const l = text.split('\n');
  l.splice(beforeLine - 1, 0, ...added);
  return l.join('\n');
}

function deleteLines(text: string, from: number, count: number): string {
  const l = text.split('\n');
  l.splice(from - 1, count);
  return l.join('\n');
}

before(() => {
  original = readFileSync(FIXTURE, 'utf8');
  lines = original.split('\n');
  for (const h of HOTSPOTS) assert.match(lines[h - 1]!, /blit_operation/, `fixture line ${h} should be a blit call`);
});

test.beforeEach(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'ms-anchors-'));
  git('init', '-q');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'dev');
  write(REL, original);
  write('crates/metal-backend/src/lib.rs', 'pub mod stacked_pcs;\n');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  git('tag', 'base');
});

test.afterEach(() => rmSync(repo, { recursive: true, force: true }));
after(() => undefined);

test('no changes: every hotspot is current at its catalog line', () => {
  const r = resolve();
  assert.deepEqual(r.map((a) => [a.path, a.anchor.line, a.anchor.state]), HOTSPOTS.map((l) => [REL, l, 'current']));
  assert.equal(r[0]!.anchor.text, lines[109]);
});

test('insertions above and between hotspots move them with their code', () => {
  let text = insertLines(original, 120, ['        // extra 1', '        // extra 2']);
  text = insertLines(text, 10, ['use std::fmt;', 'use std::io;', '', '// notes']);
  write(REL, text);
  const r = resolve();
  assert.deepEqual(r.map((a) => a.anchor.line), [114, 135, 152]);
  for (const [i, a] of r.entries()) {
    assert.equal(a.anchor.state, 'current');
    assert.equal(text.split('\n')[a.anchor.line - 1], lines[HOTSPOTS[i]! - 1]);
  }
});

test('deletions above move hotspots up', () => {
  const text = deleteLines(original, 50, 10);
  write(REL, text);
  const r = resolve();
  assert.deepEqual(r.map((a) => [a.anchor.line, a.anchor.state]), [[100, 'current'], [119, 'current'], [136, 'current']]);
});

test('an edit of the hotspot line itself is reported as edited, the others stay current', () => {
  const l = original.split('\n');
  l[128] = l[128]!.replace('command::blit_operation', 'batch.encode_blit');
  write(REL, l.join('\n'));
  const r = resolve();
  assert.deepEqual(r.map((a) => [a.anchor.line, a.anchor.state]), [[110, 'current'], [129, 'edited'], [146, 'current']]);
  assert.equal(r[1]!.anchor.text, undefined);
});

test('a deleted hotspot line is removed, never left on the neighbouring code', () => {
  const text = deleteLines(original, 146, 3);
  write(REL, text);
  const r = resolve();
  assert.equal(r[2]!.anchor.state, 'removed');
  assert.equal(r[2]!.anchor.line, 146);
  assert.deepEqual(r.slice(0, 2).map((a) => a.anchor.state), ['current', 'current']);
});

test('a renamed file (git mv) with edits is followed to its new path', () => {
  git('mv', REL, 'crates/metal-backend/src/stacked.rs');
  write('crates/metal-backend/src/stacked.rs', insertLines(original, 5, ['// moved here']));
  const r = resolve();
  assert.deepEqual(r.map((a) => [a.path, a.anchor.line, a.anchor.state]), HOTSPOTS.map((l) => ['crates/metal-backend/src/stacked.rs', l + 1, 'current']));
});

test('a deleted file removes its hotspots', () => {
  rmSync(path.join(repo, REL));
  const r = resolve();
  assert.ok(r.every((a) => a.anchor.state === 'removed'));
});

test('a catalog line past the end of the file is not current', () => {
  const r = resolve({}, [lines.length + 40]);
  assert.equal(r[0]!.anchor.state, 'removed');
});

test('unsaved buffer changes on top of saved ones are both followed', () => {
  const saved = insertLines(original, 20, ['// saved']);
  write(REL, saved);
  const buffer = insertLines(saved, 100, ['        // unsaved 1', '        // unsaved 2', '        // unsaved 3']);
  const r = resolve({ [REL]: buffer });
  assert.deepEqual(r.map((a) => [a.anchor.line, a.anchor.state]), [[114, 'current'], [133, 'current'], [150, 'current']]);
});

test('an unsaved edit of a line already moved on disk is edited', () => {
  const saved = insertLines(original, 20, ['// saved']);
  write(REL, saved);
  const b = saved.split('\n');
  b[110] = b[110]!.replace('blit_operation', 'blit_batched');
  const r = resolve({ [REL]: b.join('\n') });
  assert.deepEqual(r.map((a) => a.anchor.state), ['edited', 'current', 'current']);
  assert.equal(r[0]!.anchor.line, 111);
});

test('live changes after a resolve agree with resolving again from git and the buffer', () => {
  const start = resolve();
  const inserted = '        // live 1\n        // live 2\n';
  const buffer = insertLines(original, 101, ['        // live 1', '        // live 2']);
  const live = applyChanges(
    start.map((a) => a.anchor),
    [{ range: { start: { line: 100, character: 0 }, end: { line: 100, character: 0 } }, text: inserted }],
    (l) => buffer.split('\n')[l],
  );
  const again = resolve({ [REL]: buffer });
  assert.deepEqual(live.map((a) => [a.line, a.state]), again.map((a) => [a.anchor.line, a.anchor.state]));
  assert.deepEqual(live.map((a) => a.line), [112, 131, 148]);
});
