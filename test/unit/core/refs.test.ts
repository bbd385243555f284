import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBarePath, normaliseRefPath, parseLinkTarget, parseRefText } from '../../../src/core/catalog/refs';

test('path:line, path:line-line, path#L, path#L-L parse to a repository path and a line range', () => {
  assert.deepEqual(parseRefText('crates/a/src/x.rs:110'), { ok: true, ref: { path: 'crates/a/src/x.rs', line: 110, endLine: 110 } });
  assert.deepEqual(parseRefText('crates/a/src/x.rs:110-146'), { ok: true, ref: { path: 'crates/a/src/x.rs', line: 110, endLine: 146 } });
  assert.deepEqual(parseRefText('./crates/a/src/x.rs#L7'), { ok: true, ref: { path: 'crates/a/src/x.rs', line: 7, endLine: 7 } });
  assert.deepEqual(parseRefText('crates/a/src/x.rs#L7-L9'), { ok: true, ref: { path: 'crates/a/src/x.rs', line: 7, endLine: 9 } });
  assert.deepEqual(parseRefText('x.rs:3:14'), { ok: true, ref: { path: 'x.rs', line: 3, endLine: 3 } });
});

test('reference-shaped text with an unusable range is an error, other text is not a reference', () => {
  assert.deepEqual(parseRefText('a/b.rs:0'), { ok: false, reason: 'line numbers start at 1, got 0' });
  const reversed = parseRefText('a/b.rs:20-10');
  assert.equal(reversed?.ok, false);
  assert.match((reversed as { reason: string }).reason, /ends \(10\) before it starts \(20\)/);
  assert.equal(parseRefText('command::blit_operation'), undefined);
  assert.equal(parseRefText('stride == 1'), undefined);
  assert.equal(parseRefText('to_host()'), undefined);
});

test('bare paths are recognised so a missing line can be reported', () => {
  assert.equal(isBarePath('crates/a/src/lib.rs'), true);
  assert.equal(isBarePath('rs_code_matrix'), false);
  assert.equal(normaliseRefPath('.\\crates\\a\\..\\b\\x.rs'), 'crates/b/x.rs');
});

test('link targets resolve relative to the document, rooted paths and blob URLs to the repository', () => {
  assert.deepEqual(parseLinkTarget('../crates/x.rs#L5', 'docs/catalog.md'), { ok: true, ref: { path: 'crates/x.rs', line: 5, endLine: 5 } });
  assert.deepEqual(parseLinkTarget('/crates/x.rs#L5-L8', 'docs/catalog.md'), { ok: true, ref: { path: 'crates/x.rs', line: 5, endLine: 8 } });
  assert.deepEqual(parseLinkTarget('https://github.com/o/r/blob/main/src/a.rs#L12', 'docs/c.md'), { ok: true, ref: { path: 'src/a.rs', line: 12, endLine: 12 } });
  assert.equal(parseLinkTarget('https://example.com/page', 'docs/c.md'), undefined);
  assert.equal(parseLinkTarget('../crates/x.rs', 'docs/c.md'), undefined);
});
