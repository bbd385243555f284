// The one check of paths from documents, the configuration and agents (src/core/paths.ts).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { escapeMessage, isInside, pathEscape, realLocation, resolveInside, writtenAbsolute } from '../../../src/core/paths';

const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'ms-paths-')));
after(() => rmSync(base, { recursive: true, force: true }));

/**
 * base/
 *   outside/secret.rs, outside/dir/x.rs
 *   ws/                        the workspace root
 *     src/a.rs
 *     src/link-out.rs   -> ../../outside/secret.rs
 *     src/link-in.rs    -> a.rs
 *     out-dir           -> ../outside/dir
 *     dangling-out.rs   -> ../outside/not-yet.rs   (does not exist)
 *     loop-a -> loop-b, loop-b -> loop-a
 *   ws-link -> ws             the same workspace reached through a link
 */
const outside = path.join(base, 'outside');
const root = path.join(base, 'ws');
mkdirSync(path.join(outside, 'dir'), { recursive: true });
mkdirSync(path.join(root, 'src'), { recursive: true });
writeFileSync(path.join(outside, 'secret.rs'), 'fn secret() {}\n');
writeFileSync(path.join(outside, 'dir/x.rs'), 'fn x() {}\n');
writeFileSync(path.join(root, 'src/a.rs'), 'fn a() {}\n');
symlinkSync('../../outside/secret.rs', path.join(root, 'src/link-out.rs'));
symlinkSync('a.rs', path.join(root, 'src/link-in.rs'));
symlinkSync('../outside/dir', path.join(root, 'out-dir'));
symlinkSync('../outside/not-yet.rs', path.join(root, 'dangling-out.rs'));
symlinkSync('loop-b', path.join(root, 'loop-a'));
symlinkSync('loop-a', path.join(root, 'loop-b'));
symlinkSync('ws', path.join(base, 'ws-link'));

function reason(p: string, r = root): string {
  const v = resolveInside(r, p);
  return v.ok ? `ok:${v.rel}` : v.reason;
}

test('paths inside the workspace resolve, normalised, existing or not', () => {
  assert.equal(reason('src/a.rs'), 'ok:src/a.rs');
  assert.equal(reason('./src/a.rs'), 'ok:src/a.rs');
  assert.equal(reason('src/../src/a.rs'), 'ok:src/a.rs');
  assert.equal(reason('src\\a.rs'), 'ok:src/a.rs', 'backslashes are separators');
  assert.equal(reason('src/new/file.rs'), 'ok:src/new/file.rs', 'a file to be created');
  assert.equal(reason('.'), 'ok:');
  assert.equal(reason('src/'), 'ok:src');
  assert.equal(reason('..foo/x.rs'), 'ok:..foo/x.rs', 'a name starting with two dots is not a parent');
  const v = resolveInside(root, 'src/a.rs');
  assert.ok(v.ok && v.abs === path.join(root, 'src', 'a.rs'));
});

test('".." that climbs above the root is refused, in every spelling', () => {
  for (const p of ['..', '../x.rs', '../outside/secret.rs', 'src/../../x.rs', 'src/../..', '..\\x.rs', 'src\\..\\..\\x.rs', './../x.rs', 'a/b/../../../x']) {
    assert.equal(reason(p), 'parent', p);
  }
});

test('absolute paths are refused: POSIX, Windows drive, drive-relative, UNC, home', () => {
  for (const p of ['/etc/passwd', '/', path.join(root, 'src/a.rs'), 'C:\\Windows\\x.rs', 'c:/x.rs', 'C:x.rs', 'Z:', '\\\\server\\share\\x.rs', '//server/share/x.rs', '\\\\?\\C:\\x.rs', '\\x.rs', '~/x.rs', '~', '~root/x.rs']) {
    assert.equal(reason(p), 'absolute', JSON.stringify(p));
  }
});

