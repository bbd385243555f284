import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePinChange, parseDependencies, pinChanges, pinMatcher } from '../../../src/core/scope';
import { parseDependenciesTolerant } from '../../../src/core/scope/cargoToml';

const ROOT = `[workspace]
members = ["crates/a"]

[workspace.dependencies]
openvm-stark-backend = { path = "crates/stark-backend", default-features = false }
# Plonky3 stays pinned.
p3-air = "=0.4.1"
p3-field = { version = "=0.4.1", features = ["nightly", "x}"] }
p3-maybe-rayon = { version = "=0.4.1",
    default-features = false }
p3-util.version = "=0.4.1"
tracing = "0.1.37" # not pinned

[workspace.dependencies.p3-matrix]
version = "=0.4.1"

[patch.crates-io]

[profile.release]
debug = 2
`;

test('reads every dependency form with its lines', () => {
  const { entries, problems } = parseDependencies(ROOT);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    entries.map((e) => [e.table, e.key, e.crate, e.source.version ?? e.source.path, e.line, e.endLine]),
    [
      ['workspace.dependencies', 'openvm-stark-backend', 'openvm-stark-backend', 'crates/stark-backend', 5, 5],
      ['workspace.dependencies', 'p3-air', 'p3-air', '=0.4.1', 7, 7],
      ['workspace.dependencies', 'p3-field', 'p3-field', '=0.4.1', 8, 8],
      ['workspace.dependencies', 'p3-maybe-rayon', 'p3-maybe-rayon', '=0.4.1', 9, 10],
      ['workspace.dependencies', 'p3-util', 'p3-util', '=0.4.1', 11, 11],
      ['workspace.dependencies', 'tracing', 'tracing', '0.1.37', 12, 12],
      ['workspace.dependencies', 'p3-matrix', 'p3-matrix', '=0.4.1', 14, 15],
    ],
  );
});

test('renamed packages, target tables, workspace inheritance', () => {
  const text = `[package]
name = "x"

[dependencies]
air = { package = "p3-air", version = "=0.4.1" }
p3-field.workspace = true

[target.'cfg(target_os = "macos")'.dependencies]
p3-baby-bear = "=0.4.1"

[dev-dependencies.p3-util]
workspace = true
`;
  const { entries } = parseDependencies(text);
  assert.deepEqual(
    entries.map((e) => [e.table, e.key, e.crate, e.source.version, e.source.workspace]),
    [
      ['dependencies', 'air', 'p3-air', '=0.4.1', undefined],
      ['dependencies', 'p3-field', 'p3-field', undefined, true],
      [`target.cfg(target_os = "macos").dependencies`, 'p3-baby-bear', 'p3-baby-bear', '=0.4.1', undefined],
      ['dev-dependencies', 'p3-util', 'p3-util', undefined, true],
    ],
  );
});

const match = pinMatcher({ 'p3-*': '=0.4.1' });

test('a changed pinned version is a change; unpinned crates and whitespace are not', () => {
  const after = ROOT.replace('p3-air = "=0.4.1"', 'p3-air = "=0.5.0"').replace('tracing = "0.1.37"', 'tracing = "0.1.40"').replace('p3-util.version = "=0.4.1"', 'p3-util.version = "= 0.4.1"');
  const { changes } = pinChanges(ROOT, after, match);
  assert.equal(changes.length, 1);
  assert.equal(changes[0].crate, 'p3-air');
  assert.deepEqual(changes[0].newLines, [7, 7]);
  assert.equal(describePinChange(changes[0]), 'changes pinned dependency p3-air ("=0.4.1" -> "=0.5.0"); pins keep "p3-*" at =0.4.1');
});

test('table-form and inline-table versions, git sources, removals and additions', () => {
  const table = pinChanges(ROOT, ROOT.replace('[workspace.dependencies.p3-matrix]\nversion = "=0.4.1"', '[workspace.dependencies.p3-matrix]\nversion = "0.4"'), match);
  assert.deepEqual(table.changes.map((c) => [c.crate, c.after?.version, c.newLines]), [['p3-matrix', '0.4', [14, 15]]]);
  const git = pinChanges(ROOT, ROOT.replace('p3-field = { version = "=0.4.1", features = ["nightly", "x}"] }', 'p3-field = { git = "https://github.com/Plonky3/Plonky3", rev = "abc" }'), match);
  assert.match(describePinChange(git.changes[0]), /p3-field \("=0.4.1" -> git "https:\/\/github.com\/Plonky3\/Plonky3", rev "abc"\)/);
  const removed = pinChanges(ROOT, ROOT.replace('p3-air = "=0.4.1"\n', ''), match);
  assert.deepEqual(removed.changes.map((c) => [c.crate, c.after, c.oldLines]), [['p3-air', undefined, [7, 7]]]);
  const addedOk = pinChanges(ROOT, ROOT.replace('tracing = "0.1.37"', 'p3-dft = "=0.4.1"\ntracing = "0.1.37"'), match);
  assert.deepEqual(addedOk.changes, []);
  const addedBad = pinChanges(ROOT, ROOT.replace('tracing = "0.1.37"', 'p3-dft = "0.5"\ntracing = "0.1.37"'), match);
  assert.deepEqual(addedBad.changes.map((c) => c.crate), ['p3-dft']);
  const patched = pinChanges(ROOT, ROOT.replace('[patch.crates-io]\n', '[patch.crates-io]\np3-air = { path = "../Plonky3/air" }\n'), match);
  assert.deepEqual(patched.changes.map((c) => [c.table, c.crate]), [['patch.crates-io', 'p3-air']]);
});

test('moving a pinned entry between tables keeps the pin', () => {
  const before = '[dependencies]\np3-air = "=0.4.1"\n';
  const after = '[dependencies]\n\n[dev-dependencies]\np3-air = "=0.4.1"\n';
  assert.deepEqual(pinChanges(before, after, match).changes, []);
});

test('values that are not dependencies are reported', () => {
  const { problems } = parseDependencies('[dependencies]\nfoo = 3\n');
  assert.deepEqual(problems, [{ line: 2, message: 'dependency foo has a value that is neither a version string nor a table' }]);
});

test('the TOML parser reads valid manifests; half-typed text falls back to the tolerant reader, which decodes escapes too', () => {
  const valid = parseDependencies('notes = """\n[dependencies]\np3-air = "0.5"\n"""\n[dependencies]\np3-air = "\\u003d0.4.1"\n');
  assert.equal(valid.reader, 'toml-parser');
  assert.deepEqual(valid.entries.map((e) => [e.key, e.source.version, e.line]), [['p3-air', '=0.4.1', 6]]);
  const half = parseDependencies('[dependencies]\np3-air = "\\u003d0.4.1"\np3-field = { version = "=0.4.1",\n');
  assert.equal(half.reader, 'tolerant');
  assert.equal(half.parseError?.line, 4);
  assert.equal(half.entries.find((e) => e.key === 'p3-air')?.source.version, '=0.4.1');
  const tolerant = parseDependenciesTolerant('[dependencies]\na = "\\U0000003d1.0"\nb = "x\\ty\\"z"\n');
  assert.deepEqual(tolerant.entries.map((e) => e.source.version), ['=1.0', 'x\ty"z']);
});
