import { parseMarkdownCatalog } from '../../../src/core/catalog/markdownCatalog';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backtickedNames, highlightNamesForWorkItems, matchesHighlight } from '../../../src/core/flame/highlight';
import type { WorkItem } from '../../../src/core/catalog/model';

test('backticked span names are picked out; paths, line references and expressions are not', () => {
  assert.deepEqual(backtickedNames('Remove per-copy synchronization in stacked trace assembly (`rs_code_matrix` path)'), ['rs_code_matrix']);
  assert.deepEqual(backtickedNames('`command::blit_operation` is called repeatedly; see `crates/metal-backend/src/stacked_pcs.rs:110`'), ['command::blit_operation']);
  assert.deepEqual(backtickedNames('Unnecessary `to_host()` / `to_device()` copies'), ['to_host', 'to_device']);
  assert.deepEqual(backtickedNames('compatibility with `stride == 1` and `stride > 1` and `tmp_p/tmp_q`'), ['stride']);
  assert.deepEqual(backtickedNames('`prover.main_trace_commit > stacked_commit > rs_code_matrix` (~36%)'), ['prover.main_trace_commit', 'stacked_commit', 'rs_code_matrix']);
  assert.deepEqual(backtickedNames('no backticks here'), []);
  assert.deepEqual(backtickedNames('unclosed `rs_code_matrix'), []);
});

test('names come from the title, problem and target of every work item, once each', () => {
  const item = (id: string, title: string, problem: string[], target: string[]): WorkItem => ({ id, title, hotspots: [], problem, target, line: 1 });
  const names = highlightNamesForWorkItems([
    item('1', 'Remove sync (`rs_code_matrix` path)', ['`command::blit_operation` in a loop'], ['Keep `rs_code_matrix` output']),
    item('6', 'Make `batch_ntt_small` device-aware', [], []),
  ]);
  assert.deepEqual(names, ['rs_code_matrix', 'command::blit_operation', 'batch_ntt_small']);
});

test('a span matches a name exactly or by its last path segment', () => {
  const names = new Set(['rs_code_matrix', 'command::blit_operation']);
  assert.ok(matchesHighlight('rs_code_matrix', names));
  assert.ok(matchesHighlight('blit_operation', names));
  assert.ok(matchesHighlight('metal::rs_code_matrix', names));
  assert.ok(!matchesHighlight('rs_code_matrix_extra', names));
  assert.ok(!matchesHighlight('merkle_tree', names));
  assert.ok(!matchesHighlight('anything', new Set()));
});

test('work-item titles keep their backticks in the model: highlighted names come from the parsed catalog alone', () => {
  const catalog = parseMarkdownCatalog(
    ['# Catalog', '', '1) Remove per-copy synchronization (`rs_code_matrix` path)', '- Current hotspot: `src/a.rs:3`', '- Problem: `command::blit_operation` in a loop', ''].join('\n'),
    'c.md',
  );
  const item = catalog.workItems[0]!;
  assert.equal(item.title, 'Remove per-copy synchronization (rs_code_matrix path)');
  assert.equal(item.writtenTitle, 'Remove per-copy synchronization (`rs_code_matrix` path)');
  assert.deepEqual(highlightNamesForWorkItems([item]), ['rs_code_matrix', 'command::blit_operation']);
  const heading = parseMarkdownCatalog('## Milestone 2: Batch `stacked_reduce` dispatch\n\n- `src/a.rs:3`\n', 'c.md').workItems[0]!;
  assert.equal(heading.writtenTitle, 'Batch `stacked_reduce` dispatch');
  assert.deepEqual(highlightNamesForWorkItems([heading]), ['stacked_reduce']);
  const hand: WorkItem = { id: '1', title: 'plain title', hotspots: [], problem: ['`a_b`'], target: [], line: 2 };
  assert.deepEqual(highlightNamesForWorkItems([hand]), ['a_b'], 'a hand-built item without writtenTitle still works');
});
