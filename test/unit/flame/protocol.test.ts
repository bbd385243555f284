import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromWebview, parsePanelSource, parseWebviewState } from '../../../src/webview/flame/protocol';

test('valid webview messages pass validation unchanged', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  assert.deepEqual(parseFromWebview({ type: 'openSource', view: 'merged', node: 12, toSide: true }), {
    ok: true,
    value: { type: 'openSource', view: 'merged', node: 12, toSide: true },
  });
  assert.deepEqual(parseFromWebview({ type: 'openSource', view: 'compare', node: 0 }), {
    ok: true,
    value: { type: 'openSource', view: 'compare', node: 0, toSide: false },
  });
  const long = parseFromWebview({ type: 'error', message: 'x'.repeat(10000) });
  assert.ok(long.ok && long.value.type === 'error' && long.value.message.length === 4096);
});

test('malformed webview messages are rejected with a reason', () => {
  const bad: unknown[] = [
    null,
    'ready',
    [],
    { type: 'nope' },
    { type: 'openSource', view: 'flame', node: 1 },
    { type: 'openSource', view: 'merged', node: -1 },
    { type: 'openSource', view: 'merged', node: 1.5 },
    { type: 'openSource', view: 'merged', node: '3' },
    { type: 'openSource', view: 'merged' },
    { type: 'error', message: 42 },
    { type: { toString: () => 'ready' } },
  ];
  for (const m of bad) {
    const r = parseFromWebview(m);
    assert.equal(r.ok, false, JSON.stringify(m));
    assert.ok(!r.ok && r.error.length > 0);
  }
});

test('panel sources', () => {
  assert.deepEqual(parsePanelSource({ kind: 'trace', uri: 'file:///a.txt' }), { kind: 'trace', uri: 'file:///a.txt' });
  assert.deepEqual(parsePanelSource({ kind: 'compare', baseline: 'file:///a', after: 'file:///b', extra: 1 }), { kind: 'compare', baseline: 'file:///a', after: 'file:///b' });
  assert.equal(parsePanelSource({ kind: 'trace', uri: '' }), undefined);
  assert.equal(parsePanelSource({ kind: 'compare', baseline: 'file:///a' }), undefined);
  assert.equal(parsePanelSource({ kind: 'trace', uri: 'x'.repeat(5000) }), undefined);
  assert.equal(parsePanelSource(undefined), undefined);
});

test('restored state keeps what is valid and drops the rest', () => {
  const state = parseWebviewState({
    version: 1,
    source: { kind: 'trace', uri: 'file:///t.txt' },
    view: 'merged',
    ranges: { merged: { x0: 5, x1: 10 }, timeline: { x0: 10, x1: 5 }, compare: { x0: 0, x1: Infinity } },
    zoomed: { merged: 3, timeline: -2 },
    scrollTop: 40,
    search: 'rs_code',
    sort: { column: 'delta', descending: true },
  });
  assert.deepEqual(state, {
    version: 1,
    source: { kind: 'trace', uri: 'file:///t.txt' },
    view: 'merged',
    ranges: { merged: { x0: 5, x1: 10 } },
    zoomed: { merged: 3 },
    scrollTop: 40,
    search: 'rs_code',
    sort: { column: 'delta', descending: true },
  });
  assert.deepEqual(parseWebviewState('garbage'), { version: 1 });
  assert.deepEqual(parseWebviewState({ view: 'nope', scrollTop: -1, sort: { column: 'name' } }), { version: 1 });
});

test('webview state keeps the derived views and the sandwich selection, drops bad ones', () => {
  const state = parseWebviewState({
    view: 'leftHeavy',
    ranges: { leftHeavy: { x0: 1, x1: 2 }, sandwich: { x0: 2, x1: 1 } },
    zoomed: { removed: 3 },
    sandwich: { name: 'rs_code_matrix', column: 'total', descending: true },
  });
  assert.equal(state.view, 'leftHeavy');
  assert.deepEqual(state.ranges, { leftHeavy: { x0: 1, x1: 2 } });
  assert.deepEqual(state.zoomed, { removed: 3 });
  assert.deepEqual(state.sandwich, { name: 'rs_code_matrix', column: 'total', descending: true });
  assert.equal(parseWebviewState({ sandwich: { column: 'bogus' } }).sandwich, undefined);
  assert.equal(parseWebviewState({ view: 'flame' }).view, undefined);
});
