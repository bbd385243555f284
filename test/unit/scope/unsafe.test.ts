import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnsafe } from '../../../src/core/scope';

function sites(src: string) {
  return findUnsafe(src).map((s) => `${s.line}:${s.kind}:${s.documented ? 'ok' : 'missing'}`);
}

test('a SAFETY comment above the statement, on the line, or inside the statement documents it', () => {
  const src = [
    'fn f(p: *const u8) -> u8 {', // 1
    '    // SAFETY: p is valid for reads of one byte.', // 2
    '    let a = unsafe { *p };', // 3
    '    let b = unsafe { *p }; // SAFETY: same pointer as above.', // 4
    '    let c = g(', // 5
    '        1,', // 6
    '        // SAFETY: checked by the caller.', // 7
    '        unsafe { *p },', // 8
    '    );', // 9
    '    let d = unsafe { *p };', // 10
    '    a + b + c + d', // 11
    '}', // 12
  ].join('\n');
  assert.deepEqual(sites(src), ['3:block:ok', '4:block:ok', '8:block:ok', '10:block:missing']);
});

test('a comment for the previous statement does not cover the next one', () => {
  const src = ['fn f(p: *mut u8) {', '    // SAFETY: p is valid.', '    unsafe { *p = 1 };', '    unsafe { *p = 2 };', '}'].join('\n');
  assert.deepEqual(sites(src), ['3:block:ok', '4:block:missing']);
});

test('unsafe fn accepts a # Safety doc section; impls, traits and extern blocks are recognised', () => {
  const src = [
    '/// Reads a byte.', // 1
    '///', // 2
    '/// # Safety', // 3
    '/// `p` must be valid.', // 4
    'pub unsafe fn read(p: *const u8) -> u8 { *p }', // 5
    'pub unsafe fn undocumented(p: *const u8) -> u8 { *p }', // 6
    '// SAFETY: the buffer is only shared read-only between threads.', // 7
    '#[allow(clippy::non_send_fields_in_send_ty)]', // 8
    'unsafe impl Send for Buffer {}', // 9
    'unsafe impl Sync for Buffer {}', // 10
    'unsafe trait Pod {}', // 11
    'unsafe extern "C" { fn c(); }', // 12
    '#[unsafe(no_mangle)]', // 13
    'extern "C" fn exported() {}', // 14
  ].join('\n');
  assert.deepEqual(sites(src), ['5:fn:ok', '6:fn:missing', '9:impl:ok', '10:impl:missing', '11:trait:missing', '12:extern:missing']);
});

test('unsafe in strings, comments and identifiers is not code', () => {
  const src = ['fn f() {', '    let s = "unsafe { }";', '    // unsafe { }', '    let unsafe_count = r#"unsafe"#;', '}'].join('\n');
  assert.deepEqual(sites(src), []);
});

test('match arms: the comment goes above the arm', () => {
  const src = ['fn f(x: Option<*const u8>) -> u8 {', '    match x {', '        None => 0,', '        // SAFETY: Some holds a valid pointer.', '        Some(p) => unsafe { *p },', '    }', '}'].join('\n');
  assert.deepEqual(sites(src), ['5:block:ok']);
});

test('columns are reported', () => {
  const [s] = findUnsafe('fn f() {\n    let a = unsafe { 1 };\n}\n');
  assert.equal(s.column, 13);
});
