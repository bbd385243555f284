import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlameDocument } from '../../../src/core/flame/flatten';
import { buildCompareDocument } from '../../../src/core/flame/compare';
import { baselineWidthView, leftHeavyView, proofCount, sandwichOf, sandwichRows, sortSandwichRows } from '../../../src/core/flame/derived';
import { layoutFlame } from '../../../src/core/flame/layout';
import type { FlameDocument, FlameView } from '../../../src/core/flame/data';
import { loadTrace, s, trace } from './helpers';

function names(doc: FlameDocument, v: FlameView, nodes: number[]): string[] {
  return nodes.map((i) => doc.strings[v.name[i]]);
}
function childrenOf(v: FlameView, p: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.count; i++) if (v.parent[i] === p) out.push(i);
  return out;
}

test('left heavy: children and roots sorted by total, heaviest first, laid out left to right', () => {
  const t = trace([
    s('prove', 100, [s('a', 10), s('b', 60, [s('x', 5), s('y', 50)]), s('c', 30)]),
    s('setup', 5),
    s('prove', 100, [s('a', 10), s('b', 60, [s('x', 5), s('y', 50)]), s('c', 30)]),
  ]);
  const doc = buildFlameDocument(t, 't');
  const merged = doc.views.merged!;
  // Merged keeps first-run order.
  assert.deepEqual(names(doc, merged, childrenOf(merged, 0)), ['a', 'b', 'c']);
  const { view, origin } = leftHeavyView(merged);
  assert.equal(view.count, merged.count);
  assert.deepEqual(names(doc, view, childrenOf(view, -1)), ['prove', 'setup']);
  const prove = childrenOf(view, -1)[0];
  assert.deepEqual(names(doc, view, childrenOf(view, prove)), ['b', 'c', 'a']);
  const b = childrenOf(view, prove)[0];
  assert.deepEqual(names(doc, view, childrenOf(view, b)), ['y', 'x']);
  // Starts: children one after another from the parent's start; pre-order kept.
  const kids = childrenOf(view, prove);
  assert.equal(view.start[kids[0]], view.start[prove]);
  assert.equal(view.start[kids[1]], view.start[kids[0]] + view.total[kids[0]]);
  for (let i = 0; i < view.count; i++) {
    assert.ok(view.parent[i] < i);
    // Each node stands for the merged node of the same name and totals.
    assert.equal(merged.name[origin[i]], view.name[i]);
    assert.equal(merged.total[origin[i]], view.total[i]);
    assert.equal(merged.calls[origin[i]], view.calls[i]);
  }
  assert.equal(proofCount(merged), 2);
  // The layout accepts it (children within parents).
  const lay = layoutFlame(view, { lanes: false });
  for (let i = 0; i < view.count; i++) if (view.parent[i] >= 0) assert.ok(lay.x0[i] >= lay.x0[view.parent[i]] && lay.x1[i] <= lay.x1[view.parent[i]] + 1e-9);
});

test('left heavy of a sample trace keeps every node, field and counter', () => {
  const doc = buildFlameDocument(loadTrace('forest_multi.txt'), 'forest_multi.txt');
  const merged = doc.views.merged!;
  const { view, origin } = leftHeavyView(merged);
  assert.equal(view.count, merged.count);
  assert.equal(new Set(origin).size, merged.count);
  for (let i = 0; i < view.count; i++) {
    const o = origin[i];
    assert.equal(view.fieldStart[i + 1] - view.fieldStart[i], merged.fieldStart[o + 1] - merged.fieldStart[o]);
    assert.equal(view.counterStart[i + 1] - view.counterStart[i], merged.counterStart[o + 1] - merged.counterStart[o]);
    if (view.parent[i] >= 0) assert.equal(origin[view.parent[i]], merged.parent[o]);
  }
  for (let i = 0; i < view.count; i++) {
    const kids = childrenOf(view, i).map((k) => view.total[k]);
    assert.deepEqual(kids, [...kids].sort((a, b) => b - a));
  }
});

