import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCFunctions, isCLikeFile } from '../../../src/core/scope/clike/functions';

const outline = (src: string) => findCFunctions(src).functions.map((f) => `${f.name} ${f.startLine}-${f.endLine}`);

test('CUDA kernels: templates, __global__, __launch_bounds__, extern "C" launchers', () => {
  const src = [
    '#include "fp.h"', // 1
    'template <typename T, int N = sizeof(T)>', // 2
    '__global__ void __launch_bounds__(256, 2) scale_kernel(T *out, const T *in, size_t n) {', // 3
    '    size_t i = blockIdx.x * blockDim.x + threadIdx.x;', // 4
    '    if (i < n) { out[i] = in[i] * T(N); }', // 5
    '}', // 6
    '', // 7
    'extern "C" int _scale(float *out, const float *in, size_t n) {', // 8
    '    scale_kernel<float><<<(n + 255) / 256, 256>>>(out, in, n);', // 9
    '    return CHECK_KERNEL();', // 10
    '}', // 11
    'static __device__ __constant__ uint32_t TABLE[4] = { 1, 2, 3, 4 };', // 12
    'struct digest_t { uint32_t cells[8]; };', // 13
    'namespace poseidon2 {', // 14
    '__device__ __forceinline__ void permute(Fp *cells) {', // 15
    '#pragma unroll', // 16
    '    for (int r = 0; r < 4; r++) { round(cells, r); }', // 17
    '}', // 18
    '} // namespace poseidon2', // 19
  ].join('\n');
  assert.deepEqual(outline(src), ['scale_kernel 2-6', '_scale 8-11', 'permute 15-18']);
  assert.equal(findCFunctions(src).unreliable, undefined);
});

test('braces in comments, strings, chars, raw strings and macros do not count', () => {
  const src = [
    '/* a comment { with a brace', // 1
    '   over lines } */', // 2
    'int f(const char *s) {', // 3
    '    const char *a = "}{\\"}";', // 4
    "    char b = '}';", // 5
    "    char c = '\\'';", // 6
    '    auto r = R"x(raw } " )x";', // 7
    "    long m = 1'000'000; // } line comment", // 8
    '#define OPEN {', // 9
    '#define BODY(x) \\', // 10
    '    do { x; } while (0)', // 11
    '    return 0;', // 12
    '}', // 13
    'int g() { return 1; }', // 14
  ].join('\n');
  assert.deepEqual(outline(src), ['f 3-13', 'g 14-14']);
  assert.deepEqual(findCFunctions(src).directives, [[9, 9], [10, 11]]);
});

test('Metal kernels with attributes, C++ methods, operators, constructors with initialiser lists', () => {
  const src = [
    '#include <metal_stdlib>', // 1
    'using namespace metal;', // 2
    'kernel void ntt_stage(device uint *data [[buffer(0)]],', // 3
    '                      uint gid [[thread_position_in_grid]]) {', // 4
    '    data[gid] += 1;', // 5
    '}', // 6
    'struct Fp {', // 7
    '    uint v;', // 8
    'public:', // 9
    '    Fp(uint x) : v(x), w{0} { normalise(); }', // 10
    '    Fp operator+(Fp o) const { return Fp(v + o.v); }', // 11
    '    bool operator<(Fp o) const { return v < o.v; }', // 12
    '    uint operator()(int i) const noexcept { return v; }', // 13
    '};', // 14
    'Fp Fp::inverse() const -> Fp {', // 15
    '    return pow(*this, P - 2);', // 16
    '}', // 17
    'template <> void fill<Fp>(Fp *p) { *p = Fp(0); }', // 18
  ].join('\n');
  assert.deepEqual(outline(src), ['ntt_stage 3-6', 'Fp 10-10', 'operator+ 11-11', 'operator< 12-12', 'operator() 13-13', 'Fp::inverse 15-17', 'fill 18-18']);
});

test('preprocessor branches that change brace depth differently make the file unreliable', () => {
  const src = [
    '#ifdef FAST', // 1
    'void f(int a) {', // 2
    '#else', // 3
    'void f(int a, int b) {', // 4
    '#endif', // 5
    '    work();', // 6
    '}', // 7
  ].join('\n');
  const r = findCFunctions(src);
  assert.deepEqual(r.functions, []);
  assert.match(r.unreliable!.reason, /the #if at line 1 opens or closes braces in one branch but not in another|never closed/);
  // The common `extern "C" {` guard, balanced over the file, is fine.
  const guarded = ['#ifdef __cplusplus', 'extern "C" {', '#endif', 'int g(void) { return 0; }', '#ifdef __cplusplus', '}', '#endif'].join('\n');
  assert.deepEqual(outline(guarded), ['g 4-4']);
});

test('unterminated literals and unmatched braces are reported, not guessed', () => {
  assert.match(findCFunctions('void f() {\n  const char *s = "open;\n}\n').unreliable!.reason, /unterminated string literal at line 2/);
  assert.match(findCFunctions('/* never closed\nvoid f() {}\n').unreliable!.reason, /unterminated block comment at line 1/);
  assert.match(findCFunctions('void f() {\n  if (x) {\n}\n').unreliable!.reason, /never closed/);
  assert.match(findCFunctions('void f() {\n}\n}\n').unreliable!.reason, /unmatched '}' at line 3/);
});

test('C-family files are recognised by extension', () => {
  for (const f of ['a.cu', 'a.cuh', 'k.metal', 'x.h', 'x.c', 'x.cpp', 'x.hpp', 'x.cc']) assert.ok(isCLikeFile(f), f);
  for (const f of ['a.rs', 'build.sh', 'Cargo.toml', 'x.py']) assert.ok(!isCLikeFile(f), f);
});
