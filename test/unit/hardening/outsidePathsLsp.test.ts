// The language server's view of paths leaving the workspace: catalog references (`..`, written
// absolute, a symbolic link out) and configuration paths behind a link are diagnostics, and the
// references get no link, definition or code preview.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { definition, documentLinks } from '../../../src/server/features/navigation';
import { CATALOG, describeProblems, edit, gitCopy, lineOf, loadSession, read, removeDir, STARK, write } from '../lsp/helpers';

/** A git copy of the fixture and an empty folder beside it (outside the workspace), both removed after. */
async function copyWithOutside(t: TestContext): Promise<{ root: string; outside: string }> {
  const root = await gitCopy(STARK);
  const outside = `${root}-outside`;
  t.after(() => {
    removeDir(root);
    removeDir(outside);
  });
  mkdirSync(outside);
  return { root, outside };
}

const PCS_146 = '  - `crates/metal-backend/src/stacked_pcs.rs:146`\n';

test('language server: references leaving the workspace are errors at their text, with no link or definition', async (t) => {
  const { root, outside } = await copyWithOutside(t);
  writeFileSync(path.join(outside, 'secret.rs'), 'fn secret() {}\n');
  symlinkSync(path.join(outside, 'secret.rs'), path.join(root, 'crates/metal-backend/src/link.rs'));
  edit(root, CATALOG, PCS_146, PCS_146 + '  - `../outside.rs:3`\n  - `/etc/outside.rs:2`\n  - `crates/metal-backend/src/link.rs:1`\n');
  const text = read(root, CATALOG);
  const { session, host } = await loadSession(root, { git: false });
  const found = (host.published.get(CATALOG) ?? []).filter((p) => p.code === 'ref/outside-workspace');
  assert.deepEqual(
    found.map((p) => p.line),
    [lineOf(text, '`../outside.rs:3`'), lineOf(text, '`/etc/outside.rs:2`'), lineOf(text, 'link.rs:1')],
    describeProblems(host.published.get(CATALOG) ?? []),
  );
  assert.ok(found.every((p) => p.severity === 'error'));
  assert.match(found[2]!.message, /leads outside the workspace through a symbolic link/);

  const links = documentLinks(session).map((l) => l.target ?? '');
  assert.ok(!links.some((l) => /outside|link\.rs/.test(l)), links.join('\n'));
  // The same position on a reference inside the workspace does lead to its code.
  assert.equal(definition(session, { line: lineOf(text, 'stacked_pcs.rs:146') - 1, character: 8 }).length, 1);
  assert.deepEqual(definition(session, { line: lineOf(text, 'link.rs:1') - 1, character: 8 }), []);
  assert.deepEqual(definition(session, { line: lineOf(text, '../outside.rs:3') - 1, character: 8 }), []);
});

test('language server: a configuration path that is a link out of the workspace is an error at its key', async (t) => {
  const { root, outside } = await copyWithOutside(t);
  writeFileSync(path.join(outside, 'catalog.md'), read(root, CATALOG));
  symlinkSync(path.join(outside, 'catalog.md'), path.join(root, 'docs/linked.md'));
  write(root, '.milestone-scope.yaml', 'crate: openvm-metal-backend\ncatalog: docs/linked.md\n');
  const { host } = await loadSession(root, { git: false });
  const config = host.published.get('.milestone-scope.yaml') ?? [];
  assert.deepEqual(config.map((p) => [p.code, p.line]), [['config/outside-workspace', 2]], describeProblems(config));
  assert.match(config[0]!.message, /docs\/linked\.md leads outside the workspace through a symbolic link/);
});

test('language server: a tracking file that is a link out of the workspace is not read', async (t) => {
  const { root, outside } = await copyWithOutside(t);
  // Outside, a "tracking file" that contradicts STATUS.md: read, it would be a status mismatch.
  writeFileSync(path.join(outside, 'milestone-2.md'), '# Milestone 2\n\n**Status:** completed\n**Owner:** mallory\n');
  symlinkSync(path.join(outside, 'milestone-2.md'), path.join(root, 'docs/metal-backend-optimization-tracking/milestone-2.md'));
  const { session, host } = await loadSession(root, { git: false });
  assert.equal(session.documentText('docs/metal-backend-optimization-tracking/milestone-2.md'), undefined);
  const all = [...host.published.values()].flat();
  assert.ok(!all.some((p) => /mallory/.test(p.message)), describeProblems(all));
});
