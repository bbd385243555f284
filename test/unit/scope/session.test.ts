import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadWorkspace } from '../../../src/core/workspace';
import { resolveActiveMilestone, ScopeSession } from '../../../src/core/scope';
import { edit, fixtureRepo, git, remove, write } from './helpers';

const repos: string[] = [];
after(() => repos.forEach(remove));

const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';

async function session(root: string, id = '2'): Promise<ScopeSession> {
  const ws = await loadWorkspace(root);
  const choice = await resolveActiveMilestone(ws, { milestone: id });
  return ScopeSession.open(ws, { milestone: choice.milestone, recordedBase: choice.recordedBase });
}

test('an unsaved buffer is checked against the base without touching the disk', async () => {
  const root = fixtureRepo();
  repos.push(root);
  const s = await session(root);
  const full = await s.checkAll();
  assert.deepEqual(full.findings, []);
  assert.equal(s.checkText(MERKLE, 'anything'), undefined, 'needs prepareFile first');
  await s.prepareFile(MERKLE);
  const saved = readFileSync(path.join(root, MERKLE), 'utf8');
  const buffer = saved.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // unsaved');
  const r = s.checkText(MERKLE, buffer)!;
  assert.deepEqual(r.findings.map((f) => [f.code, f.line, f.milestone]), [['other-milestone-hotspot', 97, '3']]);
  assert.deepEqual(r.diff.hunks.map((h) => [h.oldStart, h.newStart]), [[97, 97]]);
  assert.deepEqual(s.checkText(MERKLE, saved)!.findings, [], 'back to the base text: nothing to report');
  assert.equal(git(root, 'status', '--porcelain'), '');
});

test('buffers of renamed and new files are checked against the right base', async () => {
  const root = fixtureRepo();
  repos.push(root);
  git(root, 'mv', MERKLE, 'crates/metal-backend/src/merkle.rs');
  write(root, 'crates/stark-backend/src/extra.rs', 'pub fn x() {}\n');
  const s = await session(root);
  const full = await s.checkAll();
  assert.deepEqual(full.findings.map((f) => [f.code, f.file, f.oldPath]), [
    ['other-milestone-hotspot', 'crates/metal-backend/src/merkle.rs', MERKLE],
    ['cross-crate', 'crates/stark-backend/src/extra.rs', undefined],
  ]);
  const moved = 'crates/metal-backend/src/merkle.rs';
  await s.prepareFile(moved);
  const text = readFileSync(path.join(root, moved), 'utf8').replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // edited');
  const r = s.checkText(moved, text)!;
  assert.equal(r.diff.kind, 'renamed');
  assert.deepEqual(r.findings.map((f) => [f.code, f.line]), [['other-milestone-hotspot', 97]]);
  await s.prepareFile('crates/stark-backend/src/extra.rs');
  const added = s.checkText('crates/stark-backend/src/extra.rs', 'pub fn x() {}\npub fn y() {}\n')!;
  assert.equal(added.diff.kind, 'added');
  assert.deepEqual(added.findings.map((f) => [f.code, f.line, f.endLine]), [['cross-crate', 1, 2]]);
});

test('the catalog revision is followed to the base: lines inserted above a hotspot since', async () => {
  const root = fixtureRepo();
  repos.push(root);
  // A commit after the catalog's moves fn root down by ten lines: the catalog's line 97 is now
  // inside fn new, and the root extraction is line 107.
  const notes = Array.from({ length: 10 }, (_, i) => `        // note ${i + 1}`).join('\n');
  edit(root, MERKLE, (t) => t.replace('        Ok(Self { layers, height })', `${notes}\n        Ok(Self { layers, height })`));
  git(root, 'commit', '-qam', 'move root down');
  const s = await session(root);
  await s.prepareFile(MERKLE);
  const saved = readFileSync(path.join(root, MERKLE), 'utf8');
  assert.match(saved.split('\n')[106], /let root_layer = top\.to_host\(\);/);
  const r = s.checkText(MERKLE, saved.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // x'))!;
  assert.deepEqual(r.findings.map((f) => [f.code, f.line]), [['other-milestone-hotspot', 107]]);
  // Line 97 of the current text is in fn new, which is nobody's hotspot.
  const other = s.checkText(MERKLE, saved.replace('        // note 9\n', '        // note nine\n'))!;
  assert.deepEqual(other.findings.map((f) => [f.code, f.line]), [['supporting-change', 97]]);
});
