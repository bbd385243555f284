/**
 * Links in a catalog below the repository root written from the root: file-relative first
 * (GitHub's reading), the root-relative file with an information note, neither: an error at the
 * reference in every view (workspace model for list/show and the editor, language server, CLI).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseLinkTarget } from '../../../src/core/catalog/refs';
import { loadWorkspace } from '../../../src/core/workspace';
import { ALT, gitCopy } from './helpers';
import { loadSession } from '../lsp/helpers';
import { buildCli, cli, cliJson } from '../cli/run';

const CATALOG = 'planning/gpu-roadmap.md';
const ROOTED = '- Per-column wait: [commit.rs:45](gpu/prover-kernels/src/commit.rs#L45)';
const NOWHERE = '- Nowhere: [gone.rs:3](gpu/prover-kernels/src/gone.rs#L3)';

/** alt-layout (catalog in `planning/`) with one link written from the root and one to no file. */
function subfolderCopy(): string {
  const root = gitCopy(ALT);
  const file = path.join(root, CATALOG);
  const text = readFileSync(file, 'utf8');
  const from = '- Per-column wait: [commit.rs:45](../gpu/prover-kernels/src/commit.rs#L45)';
  assert.ok(text.includes(from));
  writeFileSync(file, text.replace(from, `${ROOTED}\n${NOWHERE}`));
  return root;
}

function lineOf(root: string, needle: string): number {
  return readFileSync(path.join(root, CATALOG), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

before(buildCli);

test('parseLinkTarget: a plain relative link below the root also has its root-relative reading', () => {
  const r = parseLinkTarget('crates/x/src/a.rs#L42', 'docs/plans/gpu.md');
  assert.ok(r?.ok);
  assert.deepEqual(r.ref, { path: 'docs/plans/crates/x/src/a.rs', line: 42, endLine: 42, rootPath: 'crates/x/src/a.rs' });
  for (const url of ['./a.rs#L1', '../../crates/a.rs#L1', '/crates/a.rs#L1', 'https://github.com/o/r/blob/main/crates/a.rs#L1']) {
    const p = parseLinkTarget(url, 'docs/plans/gpu.md');
    assert.ok(p?.ok && p.ref.rootPath === undefined, url);
  }
  const atRoot = parseLinkTarget('crates/a.rs#L1', 'catalog.md');
  assert.ok(atRoot?.ok && atRoot.ref.rootPath === undefined, 'a catalog at the root has one reading');
});

test('workspace model (list, show, editor): root-relative fallback with a note; neither: an error, hotspot not used', async (t) => {
  const root = subfolderCopy();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ws = await loadWorkspace(root);
  const item = ws.catalog.workItems.find((w) => w.hotspots.some((h) => h.line === 44))!;
  assert.deepEqual(item.hotspots.map((h) => `${h.path}:${h.line}`), ['gpu/prover-kernels/src/commit.rs:44', 'gpu/prover-kernels/src/commit.rs:45', 'gpu/prover-kernels/src/commit.rs:41']);
  assert.ok(item.hotspots.every((h) => h.rootPath === undefined), 'settled references carry no second reading');
  const note = ws.problems.find((p) => p.code === 'ref/root-relative');
  assert.ok(note, JSON.stringify(ws.problems));
  assert.equal(note.severity, 'information');
  assert.equal(note.file, CATALOG);
  assert.equal(note.line, lineOf(root, 'commit.rs:45'));
  assert.match(note.message, /read from the repository root.*planning\/gpu\/prover-kernels\/src\/commit\.rs .*does not exist/);
  const missing = ws.problems.filter((p) => p.code === 'ref/missing-file');
  assert.equal(missing.length, 1, JSON.stringify(ws.problems));
  assert.equal(missing[0]!.severity, 'error');
  assert.equal(missing[0]!.line, lineOf(root, 'gone.rs:3'));
  assert.match(missing[0]!.message, /neither planning\/gpu\/prover-kernels\/src\/gone\.rs .* nor gpu\/prover-kernels\/src\/gone\.rs .* exists/);
});

test('file-relative first: when the file exists next to the catalog, it is used without a note', async (t) => {
  const root = subfolderCopy();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'planning/gpu/prover-kernels/src'), { recursive: true });
  writeFileSync(path.join(root, 'planning/gpu/prover-kernels/src/commit.rs'), Array.from({ length: 50 }, (_, i) => `fn f${i}() {}`).join('\n'));
  const ws = await loadWorkspace(root);
  assert.ok(ws.catalog.workItems.flatMap((w) => w.hotspots).some((h) => h.path === 'planning/gpu/prover-kernels/src/commit.rs' && h.line === 45));
  assert.equal(ws.problems.filter((p) => p.code === 'ref/root-relative').length, 0);
});

test('language server: the note and one error at the references, and the fallback file is checked', async (t) => {
  const root = subfolderCopy();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { session, host } = await loadSession(root);
  const problems = host.published.get(CATALOG) ?? [];
  const codes = problems.map((p) => `${p.line}:${p.code}`);
  assert.ok(codes.includes(`${lineOf(root, 'commit.rs:45')}:ref/root-relative`), codes.join(' '));
  assert.deepEqual(problems.filter((p) => p.code === 'ref/missing-file').map((p) => p.line), [lineOf(root, 'gone.rs:3')], codes.join(' '));
  assert.ok(session.referencedPaths.includes('gpu/prover-kernels/src/gone.rs'), 'the root-relative reading is watched too');
});

test('CLI list and show print the note and the error with the catalog line', async (t) => {
  const root = subfolderCopy();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const list = await cli(['list', '--root', root]);
  assert.equal(list.code, 0);
  assert.match(list.stderr, new RegExp(`${CATALOG}:${lineOf(root, 'commit.rs:45')}:\\d+: information: .*\\[ref/root-relative\\]`));
  assert.match(list.stderr, new RegExp(`${CATALOG}:${lineOf(root, 'gone.rs:3')}:\\d+: error: .*\\[ref/missing-file\\]`));
  const { json } = await cliJson(['show', '1', '--root', root]);
  assert.deepEqual(json.workItems[0].hotspots.map((h: any) => `${h.path}:${h.line}`), ['gpu/prover-kernels/src/commit.rs:44', 'gpu/prover-kernels/src/commit.rs:45', 'gpu/prover-kernels/src/commit.rs:41']);
  assert.deepEqual(json.problems.map((p: any) => p.code).sort(), ['ref/missing-file', 'ref/root-relative']);
});