test('sandwich rows: self sums every span, total counts recursion once', () => {
  const t = trace([s('a', 100, [s('b', 40, [s('a', 30, [s('c', 10)])]), s('c', 20)])]);
  const doc = buildFlameDocument(t, 't');
  const rows = sandwichRows(doc.views.merged!);
  const by = Object.fromEntries(rows.map((r) => [doc.strings[r.name], r]));
  assert.equal(by.a.total, 100); // the nested `a` (30) is inside the outer one
  assert.equal(by.a.self, 40 + 20);
  assert.equal(by.a.calls, 2);
  assert.equal(by.b.total, 40);
  assert.equal(by.b.self, 10);
  assert.equal(by.c.total, 30);
  assert.equal(by.c.self, 30);
  const sorted = sortSandwichRows(rows, doc.strings, 'self', true).map((r) => doc.strings[r.name]);
  assert.deepEqual(sorted, ['a', 'c', 'b']);
  assert.deepEqual(sortSandwichRows(rows, doc.strings, 'name', false).map((r) => doc.strings[r.name]), ['a', 'b', 'c']);
});

test('sandwich of a name: callers inverted above it, callees merged below it', () => {
  const t = trace([
    s('root', 100, [s('p', 50, [s('x', 40, [s('leaf', 30)])]), s('q', 30, [s('x', 20, [s('leaf', 5), s('other', 10)])])]),
  ]);
  const doc = buildFlameDocument(t, 't');
  const merged = doc.views.merged!;
  const lay = layoutFlame(merged, { lanes: false });
  const x = doc.strings.indexOf('x');
  const { callers, callees } = sandwichOf(merged, x, lay.subtreeEnd);
  const cv = callees.view;
  assert.equal(doc.strings[cv.name[0]], 'x');
  assert.equal(cv.total[0], 60);
  assert.equal(cv.calls[0], 2);
  assert.deepEqual(names(doc, cv, childrenOf(cv, 0)), ['leaf', 'other']);
  assert.equal(cv.total[childrenOf(cv, 0)[0]], 35);
  const kv = callers.view;
  assert.equal(kv.total[0], 60);
  assert.deepEqual(names(doc, kv, childrenOf(kv, 0)), ['p', 'q']);
  assert.deepEqual(
    childrenOf(kv, 0).map((i) => kv.total[i]),
    [40, 20],
  );
  const p = childrenOf(kv, 0)[0];
  assert.deepEqual(names(doc, kv, childrenOf(kv, p)), ['root']);
  assert.equal(kv.total[childrenOf(kv, p)[0]], 40);
  // Origins point at merged nodes of the same name.
  for (let i = 0; i < kv.count; i++) assert.equal(merged.name[callers.origin[i]], kv.name[i]);
  for (let i = 0; i < cv.count; i++) assert.equal(merged.name[callees.origin[i]], cv.name[i]);
});

test('baseline widths: a path that disappeared shows at its baseline size', () => {
  const base = trace([s('prove', 100, [s('gone', 60), s('kept', 40)])]);
  const after = trace([s('prove', 50, [s('kept', 50)])]);
  const doc = buildCompareDocument(base, after, { baseline: 'b', after: 'a' });
  const cmp = doc.views.compare!;
  const { view } = baselineWidthView(cmp);
  const lay = layoutFlame(view, { lanes: false });
  const gone = view.name.indexOf(doc.strings.indexOf('gone'));
  // Sides swapped: the widths are the baseline's, the after values ride along.
  assert.equal(view.total[gone], 60);
  assert.equal(view.baseTotal![gone], 0);
  assert.equal(lay.x1[gone] - lay.x0[gone], 60);
  // Heaviest baseline child first.
  assert.deepEqual(names(doc, view, childrenOf(view, 0)), ['gone', 'kept']);
});
