import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGitDiff, DiffParseError } from '../../../src/core/diff';

// Output of `git diff -U0 --find-renames HEAD` (git 2.39) on a small repository.
const SAMPLE = `diff --git a/added.rs b/added.rs
new file mode 100644
index 0000000..9c38d10
--- /dev/null
+++ b/added.rs
@@ -0,0 +1,2 @@
+new
+file
\\ No newline at end of file
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
index 587be6b..0000000
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git a/img.bin b/img.bin
index bdc955b..8835708 100644
Binary files a/img.bin and b/img.bin differ
diff --git a/lib.rs b/lib.rs
index 052e464..2c37f26 100644
--- a/lib.rs
+++ b/lib.rs
@@ -0,0 +1 @@
+// head
@@ -2 +3 @@ fn a() {
-    1
+    10
diff --git a/moved.txt b/renamed.txt
similarity index 90%
rename from moved.txt
rename to renamed.txt
index 0ff3bbb..fb3ced1 100644
--- a/moved.txt
+++ b/renamed.txt
@@ -5 +5 @@
-5
+five
diff --git a/sp ace.txt b/sp ace.txt
index 7898192..422c2b7 100644
--- a/sp ace.txt\t
+++ b/sp ace.txt\t
@@ -1,0 +2 @@ a
+b
diff --git a/tab.txt b/tab.txt
old mode 100644
new mode 100755
diff --git a/été.rs b/été.rs
new file mode 100644
index 0000000..c600332
--- /dev/null
+++ b/été.rs
@@ -0,0 +1 @@
+é
`;

test('reads added, deleted, binary, modified, renamed, mode-only and non-ASCII entries', () => {
  const files = parseGitDiff(SAMPLE);
  assert.deepEqual(
    files.map((f) => [f.kind, f.oldPath, f.newPath, f.binary, f.hunks.length]),
    [
      ['added', undefined, 'added.rs', false, 1],
      ['deleted', 'gone.txt', undefined, false, 1],
      ['modified', 'img.bin', 'img.bin', true, 0],
      ['modified', 'lib.rs', 'lib.rs', false, 2],
      ['renamed', 'moved.txt', 'renamed.txt', false, 1],
      ['modified', 'sp ace.txt', 'sp ace.txt', false, 1],
      ['modified', 'tab.txt', 'tab.txt', false, 0],
      ['added', undefined, 'été.rs', false, 1],
    ],
  );
});

test('hunk ranges follow the jsdiff convention for empty ranges', () => {
  const lib = parseGitDiff(SAMPLE).find((f) => f.newPath === 'lib.rs')!;
  // "@@ -0,0 +1 @@": inserted before old line 1.
  assert.deepEqual(lib.hunks[0], { oldStart: 1, oldLines: 0, newStart: 1, newLines: 1, lines: ['+// head'] });
  assert.deepEqual(lib.hunks[1], { oldStart: 2, oldLines: 1, newStart: 3, newLines: 1, lines: ['-    1', '+    10'] });
  const gone = parseGitDiff(SAMPLE).find((f) => f.oldPath === 'gone.txt')!;
  assert.deepEqual(gone.hunks[0], { oldStart: 1, oldLines: 1, newStart: 1, newLines: 0, lines: ['-x'] });
  const added = parseGitDiff(SAMPLE).find((f) => f.newPath === 'added.rs')!;
  assert.deepEqual(added.hunks[0].lines, ['+new', '+file', '\\ No newline at end of file']);
});

test('a pure rename and a binary deletion are not merged with the next entry', () => {
  const text = `diff --git a/img.bin b/img.bin
deleted file mode 100644
index 8835708..0000000
Binary files a/img.bin and /dev/null differ
diff --git "a/q\\"uote.txt" "b/q\\"uote.txt"
new file mode 100644
index 0000000..b680253
--- /dev/null
+++ "b/q\\"uote.txt"
@@ -0,0 +1 @@
+z
diff --git a/lib.rs b/src_lib.rs
similarity index 100%
rename from lib.rs
rename to src_lib.rs
diff --git a/x.rs b/x.rs
index 1..2 100644
--- a/x.rs
+++ b/x.rs
@@ -3 +3 @@
-a
+b
`;
  const files = parseGitDiff(text);
  assert.deepEqual(
    files.map((f) => [f.kind, f.oldPath, f.newPath, f.binary, f.hunks.length]),
    [
      ['deleted', 'img.bin', undefined, true, 0],
      ['added', undefined, 'q"uote.txt', false, 1],
      ['renamed', 'lib.rs', 'src_lib.rs', false, 0],
      ['modified', 'x.rs', 'x.rs', false, 1],
    ],
  );
});

test('quoted paths decode octal UTF-8 escapes', () => {
  const quoted = parseGitDiff('diff --git "a/dir/\\303\\251t\\303\\251.rs" "b/dir/\\303\\251t\\303\\251.rs"\nindex 1..2 100644\n--- "a/dir/\\303\\251t\\303\\251.rs"\n+++ "b/dir/\\303\\251t\\303\\251.rs"\n@@ -1 +1 @@\n-a\n+b\n');
  assert.deepEqual([quoted[0].oldPath, quoted[0].newPath, quoted[0].kind, quoted[0].hunks.length], ['dir/été.rs', 'dir/été.rs', 'modified', 1]);
  const files = parseGitDiff('diff --git "a/\\303\\251.bin" "b/\\303\\251.bin"\nindex 1..2 100644\nBinary files "a/\\303\\251.bin" and "b/\\303\\251.bin" differ\n');
  assert.deepEqual([files[0].oldPath, files[0].newPath, files[0].binary], ['é.bin', 'é.bin', true]);
});

test('hunks with context lines parse too', () => {
  const text = `diff --git a/f b/f
--- a/f
+++ b/f
@@ -1,4 +1,4 @@
 a
-b
+B
 c
 d
`;
  const [f] = parseGitDiff(text);
  assert.deepEqual(f.hunks[0], { oldStart: 1, oldLines: 4, newStart: 1, newLines: 4, lines: [' a', '-b', '+B', ' c', ' d'] });
});

test('an empty diff has no entries', () => {
  assert.deepEqual(parseGitDiff(''), []);
});

test('malformed hunks are reported with the diff line', () => {
  const text = 'diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+b\n';
  assert.throws(() => parseGitDiff(text), (err: unknown) => err instanceof DiffParseError && err.line === 4 && /f/.test(err.message));
  assert.throws(() => parseGitDiff('diff --git nonsense\n'), (err: unknown) => err instanceof DiffParseError && err.line === 1);
});
