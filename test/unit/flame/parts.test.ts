import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlameDocument } from '../../../src/core/flame/data';
import { buildFlameDocument, joinParts } from '../../../src/core/flame/flatten';
import { formatPhases, parseMarks, type PhaseMark } from '../../../src/core/flame/phases';
import { parseFromWebview } from '../../../src/webview/flame/protocol';
import { loadTrace } from './helpers';

test('a document in two parts: the merged view first (pending timeline), then the timeline; joined they equal the whole', () => {
  const trace = loadTrace('forest_multi.txt');
  const whole = buildFlameDocument(trace, 'multi');
  const marks: PhaseMark[] = [['start', 0]];
  let first: FlameDocument | undefined;
  let timelineBuiltBeforeFirst = false;
  const rest = buildFlameDocument(trace, 'multi', {
    marks,
    onFirst: (d) => {
      first = d;
      timelineBuiltBeforeFirst = marks.some(([n]) => n === 'timeline');
    },
  });
  assert.ok(first, 'the first part was handed over');
  assert.equal(timelineBuiltBeforeFirst, false, 'before the timeline was built');
  assert.deepEqual(Object.keys(first.views), ['merged']);
  assert.deepEqual(first.pending, ['timeline']);
  assert.ok(first.views.merged!.layout, 'the merged view comes laid out');
  assert.equal(rest.adds, true);
  assert.deepEqual(Object.keys(rest.views), ['timeline']);
  assert.equal(rest.views.timeline!.layout, undefined, 'the timeline travels without its layout');
  assert.deepEqual(rest.strings.slice(0, first.strings.length), first.strings, 'the string table only grows');
  assert.deepEqual(marks.map(([n]) => n), ['start', 'merged', 'timeline']);

  const joined = joinParts(first, rest);
  assert.equal(joined.pending, undefined);
  assert.equal(joined.adds, undefined);
  // Same views as the document built in one go, name for name (string indices may differ).
  for (const kind of ['timeline', 'merged'] as const) {
    const a = joined.views[kind]!;
    const b = whole.views[kind]!;
    assert.equal(a.count, b.count);
    assert.deepEqual([...a.total], [...b.total]);
    assert.deepEqual([...a.parent], [...b.parent]);
    assert.deepEqual([...a.name].map((i) => joined.strings[i]), [...b.name].map((i) => whole.strings[i]));
  }
});

test('phases: marks read as the time between them; marks from the webview are checked', () => {
  assert.equal(formatPhases([['command', 100], ['worker parsed', 350], ['webview drawn', 360]]), 'worker parsed 250 ms, webview drawn 10 ms');
  assert.deepEqual(parseMarks([['delivered', 1], ['drawn', 2]]), [['delivered', 1], ['drawn', 2]]);
  assert.equal(parseMarks([['drawn', Infinity]]), undefined);
  assert.equal(parseMarks([['x'.repeat(41), 1]]), undefined);
  assert.equal(parseMarks('drawn'), undefined);
  assert.deepEqual(parseFromWebview({ type: 'drawn', id: 3, marks: [['drawn', 5]] }), { ok: true, value: { type: 'drawn', id: 3, marks: [['drawn', 5]] } });
  assert.equal(parseFromWebview({ type: 'drawn', id: 3, marks: [[1, 2]] }).ok, false);
});
