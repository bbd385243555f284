import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFlameDocument } from '../../../src/core/flame/flatten';
import type { FlameView } from '../../../src/core/flame/data';
import {
  ancestry,
  clampRange,
  collectVisible,
  hitTest,
  layoutFlame,
  neighbour,
  panRange,
  rangeOf,
  subsetIndex,
  VisibleBoxes,
  zoomRange,
  type FlameLayout,
  type LayoutInput,
} from '../../../src/core/flame/layout';
import { loadTrace } from './helpers';

/** Checks the invariants every query relies on. */
function assertInvariants(input: LayoutInput, l: FlameLayout): void {
  for (let i = 0; i < l.count; i++) {
    assert.ok(l.x1[i] >= l.x0[i], `node ${i} has non-negative width`);
    const p = input.parent[i];
    if (p >= 0) {
      assert.ok(l.x0[i] >= l.x0[p] && l.x1[i] <= l.x1[p], `node ${i} lies within its parent`);
      assert.equal(l.row[i], l.row[p] + 1);
      assert.equal(l.root[i], l.root[p]);
      assert.ok(l.subtreeEnd[p] >= l.subtreeEnd[i]);
    }
    assert.ok(l.subtreeEnd[i] > i);
    assert.equal(l.rowNodes[l.rowPos[i]], i);
  }
  for (let r = 0; r < l.rowCount; r++) {
    for (let k = l.rowStart[r] + 1; k < l.rowStart[r + 1]; k++) {
      const a = l.rowNodes[k - 1];
      const b = l.rowNodes[k];
      assert.ok(l.x1[a] <= l.x0[b] + 1e-9, `row ${r}: boxes ${a} and ${b} do not overlap`);
    }
  }
}

/** Random forests: parent indices before each node, arbitrary (even overlapping) starts/durations. */
const forest = fc
  .array(
    fc.record({ parentPick: fc.nat(), root: fc.boolean(), start: fc.integer({ min: -50, max: 1000 }), total: fc.integer({ min: -5, max: 400 }), thread: fc.nat(3) }),
    { minLength: 1, maxLength: 80 },
  )
  .map((nodes): LayoutInput => {
    const n = nodes.length;
    const parent = new Int32Array(n);
    const depth = new Uint16Array(n);
    nodes.forEach((node, i) => {
      parent[i] = i === 0 || node.root ? -1 : node.parentPick % i;
      depth[i] = parent[i] < 0 ? 0 : depth[parent[i]] + 1;
    });
    // Re-order into pre-order so descendants follow their ancestors contiguously.
    const children: number[][] = nodes.map(() => []);
    const roots: number[] = [];
    for (let i = 0; i < n; i++) (parent[i] < 0 ? roots : children[parent[i]]).push(i);
    const order: number[] = [];
    const stack = [...roots].reverse();
    while (stack.length) {
      const i = stack.pop()!;
      order.push(i);
      for (let c = children[i].length - 1; c >= 0; c--) stack.push(children[i][c]);
    }
    const newIndex = new Map(order.map((old, k) => [old, k]));
    return {
      count: n,
      parent: Int32Array.from(order, (old) => (parent[old] < 0 ? -1 : newIndex.get(parent[old])!)),
      depth: Uint16Array.from(order, (old) => depth[old]),
      start: Float64Array.from(order, (old) => nodes[old].start),
      total: Float64Array.from(order, (old) => nodes[old].total),
      thread: Uint32Array.from(order, (old) => nodes[old].thread),
    };
  });

test('layout invariants hold for arbitrary forests, with and without lanes', () => {
  fc.assert(
    fc.property(forest, fc.boolean(), (input, lanes) => {
      assertInvariants(input, layoutFlame(input, { lanes }));
    }),
    { numRuns: 500 },
  );
});

test('an empty box sharing its start with a neighbour in another tree sorts before it', () => {
  // Found by the property above: roots 5 and 7 share a sub-lane; empty child 9 ends where 6 starts.
  const input: LayoutInput = {
    count: 10,
    parent: Int32Array.from([-1, 0, 0, 0, 0, -1, 5, -1, 7, 7]),
    depth: Uint16Array.from([0, 1, 1, 1, 1, 0, 1, 0, 1, 1]),
    start: Float64Array.from([0, 0, 0, 0, 0, 548, 0, 512, 0, 0]),
    total: Float64Array.from([0, 0, 0, 0, 0, 1, 1, 36, 36, 0]),
    thread: new Uint32Array(10),
  };
  for (const lanes of [false, true]) assertInvariants(input, layoutFlame(input, { lanes }));
});