test('empty paths and NUL characters are refused', () => {
  assert.equal(reason(''), 'empty');
  assert.equal(reason('   '), 'empty');
  assert.equal(reason('src/a.rs\0.md'), 'nul');
  assert.equal(reason('\0'), 'nul');
  assert.match(escapeMessage('a\0b', 'nul'), /a\\u0000b contains a NUL character/, 'the NUL is shown, not printed');
});

test('symbolic links whose real path lies outside the root are refused; links inside are fine', () => {
  assert.equal(reason('src/link-in.rs'), 'ok:src/link-in.rs');
  const out = resolveInside(root, 'src/link-out.rs');
  assert.ok(!out.ok && out.reason === 'symlink');
  assert.equal(out.ok ? '' : out.target, path.join(outside, 'secret.rs'));
  assert.match(out.ok ? '' : out.message, /src\/link-out\.rs leads outside the workspace through a symbolic link \(to .*outside[\\/]secret\.rs\)/);
  assert.equal(reason('out-dir/x.rs'), 'symlink', 'a linked folder along the path');
  assert.equal(reason('out-dir/new.rs'), 'symlink', 'a file to be created in a linked folder');
  assert.equal(reason('out-dir'), 'symlink');
  assert.equal(reason('dangling-out.rs'), 'symlink', 'a dangling link: a file written through it would land outside');
  const loop = resolveInside(root, 'loop-a');
  assert.ok(!loop.ok && loop.reason === 'symlink' && /loop/.test(loop.message));
});

test('a root reached through a symbolic link is its real folder: its files are inside', () => {
  const linked = path.join(base, 'ws-link');
  assert.equal(reason('src/a.rs', linked), 'ok:src/a.rs');
  assert.equal(reason('src/link-out.rs', linked), 'symlink');
  assert.equal(reason('src/a.rs', linked), reason('src/a.rs'));
});

test('lexical checks do not touch the disk', () => {
  assert.equal(resolveInside(root, 'src/link-out.rs', { lexical: true }).ok, true);
  assert.equal(resolveInside(root, '../x', { lexical: true }).ok, false);
});

test('realLocation follows links to paths that do not exist yet', () => {
  assert.equal(realLocation(path.join(root, 'out-dir/none/deeper.rs')), path.join(outside, 'dir/none/deeper.rs'));
  assert.equal(realLocation(path.join(root, 'dangling-out.rs')), path.join(outside, 'not-yet.rs'));
  assert.equal(realLocation(path.join(root, 'src/missing.rs')), path.join(root, 'src/missing.rs'));
  assert.equal(realLocation(path.join(root, 'loop-a/x')), undefined);
});

test('isInside judges absolute paths by their real location', () => {
  assert.equal(isInside(root, path.join(root, 'src/a.rs')), true);
  assert.equal(isInside(root, path.join(root, 'src/link-out.rs')), false);
  assert.equal(isInside(root, path.join(outside, 'secret.rs')), false);
  assert.equal(isInside(root, path.join(base, 'ws-link/src/a.rs')), true);
  assert.equal(isInside(root, root + '-sibling/x.rs'), false, 'a sibling folder sharing the prefix');
});

test('pathEscape judges the text alone', () => {
  assert.equal(pathEscape('crates/x.rs'), undefined);
  assert.equal(pathEscape('../x.rs'), 'parent');
  assert.equal(pathEscape('C:\\x'), 'absolute');
});

test('writtenAbsolute: text written like an absolute path, not a repository-rooted link', () => {
  assert.equal(writtenAbsolute('`/home/me/x.rs:3`'), true);
  assert.equal(writtenAbsolute('`C:\\x\\a.rs:3`'), true);
  assert.equal(writtenAbsolute('~/x.rs:3'), true);
  assert.equal(writtenAbsolute('"/abs/x.rs:3"'), true, 'a quoted YAML scalar');
  assert.equal(writtenAbsolute('`crates/x.rs:3`'), false);
  assert.equal(writtenAbsolute('[x](/crates/x.rs#L3)'), false);
  assert.equal(writtenAbsolute(undefined), false);
});
