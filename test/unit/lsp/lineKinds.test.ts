import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineKind, classifyLines, commentSyntaxFor } from '../../../src/core/docChecks/lineKinds';

const kinds = (path: string, text: string) => [...classifyLines(text.split('\n'), commentSyntaxFor(path))];
const { Code: C, Blank: B, Comment: M } = LineKind;

test('rust: line, doc and block comments, nested blocks, blank lines', () => {
  const src = [
    '/// Doc comment.',          // M
    'fn f() {',                  // C
    '    // a comment',          // M
    '',                          // B
    '    /* one /* nested */',   // M
    '       still comment */',   // M
    '    let x = 1; // trailing',// C
    '   \t ',                    // B
    '    /* c */ let y = 2;',    // C
    '}',                         // C
  ].join('\n');
  assert.deepEqual(kinds('src/a.rs', src), [M, C, M, B, M, M, C, B, C, C]);
});

test('a `//` or `/*` inside a string is code, and a multi-line string stays code', () => {
  const src = ['let url = "http://x/*y";', 'let s = "first', '// not a comment: inside the string', 'end";', '// real comment'].join('\n');
  assert.deepEqual(kinds('a.rs', src), [C, C, C, C, M]);
});

test('C-like block comments do not nest (metal, cuda)', () => {
  const src = ['/* a /* b */', 'kernel void k() {}', ' * stray star line is code outside a comment'].join('\n');
  assert.deepEqual(kinds('k.metal', src), [M, C, C]);
});

test('hash comments for toml and python; unknown extensions only know blank lines', () => {
  assert.deepEqual(kinds('Cargo.toml', '# c\n[package]\n\nname = "x" # t'), [M, C, B, C]);
  assert.deepEqual(kinds('notes.xyz', '// looks like a comment\n\nx'), [C, B, C]);
  assert.equal(commentSyntaxFor('crates/a/Makefile')?.line[0], '#');
});