test('layout invariants hold for every sample trace, in every view', () => {
  for (const name of ['forest_multi.txt', 'chrome_trace.json', 'folded.txt', 'fmt_close.txt', 'forest_single.txt']) {
    const doc = buildFlameDocument(loadTrace(name), name);
    for (const v of [doc.views.timeline!, doc.views.merged!]) {
      const l = layoutFlame(v, { lanes: v.kind === 'timeline' });
      assertInvariants(v, l);
    }
  }
});

test('chrome timeline: one lane per thread, each with a header row, roots at real times', () => {
  const doc = buildFlameDocument(loadTrace('chrome_trace.json'), 'chrome');
  const v = doc.views.timeline!;
  const l = layoutFlame(v, { lanes: true });
  assert.deepEqual(l.lanes.map((lane) => doc.strings[lane.thread]), ['0', '1']);
  for (const lane of l.lanes) {
    assert.equal(lane.firstRow, lane.headerRow + 1);
    assert.equal(l.rowStart[lane.headerRow + 1] - l.rowStart[lane.headerRow], 0, 'header rows hold no spans');
  }
  // Threads run their roots one after another: no packing rows needed; depth is the tree's.
  const maxDepth = Math.max(...v.depth);
  for (const lane of l.lanes) assert.equal(lane.rows, maxDepth + 1);
  assert.equal(l.domain.start, 0);
});

test('overlapping roots of one thread are packed into extra rows', () => {
  const input: LayoutInput = {
    count: 4,
    parent: Int32Array.from([-1, 0, -1, -1]),
    depth: Uint16Array.from([0, 1, 0, 0]),
    start: Float64Array.from([0, 0, 5, 20]),
    total: Float64Array.from([10, 5, 10, 5]),
    thread: Uint32Array.from([0, 0, 0, 0]),
  };
  const l = layoutFlame(input, { lanes: true });
  assert.equal(l.lanes.length, 1);
  assert.equal(l.lanes[0].headerRow, -1, 'a single unnamed thread needs no header');
  // Root 0 (2 rows deep) in rows 0-1; root 2 overlaps it and goes below; root 3 fits after root 0.
  assert.equal(l.row[0], 0);
  assert.equal(l.row[1], 1);
  assert.equal(l.row[2], 2);
  assert.equal(l.row[3], 0);
  assert.equal(l.rowCount, 3);
});

test('children are clamped into their parent and after their previous sibling', () => {
  const input: LayoutInput = {
    count: 3,
    parent: Int32Array.from([-1, 0, 0]),
    depth: Uint16Array.from([0, 1, 1]),
    start: Float64Array.from([10, 5, 12]),
    total: Float64Array.from([10, 6, 50]),
    thread: new Uint32Array(3),
  };
  const l = layoutFlame(input, { lanes: false });
  assert.deepEqual([l.x0[1], l.x1[1]], [10, 16]);
  assert.deepEqual([l.x0[2], l.x1[2]], [16, 20]);
});

function mergedLayout(): { v: FlameView; l: FlameLayout; names: string[] } {
  const doc = buildFlameDocument(loadTrace('forest_single.txt'), 'single');
  const v = doc.views.merged!;
  return { v, l: layoutFlame(v, { lanes: false }), names: doc.strings };
}

test('visible boxes: only on-screen rows and ranges, coalesced to at most one sliver per pixel', () => {
  const { l } = mergedLayout();
  const out = new VisibleBoxes();
  const full = { x0: l.domain.start, x1: l.domain.end, rowTop: 0, rows: 100, widthPx: 1000 };
  collectVisible(l, full, out);
  const seen = new Set(Array.from(out.node.subarray(0, out.count)));
  // Every box at least a pixel wide is drawn.
  const scale = 1000 / (l.domain.end - l.domain.start);
  for (let i = 0; i < l.count; i++) if ((l.x1[i] - l.x0[i]) * scale >= 1) assert.ok(seen.has(i), `box ${i} drawn`);

  // Rows above the viewport are skipped.
  collectVisible(l, { ...full, rowTop: 2, rows: 1 }, out);
  for (let k = 0; k < out.count; k++) assert.equal(l.row[out.node[k]], 2);

  // At 10 px wide, nothing overlaps: at most 10 boxes a row.
  collectVisible(l, { ...full, widthPx: 10 }, out);
  const perRow = new Map<number, number>();
  for (let k = 0; k < out.count; k++) perRow.set(l.row[out.node[k]], (perRow.get(l.row[out.node[k]]) ?? 0) + 1);
  for (const c of perRow.values()) assert.ok(c <= 10);
});

