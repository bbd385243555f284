import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowFileEdit, parseAllowedFiles } from '../../../src/core/scope';
import { applyEdits } from '../../../src/core/textEdits';

const FILE = 'docs/tracking/milestone-2.md';

test('records a file with its reason in a new section, then appends to it', () => {
  const doc = '# Milestone 2: Batch blits\n\n- Status: `in_progress`\n';
  const e1 = allowFileEdit(doc, FILE, 'crates/stark-backend/src/field.rs', 'needs a public accessor\nfor the root');
  assert.ok(e1);
  const once = applyEdits(doc, [e1]);
  assert.equal(
    once,
    '# Milestone 2: Batch blits\n\n- Status: `in_progress`\n\n## Allowed files\n\n<!-- milestone-scope:allowed-files:start -->\n- `crates/stark-backend/src/field.rs`: needs a public accessor for the root\n<!-- milestone-scope:allowed-files:end -->\n',
  );
  const twice = applyEdits(once, [allowFileEdit(once, FILE, 'Cargo.lock', 'lock file follows the new dev-dependency')!]);
  const parsed = parseAllowedFiles(twice, FILE);
  assert.deepEqual(parsed.entries.map((e) => [e.pattern, e.reason, e.line]), [
    ['crates/stark-backend/src/field.rs', 'needs a public accessor for the root', 8],
    ['Cargo.lock', 'lock file follows the new dev-dependency', 9],
  ]);
  assert.equal(allowFileEdit(twice, FILE, 'Cargo.lock', 'again'), undefined);
  assert.throws(() => allowFileEdit(twice, FILE, 'x.rs', '   '), /reason is required/);
});

test('keeps CRLF line ends', () => {
  const doc = '# Milestone 2\r\n\r\nText.\r\n';
  const out = applyEdits(doc, [allowFileEdit(doc, FILE, 'a.rs', 'why')!]);
  assert.ok(!/[^\r]\n/.test(out), JSON.stringify(out));
  assert.deepEqual(parseAllowedFiles(out, FILE).entries.map((e) => e.pattern), ['a.rs']);
});

test('hand-written lists are read and extended; globs and folders match', () => {
  const doc = ['# Milestone 3', '', '## Allowed files', '', '- crates/stark-backend/src/**: shared types', '- `docs/notes/` — design notes', '- Cargo.lock', '', '## Changes', ''].join('\n');
  const parsed = parseAllowedFiles(doc, FILE);
  assert.deepEqual(parsed.entries.map((e) => [e.pattern, e.reason]), [
    ['crates/stark-backend/src/**', 'shared types'],
    ['docs/notes/', 'design notes'],
    ['Cargo.lock', ''],
  ]);
  assert.deepEqual(parsed.problems.map((p) => [p.code, p.line]), [['scope/allowed-without-reason', 7]]);
  assert.equal(parsed.matches('crates/stark-backend/src/field.rs')?.pattern, 'crates/stark-backend/src/**');
  assert.equal(parsed.matches('docs/notes/a/b.md')?.pattern, 'docs/notes/');
  assert.equal(parsed.matches('crates/metal-backend/src/lib.rs'), undefined);
  const out = applyEdits(doc, [allowFileEdit(doc, FILE, 'build.rs', 'needed')!]);
  assert.match(out, /- Cargo.lock\n- `build.rs`: needed\n\n## Changes/);
});

test('unreadable entries inside the marked section are problems with their line', () => {
  const doc = '<!-- milestone-scope:allowed-files:start -->\n- `a.rs`: ok\nnot a bullet\n<!-- milestone-scope:allowed-files:end -->\n';
  const parsed = parseAllowedFiles(doc, FILE);
  assert.deepEqual(parsed.entries.map((e) => e.pattern), ['a.rs']);
  assert.deepEqual(parsed.problems.map((p) => [p.code, p.line]), [['scope/allowed-unreadable', 3]]);
});
