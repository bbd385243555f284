// Hotspot regions beyond Rust functions, and Cargo.toml read as TOML, through the CLI on a
// temporary git repository: CUDA/Metal/C functions (or the hotspot line when no function can be
// trusted), Rust const/static items, docs and attributes written above an item, multi-line
// strings and respelled pins in Cargo.toml.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, codes, edit, fixtureRepo, git, remove, write } from './helpers';

const repos: string[] = [];
after(() => repos.forEach(remove));

const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const CU = 'crates/metal-backend/cuda/merkle.cu';
const GUARDED = 'crates/metal-backend/cuda/guarded.cuh';
const METAL = 'crates/metal-backend/shaders/ntt.metal';
const PARAMS = 'crates/metal-backend/src/params.rs';
const METAL_TOML = 'crates/metal-backend/Cargo.toml';

const CU_TEXT = [
  '#include "fp.h"', // 1
  '', // 2
  '// Hashes one row per thread.', // 3
  'template <typename T>', // 4
  '__global__ void row_hash_kernel(T *out, const T *in, size_t n) {', // 5
  '    size_t i = blockIdx.x * blockDim.x + threadIdx.x;', // 6
  '    if (i < n) {', // 7
  '        out[i] = hash(in[i]); // "}" is not a brace here', // 8
  '    }', // 9
  '}', // 10
  '', // 11
  '__global__ void compress_kernel(Fp *out) {', // 12
  '    out[0] = Fp(0);', // 13
  '}', // 14
  '', // 15
  'extern "C" int _row_hash(Fp *out, const Fp *in, size_t n) {', // 16
  '    row_hash_kernel<Fp><<<(n + 255) / 256, 256>>>(out, in, n);', // 17
  '    return 0;', // 18
  '}', // 19
].join('\n') + '\n';

// Braces that differ between preprocessor branches: no function boundary can be trusted.
const GUARDED_TEXT = [
  '#ifdef FAST_PATH', // 1
  '__device__ void reduce(Fp *x) {', // 2
  '#else', // 3
  '__device__ void reduce(Fp *x, int n) {', // 4
  '#endif', // 5
  '    x[0] = x[1];', // 6
  '    x[1] = Fp(0);', // 7
  '}', // 8
].join('\n') + '\n';

const METAL_TEXT = [
  '#include <metal_stdlib>', // 1
  'using namespace metal;', // 2
  '', // 3
  'kernel void ntt_stage(device uint *data [[buffer(0)]],', // 4
  '                      constant uint &n [[buffer(1)]],', // 5
  '                      uint gid [[thread_position_in_grid]]) {', // 6
  '    if (gid >= n) { return; }', // 7
  '    data[gid] = data[gid] * 3u;', // 8
  '}', // 9
].join('\n') + '\n';

const PARAMS_TEXT = [
  '//! Tunables of the Metal backend.', // 1
  'use std::sync::Mutex;', // 2
  '', // 3
  '/// Threads per threadgroup for the root read; assumes 32-wide SIMD groups.', // 4
  'pub const ROOT_THREADS: usize = 256;', // 5
  '', // 6
  '/// Compiled pipelines, built once.', // 7
  '#[allow(dead_code)]', // 8
  'pub static PIPELINES: Mutex<Vec<u32>> = Mutex::new(Vec::new());', // 9
  '', // 10
  'pub fn root_threads() -> usize {', // 11
  '    ROOT_THREADS', // 12
  '}', // 13
].join('\n') + '\n';

/**
 * The fixture with extra files, and extra hotspots of work item 3 (milestone 3) in the catalog,
 * committed: the base every check below compares against.
 */
function repo(hotspots: string[], files: Record<string, string>): string {
  const root = fixtureRepo();
  repos.push(root);
  if (hotspots.length === 0 && Object.keys(files).length === 0) return root;
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  edit(root, CATALOG, (t) => t.replace('  - Root extraction: `crates/metal-backend/src/merkle_tree.rs:97`\n', (m) => m + hotspots.map((h) => `  - Extra hotspot: \`${h}\`\n`).join('')));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'Kernels and their hotspots');
  return root;
}

function lineEdit(root: string, rel: string, line: number, change: (l: string) => string): void {
  edit(root, rel, (t) => t.split('\n').map((l, i) => (i === line - 1 ? change(l) : l)).join('\n'));
}

function insertAbove(root: string, rel: string, line: number, text: string): void {
  edit(root, rel, (t) => t.split('\n').flatMap((l, i) => (i === line - 1 ? [text, l] : [l])).join('\n'));
}

