import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlameDocument } from '../../../src/core/flame/flatten';
import type { FlameDocument, FlameView } from '../../../src/core/flame/data';
import { reviveDocument } from '../../../src/webview/flame/revive';
import { loadTrace } from './helpers';

const doc = buildFlameDocument(loadTrace('forest_single.txt'), 'single');

/** What a JSON round trip does to typed arrays: index-keyed objects. */
function jsonRoundTrip(d: FlameDocument): FlameDocument {
  return JSON.parse(JSON.stringify(d)) as FlameDocument;
}

function asPlainArrays(d: FlameDocument): FlameDocument {
  const views: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.views)) {
    views[k] = Object.fromEntries(Object.entries(v).map(([key, val]) => [key, ArrayBuffer.isView(val) ? Array.from(val as unknown as ArrayLike<number>) : val]));
  }
  return { ...d, views } as FlameDocument;
}

test('typed arrays are restored from index-keyed objects and plain arrays', () => {
  for (const raw of [jsonRoundTrip(doc), asPlainArrays(doc), doc]) {
    const back = reviveDocument(raw);
    const v = back.views.timeline!;
    assert.ok(v.total instanceof Float64Array);
    assert.ok(v.parent instanceof Int32Array);
    assert.deepEqual(Array.from(v.total), Array.from(doc.views.timeline!.total));
    assert.deepEqual(Array.from(v.parent), Array.from(doc.views.timeline!.parent));
  }
});

test('malformed documents are rejected with a reason', () => {
  const broken = (mutate: (v: FlameView) => void): FlameDocument => {
    const copy = reviveDocument(jsonRoundTrip(doc));
    mutate(copy.views.timeline!);
    return copy;
  };
  assert.throws(() => reviveDocument(broken((v) => (v.total = v.total.slice(1)))), /total has/);
  assert.throws(() => reviveDocument(broken((v) => (v.parent[3] = 7))), /parent 7/);
  assert.throws(() => reviveDocument(broken((v) => (v.name[0] = 99999))), /names string/);
  assert.throws(() => reviveDocument(broken((v) => (v.fieldStart = v.fieldStart.slice(1)))), /offsets/);
  assert.throws(() => reviveDocument(broken((v) => ((v as { count: number }).count = -1))), /count/);
  assert.throws(() => reviveDocument({ ...doc, strings: undefined as unknown as string[] }), /string table/);
  assert.throws(() => reviveDocument(broken((v) => delete (v as Partial<FlameView>).self)), /self is missing/);
});

test('a precomputed layout is kept when consistent, rejected (with a warning) when not', () => {
  const d = buildFlameDocument(loadTrace('chrome_trace.json'), 'chrome');
  const warnings: string[] = [];
  const ok = reviveDocument(jsonRoundTrip(d), (w) => warnings.push(w));
  assert.deepEqual(warnings, []);
  assert.ok(ok.views.timeline!.layout);
  assert.deepEqual(Array.from(ok.views.timeline!.layout!.row), Array.from(d.views.timeline!.layout!.row));
  assert.equal(ok.views.timeline!.layout!.lanes.length, 2);

  const tamper = (f: (l: NonNullable<FlameView['layout']>) => void, expect: RegExp) => {
    const copy = jsonRoundTrip(d);
    const l = reviveDocument(copy).views.timeline!.layout!;
    f(l);
    const raw = { ...copy, views: { ...copy.views, timeline: { ...copy.views.timeline!, layout: l } } };
    const seen: string[] = [];
    const back = reviveDocument(raw as FlameDocument, (w) => seen.push(w));
    assert.equal(back.views.timeline!.layout, undefined);
    assert.match(seen.join('\n'), expect);
  };
  tamper((l) => (l.row[5] = l.rowCount + 3), /inconsistent/);
  tamper((l) => (l.subtreeEnd[2] = 1), /subtree/);
  tamper((l) => (l.rowNodes[0] = l.rowNodes[1]), /inconsistent/);
  tamper((l) => (l.x0[7] = NaN), /extent|overlap/);
  tamper((l) => (l.rowStart = l.rowStart.slice(0, -1)), /row index/);
  tamper((l) => ((l as { count: number }).count = 1), /layout is for/);
});
