import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdownCatalog } from '../../../src/core/catalog/markdownCatalog';
import { parseCatalog } from '../../../src/core/catalog/parse';
import { findMilestone, milestoneHotspots, type Catalog } from '../../../src/core/catalog/model';
import { ALT, CATALOG, METAL, PROMPT_HOTSPOTS, PROMPT_MAPPING, fixtureText } from './helpers';

const refs = (c: Catalog, id: string) => c.workItems.find((w) => w.id === id)!.hotspots.map((h) => `${h.path}:${h.line}${h.endLine !== h.line ? `-${h.endLine}` : ''}`);
const codes = (c: Catalog) => c.problems.map((p) => `${p.line}:${p.severity}:${p.code}`);

test("the prompt's catalog: six work items with exactly its hotspots, Problem and Target", () => {
  const c = parseMarkdownCatalog(fixtureText(METAL, CATALOG), CATALOG);
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.workItems.map((w) => w.id), ['1', '2', '3', '4', '5', '6']);
  for (const [id, expected] of Object.entries(PROMPT_HOTSPOTS)) assert.deepEqual(refs(c, id), expected, `work item ${id}`);
  const w1 = c.workItems[0]!;
  assert.equal(w1.title, 'Remove per-copy synchronization in stacked trace assembly (rs_code_matrix path)');
  assert.deepEqual(w1.problem, ['`command::blit_operation` is called repeatedly in a loop, forcing repeated command-buffer sync.']);
  assert.deepEqual(w1.target, [
    'Batch all blit copies into one command buffer with one sync, or replace with one packing kernel.',
    'Keep same output layout and zero-fill semantics.',
  ]);
  assert.equal(c.workItems[5]!.title, 'Make batch_ntt_small threadgroup/shared-memory sizing device-aware');
});

test('every element keeps its source line and column; labels before references are kept', () => {
  const text = fixtureText(METAL, CATALOG);
  const lines = text.split('\n');
  const c = parseMarkdownCatalog(text, CATALOG);
  for (const w of c.workItems) {
    assert.match(lines[w.line - 1]!, new RegExp(`^${w.id}\\) `), `work item ${w.id} line`);
    for (const h of w.hotspots) {
      const line = lines[h.source.line - 1]!;
      assert.equal(line.slice(h.source.column - 1, h.source.endColumn - 1), '`' + `${h.path}:${h.line}` + '`');
    }
  }
  const w3 = c.workItems.find((w) => w.id === '3')!;
  assert.deepEqual(w3.hotspots.map((h) => h.label), ['Root extraction', 'Per-layer H2D digest copies', 'Generic matrix D2H path', 'Column openings conversion path']);
  const w2 = c.workItems.find((w) => w.id === '2')!;
  assert.deepEqual(w2.hotspots.map((h) => h.label), [undefined, 'repeated use in', 'repeated use in', 'repeated reductions in']);
  for (const m of c.milestones) assert.match(lines[m.line - 1]!, new RegExp(`^- Milestone ${m.id} -> `));
});

test("the prompt's mapping: milestones 0-7 in order, 0 baseline, 7 validation, the rest work items", () => {
  const c = parseMarkdownCatalog(fixtureText(METAL, CATALOG), CATALOG);
  assert.deepEqual(c.milestones.map((m) => m.id), ['0', '1', '2', '3', '4', '5', '6', '7']);
  assert.equal(c.milestones[0]!.scope.kind, 'baseline');
  assert.equal(c.milestones[7]!.scope.kind, 'validation');
  assert.equal(c.milestones[7]!.title, 'End-to-end validation/reporting only (no new optimization scope)');
  for (const [m, w] of Object.entries(PROMPT_MAPPING)) {
    assert.deepEqual(findMilestone(c, m)!.scope, { kind: 'work-items', workItems: [w] });
  }
  assert.equal(findMilestone(c, 'M2')!.title, c.workItems[0]!.title);
  assert.deepEqual(milestoneHotspots(c, findMilestone(c, '2')!).map((h) => h.line), [110, 129, 146]);
  assert.deepEqual(milestoneHotspots(c, findMilestone(c, '0')!), []);
});

