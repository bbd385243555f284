import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enclosingItem, findRustItems, itemPath, lexRust, type RustItem } from '../../../src/core/scope';

/** `kind name start-end` of the innermost item around each marked line (`// <-N`). */
function around(text: string, marker: string): string | undefined {
  const line = text.split('\n').findIndex((l) => l.includes(marker)) + 1;
  assert.ok(line > 0, `marker ${marker} not found`);
  const item = enclosingItem(findRustItems(text).items, line);
  return item && `${item.kind} ${item.name} ${item.startLine}-${item.endLine}`;
}

function outline(items: readonly RustItem[], depth = 0): string[] {
  return items.flatMap((i) => [`${'  '.repeat(depth)}${i.kind} ${i.name} ${i.startLine}-${i.endLine}`, ...outline(i.children, depth + 1)]);
}

test('braces inside strings, chars and comments do not count', () => {
  const src = [
    'fn tricky() -> &\'static str {', // 1
    '    let a = "}{ \\" }";', // 2
    "    let b = '{';", // 3
    "    let c = '}';", // 4
    "    let d = '\\'';", // 5
    '    // } a line comment with a brace', // 6
    '    /* } block /* nested { */ still comment } */', // 7
    '    let e = b"}";', // 8
    "    let f = b'{';", // 9
    '    a // <-1', // 10
    '}', // 11
    '', // 12
    'fn after() {} // <-2', // 13
  ].join('\n');
  assert.equal(around(src, '<-1'), 'fn tricky 1-11');
  assert.equal(around(src, '<-2'), 'fn after 13-13');
  assert.deepEqual(findRustItems(src).problems, []);
});

test('raw strings with hashes hide quotes and braces', () => {
  const src = [
    'fn shader() -> &\'static str {', // 1
    '    r#"', // 2
    '        kernel void k() { if (x) { "quoted" } }', // 3
    '        "#', // 4
    '}', // 5
    'fn more() {', // 6
    '    let s = r##"a "# still inside }"##;', // 7
    '    let t = br#"}"#;', // 8
    '    let u = r"}";', // 9
    '    let r#fn = 1; // <-m', // 10
    '}', // 11
  ].join('\n');
  assert.deepEqual(outline(findRustItems(src).items), ['fn shader 1-5', 'fn more 6-11']);
  assert.equal(around(src, '<-m'), 'fn more 6-11');
});

test('lifetimes and labels are not char literals', () => {
  const src = [
    "impl<'a, T: 'a> View<'a, T> {", // 1
    "    fn get<'b>(&'b self) -> &'b T where 'a: 'b {", // 2
    "        'outer: loop { break 'outer; }", // 3
    "        let c = 'x'; let u = '\\u{1F600}'; let e = '😀';", // 4
    '        self.0 // <-g', // 5
    '    }', // 6
    '}', // 7
  ].join('\n');
  assert.equal(around(src, '<-g'), 'fn get 2-6');
  assert.deepEqual(outline(findRustItems(src).items), ['impl View 1-7', '  fn get 2-6']);
  const lifetimes = lexRust(src).tokens.filter((t) => t.kind === 'lifetime').map((t) => t.value);
  assert.deepEqual(lifetimes, ['a', 'a', 'a', 'b', 'b', 'b', 'a', 'b', 'outer', 'outer']);
});

test('methods of nested impls, impls inside functions, trait declarations', () => {
  const src = [
    'mod outer {', // 1
    '    pub struct S;', // 2
    '    impl S {', // 3
    '        /// Docs belong to the method.', // 4
    '        #[inline]', // 5
    '        pub(crate) const unsafe fn m(&self) -> Result<Vec<u8>, ()> {', // 6
    '            struct Local { x: u32 }', // 7
    '            impl Local { fn helper(&self) -> u32 { self.x } } // <-h', // 8
    '            Ok(vec![]) // <-m', // 9
    '        }', // 10
    '    }', // 11
    '    pub trait T {', // 12
    '        fn required(&self); // <-r', // 13
    '        fn provided(&self) where Self: Sized { } ', // 14
    '    }', // 15
    '}', // 16
  ].join('\n');
  assert.equal(around(src, '<-h'), 'fn helper 8-8');
  assert.equal(around(src, '<-m'), 'fn m 4-10');
  assert.equal(around(src, '<-r'), 'fn required 13-13');
  const path = itemPath(findRustItems(src).items, 9).map((i) => `${i.kind} ${i.name}`);
  assert.deepEqual(path, ['mod outer', 'impl S', 'fn m']);
  assert.deepEqual(outline(findRustItems(src).items), [
    'mod outer 1-16',
    '  struct S 2-2',
    '  impl S 3-11',
    '    fn m 4-10',
    '      struct Local 7-7',
    '      impl Local 8-8',
    '        fn helper 8-8',
    '  trait T 12-15',
    '    fn required 13-13',
    '    fn provided 14-14',
  ]);
});

