// How a one-shot scope check finds its base and reads the texts it needs: the start record's
// ancestry with HEAD is asked by name beside the revisions' lookup, and the base texts a check
// is likely to read are chosen before the model is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { likelyBaseSpecs } from '../../../src/core/scope/check';
import { startRef } from '../../../src/core/scope/startRecord';
import { loadWorkspace } from '../../../src/core/workspace';
import type { FileDiff } from '../../../src/core/diff/types';
import { cli, edit, fixtureRepos, git } from './helpers';

const repo = fixtureRepos();

const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';

test('a start record that is not an ancestor of HEAD is reported and replaced by their common ancestor', async () => {
  const root = repo();
  const recorded = git(root, 'rev-parse', 'HEAD');
  assert.equal((await cli(root, 'start', '2')).code, 0);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'start 2');
  const started = git(root, 'rev-parse', 'HEAD');
  // The record moved to a commit on a side line; HEAD goes on elsewhere from the start.
  edit(root, MERKLE, (t) => t + '// side line\n');
  git(root, 'commit', '-qam', 'side');
  git(root, 'update-ref', startRef('2'), 'HEAD');
  const side = git(root, 'rev-parse', 'HEAD');
  git(root, 'reset', '-q', '--hard', started);
  edit(root, 'crates/metal-backend/src/lib.rs', (t) => t + '// main line\n');
  git(root, 'commit', '-qam', 'main');
  const run = await cli(root, 'scope', '--json');
  const json = JSON.parse(run.stdout) as { base: { commit: string }; problems: Array<{ code: string; message: string }> };
  const warning = json.problems.find((p) => p.code === 'scope/start-record-not-ancestor');
  assert.ok(warning, run.stdout);
  assert.match(
    warning.message,
    new RegExp(
      `\\(${side.slice(0, 12)}, ${startRef('2')}\\) is not an ancestor of HEAD; comparing against their common ancestor ${started.slice(0, 12)}`,
    ),
  );
  // The base written at start (earlier than the common ancestor) stays the base.
  assert.deepEqual(json.base, { commit: recorded, source: 'recorded' });
});

test('the base texts read early are those of changed hotspot files, manifests and milestone documents', async () => {
  const root = repo();
  const ws = await loadWorkspace(root);
  const changed = (oldPath: string | undefined, newPath: string | undefined, binary = false): FileDiff => ({
    oldPath,
    newPath,
    kind: oldPath === undefined ? 'added' : 'modified',
    binary,
    hunks: [],
  });
  const specs = likelyBaseSpecs(ws, 'B', [
    changed(MERKLE, MERKLE), // a hotspot file of the catalog
    changed('crates/metal-backend/src/lib.rs', 'crates/metal-backend/src/lib.rs'), // no hotspot
    changed('crates/metal-backend/Cargo.toml', 'crates/metal-backend/Cargo.toml'),
    changed(ws.config.catalog, ws.config.catalog),
    changed(ws.config.status, ws.config.status),
    changed('docs/metal-backend-optimization-tracking/milestone-3.md', 'docs/metal-backend-optimization-tracking/milestone-3.md'),
    changed(undefined, 'crates/metal-backend/src/new.rs'), // added: nothing at the base
    changed('crates/metal-backend/src/data.bin', 'crates/metal-backend/src/data.bin', true),
  ]);
  assert.deepEqual(specs, [
    `B:./${MERKLE}`,
    'B:./crates/metal-backend/Cargo.toml',
    `B:./${ws.config.catalog}`,
    `B:./${ws.config.status}`,
    'B:./docs/metal-backend-optimization-tracking/milestone-3.md',
  ]);
});
