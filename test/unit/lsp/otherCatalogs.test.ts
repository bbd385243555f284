/**
 * Catalogs the server was not written for: the heading-style layout with its own file names,
 * crate and board, and the same catalog as YAML. Only real problems may be reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentLinks, definition } from '../../../src/server/features/navigation';
import { hover } from '../../../src/server/features/hover';
import { ALT, describeProblems, edit, gitCopy, insertLines, lineOf, loadSession, read, removeDir, write } from './helpers';

const MD = 'planning/gpu-roadmap.md';
const YAML = 'planning/gpu-roadmap.yaml';
const BOARD = 'planning/progress/board.md';
const COMMIT = 'gpu/prover-kernels/src/commit.rs';

async function altCopy(catalog: string) {
  const root = await gitCopy(ALT);
  if (catalog !== MD) {
    edit(root, '.milestone-scope.yaml', `catalog: ${MD}`, `catalog: ${catalog}`);
    const { git } = await import('./helpers');
    await git(root, 'commit', '-qam', 'yaml catalog');
  }
  return root;
}

for (const catalog of [MD, YAML]) {
  test(`${catalog}: the layout as written has no problems, and every reference resolves`, async (t) => {
    const root = await altCopy(catalog);
    t.after(() => removeDir(root));
    const { session, host } = await loadSession(root);
    assert.equal(describeProblems(host.all()), '');
    assert.equal(session.roleOf(catalog)?.role, 'catalog');
    assert.equal(session.roleOf(BOARD)?.role, 'status');
    assert.deepEqual(session.roleOf('planning/progress/m1.md'), { role: 'tracking', id: '1' });
    assert.equal(documentLinks(session).length, 7, 'all seven references link to their code');
    assert.deepEqual(session.referencedPaths, [COMMIT, 'gpu/prover-kernels/src/dispatch.rs']);
  });

  test(`${catalog}: real problems are found (broken references, moved code, a disagreeing board)`, async (t) => {
    const root = await altCopy(catalog);
    t.after(() => removeDir(root));
    const text = read(root, catalog);
    // Break a range reference's end and rename a referenced file away.
    write(root, catalog, text.replace('dispatch.rs:38-43', 'dispatch.rs:38-4300').replace('dispatch.rs, line: 38, endLine: 43', 'dispatch.rs, line: 38, endLine: 4300'));
    insertLines(root, COMMIT, 1, ['// moved down by one line']);
    edit(root, 'planning/progress/m1.md', '**Owner:** @erin', '**Owner:** frank');
    const { host } = await loadSession(root);
    const problems = host.published.get(catalog)!;
    const codes = problems.map((p) => p.code);
    assert.equal(codes.filter((c) => c === 'ref/line-past-end').length, 1, describeProblems(problems));
    const past = problems.find((p) => p.code === 'ref/line-past-end')!;
    assert.equal(past.line, lineOf(read(root, catalog), '4300'));
    // Every reference into commit.rs that was committed with the catalog moved by one line.
    const moved = problems.filter((p) => p.code === 'ref/moved');
    assert.equal(moved.length, 5, describeProblems(problems));
    assert.ok(moved.every((p) => / moved to lines? \d+/.test(p.message)));
    assert.equal(problems.length, 6, describeProblems(problems));
    assert.deepEqual(host.published.get(BOARD)!.map((p) => p.code), ['status/tracking-mismatch']);
    assert.deepEqual(host.published.get('planning/progress/m1.md')!.map((p) => p.code), ['status/tracking-mismatch']);
  });
}

test('heading-style catalog: links relative to the catalog and GitHub blob URLs navigate too', async (t) => {
  const root = await altCopy(MD);
  t.after(() => removeDir(root));
  const { session } = await loadSession(root);
  const text = read(root, MD);
  const line = lineOf(text, 'https://github.com/acme') - 1;
  const character = text.split('\n')[line]!.indexOf('[commit.rs#L61]') + 2;
  const [loc] = definition(session, { line, character });
  assert.ok(loc, 'a blob URL link is a reference too');
  assert.ok(loc.targetUri.endsWith('/gpu/prover-kernels/src/commit.rs'));
  assert.equal(loc.targetRange.start.line, 60);
  const h = hover(session, { line, character });
  assert.match((h!.contents as { value: string }).value, /```rust/);
});