test('heading style: `## Milestone N: Title` with Hotspots lists, links, #L and ranges', () => {
  const file = 'planning/gpu-roadmap.md';
  const c = parseCatalog(fixtureText(ALT, file), file);
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.milestones.map((m) => [m.id, m.scope.kind, m.title]), [
    ['0', 'baseline', 'Profiling harness'],
    ['1', 'work-items', 'Batch column blits into one submission'],
    ['2', 'work-items', 'Stage-level reduction dispatch'],
    ['3', 'work-items', 'Padding without a second buffer'],
    ['4', 'validation', 'Final validation and report'],
  ]);
  assert.deepEqual(refs(c, '1'), ['gpu/prover-kernels/src/commit.rs:44', 'gpu/prover-kernels/src/commit.rs:45', 'gpu/prover-kernels/src/commit.rs:41-47']);
  assert.deepEqual(refs(c, '2'), ['gpu/prover-kernels/src/dispatch.rs:23-26', 'gpu/prover-kernels/src/dispatch.rs:38-43']);
  assert.deepEqual(refs(c, '3'), ['gpu/prover-kernels/src/commit.rs:61', 'gpu/prover-kernels/src/commit.rs:62-66']);
  const w1 = c.workItems.find((w) => w.id === '1')!;
  assert.deepEqual(w1.hotspots.map((h) => h.label), [undefined, 'Per-column wait', 'Loop body']);
  assert.deepEqual(w1.problem, ['Every column is blitted and waited for on its own, so wide traces pay one sync per column.']);
  assert.deepEqual(w1.target, ['One submission per commit, with a single wait.', 'Same packed layout and zero fill.']);
  assert.equal(c.workItems.find((w) => w.id === '2')!.hotspots[0]!.label, 'dispatch_sync');
  assert.deepEqual(c.workItems.find((w) => w.id === '2')!.target, ['use `dispatch_stage` for the whole tree where ordering allows.']);
});

test('a mapping to an undefined work item is an error at the mapping line', () => {
  const text = ['1) Only item', '- Current hotspot:', '  - `a/b.rs:1`', '', '- Milestone 1 -> work item 1', '- Milestone 2 -> work item 9', ''].join('\n');
  const c = parseMarkdownCatalog(text, 'c.md');
  assert.deepEqual(codes(c), ['6:error:catalog/unknown-work-item']);
  assert.match(c.problems[0]!.message, /milestone 2 maps to work item 9/);
  assert.equal(c.milestones.length, 2, 'the milestone is kept so it can still be shown');
});

test('malformed work items: bad ranges, bare paths, unlabelled entries and unknown fields are reported with lines', () => {
  const text = [
    '# Catalog', // 1
    '', // 2
    '1) First', // 3
    '- Current hotspots:', // 4
    '  - `a/b.rs:20-10`', // 5
    '  - `a/b.rs`', // 6
    '  - somewhere in the allocator', // 7
    '  - `a/c.rs:5`', // 8
    '- Owner: someone', // 9
    '- just a sentence', // 10
    '- Problem: slow', // 11
    '', // 12
    '2) Second', // 13
    '- Target: faster', // 14
    '', // 15
    'Milestone-to-work mapping:', // 16
    '- Milestone 1 -> work item 1', // 17
    '- Milestone 2 -> work item 2', // 18
    '- Milestone 3 -> ???', // 19
    '- Milestone 1 -> work item 2', // 20
    '',
  ].join('\n');
  const c = parseMarkdownCatalog(text, 'c.md');
  assert.deepEqual(codes(c), [
    '5:error:catalog/hotspot-bad-line',
    '6:warning:catalog/hotspot-no-line',
    '7:warning:catalog/hotspot-not-understood',
    '9:warning:catalog/unknown-field',
    '10:warning:catalog/unknown-field',
    '13:warning:catalog/no-hotspots',
    '19:error:catalog/mapping-not-understood',
    '20:error:catalog/duplicate-milestone',
  ]);
  assert.deepEqual(refs(c, '1'), ['a/c.rs:5'], 'the good reference survives next to the bad ones');
  assert.deepEqual(c.workItems[0]!.problem, ['slow']);
  assert.deepEqual(c.workItems[1]!.target, ['faster']);
  const col = c.problems.find((p) => p.code === 'catalog/hotspot-bad-line')!;
  assert.equal(col.column, 5);
});