test('visible boxes stay bounded by rows × width for a huge flat row of tiny spans', () => {
  const n = 200_001;
  const parent = new Int32Array(n).fill(0);
  parent[0] = -1;
  const start = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i - 1));
  const total = Float64Array.from({ length: n }, (_, i) => (i === 0 ? n - 1 : 1));
  const l = layoutFlame({ count: n, parent, depth: Uint16Array.from(parent, (p) => (p < 0 ? 0 : 1)), start, total, thread: new Uint32Array(n) }, { lanes: false });
  const out = new VisibleBoxes();
  collectVisible(l, { x0: 0, x1: n - 1, rowTop: 0, rows: 10, widthPx: 800 }, out);
  assert.ok(out.count <= 1 + 800, `${out.count} boxes`);
  // Adjacent slivers merge into runs: few rectangles, and the row still covers the whole width.
  let covered = 0;
  for (let k = 0; k < out.count; k++) if (l.row[out.node[k]] === 1) covered += out.px1[k] - out.px0[k];
  assert.ok(out.count < 10, `${out.count} rectangles`);
  assert.ok(covered >= 799, `row 1 covers ${covered}px`);
  // Zoomed into a 100-span window, each span is 8 px and drawn individually.
  collectVisible(l, { x0: 1000, x1: 1100, rowTop: 0, rows: 10, widthPx: 800 }, out);
  assert.equal(out.count, 1 + 100);
});

test('hit testing finds the box under a point, with slop for slivers', () => {
  const { l, v, names } = mergedLayout();
  const rs = [...Array(v.count).keys()].find((i) => names[v.name[i]] === 'rs_code_matrix')!;
  const mid = (l.x0[rs] + l.x1[rs]) / 2;
  assert.equal(hitTest(l, l.row[rs], mid), rs);
  assert.equal(hitTest(l, l.row[rs] + 0.5, mid), rs);
  assert.equal(hitTest(l, -1, mid), -1);
  assert.equal(hitTest(l, l.rowCount, mid), -1);
  assert.equal(hitTest(l, 0, l.domain.end + 10), -1);
  assert.equal(hitTest(l, 0, l.domain.end + 10, 20), l.rowNodes[l.rowStart[1] - 1]);
});

test('keyboard neighbours: parent, first child, previous and next in the row', () => {
  const { l, v, names } = mergedLayout();
  const find = (n: string) => [...Array(v.count).keys()].find((i) => names[v.name[i]] === n)!;
  const rs = find('rs_code_matrix');
  const merkle = v.parent[rs] === v.parent[find('merkle_tree')] ? find('merkle_tree') : -1;
  assert.equal(names[v.name[neighbour(l, v.parent, rs, 'parent')]], 'stacked_commit');
  assert.equal(neighbour(l, v.parent, rs, 'next'), merkle);
  assert.equal(neighbour(l, v.parent, merkle, 'previous'), rs);
  const prove = find('stark_prove_excluding_trace');
  assert.equal(names[v.name[neighbour(l, v.parent, prove, 'child')]], 'prover.main_trace_commit');
  assert.equal(neighbour(l, v.parent, prove, 'parent'), -1);
  assert.equal(neighbour(l, v.parent, rs, 'child'), -1);
  assert.equal(neighbour(l, v.parent, -5, 'next'), -1);
  assert.deepEqual(ancestry(v.parent, rs).map((i) => names[v.name[i]]), [
    'stark_prove_excluding_trace',
    'prover.main_trace_commit',
    'prover.commit',
    'stacked_commit',
    'rs_code_matrix',
  ]);
});

