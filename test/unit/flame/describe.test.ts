import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCompareDocument } from '../../../src/core/flame/compare';
import { buildFlameDocument } from '../../../src/core/flame/flatten';
import { deltaRows, describeNode, sortDeltaRows, spanPath } from '../../../src/webview/flame/describe';
import { loadTrace, s, trace } from './helpers';

test('tooltip numbers for a timeline span: total, self, share of its root, count, fields, counters', () => {
  const doc = buildFlameDocument(loadTrace('forest_single.txt'), 'single');
  const v = doc.views.timeline!;
  const rs = [...Array(v.count).keys()].find((i) => doc.strings[v.name[i]] === 'rs_code_matrix')!;
  const d = describeNode(doc, v, rs);
  assert.equal(d.name, 'rs_code_matrix');
  const rows = Object.fromEntries(d.rows);
  assert.equal(rows.Total, '149ms');
  assert.equal(rows.Self, '149ms');
  assert.equal(rows['Share of root'], '38.4%');
  assert.equal(rows.Count, '1');
  assert.deepEqual(d.counters, [
    ['kernel_count', '12'],
    ['sync_count', '3'],
  ]);
  assert.equal(d.location, undefined);
  assert.equal(spanPath(doc, v, rs), 'stark_prove_excluding_trace > prover.main_trace_commit > prover.commit > stacked_commit > rs_code_matrix');
});

test('chrome spans carry their location and start', () => {
  const doc = buildFlameDocument(loadTrace('chrome_trace.json'), 'chrome');
  const v = doc.views.timeline!;
  const d = describeNode(doc, v, 0);
  assert.equal(d.location, 'src/main.rs:509');
  assert.ok(d.rows.some(([k]) => k === 'Start'));
  assert.deepEqual(d.fields, [['task', '4']]);
});

test('compare rows: baseline, after, change and per-side share', () => {
  const doc = buildCompareDocument(loadTrace('forest_baseline.txt'), loadTrace('forest_after.txt'), { baseline: 'b', after: 'a' });
  const v = doc.views.compare!;
  const rs = [...Array(v.count).keys()].find((i) => doc.strings[v.name[i]] === 'rs_code_matrix')!;
  const rows = Object.fromEntries(describeNode(doc, v, rs).rows);
  assert.equal(rows['Baseline per run'], '149ms');
  assert.equal(rows['After per run'], '89.4ms');
  assert.match(rows.Change, /^-59\.\dms \(-40\.0%\)$/);
  assert.equal(rows['Count (baseline → after)'], '1 → 1');
});

test('delta rows sort by any column in either direction', () => {
  const base = trace([s('root', 100, [s('a', 50), s('b', 30), s('gone', 10)])]);
  const after = trace([s('root', 100, [s('a', 20), s('b', 60), s('new', 5)])]);
  const doc = buildCompareDocument(base, after, { baseline: 'b', after: 'a' });
  const rows = deltaRows(doc, doc.views.compare!);
  const names = (rs: typeof rows) => rs.map((r) => r.name);
  assert.deepEqual(names(sortDeltaRows(rows, 'delta', false)), ['a', 'gone', 'root', 'new', 'b']);
  assert.deepEqual(names(sortDeltaRows(rows, 'delta', true)), ['b', 'new', 'root', 'gone', 'a']);
  assert.deepEqual(names(sortDeltaRows(rows, 'after', true)), ['root', 'b', 'a', 'new', 'gone']);
  assert.deepEqual(names(sortDeltaRows(rows, 'path', false)), ['root', 'root > a', 'root > b', 'root > gone', 'root > new'].map((p) => p.split(' > ').pop()!));
  const gone = rows.find((r) => r.name === 'gone')!;
  assert.equal(gone.change, -1);
  assert.equal(rows.find((r) => r.name === 'new')!.change, Infinity);
  assert.equal(gone.path, 'root > gone');
});

test('span names render as given, markup included (they only ever become text nodes)', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const doc = buildFlameDocument(trace([s(evil, 10, [], { fields: { note: '<b>x</b>' } })]), 'evil');
  const d = describeNode(doc, doc.views.timeline!, 0);
  assert.equal(d.name, evil);
  assert.deepEqual(d.fields, [['note', '<b>x</b>']]);
});
