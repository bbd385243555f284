import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blobSpec, diffWorkingTree, EMPTY_TREE, GitError, readBlobs, resolveCommit, mapFileLine } from '../../../src/core/diff';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(): { root: string; git: (...a: string[]) => string; write: (rel: string, text: string | Buffer) => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'ms-diff-'));
  dirs.push(root);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const write = (rel: string, text: string | Buffer) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  git('init', '-q');
  git('config', 'user.name', 't');
  git('config', 'user.email', 't@example.invalid');
  git('config', 'commit.gpgsign', 'false');
  return { root, git, write };
}

const lines = (n: number, tag = 'l') => Array.from({ length: n }, (_, i) => `${tag}${i + 1}`).join('\n') + '\n';

test('working tree diff: edits, renames, deletions, untracked and binary files', async () => {
  const { root, git, write } = repo();
  write('src/a.rs', lines(30));
  write('src/moved.rs', lines(40, 'm'));
  write('src/gone.rs', 'x\n');
  write('img.bin', Buffer.from([0, 1, 2]));
  git('add', '-A');
  git('commit', '-qm', 'base');
  const head = git('rev-parse', 'HEAD');
  write('src/a.rs', lines(30).replace('l10\n', 'l10\nnew\n').replace('l20\n', 'L20\n'));
  git('mv', 'src/moved.rs', 'src/renamed.rs');
  write('src/renamed.rs', 'header\n' + lines(40, 'm'));
  git('rm', '-q', 'src/gone.rs');
  write('img.bin', Buffer.from([0, 9, 9]));
  write('notes/new file.md', 'hello\nworld');
  write('blob.dat', Buffer.from([1, 0, 2]));
  const wd = await diffWorkingTree(root);
  assert.equal(wd.base, head);
  const by = new Map(wd.files.map((f) => [f.newPath ?? f.oldPath, f]));
  assert.deepEqual([...by.keys()].sort(), ['blob.dat', 'img.bin', 'notes/new file.md', 'src/a.rs', 'src/gone.rs', 'src/renamed.rs']);
  assert.deepEqual(by.get('src/a.rs')!.hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines]), [[11, 0, 11, 1], [20, 1, 21, 1]]);
  assert.equal(by.get('src/renamed.rs')!.kind, 'renamed');
  assert.equal(by.get('src/renamed.rs')!.oldPath, 'src/moved.rs');
  assert.deepEqual(mapFileLine(wd.files, 'src/moved.rs', 5), { kind: 'unchanged', line: 6, path: 'src/renamed.rs' });
  assert.deepEqual(mapFileLine(wd.files, 'src/a.rs', 25), { kind: 'unchanged', line: 26, path: 'src/a.rs' });
  assert.equal(by.get('src/gone.rs')!.kind, 'deleted');
  assert.equal(by.get('img.bin')!.binary, true);
  const untracked = by.get('notes/new file.md')!;
  assert.deepEqual([untracked.kind, untracked.untracked, untracked.hunks[0].lines], ['added', true, ['+hello', '+world', '\\ No newline at end of file']]);
  assert.equal(by.get('blob.dat')!.binary, true);

  const staged = await diffWorkingTree(root, { staged: true });
  assert.deepEqual(staged.files.map((f) => f.newPath ?? f.oldPath).sort(), ['src/gone.rs', 'src/renamed.rs']);

  const blobs = await readBlobs(root, [blobSpec(head, 'src/gone.rs'), blobSpec(head, 'missing.rs'), blobSpec(undefined, 'src/renamed.rs')]);
  assert.equal(blobs.get(blobSpec(head, 'src/gone.rs')), 'x\n');
  assert.equal(blobs.get(blobSpec(head, 'missing.rs')), undefined);
  assert.equal(blobs.get(blobSpec(undefined, 'src/renamed.rs')), lines(40, 'm'));
});

test('paths are relative to a workspace inside a larger repository', async () => {
  const { root, git, write } = repo();
  write('ws/src/lib.rs', 'a\n');
  write('other/x.rs', 'b\n');
  git('add', '-A');
  git('commit', '-qm', 'base');
  write('ws/src/lib.rs', 'a\nb\n');
  write('other/x.rs', 'c\n');
  const wd = await diffWorkingTree(path.join(root, 'ws'));
  assert.deepEqual(wd.files.map((f) => f.newPath), ['src/lib.rs']);
  const head = git('rev-parse', 'HEAD');
  const blobs = await readBlobs(path.join(root, 'ws'), [blobSpec(head, 'src/lib.rs')]);
  assert.equal(blobs.get(blobSpec(head, 'src/lib.rs')), 'a\n');
});

test('a repository without commits diffs against the empty tree; bad revisions are errors', async () => {
  const { root, write } = repo();
  write('a.rs', 'fn a() {}\n');
  const wd = await diffWorkingTree(root);
  assert.equal(wd.base, EMPTY_TREE);
  assert.deepEqual(wd.files.map((f) => [f.kind, f.newPath]), [['added', 'a.rs']]);
  assert.equal(await resolveCommit(root, 'HEAD'), undefined);
  assert.equal(await resolveCommit(root, '--output=x'), undefined);
  await assert.rejects(diffWorkingTree(root, { base: 'nope' }), (e: unknown) => e instanceof GitError && /nope does not name a commit/.test((e as Error).message));
});
