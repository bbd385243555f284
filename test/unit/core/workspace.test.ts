import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadWorkspace, trackingFileFor } from '../../../src/core/workspace';
import { ALT, METAL } from './helpers';

test('the fixture workspace loads without problems', async () => {
  const ws = await loadWorkspace(METAL);
  assert.equal(ws.root, METAL);
  assert.equal(ws.configFile, undefined);
  assert.deepEqual(ws.problems, []);
  assert.equal(ws.catalog.milestones.length, 8);
  assert.equal(ws.catalog.workItems.length, 6);
  assert.equal(ws.status.entries.length, 7);
});

test('every hotspot of the fixture catalog names an existing line, when the crate is present', async (t) => {
  const ws = await loadWorkspace(METAL);
  const files = new Set(ws.catalog.workItems.flatMap((w) => w.hotspots.map((h) => h.path)));
  if (![...files].every((f) => existsSync(path.join(METAL, f)))) return t.skip('fixture crate sources not present');
  for (const w of ws.catalog.workItems)
    for (const h of w.hotspots) {
      const lines = readFileSync(path.join(METAL, h.path), 'utf8').split('\n');
      assert.ok(lines.length >= h.endLine && lines[h.line - 1]!.trim() !== '', `${h.path}:${h.line}`);
    }
});

test('the alternative layout loads through its configuration, references resolve to its crate', async () => {
  const ws = await loadWorkspace(ALT);
  assert.equal(ws.configFile, '.milestone-scope.yaml');
  assert.deepEqual(ws.problems, []);
  assert.equal(ws.catalog.file, 'planning/gpu-roadmap.md');
  assert.equal(ws.status.file, 'planning/progress/board.md');
  assert.equal(trackingFileFor(ws, '3'), 'planning/progress/m3.md');
  for (const w of ws.catalog.workItems)
    for (const h of w.hotspots) {
      const lines = readFileSync(path.join(ALT, h.path), 'utf8').split('\n');
      assert.ok(lines.length >= h.endLine && lines[h.line - 1]!.trim() !== '', `${h.path}:${h.line}`);
    }
});

test('a missing catalog and configuration problems are collected with their files', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-ws-'));
  writeFileSync(path.join(dir, '.milestone-scope.yaml'), 'catalog: plan.md\nowner: me\n');
  const ws = await loadWorkspace(dir);
  assert.deepEqual(ws.problems.map((p) => `${p.file}:${p.line}:${p.severity}:${p.code}`), [
    '.milestone-scope.yaml:2:warning:config/unknown-key',
    'plan.md:1:error:catalog/missing',
  ]);
  assert.equal(ws.status.exists, false);
  mkdirSync(path.join(dir, 'docs'));
  writeFileSync(path.join(dir, 'plan.md'), '- Milestone 1 -> work item 4\n');
  const again = await loadWorkspace(dir);
  assert.deepEqual(again.problems.map((p) => `${p.file}:${p.line}:${p.code}`), [
    '.milestone-scope.yaml:2:config/unknown-key',
    'plan.md:1:catalog/unknown-work-item',
  ]);
});
