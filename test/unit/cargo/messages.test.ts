import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCargoLine, packageNameOf } from '../../../src/core/cargo/messages';
import { runProcess } from '../../../src/core/cargo/run';
import { fixtureCopy, shareTargetDir } from './helpers';

const ROOT = '/repo';

function diagLine(message: object, packageId = 'path+file:///repo/crates/metal-backend#openvm-metal-backend@2.0.1'): string {
  return JSON.stringify({ reason: 'compiler-message', package_id: packageId, message });
}

test('a compiler message becomes a diagnostic at its primary span', () => {
  const line = diagLine({
    message: 'mismatched types',
    code: { code: 'E0308' },
    level: 'error',
    spans: [
      { file_name: 'crates/a/src/x.rs', line_start: 3, line_end: 3, column_start: 25, column_end: 28, is_primary: false, label: 'expected due to this' },
      { file_name: 'crates/a/src/x.rs', line_start: 3, line_end: 4, column_start: 31, column_end: 2, is_primary: true, label: 'expected `u32`' },
    ],
    children: [{ message: 'consider this', level: 'help', spans: [{ file_name: 'crates/a/src/y.rs', line_start: 9, line_end: 9, column_start: 1, column_end: 5 }] }],
    rendered: '\u001b[1merror[E0308]\u001b[0m: mismatched types\n',
  });
  const m = parseCargoLine(line, ROOT);
  assert.equal(m.kind, 'diagnostic');
  if (m.kind !== 'diagnostic') return;
  const d = m.diagnostic;
  assert.equal(d.severity, 'error');
  assert.equal(d.code, 'E0308');
  assert.deepEqual(d.location, { file: '/repo/crates/a/src/x.rs', line: 3, column: 31, endLine: 4, endColumn: 2 });
  assert.deepEqual(d.related.map((r) => [path.basename(r.file), r.line, r.message]), [
    ['x.rs', 3, 'expected due to this'],
    ['y.rs', 9, 'help: consider this'],
  ]);
  assert.match(d.rendered, /\u001b\[1merror\[E0308\]/);
});

test('severities map from cargo levels', () => {
  const sev = (level: string) => {
    const m = parseCargoLine(diagLine({ message: 'm', level, spans: [] }), ROOT);
    return m.kind === 'diagnostic' ? m.diagnostic.severity : m.kind;
  };
  assert.deepEqual(['error', 'warning', 'note', 'help', 'error: internal compiler error', 'whatever'].map(sev), [
    'error', 'warning', 'information', 'hint', 'error', 'error',
  ]);
});

test('a span inside a macro from outside the workspace reports the call site', () => {
  const m = parseCargoLine(
    diagLine({
      message: 'unused',
      level: 'warning',
      spans: [
        {
          file_name: '/rustc/abc/library/core/src/macros/mod.rs',
          line_start: 10,
          column_start: 1,
          is_primary: true,
          expansion: { span: { file_name: 'crates/a/src/lib.rs', line_start: 42, column_start: 5, line_end: 42, column_end: 20 } },
        },
      ],
    }),
    ROOT,
  );
  assert.ok(m.kind === 'diagnostic');
  assert.equal(m.diagnostic.location?.file, '/repo/crates/a/src/lib.rs');
  assert.equal(m.diagnostic.location?.line, 42);
});

test('messages without spans have no location but keep their text', () => {
  const m = parseCargoLine(diagLine({ message: 'aborting due to 1 previous error', level: 'error', spans: [], rendered: 'error: aborting due to 1 previous error\n' }), ROOT);
  assert.ok(m.kind === 'diagnostic');
  assert.equal(m.diagnostic.location, undefined);
  assert.equal(m.diagnostic.rendered, 'error: aborting due to 1 previous error\n');
});

test('other lines are text; broken JSON is reported as malformed', () => {
  assert.deepEqual(parseCargoLine('test foo ... ok', ROOT), { kind: 'text', line: 'test foo ... ok' });
  assert.deepEqual(parseCargoLine('INFO     ┝━ merkle_tree [ 4.91ms | 1.26% ]', ROOT).kind, 'text');
  const bad = parseCargoLine('{"reason":"compiler-message", "message": {', ROOT);
  assert.equal(bad.kind, 'malformed');
  assert.equal(parseCargoLine('{"reason":"compiler-message"}', ROOT).kind, 'malformed');
  assert.deepEqual(parseCargoLine('{"reason":"build-finished","success":false}', ROOT), { kind: 'build-finished', success: false });
  assert.deepEqual(parseCargoLine('{"reason":"build-script-executed"}', ROOT), { kind: 'other', reason: 'build-script-executed' });
});

test('package names come out of every package id form', () => {
  assert.equal(packageNameOf('path+file:///x/crates/metal-backend#openvm-metal-backend@2.0.1'), 'openvm-metal-backend');
  assert.equal(packageNameOf('path+file:///x/crates/foo#0.1.0'), 'foo');
  assert.equal(packageNameOf('registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0'), 'serde');
  assert.equal(packageNameOf('serde 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)'), 'serde');
  assert.equal(packageNameOf('garbage'), undefined);
});

test('real cargo output: a type error in the fixture is found at its line', { timeout: 300_000 }, async () => {
  const targetDir = shareTargetDir('messages');
  const copy = fixtureCopy();
  try {
    const file = path.join(copy.root, 'crates/metal-backend/src/merkle_tree.rs');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[96] = '        let root_layer: u32 = top.to_host();';
    writeFileSync(file, lines.join('\n'));
    let stdout = '';
    const r = await runProcess('cargo', ['check', '-p', 'openvm-metal-backend', '--message-format=json-diagnostic-rendered-ansi'], {
      cwd: copy.root,
      onStdout: (c) => (stdout += c),
    });
    assert.notEqual(r.exitCode, 0);
    const diags = stdout
      .split('\n')
      .map((l) => parseCargoLine(l, copy.root))
      .flatMap((m) => (m.kind === 'diagnostic' ? [m.diagnostic] : []));
    const err = diags.find((d) => d.code === 'E0308');
    assert.ok(err, `no E0308 among ${diags.map((d) => d.message).join('; ')}`);
    assert.equal(err.location?.file, file);
    assert.equal(err.location?.line, 97);
    assert.equal(err.location?.column, 31);
    assert.match(err.rendered, /\u001b\[/);
    assert.match(err.rendered, /merkle_tree\.rs:97:31/);
  } finally {
    copy.cleanup();
    rmSync(targetDir, { recursive: true, force: true });
  }
});
