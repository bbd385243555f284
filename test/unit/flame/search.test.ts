import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlameDocument } from '../../../src/core/flame/flatten';
import { matchesHighlight } from '../../../src/core/flame/highlight';
import { layoutFlame } from '../../../src/core/flame/layout';
import { markNames, searchView } from '../../../src/webview/flame/search';
import { loadTrace, s, trace } from './helpers';

function setup(t = loadTrace('forest_multi.txt')) {
  const doc = buildFlameDocument(t, 'x');
  const v = doc.views.timeline!;
  const l = layoutFlame(v, { lanes: true });
  const lower = doc.strings.map((x) => x.toLowerCase());
  return { doc, v, l, run: (q: string) => searchView(v, l.subtreeEnd, doc.strings, lower, q) };
}

test('search is case-insensitive and totals the matching spans', () => {
  const { doc, v, run } = setup();
  const r = run('RS_CODE');
  assert.equal(r.matchCount, 8);
  let total = 0;
  for (let i = 0; i < v.count; i++) if (doc.strings[v.name[i]] === 'rs_code_matrix') total += v.total[i];
  assert.ok(Math.abs(r.totalNs - total) < 1e-6);
  let roots = 0;
  for (let i = 0; i < v.count; i++) if (v.parent[i] < 0) roots += v.total[i];
  assert.equal(r.rootTotalNs, roots);
  for (let i = 0; i < v.count; i++) assert.equal(r.match[i], doc.strings[v.name[i]] === 'rs_code_matrix' ? 1 : 0);
});

test('a match nested in another match counts once towards the total', () => {
  const t = trace([s('prover.commit', 100, [s('prover.commit.inner', 40), s('other', 50)])]);
  const r = setup(t).run('prover.commit');
  assert.equal(r.matchCount, 2);
  assert.equal(r.totalNs, 100);
});

test('an empty or blank query matches nothing', () => {
  const { run } = setup();
  for (const q of ['', '   ']) {
    const r = run(q);
    assert.equal(r.matchCount, 0);
    assert.equal(r.totalNs, 0);
  }
  assert.equal(run('no such span').matchCount, 0);
});

test('highlight marks are per name and follow matchesHighlight', () => {
  const { doc } = setup();
  const names = new Set(['rs_code_matrix', 'command::blit_operation']);
  const marks = markNames(doc.strings, (n) => matchesHighlight(n, names));
  assert.equal(marks[doc.strings.indexOf('rs_code_matrix')], 1);
  assert.equal(marks[doc.strings.indexOf('merkle_tree')], 0);
  assert.equal(marks[0], 0, 'the empty string is never marked');
});
