// Fuzzing of the trace parsers (every format, detected and forced), git diffs, the Rust item
// finder, Cargo.toml dependencies and cargo's JSON messages. Seeds are the sample traces and the
// fixture workspace's sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseTrace, type Span, type Trace, type TraceFormat } from '../../../src/core/trace';
import { parseGitDiff } from '../../../src/core/diff';
import { findRustItems, findUnsafe, parseDependencies, type RustItem } from '../../../src/core/scope';
import { findCFunctions } from '../../../src/core/scope/clike/functions';
import { parseCargoLine } from '../../../src/core/cargo/messages';
import { parseCargoMetadata } from '../../../src/core/cargo/metadata';
import { assertLocations, NUM_RUNS, FIXTURES, fixture, fuzz, generated, mutated, windows } from './harness';

function checkTrace(t: Trace): void {
  assertLocations(t.unparsed);
  let seen = 0;
  const walk = (s: Span) => {
    if (seen++ > 2000) return;
    assert.ok(Number.isFinite(s.durationNs) && s.durationNs >= 0, `span ${s.name}: duration ${s.durationNs}`);
    assert.ok(Number.isFinite(s.selfNs) && s.selfNs >= 0, `span ${s.name}: self time ${s.selfNs}`);
    if (s.sourceLine !== undefined) assert.ok(Number.isInteger(s.sourceLine) && s.sourceLine >= 1, `span ${s.name}: line ${s.sourceLine}`);
    s.children.forEach(walk);
  };
  t.roots.forEach(walk);
}

const TRACE_FILES: Record<TraceFormat, string[]> = {
  forest: ['forest_single.txt', 'forest_ansi.txt', 'forest_multi.txt', 'forest_after.txt'],
  chrome: ['chrome_trace.json'],
  folded: ['folded.txt'],
  fmt: ['fmt_close.txt'],
};
const TRACE_DICT: Record<TraceFormat, string[]> = {
  forest: ['INFO     ┝━ x [ 1.00ms | 100.00% ]', 'INFO     │  ┕━ y [ 99999999999s | 1e400% ]', 'TRACE    ┕━ z [ -1ms | 0% ]', 'INFO     x [ 1.5µs | 0.00% / 100.00% ]', '   Compiling foo v0.1.0', '\x1b[32mINFO\x1b[0m x'],
  chrome: ['{"ph":"B","pid":1,"ts":1e400,"name":"x","tid":0}', '{"ph":"E","pid":1,"ts":-5,"name":"x","tid":0},', '{"ph":"X","ts":1,"dur":-3,"name":"y"}', '{"ph":"i","ts":"NaN"}', '{"traceEvents":[', ']}', '[', ']', '{', '"', ','],
  folded: ['a;b;c 99999999999999999999', 'a;b 1e400', ';; 5', 'a;b -7', 'x', 'ThreadId(1); a;b 12'],
  fmt: ['2026-11-24T12:55:07.698856Z  INFO a{x=1}: t: close time.busy=1e400ms time.idle=2.50µs', '2026-11-24T12:55:07Z  INFO a: t: new', 'INFO a: close time.busy=-1ms', '2026-13-99T99:99:99Z  WARN ::: close', 'time.busy=9999999999999999999s'],
};

for (const format of Object.keys(TRACE_FILES) as TraceFormat[]) {
  const seeds = TRACE_FILES[format].flatMap((f) => windows(fixture('traces', f), 60, 6));
  test(`trace (${format}): mutated samples never crash, with or without detection`, () => {
    fuzz(
      `trace-${format}`,
      fc.tuple(fc.oneof({ weight: 5, arbitrary: mutated(seeds, TRACE_DICT[format]) }, { weight: 1, arbitrary: generated(TRACE_DICT[format]) }), fc.boolean()).map(([t, forced]) => JSON.stringify({ t, forced })),
      (input) => {
        const { t, forced } = JSON.parse(input) as { t: string; forced: boolean };
        return parseTrace(t, { source: `trace.${format}`, format: forced ? format : undefined });
      },
      checkTrace,
    );
  });
}

test('trace: whole sample files mutated (streaming-size inputs)', () => {
  const whole = Object.values(TRACE_FILES).flat().map((f) => fixture('traces', f));
  fuzz('trace-whole-files', mutated(whole, []), (t) => parseTrace(t, { source: 'trace' }), checkTrace, { numRuns: Math.max(50, Math.ceil(NUM_RUNS / 50)) });
});

function rustSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (name === 'target') return [];
    if (statSync(p).isDirectory()) return rustSources(p);
    return name.endsWith('.rs') ? [readFileSync(p, 'utf8')] : [];
  });
}
const RUST = [...rustSources(path.join(FIXTURES, 'stark-backend-metal', 'crates')), ...rustSources(path.join(FIXTURES, 'alt-layout', 'gpu'))].flatMap((t) => windows(t, 80, 4));
const RUST_DICT = ['fn f() {', '}', 'impl<T> X for Y<T> where T: Z {', 'unsafe {', 'r#"raw"#', 'r##"', '/* unclosed', '*/', "'a'", "'lifetime", 'b"\\xff"', 'macro_rules! m { () => {} }', 'mod m;', '#[cfg(test)]', 'extern "C" {', '"\\', 'const _: () = {'];
test('Rust item finder: mutated sources never crash', () => {
  fuzz('rust-items', fc.oneof({ weight: 5, arbitrary: mutated(RUST, RUST_DICT) }, { weight: 1, arbitrary: generated(RUST_DICT) }), (t) => {
    const lines = t.split(/\r\n?|\n/).length;
    const items = findRustItems(t);
    const unsafe = findUnsafe(t);
    return { items, unsafe, lines };
  }, (r) => {
    assertLocations(r.items.problems);
    const walk = (it: RustItem) => {
      assert.ok(Number.isInteger(it.startLine) && it.startLine >= 1 && it.startLine <= it.headerLine, `item ${it.name}: starts at ${it.startLine}, header ${it.headerLine}`);
      assert.ok(it.endLine >= it.headerLine && it.endLine <= r.lines, `item ${it.name}: ends at ${it.endLine} (header ${it.headerLine}, ${r.lines} lines)`);
      it.children.forEach(walk);
    };
    r.items.items.forEach(walk);
    assertLocations(r.unsafe);
  });
});

const C_SEEDS = [
  ['#include "fp.h"', 'template <typename T, int N = sizeof(T)>', '__global__ void __launch_bounds__(256) k(T *out, const T *in) {', '    if (threadIdx.x < N) { out[0] = in[0]; } // "}"', '}', 'extern "C" int _k(Fp *o) {', "    char c = '{';", '    return 0;', '}'].join('\n'),
  ['#ifdef __cplusplus', 'extern "C" {', '#endif', 'struct S { int a; S(int x) : a(x) {} bool operator<(S o) const { return a < o.a; } };', '#define M(x) \\', '  do { x; } while (0)', 'kernel void f(device uint *d [[buffer(0)]]) { d[0] = 1; }', '#ifdef __cplusplus', '}', '#endif'].join('\n'),
];
const C_DICT = ['{', '}', '#if A', '#else', '#endif', '/* x', '*/', '"', "'", 'R"x(', ')x"', 'template <', '>', 'operator()', ': a(1), b{2}', '\\', 'namespace n {', '1\'000'];
test('C/C++/CUDA/Metal function finder: mutated sources never crash', () => {
  fuzz('c-functions', fc.oneof({ weight: 4, arbitrary: mutated(C_SEEDS, C_DICT) }, { weight: 1, arbitrary: generated(C_DICT) }), (t) => ({ found: findCFunctions(t), lines: t.split('\n').length }), (r) => {
    assertLocations(r.found);
    for (const f of r.found.functions) assert.ok(f.startLine <= f.headerLine && f.headerLine <= f.endLine && f.endLine <= r.lines, `function ${f.name}: ${f.startLine}/${f.headerLine}/${f.endLine} of ${r.lines}`);
    if (r.found.unreliable) assert.deepEqual(r.found.functions, []);
  });
});

