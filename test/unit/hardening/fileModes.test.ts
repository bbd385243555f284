// The atomic writer keeps a file's mode, writes through in-workspace symbolic links, refuses
// read-only files (also as root), and reports write failures as input errors naming the file.
import { after, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAtomic, writeIfUnchanged, readSnapshot } from '../../../src/core/files';
import { InputError } from '../../../src/core/problems';
import { STATUS } from '../core/helpers';
import { cleanup, fixtureCopy, isOneLineInputError, runCli } from './hostileHelpers';

const dirs: string[] = [];
after(async () => {
  cleanup();
  await Promise.all(dirs.map((d) => fsp.rm(d, { recursive: true, force: true })));
});
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ms-modes-'));
  dirs.push(d);
  return d;
}

test('modes: writeAtomic keeps the file mode (0664, 0600, 0755)', async () => {
  const dir = tmp();
  for (const mode of [0o664, 0o600, 0o755]) {
    const f = path.join(dir, `f${mode.toString(8)}`);
    writeFileSync(f, 'old');
    chmodSync(f, mode);
    await writeAtomic(f, 'new');
    assert.equal(statSync(f).mode & 0o7777, mode, mode.toString(8));
    assert.equal(readFileSync(f, 'utf8'), 'new');
  }
});

test('links: writeAtomic writes through a symbolic link: the target changes, the link stays a link', async () => {
  const dir = tmp();
  writeFileSync(path.join(dir, 'real.md'), 'old');
  symlinkSync('real.md', path.join(dir, 'STATUS.md'));
  await writeAtomic(path.join(dir, 'STATUS.md'), 'new');
  assert.ok(lstatSync(path.join(dir, 'STATUS.md')).isSymbolicLink());
  assert.equal(readFileSync(path.join(dir, 'real.md'), 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir).sort(), ['STATUS.md', 'real.md']);
});

test('links: start through an in-workspace STATUS.md link edits the target', async () => {
  const root = fixtureCopy();
  const file = path.join(root, STATUS);
  const real = path.join(path.dirname(file), 'STATUS.real.md');
  writeFileSync(real, readFileSync(file));
  await fsp.rm(file);
  symlinkSync('STATUS.real.md', file);
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(file).isSymbolicLink());
  assert.match(readFileSync(real, 'utf8'), /\| 2 \| `in_progress` \| dana \|/);
});

test('read-only: a read-only file is refused (also as root) with the file named, and left as it was', async () => {
  const dir = tmp();
  const f = path.join(dir, 'STATUS.md');
  writeFileSync(f, 'old');
  chmodSync(f, 0o444);
  await assert.rejects(writeAtomic(f, 'new'), (e: unknown) => e instanceof InputError && e.message.includes(f) && /read-only/.test(e.message));
  assert.equal(readFileSync(f, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['STATUS.md']);
  const root = fixtureCopy();
  chmodSync(path.join(root, STATUS), 0o444);
  const r = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.ok(isOneLineInputError(r), r.stderr);
  assert.match(r.stderr, /STATUS\.md.*read-only/);
});

for (const code of ['EPERM', 'ENOSPC', 'EROFS', 'EACCES', 'EDQUOT']) {
  test(`write errors: ${code} is an input error naming the file, and leaves no temporary or lock`, async () => {
    const dir = tmp();
    const f = path.join(dir, 'STATUS.md');
    writeFileSync(f, 'old');
    const snap = await readSnapshot(f);
    const m = mock.method(fsp, 'writeFile', async () => {
      throw Object.assign(new Error(`${code}: simulated`), { code });
    });
    try {
      await assert.rejects(writeIfUnchanged(snap, 'new'), (e: unknown) => e instanceof InputError && e.message.includes(f), code);
    } finally {
      m.mock.restore();
    }
    assert.equal(readFileSync(f, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['STATUS.md'], 'no temporary, no lock');
  });
}