test('macro_rules bodies are opaque; item-level macro calls are items; statement macros are not', () => {
  const src = [
    'macro_rules! make {', // 1
    '    ($name:ident) => { fn $name() { } };', // 2
    '    () => {{ "}" }};', // 3
    '}', // 4
    'thread_local! {', // 5
    '    static CACHE: RefCell<u32> = RefCell::new(0); // <-t', // 6
    '}', // 7
    'cfg_if::cfg_if! {', // 8
    '    if #[cfg(feature = "metal")] {', // 9
    '        fn backend() -> u32 { 1 } // <-c', // 10
    '    }', // 11
    '}', // 12
    'fn body() {', // 13
    '    println!("{}", {', // 14
    '        1 // <-p', // 15
    '    });', // 16
    '}', // 17
    'make!(generated);', // 18
  ].join('\n');
  assert.equal(around(src, '($name:ident)'), 'macro_rules make 1-4');
  assert.equal(around(src, '<-t'), 'static CACHE 6-6');
  assert.equal(around(src, '<-c'), 'fn backend 10-10');
  assert.equal(around(src, '<-p'), 'fn body 13-17');
  assert.deepEqual(outline(findRustItems(src).items), [
    'macro_rules make 1-4',
    'macro thread_local 5-7',
    '  static CACHE 6-6',
    'macro cfg_if::cfg_if 8-12',
    '  fn backend 10-10',
    'fn body 13-17',
    'macro make 18-18',
  ]);
});

test('structs, enums, unions, extern blocks, fn pointers and impl Trait', () => {
  const src = [
    'pub struct Tuple(u32, [u8; 4]);', // 1
    'pub enum E<T> where T: Clone { A { x: T }, B(fn(u32) -> u32) }', // 2
    'union U { a: u32, b: f32 }', // 3
    'extern "C" {', // 4
    '    fn c_fn(x: u32) -> u32; // <-x', // 5
    '}', // 6
    'fn takes(f: fn(u32) -> u32, g: impl Fn() -> u8) -> impl Iterator<Item = u8> {', // 7
    '    let union = 3; unsafe { g(); } // <-f', // 8
    '    std::iter::empty()', // 9
    '}', // 10
    'impl<const N: usize> Arr<{ N + 1 }> { fn len(&self) -> usize { N } } // <-k', // 11
    'unsafe impl Send for Arr<1> {}', // 12
  ].join('\n');
  assert.deepEqual(outline(findRustItems(src).items), [
    'struct Tuple 1-1',
    'enum E 2-2',
    'union U 3-3',
    'extern extern 4-6',
    '  fn c_fn 5-5',
    'fn takes 7-10',
    'impl Arr 11-11',
    '  fn len 11-11',
    'impl Send for Arr 12-12',
  ]);
  assert.equal(around(src, '<-f'), 'fn takes 7-10');
});

test('a line outside any item has no enclosing item', () => {
  const src = 'use std::sync::Arc;\n\nfn f() {}\n';
  assert.equal(enclosingItem(findRustItems(src).items, 1), undefined);
  assert.equal(enclosingItem(findRustItems(src).items, 2), undefined);
});

test('unterminated literals and unbalanced braces are reported with their line, not dropped', () => {
  const unterminated = findRustItems('fn a() {\n    let s = "open\n}\n');
  assert.ok(unterminated.problems.some((p) => p.line === 2 && /unterminated string/.test(p.message)));
  const comment = findRustItems('fn a() {}\n/* never closed\nfn b() {}\n');
  assert.ok(comment.problems.some((p) => p.line === 2 && /block comment/.test(p.message)));
  assert.deepEqual(outline(comment.items), ['fn a 1-1']);
  const unbalanced = findRustItems('fn a() {\n    if x {\n}\nfn b() {}\n');
  assert.ok(unbalanced.problems.some((p) => p.line === 1 && /never closed/.test(p.message)));
  const stray = findRustItems('fn a() {}\n}\nfn b() {}\n');
  assert.ok(stray.problems.some((p) => p.line === 2 && /unmatched '\}'/.test(p.message)));
  assert.deepEqual(outline(stray.items), ['fn a 1-1', 'fn b 3-3']);
});

test('doc comments and attributes extend an item upwards; plain comments do not', () => {
  const src = [
    '// A plain comment is not part of the item.', // 1
    '/// Docs.', // 2
    '/** More docs. */', // 3
    '#[cfg(test)]', // 4
    '#[allow(unused)]', // 5
    'fn documented() {}', // 6
  ].join('\n');
  assert.deepEqual(outline(findRustItems(src).items), ['fn documented 2-6']);
});