const DIFF_SEEDS = [
  [
    'diff --git a/crates/metal-backend/src/stacked_pcs.rs b/crates/metal-backend/src/stacked_pcs.rs',
    'index 1111111..2222222 100644',
    '--- a/crates/metal-backend/src/stacked_pcs.rs',
    '+++ b/crates/metal-backend/src/stacked_pcs.rs',
    '@@ -108,7 +108,8 @@ impl StackedPcs {',
    '     let a = 1;',
    '-    let b = 2;',
    '+    let b = 3;',
    '+    let c = 4;',
    '     let d = 5;',
    '@@ -200 +201,0 @@',
    '-gone',
    'diff --git a/old name.rs b/new name.rs',
    'similarity index 90%',
    'rename from old name.rs',
    'rename to new name.rs',
    'diff --git "a/q\\"x.rs" "b/q\\"x.rs"',
    'new file mode 100644',
    '--- /dev/null',
    '+++ "b/q\\"x.rs"',
    '@@ -0,0 +1,2 @@',
    '+fn a() {}',
    '+fn b() {}',
    '\\ No newline at end of file',
    'diff --git a/img.png b/img.png',
    'Binary files a/img.png and b/img.png differ',
    '',
  ].join('\n'),
];
const DIFF_DICT = ['@@ -1,3 +1,3 @@', '@@ -99999999999999999999,1 +1 @@', '@@ -1,-1 +1 @@', '@@ garbage @@', '--- a/x', '+++ b/x', 'diff --git a/x b/x', 'deleted file mode 100644', ' context', '+', '-', '\\ No newline at end of file', 'GIT binary patch', 'rename from "\\303\\251"'];
test('git diffs: mutated diffs never crash', () => {
  fuzz('git-diff', fc.oneof(mutated(DIFF_SEEDS, DIFF_DICT), generated(DIFF_DICT)), parseGitDiff, (r) => {
    for (const f of r) for (const h of f.hunks) {
      assert.ok(Number.isInteger(h.oldStart) && h.oldStart >= 0 && Number.isInteger(h.newStart) && h.newStart >= 0, `hunk ${JSON.stringify(h).slice(0, 200)}`);
    }
  });
});

const TOML = [fixture('stark-backend-metal', 'Cargo.toml'), fixture('alt-layout', 'Cargo.toml'), fixture('alt-layout', 'gpu', 'prover-kernels', 'Cargo.toml')];
const TOML_DICT = ['[dependencies]', '[workspace.dependencies]', "[target.'cfg(unix)'.dependencies]", 'p3-field = "=0.4.1"', 'x = { version = "1", path = "../x" }', 'y = { git = "https://e", rev = "abc" }', 'z.workspace = true', '"quoted.key" = 1', 'a = """', '"""', "b = '''", '[patch.crates-io]', '[[bin]]', 'c = [1, 2', 'd = {'];
test('Cargo.toml dependencies: mutated manifests never crash', () => {
  fuzz('cargo-toml', fc.oneof({ weight: 4, arbitrary: mutated(TOML, TOML_DICT) }, { weight: 1, arbitrary: generated(TOML_DICT) }), parseDependencies, (r) => assertLocations(r));
});

const CARGO_LINES = [
  JSON.stringify({ reason: 'compiler-message', package_id: 'path+file:///repo/crates/a#a@0.1.0', message: { message: 'unused variable', level: 'warning', rendered: 'warning: unused\n', code: { code: 'unused_variables' }, spans: [{ file_name: 'crates/a/src/lib.rs', line_start: 4, line_end: 4, column_start: 9, column_end: 10, is_primary: true, label: null, expansion: null }], children: [{ message: 'help', level: 'help', spans: [{ file_name: 'crates/a/src/lib.rs', line_start: 4, line_end: 4, column_start: 9, column_end: 10, is_primary: true }], children: [] }] } }),
  JSON.stringify({ reason: 'compiler-artifact', package_id: 'a 0.1.0 (path+file:///repo)', target: { name: 'a', kind: ['lib'] }, fresh: true, executable: null }),
  JSON.stringify({ reason: 'build-finished', success: false }),
  '   Compiling a v0.1.0 (/repo/crates/a)',
];
test('cargo JSON messages: mutated lines never crash and locations stay 1-based', () => {
  fuzz('cargo-messages', mutated(CARGO_LINES, ['"line_start":0', '"line_start":-4', '"line_start":1e400', '"spans":null', '"message":[]', '"children":{}', '"expansion":{"span":{}}']), (t) =>
    t.split(/\r?\n/).map((l) => parseCargoLine(l, '/repo')),
    (r) => assertLocations(r.flatMap((m) => (m.kind === 'diagnostic' ? [m.diagnostic] : []))),
  );
});

const METADATA = [JSON.stringify({ workspace_root: '/repo', packages: [{ name: 'a', version: '0.1.0', manifest_path: '/repo/crates/a/Cargo.toml', targets: [{ name: 'a', kind: ['lib'], src_path: '/repo/crates/a/src/lib.rs' }, { name: 't', kind: ['test'], src_path: '/repo/crates/a/tests/t.rs' }] }], version: 1 })];
test('cargo metadata: mutated output never crashes (CargoMetadataError is its documented refusal)', () => {
  fuzz('cargo-metadata', mutated(METADATA, ['null', '[]', '{}', '"packages":{}', '"targets":null', '"kind":"lib"']), parseCargoMetadata, (r) => assertLocations(r), {
    allowThrow: (err) => err instanceof Error && err.name === 'CargoMetadataError',
  });
});
