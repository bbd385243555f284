// Minimal inputs for the bugs the fuzz suite found, kept as plain unit tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatus } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { lineSpans, detectEol } from '../../../src/core/markdown';
import { parseRefText } from '../../../src/core/catalog/refs';
import { parseMarkdownCatalog } from '../../../src/core/catalog/parse';
import { parseTrace } from '../../../src/core/trace';
import { parseGitDiff, DiffParseError } from '../../../src/core/diff';

test('a lone CR ends a line, as it does for the markdown parser (status table)', () => {
  const doc = parseStatus('| Milestone | Status |\r|---|---|\r| M1 | in progress |\r', 'STATUS.md');
  assert.equal(doc.form, 'table');
  const m1 = doc.entries.find((e) => e.id === '1');
  assert.equal(m1?.status, 'in_progress');
});

test('a lone CR ends a line (tracking fields)', () => {
  const doc = parseTracking('# M1\r\r- Status: `in_progress`\r- Owner: @bob\r', 'milestone-1.md');
  assert.equal(doc.status, 'in_progress');
  assert.equal(doc.fields.owner?.value, '@bob');
  assert.equal(doc.fields.owner?.line, 4);
});

test('lineSpans agrees with editors on CR, LF and CRLF', () => {
  assert.deepEqual(
    lineSpans('a\rb\r\nc\nd').map((s) => [s.line, s.start, s.end, s.eol]),
    [[1, 0, 1, '\r'], [2, 2, 3, '\r\n'], [3, 5, 6, '\n'], [4, 7, 8, '']],
  );
  assert.equal(detectEol('a\rb\rc\n'), '\r');
  assert.equal(detectEol('a\r\nb\r\nc\n'), '\r\n');
});

test('a hotspot line beyond 2^53 is refused, not read as Infinity', () => {
  const r = parseRefText('crates/a/src/lib.rs:' + '9'.repeat(400));
  assert.ok(r && !r.ok, JSON.stringify(r));
  const cat = parseMarkdownCatalog('1) Item\n- Current hotspot:\n  - `crates/a/src/lib.rs:' + '9'.repeat(30) + '`\n', 'catalog.md');
  for (const w of cat.workItems) for (const h of w.hotspots) assert.ok(Number.isSafeInteger(h.line), `line ${h.line}`);
});

test('chrome: an event with ts 1e400 is unparsed, not a NaN duration', () => {
  const t = parseTrace('{"traceEvents":[\n{"ph":"B","pid":1,"ts":1e400,"name":"x","tid":0},\n{"ph":"X","pid":1,"ts":1,"dur":2,"name":"y","tid":0}\n]}', { source: 't.json' });
  assert.equal(t.spanCount, 1);
  assert.equal(t.roots[0]?.name, 'y');
  assert.equal(t.unparsed[0]?.line, 2);
});

test('chrome: a finite ts too large for ns (1e308) is unparsed, not an Infinity duration', () => {
  const t = parseTrace('[\n{"ph":"B","pid":1,"ts":1,"name":"a","tid":0},\n{"ph":"E","pid":1,"ts":1e308,"name":"a","tid":0},\n{"ph":"X","pid":1,"ts":1,"dur":1e308,"name":"b","tid":0}\n]', { source: 't.json' });
  for (const r of t.roots) assert.ok(Number.isFinite(r.durationNs), `${r.name}: ${r.durationNs}`);
  assert.deepEqual(t.unparsed.map((u) => u.line), [3, 4]);
});

test('forest: a duration beyond 2^53 ns is unparsed, not Infinity', () => {
  const t = parseTrace(`INFO     a [ ${'9'.repeat(400)}ms | 100.00% ]\nINFO     b [ 1.00ms | 100.00% ]\n`, { source: 'f.txt', format: 'forest' });
  for (const r of t.roots) assert.ok(Number.isFinite(r.durationNs), `${r.name}: ${r.durationNs}`);
  assert.ok(t.unparsed.some((u) => u.line === 1));
});

test('folded: a sample count beyond 2^53 is unparsed, not Infinity', () => {
  const t = parseTrace(`ThreadId(4); m::a:src/main.rs:1 5\nThreadId(4); m::a:src/main.rs:1; m::b:src/main.rs:2 ${'9'.repeat(400)}\n`, { source: 'f.folded', format: 'folded' });
  assert.ok(t.roots.length > 0);
  for (const r of t.roots) assert.ok(Number.isFinite(r.durationNs), `${r.name}: ${r.durationNs}`);
  assert.equal(t.unparsed[0]?.line, 2);
});

test('fmt: a span known only from an event context gets that event line, not line 0', () => {
  const t = parseTrace('2026-11-24T12:55:07.703451Z  INFO outer{phase="prover"}: t: hello\n', { source: 'fmt.txt', format: 'fmt' });
  const outer = t.roots.find((s) => s.name === 'outer');
  assert.ok(outer, JSON.stringify(t.roots.map((r) => r.name)));
  assert.equal(outer.sourceLine, 1);
  assert.equal(outer.incomplete, true);
});

test('diff: a malformed hunk header is a DiffParseError with its line, not a NaN hunk', () => {
  assert.throws(() => parseGitDiff('diff --git a/x b/x\n@@ garbage @@'), (e: unknown) => e instanceof DiffParseError && e.line === 2);
  assert.throws(() => parseGitDiff('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n@@ -99999999999999999999,1 +1 @@\n-c\n+d'), (e: unknown) => e instanceof DiffParseError && e.line === 7);
});
