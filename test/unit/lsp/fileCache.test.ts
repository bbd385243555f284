import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { WorkspaceFiles, splitLines } from '../../../src/core/docChecks/fileCache';
import { pathEscape } from '../../../src/core/paths';
import { removeDir } from './helpers';

function workspace(): { root: string; outside: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'ms-files-'));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, 'src/a.rs'), 'fn a() {}\n\n// c\n');
  writeFileSync(path.join(outside, 'secret.rs'), 'fn secret() {}\n');
  symlinkSync(path.join(outside, 'secret.rs'), path.join(root, 'src/link.rs'));
  symlinkSync(path.join(root, 'src/a.rs'), path.join(root, 'src/inner-link.rs'));
  writeFileSync(path.join(root, 'src/bin.dat'), Buffer.from([1, 0, 2, 3]));
  return { root, outside: base };
}

test('splitLines: a final line break does not add a line; CRLF is one break', () => {
  assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
  assert.deepEqual(splitLines('a\r\nb'), ['a', 'b']);
  assert.deepEqual(splitLines(''), ['']);
});

test('pathEscape: absolute paths and climbing out are caught from the text alone', () => {
  assert.equal(pathEscape('/etc/passwd'), 'absolute');
  assert.equal(pathEscape('C:\\x\\a.rs'), 'absolute');
  assert.equal(pathEscape('~/a.rs'), 'absolute');
  assert.equal(pathEscape('../other/a.rs'), 'parent');
  assert.equal(pathEscape('crates/../../a.rs'), 'parent');
  assert.equal(pathEscape('crates/x/../a.rs'), undefined);
  assert.equal(pathEscape('crates/a.rs'), undefined);
});

test('resolve: files, missing files, folders, binaries and symbolic links', (t) => {
  const { root, outside } = workspace();
  t.after(() => removeDir(outside));
  const files = new WorkspaceFiles(root);
  const a = files.resolve('src/a.rs');
  assert.equal(a.kind, 'file');
  if (a.kind === 'file') {
    assert.deepEqual(a.lines, ['fn a() {}', '', '// c']);
    assert.deepEqual([...a.lineKinds()], [0, 1, 2]);
  }
  assert.equal(files.resolve('src/nope.rs').kind, 'missing');
  assert.equal(files.resolve('src/a.rs/deeper').kind, 'missing');
  assert.equal(files.resolve('src').kind, 'directory');
  assert.equal(files.resolve('src/bin.dat').kind, 'unreadable');
  const link = files.resolve('src/link.rs');
  assert.equal(link.kind, 'outside');
  if (link.kind === 'outside') assert.equal(link.reason, 'symlink');
  assert.equal(files.resolve('src/inner-link.rs').kind, 'file', 'a link that stays inside is fine');
  assert.equal(files.resolve('../outside/secret.rs').kind, 'outside');
});

test('versions change only when the content seen changes (disk or unsaved buffer)', (t) => {
  const { root, outside } = workspace();
  t.after(() => removeDir(outside));
  const files = new WorkspaceFiles(root);
  const v1 = files.resolve('src/a.rs').version;
  assert.equal(files.invalidate('src/a.rs'), false, 'unchanged on disk: no new version');
  assert.equal(files.resolve('src/a.rs').version, v1);

  assert.equal(files.setOverlay('src/a.rs', 'fn a() {}\nfn b() {}\n'), true);
  const over = files.resolve('src/a.rs');
  assert.ok(over.version > v1);
  assert.equal(over.kind === 'file' && over.unsaved, true);
  assert.equal(over.kind === 'file' && over.lines.length, 2);

  writeFileSync(path.join(root, 'src/a.rs'), 'changed on disk\n');
  assert.equal(files.invalidate('src/a.rs'), false, 'the open buffer hides the disk');
  assert.equal(files.setOverlay('src/a.rs', undefined), true);
  const disk = files.resolve('src/a.rs');
  assert.equal(disk.kind === 'file' && disk.text, 'changed on disk\n');
  assert.equal(files.invalidate('src/unknown.rs'), false, 'never read: nothing to invalidate');
});
