import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mapLine, invertHunks, mapFileLine, parseGitDiff, diffTexts } from '../../../src/core/diff';

const BASE = `use std::sync::Arc;

pub struct MerkleTree {
    layers: Vec<Vec<u8>>,
}

impl MerkleTree {
    pub fn root(&self) -> [u8; 32] {
        let root = self.layers.last().unwrap().to_host();
        root[0..32].try_into().unwrap()
    }

    pub fn height(&self) -> usize {
        self.layers.len()
    }
}
`;

function lines(text: string): string[] {
  return text.split('\n');
}

test('insertions above move a line down', () => {
  const now = BASE.replace('use std::sync::Arc;\n', 'use std::sync::Arc;\nuse std::mem;\nuse std::ptr;\n');
  const hunks = diffTexts(BASE, now);
  assert.deepEqual(mapLine(hunks, 9), { kind: 'unchanged', line: 11 });
  assert.equal(lines(now)[11 - 1], lines(BASE)[9 - 1]);
  assert.deepEqual(mapLine(hunks, 1), { kind: 'unchanged', line: 1 });
});

test('deletions above move a line up; a deleted line is removed', () => {
  const now = BASE.replace('pub struct MerkleTree {\n    layers: Vec<Vec<u8>>,\n}\n\n', '');
  const hunks = diffTexts(BASE, now);
  assert.deepEqual(mapLine(hunks, 9), { kind: 'unchanged', line: 5 });
  assert.deepEqual(mapLine(hunks, 4), { kind: 'removed', line: 3 });
  assert.equal(lines(now)[3 - 1], 'impl MerkleTree {');
});

test('an edit of the line itself is edited, at the replacement', () => {
  const now = BASE.replace('self.layers.last().unwrap().to_host()', 'self.layers.last().unwrap().as_slice()');
  const hunks = diffTexts(BASE, now);
  assert.deepEqual(mapLine(hunks, 9), { kind: 'edited', line: 9 });
  assert.deepEqual(mapLine(hunks, 10), { kind: 'unchanged', line: 10 });
});

test('a line replaced by more lines maps to the same offset; by fewer, clamps to the last', () => {
  const old = 'a\nb\nc\nd\ne\n';
  const grow = diffTexts(old, 'a\nB1\nB2\nB3\nC1\nd\ne\n');
  assert.deepEqual(mapLine(grow, 2), { kind: 'edited', line: 2 });
  assert.deepEqual(mapLine(grow, 3), { kind: 'edited', line: 3 });
  assert.deepEqual(mapLine(grow, 4), { kind: 'unchanged', line: 6 });
  const shrink = diffTexts(old, 'a\nX\ne\n');
  assert.deepEqual(mapLine(shrink, 2), { kind: 'edited', line: 2 });
  assert.deepEqual(mapLine(shrink, 4), { kind: 'edited', line: 2 });
  assert.deepEqual(mapLine(shrink, 5), { kind: 'unchanged', line: 3 });
});

test('lines inside context hunks and after all hunks map through', () => {
  const [f] = parseGitDiff(`diff --git a/f b/f
--- a/f
+++ b/f
@@ -2,5 +2,5 @@
 b
-c
+C
+C2
 d
-e
 f
@@ -20 +20,2 @@
-t
+T
+T2
`);
  assert.deepEqual(mapLine(f.hunks, 1), { kind: 'unchanged', line: 1 });
  assert.deepEqual(mapLine(f.hunks, 2), { kind: 'unchanged', line: 2 });
  assert.deepEqual(mapLine(f.hunks, 3), { kind: 'edited', line: 3 });
  assert.deepEqual(mapLine(f.hunks, 4), { kind: 'unchanged', line: 5 });
  assert.deepEqual(mapLine(f.hunks, 5), { kind: 'removed', line: 6 });
  assert.deepEqual(mapLine(f.hunks, 6), { kind: 'unchanged', line: 6 });
  assert.deepEqual(mapLine(f.hunks, 19), { kind: 'unchanged', line: 19 });
  assert.deepEqual(mapLine(f.hunks, 20), { kind: 'edited', line: 20 });
  assert.deepEqual(mapLine(f.hunks, 21), { kind: 'unchanged', line: 22 });
});

test('a renamed file maps through to its new path; a deleted one is file-deleted', () => {
  const files = parseGitDiff(`diff --git a/src/merkle.rs b/src/merkle_tree.rs
similarity index 95%
rename from src/merkle.rs
rename to src/merkle_tree.rs
index 1..2 100644
--- a/src/merkle.rs
+++ b/src/merkle_tree.rs
@@ -0,0 +1,2 @@
+// Merkle tree over device buffers.
+
diff --git a/src/old.rs b/src/old.rs
deleted file mode 100644
index 3..0000000
--- a/src/old.rs
+++ /dev/null
@@ -1 +0,0 @@
-x
`);
  assert.deepEqual(mapFileLine(files, 'src/merkle.rs', 97), { kind: 'unchanged', line: 99, path: 'src/merkle_tree.rs' });
  assert.deepEqual(mapFileLine(files, 'src/old.rs', 1), { kind: 'file-deleted', path: 'src/old.rs' });
  assert.deepEqual(mapFileLine(files, 'src/other.rs', 5), { kind: 'unchanged', line: 5, path: 'src/other.rs' });
});

test('a pure rename keeps every line', () => {
  const files = parseGitDiff('diff --git a/a.rs b/b.rs\nsimilarity index 100%\nrename from a.rs\nrename to b.rs\n');
  assert.deepEqual(mapFileLine(files, 'a.rs', 42), { kind: 'unchanged', line: 42, path: 'b.rs' });
});

test('inverted hunks map new lines back', () => {
  const now = BASE.replace('use std::sync::Arc;\n', 'use std::sync::Arc;\nuse std::mem;\n').replace('        self.layers.len()\n', '        let n = self.layers.len();\n        n\n');
  const back = invertHunks(diffTexts(BASE, now));
  assert.deepEqual(mapLine(back, 10), { kind: 'unchanged', line: 9 });
  assert.deepEqual(mapLine(back, 2), { kind: 'removed', line: 2 });
  assert.deepEqual(mapLine(back, 15), { kind: 'edited', line: 14 });
  assert.deepEqual(mapLine(back, 16), { kind: 'edited', line: 14 });
});

test('property: unchanged lines keep their text; edited and removed ones point inside the new text', () => {
  const line = fc.constantFrom('a', 'b', 'c', 'fn x() {', '}', '', '    let y = 1;');
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (oldLines, newLines) => {
      const oldText = oldLines.map((l) => l + '\n').join('');
      const newText = newLines.map((l) => l + '\n').join('');
      const hunks = diffTexts(oldText, newText);
      for (let i = 1; i <= oldLines.length; i++) {
        const m = mapLine(hunks, i);
        assert.ok(m.line >= 1 && m.line <= newLines.length + 1, `line ${i} -> ${m.line}`);
        if (m.kind === 'unchanged') assert.equal(newLines[m.line - 1], oldLines[i - 1]);
        else assert.ok(m.kind === 'edited' ? m.line <= newLines.length : true);
      }
      // Unchanged mappings are strictly increasing (order is preserved).
      let last = 0;
      for (let i = 1; i <= oldLines.length; i++) {
        const m = mapLine(hunks, i);
        if (m.kind !== 'unchanged') continue;
        assert.ok(m.line > last);
        last = m.line;
      }
    }),
    { numRuns: 300 },
  );
});
