import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCatalog } from '../../../src/core/catalog/parse';
import { findMilestone, type Catalog } from '../../../src/core/catalog/model';
import { escapeMarkdown, placementText, renderMilestone, shortTitle, statusLine } from '../../../src/extension/milestoneMarkdown';

const here = path.dirname(fileURLToPath(import.meta.url));
const CATALOG_FILE = 'docs/metal-backend-optimization-milestones.md';
const catalog: Catalog = parseCatalog(readFileSync(path.resolve(here, '../../fixtures/stark-backend-metal', CATALOG_FILE), 'utf8'), CATALOG_FILE);

test('milestone 2: its work item, hotspots with where they are now, Problem and Target', () => {
  const m2 = findMilestone(catalog, '2')!;
  const md = renderMilestone(catalog, m2, {
    status: { status: 'in_progress', owner: 'dev', started: '2026-11-24', base: '0123456789abcdef' },
    placement: (ref) =>
      ref.line === 110
        ? { path: ref.path, line: 113, state: 'current' }
        : ref.line === 129
          ? { path: ref.path, line: 132, state: 'edited' }
          : { path: ref.path, line: 146, state: 'removed' },
  });
  assert.match(md, /^# Milestone 2: Remove per-copy synchronization/);
  assert.match(md, /Status: in progress · owner dev · since 2026-11-24 · base 0123456789\n/);
  assert.match(md, /## Work item 1: Remove per-copy synchronization/);
  assert.match(md, /1\. `crates\/metal-backend\/src\/stacked_pcs\.rs:110` \(moved to line 113\)/);
  assert.match(md, /2\. `crates\/metal-backend\/src\/stacked_pcs\.rs:129` \(edited, now line 132\)/);
  assert.match(md, /3\. .*stacked_pcs\.rs:146`.*\(removed \(was near line 146\)\)/);
  assert.match(md, /\*\*Problem\*\*\n\n- `command::blit_operation`/);
  assert.match(md, /\*\*Target\*\*\n\n- Batch all blit copies/);
  assert.ok(!md.includes('Work item 2'), 'only the milestone\'s own work item');
});

test('a work item alone (Problem and Target of one hotspot)', () => {
  const m1 = findMilestone(catalog, '1')!;
  const md = renderMilestone(catalog, m1, { workItemId: '2' });
  assert.match(md, /## Work item 2: Reduce synchronous kernel dispatch/);
  assert.match(md, /Status: not started \(no row in STATUS\.md\)/);
  assert.match(md, /repeated use in: .*stacked_reduction\.rs:77/);
});

test('a baseline milestone says it has no hotspots', () => {
  const m0 = findMilestone(catalog, '0')!;
  assert.match(renderMilestone(catalog, m0), /no optimisation scope of its own: no hotspots/);
});

test('a mapping to a work item the catalog lacks is said, not dropped', () => {
  const broken: Catalog = { ...catalog, milestones: [{ id: '9', title: 'Ghost', scope: { kind: 'work-items', workItems: ['42'] }, line: 3 }] };
  assert.match(renderMilestone(broken, broken.milestones[0]!), /Work item 42 is mapped to this milestone but is not in the catalog\./);
});

test('placement texts', () => {
  const ref = catalog.workItems[0]!.hotspots[0]!;
  assert.equal(placementText(ref, { path: ref.path, line: ref.line, state: 'current' }), 'unchanged');
  assert.equal(placementText(ref, { path: 'crates/metal-backend/src/stacked.rs', line: 111, state: 'current' }), 'moved to crates/metal-backend/src/stacked.rs:111');
  assert.equal(placementText(ref, { path: ref.path, line: 1, state: 'removed', unresolved: 'x.rs does not exist' }), 'cannot be placed: x.rs does not exist');
  assert.equal(placementText(ref, undefined), '');
});

test('escaping, short titles and status lines', () => {
  assert.equal(escapeMarkdown('a*b_[c](d) #e'), 'a\\*b\\_\\[c\\]\\(d\\) \\#e');
  assert.equal(shortTitle('Remove per-copy synchronization in stacked trace assembly', 32), 'Remove per-copy synchronization…');
  assert.equal(shortTitle('Short', 32), 'Short');
  assert.equal(shortTitle('Supercalifragilisticexpialidocious-and-more', 12), 'Supercalifr…');
  assert.equal(statusLine(undefined), 'Status: not started (no row in STATUS.md)');
  assert.equal(statusLine({ status: 'blocked', owner: 'carol' }), 'Status: blocked · owner carol');
});
