import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlameDocument, mergeByPath, timelineView } from '../../../src/core/flame/flatten';
import { StringTable, type FlameDocument, type FlameView } from '../../../src/core/flame/data';
import { loadTrace, s, trace } from './helpers';

function nodesNamed(doc: FlameDocument, view: FlameView, name: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < view.count; i++) if (doc.strings[view.name[i]] === name) out.push(i);
  return out;
}

function fieldsOf(doc: FlameDocument, view: FlameView, i: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = view.fieldStart[i]; k < view.fieldStart[i + 1]; k++) out[doc.strings[view.fieldData[2 * k]]] = doc.strings[view.fieldData[2 * k + 1]];
  return out;
}

function countersOf(doc: FlameDocument, view: FlameView, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = view.counterStart[i]; k < view.counterStart[i + 1]; k++) out[doc.strings[view.counterName[k]]] = view.counterValue[k];
  return out;
}

test('timeline of a forest trace: every span once, pre-order, laid out one after another', () => {
  const t = loadTrace('forest_multi.txt');
  const doc = buildFlameDocument(t, 'forest_multi.txt');
  const v = doc.views.timeline!;
  assert.equal(v.count, t.spanCount);
  assert.equal(v.timed, false);
  for (let i = 0; i < v.count; i++) assert.ok(v.parent[i] < i, `parent of ${i} comes first`);
  // Roots follow each other without gaps, in file order.
  const roots = [...Array(v.count).keys()].filter((i) => v.parent[i] < 0);
  assert.equal(roots.length, t.roots.length);
  for (let r = 1; r < roots.length; r++) {
    assert.equal(v.start[roots[r]], v.start[roots[r - 1]] + v.total[roots[r - 1]]);
  }
  // A first child starts where its parent starts; siblings follow each other.
  const prove = roots.find((r) => doc.strings[v.name[r]] === 'stark_prove_excluding_trace')!;
  assert.equal(v.parent[prove + 1], prove);
  assert.equal(v.start[prove + 1], v.start[prove]);
  // Forest traces name no threads.
  assert.ok([...v.thread].every((x) => x === 0));
});

test('timeline of a chrome trace uses real start times from the earliest root and keeps threads and locations', () => {
  const t = loadTrace('chrome_trace.json');
  const doc = buildFlameDocument(t, 'chrome_trace.json');
  const v = doc.views.timeline!;
  assert.equal(v.timed, true);
  const roots = [...Array(v.count).keys()].filter((i) => v.parent[i] < 0);
  assert.equal(Math.min(...roots.map((r) => v.start[r])), 0);
  const origin = Math.min(...t.roots.map((r) => r.startNs!));
  assert.equal(v.start[roots[1]], t.roots[1].startNs! - origin);
  const threads = new Set(roots.map((r) => doc.strings[v.thread[r]]));
  assert.deepEqual([...threads].sort(), ['0', '1']);
  const gen = nodesNamed(doc, v, 'generate_trace')[0];
  assert.equal(doc.strings[v.file[gen]], 'src/main.rs');
  assert.equal(v.line[gen], 509);
});

test('spans carry their fields and the numeric fields of their events as counters', () => {
  const doc = buildFlameDocument(loadTrace('forest_single.txt'), 'single');
  const v = doc.views.timeline!;
  const rs = nodesNamed(doc, v, 'rs_code_matrix')[0];
  assert.deepEqual(countersOf(doc, v, rs), { kernel_count: 12, sync_count: 3 });
  const prove = nodesNamed(doc, v, 'stark_prove_excluding_trace')[0];
  assert.deepEqual(fieldsOf(doc, v, prove), { phase: 'prover' });
  assert.deepEqual(countersOf(doc, v, prove), { num_airs_present: 3 });
  // A message-only event (GPU mem) has no numeric fields: no counters on stacked_commit from it.
  const stacked = nodesNamed(doc, v, 'stacked_commit')[0];
  assert.deepEqual(countersOf(doc, v, stacked), { height: 1048576, width: 84 });
});

test('merged view: roots of all proofs merged by span path, with calls, sums and field summaries', () => {
  const t = loadTrace('forest_multi.txt');
  const doc = buildFlameDocument(t, 'multi');
  const m = doc.views.merged!;
  const tl = doc.views.timeline!;
  const roots = [...Array(m.count).keys()].filter((i) => m.parent[i] < 0);
  assert.deepEqual(
    roots.map((r) => [doc.strings[m.name[r]], m.calls[r]]),
    [
      ['generate_trace', 8],
      ['transport_pk_to_device', 8],
      ['stark_prove_excluding_trace', 8],
    ],
  );
  const rsMerged = nodesNamed(doc, m, 'rs_code_matrix');
  assert.equal(rsMerged.length, 1);
  const rsTimeline = nodesNamed(doc, tl, 'rs_code_matrix');
  assert.equal(m.calls[rsMerged[0]], rsTimeline.length);
  const sum = rsTimeline.reduce((a, i) => a + tl.total[i], 0);
  assert.ok(Math.abs(m.total[rsMerged[0]] - sum) < 1e-6);
  assert.equal(countersOf(doc, m, rsMerged[0]).kernel_count, 12 * 8);
  // `task` differs between the merged generate_trace spans.
  assert.equal(fieldsOf(doc, m, roots[0]).task, '8 values');
  // The three whir merkle_tree calls under one parent merge into one node of 3 calls per proof.
  const merkle = nodesNamed(doc, m, 'merkle_tree').map((i) => m.calls[i]).sort((a, b) => a - b);
  assert.deepEqual(merkle, [8, 24]);
  // Children are laid out inside their parent, from its start.
  for (let i = 0; i < m.count; i++) {
    const p = m.parent[i];
    if (p < 0) continue;
    assert.ok(m.start[i] >= m.start[p] && m.start[i] + m.total[i] <= m.start[p] + m.total[p] + 1e-6);
  }
});

test('merging keeps first-appearance order of children', () => {
  const roots = mergeByPath([s('r', 10, [s('b', 2), s('a', 3)]), s('r', 10, [s('a', 1), s('c', 1)])]);
  assert.deepEqual(roots[0].children.map((c) => c.name), ['b', 'a', 'c']);
  assert.equal(roots[0].children[1].total, 4);
});

test('deep traces do not overflow the call stack', () => {
  let leaf = s('leaf', 1);
  for (let d = 0; d < 20000; d++) leaf = s(`d${d % 7}`, 1, [leaf]);
  const strings = new StringTable();
  const v = timelineView(trace([leaf]), strings);
  assert.equal(v.count, 20001);
  assert.equal(v.depth[20000], 20000);
});

test('the document reports unparsed lines with their line numbers', () => {
  const t = trace([s('a', 5)], { unparsed: [{ line: 7, text: 'garbage', reason: 'not a span line' }] });
  const doc = buildFlameDocument(t, 'x');
  assert.equal(doc.unparsedCount, 1);
  assert.deepEqual(doc.unparsed[0], { line: 7, text: 'garbage', reason: 'not a span line' });
});