test('duplicate work items, empty heading milestones and catalogs without a mapping are reported', () => {
  const dup = parseMarkdownCatalog(['1) A', '- Current hotspot: `a.rs:1`', '', '1) B', '- Current hotspot: `b.rs:2`', '', '- Milestone 1 -> work item 1', ''].join('\n'), 'c.md');
  assert.deepEqual(codes(dup), ['4:error:catalog/duplicate-work-item']);
  const inline = dup.workItems[0]!.hotspots[0]!;
  assert.equal(inline.label, undefined, 'the field label is not the hotspot label');
  assert.deepEqual([inline.path, inline.line], ['a.rs', 1]);

  const empty = parseMarkdownCatalog(['## Milestone 5: Think about it', '', 'Some prose.', ''].join('\n'), 'c.md');
  assert.deepEqual(codes(empty), ['1:warning:catalog/milestone-empty']);

  const orphan = parseMarkdownCatalog(['**1) Bold title**', '', '- Current hotspot: `a.rs:1`', '- Problem: slow', ''].join('\n'), 'c.md');
  assert.deepEqual(codes(orphan), ['1:warning:catalog/no-milestones', '3:warning:catalog/orphan-fields']);

  const none = parseMarkdownCatalog('# Nothing here\n\nJust prose.\n', 'c.md');
  assert.deepEqual(codes(none), ['1:warning:catalog/no-milestones']);
});

test('heading style with explicit work items, sub-headings and a mapping section with colons', () => {
  const text = [
    '### Work item 1: Batch copies', // 1
    '', // 2
    '- Hotspots:', // 3
    '  - [x](/src/a.rs#L10-L12)', // 4
    '', // 5
    '## Milestone 2a: Reuse it', // 6
    '', // 7
    'Work items: 1', // 8
    '', // 9
    '## Milestone-to-work mapping', // 10
    '', // 11
    '- Milestone 3: validation only', // 12
    '- Milestone 4: work item 1', // 13
    '- Milestone 5 is later', // 14
    '',
  ].join('\n');
  const c = parseMarkdownCatalog(text, 'docs/c.md');
  assert.deepEqual(c.workItems.map((w) => [w.id, w.title, w.hotspots.map((h) => `${h.path}:${h.line}-${h.endLine}`)]), [['1', 'Batch copies', ['src/a.rs:10-12']]]);
  assert.deepEqual(c.milestones.map((m) => [m.id, m.scope.kind, m.title]), [
    ['2a', 'work-items', 'Reuse it'],
    ['3', 'validation', 'Validation only'],
    ['4', 'work-items', 'Batch copies'],
  ]);
  assert.deepEqual(codes(c), ['14:error:catalog/mapping-not-understood']);
});

test('CRLF catalogs parse the same', () => {
  const text = fixtureText(METAL, CATALOG);
  const lf = parseMarkdownCatalog(text, CATALOG);
  const crlf = parseMarkdownCatalog(text.replace(/\n/g, '\r\n'), CATALOG);
  assert.deepEqual(crlf.workItems, lf.workItems);
  assert.deepEqual(crlf.milestones, lf.milestones);
});

test('**Problem:** … **Target:** … in one paragraph: two fields, on one line or on consecutive lines', () => {
  const text = [
    '## Milestone 2: Stage-level reduction dispatch',
    '',
    '- `gpu/src/dispatch.rs:38-43`',
    '',
    '**Problem:** the reduction dispatches one kernel per level. **Target:** use `dispatch_stage` for the tree.',
    '',
    '## Milestone 3: Blits',
    '',
    '- `gpu/src/commit.rs:44`',
    '',
    '**Problem**: every column waits on its own;',
    '**Target**: one wait per commit',
    '',
    '## Milestone 4: Plain labels',
    '',
    '- `gpu/src/commit.rs:41`',
    '',
    'Problem: a target: inside a sentence stays text',
    'Target: one submission',
    '',
  ].join('\n');
  const c = parseMarkdownCatalog(text, 'plan.md');
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.workItems.map((w) => [w.problem, w.target]), [
    [['the reduction dispatches one kernel per level.'], ['use `dispatch_stage` for the tree.']],
    [['every column waits on its own;'], ['one wait per commit']],
    [['a target: inside a sentence stays text'], ['one submission']],
  ]);
});