test('zoom keeps the anchor point fixed and stays within the domain', () => {
  const { l } = mergedLayout();
  const full = { x0: l.domain.start, x1: l.domain.end };
  const z = zoomRange(l, full, 0.5, 0.25);
  const w = full.x1 - full.x0;
  const anchorBefore = full.x0 + 0.25 * w;
  const anchorAfter = z.x0 + 0.25 * (z.x1 - z.x0);
  assert.ok(Math.abs(anchorBefore - anchorAfter) < 1e-6 * w);
  assert.ok(Math.abs(z.x1 - z.x0 - w / 2) < 1e-6 * w);
  // Zooming out past the whole trace stops at the whole trace.
  assert.deepEqual(zoomRange(l, z, 100, 0.5), full);
  // Panning stops at the edges.
  assert.deepEqual(panRange(l, z, -10 * w), { x0: full.x0, x1: full.x0 + (z.x1 - z.x0) });
  assert.deepEqual(clampRange(l, { x0: NaN, x1: NaN }), full);
  // Zooming in stops at the minimum range.
  let r = full;
  for (let k = 0; k < 200; k++) r = zoomRange(l, r, 0.1, 0.5);
  assert.ok(r.x1 - r.x0 >= 1);
  assert.deepEqual(rangeOf(l, -1), full);
  assert.deepEqual(rangeOf(l, 0), { x0: l.x0[0], x1: l.x1[0] });
});

test('an empty view lays out without rows and a unit domain', () => {
  const l = layoutFlame({ count: 0, parent: new Int32Array(0), depth: new Uint16Array(0), start: new Float64Array(0), total: new Float64Array(0), thread: new Uint32Array(0) }, { lanes: true });
  assert.equal(l.rowCount, 0);
  assert.deepEqual(l.domain, { start: 0, end: 1 });
  const out = new VisibleBoxes();
  collectVisible(l, { x0: 0, x1: 1, rowTop: 0, rows: 10, widthPx: 100 }, out);
  assert.equal(out.count, 0);
  assert.equal(hitTest(l, 0, 0.5), -1);
});

test('slivers merge into runs that are never labelled; a subset index draws chosen spans on their own', () => {
  // Root over 10,000 one-ns children; child 5001 is the only search match.
  const n = 10_001;
  const parent = new Int32Array(n).fill(0);
  parent[0] = -1;
  const start = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i - 1));
  const total = Float64Array.from({ length: n }, (_, i) => (i === 0 ? n - 1 : 1));
  const l = layoutFlame({ count: n, parent, depth: Uint16Array.from(parent, (p) => (p < 0 ? 0 : 1)), start, total, thread: new Uint32Array(n) }, { lanes: false });
  const vp = { x0: 0, x1: n - 1, rowTop: 0, rows: 2, widthPx: 100 };
  const out = new VisibleBoxes();
  const row1 = () => [...Array(out.count).keys()].filter((k) => l.row[out.node[k]] === 1);

  // The row is one run, marked tiny (never labelled); the wide root is not tiny.
  collectVisible(l, vp, out);
  assert.equal(row1().length, 1);
  assert.equal(out.tiny[row1()[0]], 1);
  assert.deepEqual([out.px0[row1()[0]], out.px1[row1()[0]]], [0, 100]);
  assert.equal(out.tiny[[...Array(out.count).keys()].find((k) => out.node[k] === 0)!], 0);

  // The subset holds the match only: drawn as its own one-pixel sliver where it lies.
  const mask = new Uint8Array(n);
  mask[5001] = 1;
  const index = subsetIndex(l, mask);
  assert.deepEqual(Array.from(index.rowNodes), [5001]);
  assert.deepEqual(Array.from(index.rowStart), [0, 0, 1]);
  collectVisible(l, vp, out, { index });
  assert.equal(out.count, 1);
  assert.equal(out.node[0], 5001);
  assert.deepEqual([out.px0[0], out.px1[0], out.tiny[0]], [50, 51, 1]);

  // Zoomed so each child is 2px wide: boxes by default, slivers under a 2.5px minimum.
  collectVisible(l, { ...vp, x0: 0, x1: 50 }, out);
  assert.ok(row1().every((k) => out.tiny[k] === 0));
  assert.equal(row1().length, 50);
  collectVisible(l, { ...vp, x0: 0, x1: 50 }, out, { minWidthPx: 2.5 });
  assert.ok(row1().every((k) => out.tiny[k] === 1));
});