async function scope(root: string, ...extra: string[]) {
  const run = await cli(root, 'scope', '--milestone', '2', '--json', ...extra);
  const json = JSON.parse(run.stdout);
  return { run, json, codes: codes(run) };
}

test('CUDA: an edit on the hotspot line is an error for the enclosing kernel, named in the message', async () => {
  const root = repo([`${CU}:8`], { [CU]: CU_TEXT });
  lineEdit(root, CU, 8, () => '        out[i] = hash2(in[i]);');
  const { run, json, codes: found } = await scope(root);
  assert.equal(run.code, 6, run.stderr);
  assert.deepEqual(found, [`other-milestone-hotspot@${CU}:8`]);
  const f = json.findings[0];
  assert.equal(f.milestone, '3');
  assert.match(f.message, /milestone 3's hotspot function row_hash_kernel \(hotspot merkle\.cu:8;/);
  assert.deepEqual(f.region, { start: 4, end: 10, kind: 'function', name: 'row_hash_kernel' });
});

test('CUDA: elsewhere in the kernel (template line included) is an error; the next kernel and the gap are not', async () => {
  const root = repo([`${CU}:8`], { [CU]: CU_TEXT });
  lineEdit(root, CU, 4, () => 'template <typename T, int ROWS>');
  lineEdit(root, CU, 6, (l) => l + ' // global index');
  lineEdit(root, CU, 13, () => '    out[0] = Fp(1);');
  insertAbove(root, CU, 12, '// Compresses one layer.');
  const { run, codes: found } = await scope(root);
  assert.equal(run.code, 6);
  assert.deepEqual(found, [`other-milestone-hotspot@${CU}:4`, `other-milestone-hotspot@${CU}:6`, `supporting-change@${CU}:12`, `supporting-change@${CU}:14`]);
  // The same decisions for what is staged.
  git(root, 'add', CU);
  const staged = await scope(root, '--staged');
  assert.equal(staged.run.code, 6);
  assert.deepEqual(staged.codes, found);
  assert.equal(staged.json.staged, true);
});

test('C header: when no function can be trusted the hotspot is its line only, and the finding says why', async () => {
  const root = repo([`${GUARDED}:6`], { [GUARDED]: GUARDED_TEXT });
  lineEdit(root, GUARDED, 6, () => '    x[0] = x[2];');
  lineEdit(root, GUARDED, 2, () => '__device__ void reduce(Fp *x) { // fast');
  const { run, json, codes: found } = await scope(root);
  assert.equal(run.code, 6);
  assert.deepEqual(found, [`supporting-change@${GUARDED}:2`, `other-milestone-hotspot@${GUARDED}:6`]);
  assert.match(json.findings[1].message, /hotspot line 6 \(the line only: no function boundaries are trusted in this file: the #if at line 1 opens or closes braces in one branch but not in another\)/);
  assert.equal(json.findings[1].region.kind, 'lines');
});

test('Metal: an edit inside a kernel with attributes in its parameters is an error for the kernel', async () => {
  const root = repo([`${METAL}:8`], { [METAL]: METAL_TEXT });
  lineEdit(root, METAL, 7, () => '    if (gid >= n) return;');
  const { run, json, codes: found } = await scope(root);
  assert.equal(run.code, 6);
  assert.deepEqual(found, [`other-milestone-hotspot@${METAL}:7`]);
  assert.match(json.findings[0].message, /hotspot function ntt_stage \(hotspot ntt\.metal:8;/);
});

test('Rust const and static items are regions with their docs and attributes', async () => {
  const root = repo([`${PARAMS}:5`, `${PARAMS}:9`], { [PARAMS]: PARAMS_TEXT });
  lineEdit(root, PARAMS, 4, () => '/// Threads per threadgroup for the root read; assumes 64-wide SIMD groups.');
  lineEdit(root, PARAMS, 8, () => '#[allow(dead_code, unused)]');
  const { run, json, codes: found } = await scope(root);
  assert.equal(run.code, 6);
  assert.deepEqual(found, [`other-milestone-hotspot@${PARAMS}:4`, `other-milestone-hotspot@${PARAMS}:8`]);
  assert.match(json.findings[0].message, /hotspot const ROOT_THREADS/);
  assert.match(json.findings[1].message, /hotspot static PIPELINES/);
});

test("a doc comment or attribute written directly above another milestone's item belongs to it; a plain comment does not", async () => {
  for (const [inserted, expected] of [
    ['/// Returns the thread count.', 'other-milestone-hotspot'],
    ['#[inline]', 'other-milestone-hotspot'],
    ['/** Returns the thread count. */', 'other-milestone-hotspot'],
    ['// a plain note', 'supporting-change'],
  ] as const) {
    const root = repo([`${PARAMS}:12`], { [PARAMS]: PARAMS_TEXT });
    insertAbove(root, PARAMS, 11, inserted);
    const { codes: found, json } = await scope(root);
    assert.deepEqual(found, [`${expected}@${PARAMS}:11`], inserted);
    if (expected === 'other-milestone-hotspot') assert.match(json.findings[0].message, /hotspot fn root_threads/);
  }
  // Above a const, after a blank line, is still directly above it.
  const root = repo([`${PARAMS}:5`], { [PARAMS]: PARAMS_TEXT });
  insertAbove(root, PARAMS, 3, '#[doc(hidden)]');
  assert.deepEqual((await scope(root)).codes, [`other-milestone-hotspot@${PARAMS}:3`]);
});

test('Cargo.toml: tables and pins inside multi-line strings are text, not dependencies', async () => {
  const root = repo([], {});
  edit(root, METAL_TOML, (t) => t + '\n[package.metadata.release-notes]\nbody = """\n[dependencies]\np3-field = "0.5"\n"""\nlegacy = \'\'\'\n[workspace.dependencies]\np3-air = { version = "0.3" }\n\'\'\'\n');
  const { run, json, codes: found } = await scope(root);
  assert.equal(run.code, 0, run.stdout);
  assert.deepEqual(found, [`supporting-change@${METAL_TOML}:26`]);
  assert.deepEqual(json.problems, []);
});

test('Cargo.toml: respelled pins ("= 0.4.1", """…""", \\u003d escapes) keep the pin; an escaped new version is read as it is', async () => {
  const root = repo([], {});
  edit(root, 'Cargo.toml', (t) =>
    t
      .replace('p3-air = "=0.4.1"', 'p3-air = "= 0.4.1"')
      .replace('p3-field = "=0.4.1"', 'p3-field = """= 0.4.1"""')
      .replace('p3-matrix = "=0.4.1"', "p3-matrix = '''=0.4.1'''")
      .replace('p3-util = "=0.4.1"', 'p3-util = "\\u003d0.4.1"')
      .replace('p3-maybe-rayon = { version = "=0.4.1", default-features = false }', 'p3-maybe-rayon = { version = "\\u003D 0.4.1", default-features = false }'),
  );
  const kept = await scope(root);
  assert.deepEqual(kept.codes.filter((c) => c.startsWith('pin-changed')), []);
  edit(root, 'Cargo.toml', (t) => t.replace('p3-util = "\\u003d0.4.1"', 'p3-util = "\\u003d0.5.0"'));
  const changed = await scope(root);
  assert.equal(changed.run.code, 6);
  assert.deepEqual(changed.codes.filter((c) => c.startsWith('pin-changed')), ['pin-changed@Cargo.toml:24']);
  const f = changed.json.findings.find((x: { code: string }) => x.code === 'pin-changed');
  assert.match(f.message, /p3-util \("=0\.4\.1" -> "=0\.5\.0"\); pins keep "p3-\*" at =0\.4\.1\. Cargo\.toml read by the TOML parser\./);
  assert.deepEqual(f.tomlReader, { before: 'toml-parser', after: 'toml-parser' });
});

test('Cargo.toml: a half-typed manifest is read by the tolerant reader, and the finding says so', async () => {
  const root = repo([], {});
  edit(root, 'Cargo.toml', (t) => t.replace('p3-field = "=0.4.1"', 'p3-field = "=0.5.0"').replace('metal = "0.29"', 'metal = { version = "0.29",'));
  const { run, json } = await scope(root);
  assert.equal(run.code, 6);
  const f = json.findings.find((x: { code: string }) => x.code === 'pin-changed');
  assert.ok(f, JSON.stringify(json.findings));
  assert.deepEqual(f.tomlReader, { before: 'toml-parser', after: 'tolerant' });
  assert.match(f.message, /read by the tolerant line reader for the current version \(line \d+: .+\), which is not valid TOML/);
  assert.ok(json.problems.some((p: { code: string; message: string }) => p.code === 'scope/cargo-toml' && /not valid TOML .*tolerant line reader/.test(p.message)), JSON.stringify(json.problems));
});
