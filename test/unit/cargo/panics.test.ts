import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { PanicScanner } from '../../../src/core/cargo/panics';
import type { CargoDiagnostic } from '../../../src/core/cargo/messages';

const root = path.resolve('/repo');

function scan(lines: string[]): CargoDiagnostic[] {
  const out: CargoDiagnostic[] = [];
  const s = new PanicScanner(root, (d) => out.push(d));
  for (const l of lines) s.push(l);
  s.end();
  return out;
}

test('a panic since Rust 1.73: location on the header, message on the lines after it', () => {
  const [d, ...rest] = scan([
    '---- roundtrip stdout ----',
    '',
    "thread 'roundtrip' panicked at crates/metal-backend/tests/ntt_roundtrip.rs:42:5:",
    'assertion `left == right` failed',
    '  left: 2',
    ' right: 3',
    'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace',
  ]);
  assert.equal(rest.length, 0);
  assert.equal(d.code, 'panic');
  assert.equal(d.severity, 'error');
  assert.deepEqual(d.location, { file: path.join(root, 'crates/metal-backend/tests/ntt_roundtrip.rs'), line: 42, column: 5, endLine: 42, endColumn: 5 });
  assert.equal(d.message, "thread 'roundtrip' panicked: assertion `left == right` failed\n  left: 2\n right: 3");
});

test('the pre-1.73 form with the message quoted on the header line', () => {
  const [d] = scan(["thread 'main' panicked at 'index out of bounds: the len is 3 but the index is 7', src/lib.rs:12:9"]);
  assert.equal(d.location!.line, 12);
  assert.equal(d.location!.column, 9);
  assert.equal(d.message, "thread 'main' panicked: index out of bounds: the len is 3 but the index is 7");
});

test('two panics in a row, colour codes, a message running to the end of the output', () => {
  const ds = scan([
    "\x1b[1mthread 'a' panicked at src/a.rs:1:1:\x1b[0m",
    'first',
    "thread 'b' (28145) panicked at src/b.rs:2:3:",
    'second',
  ]);
  assert.deepEqual(ds.map((d) => [d.location!.file, d.message]), [
    [path.join(root, 'src/a.rs'), "thread 'a' panicked: first"],
    [path.join(root, 'src/b.rs'), "thread 'b' panicked: second"],
  ]);
});

test('a panic with no message, and ordinary output that only mentions panics, are told apart', () => {
  assert.equal(scan(['the prover panicked at startup', "thread 'x' panicked at src/x.rs:5:1:", ''])[0]!.message, "thread 'x' panicked: explicit panic");
  assert.equal(scan(['the prover panicked at startup', 'test result: ok. 6 passed']).length, 0);
});
