import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig, parseCargoCommandLine, parseConfig } from '../../../src/core/config';
import { DEFAULT_CONFIG, trackingPath } from '../../../src/core/config/types';
import { ALT, METAL } from './helpers';

test('without a configuration file the defaults fit the stark-backend-metal layout', async () => {
  const r = await loadConfig(METAL);
  assert.equal(r.file, undefined);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config, DEFAULT_CONFIG);
  assert.equal(trackingPath(r.config, '3'), 'docs/metal-backend-optimization-tracking/milestone-3.md');
});

test("the alternative layout's configuration is read completely", async () => {
  const r = await loadConfig(ALT);
  assert.equal(r.file, '.milestone-scope.yaml');
  assert.deepEqual(r.problems, []);
  assert.equal(r.config.catalog, 'planning/gpu-roadmap.md');
  assert.equal(r.config.status, 'planning/progress/board.md');
  assert.equal(trackingPath(r.config, '2'), 'planning/progress/m2.md');
  assert.equal(r.config.crate, 'acme-gpu-kernels');
  assert.deepEqual(r.config.pins, {});
  assert.deepEqual(r.config.checks, [
    { label: 'check', command: 'check', package: 'acme-gpu-kernels' },
    { label: 'roundtrip', command: 'test', test: 'roundtrip' },
  ]);
  assert.deepEqual(r.config.profile, { label: 'profile', command: 'run', example: 'profile' });
  assert.deepEqual(r.config.relevantTests, { 'gpu/prover-kernels/src/commit.rs': ['roundtrip'] });
});

test('unknown keys are warnings with their line (and a suggestion); the rest still applies', () => {
  const r = parseConfig(['catalog: docs/c.md', 'crates: x', 'sttus: s.md', ''].join('\n'));
  assert.deepEqual(r.problems.map((p) => [p.line, p.severity, p.code]), [
    [2, 'warning', 'config/unknown-key'],
    [3, 'warning', 'config/unknown-key'],
  ]);
  assert.match(r.problems[0]!.message, /unknown key "crates".*did you mean "crate"/);
  assert.match(r.problems[1]!.message, /did you mean "status"/);
  assert.equal(r.config.catalog, 'docs/c.md');
});

test('wrong types are errors with their line; the key keeps its default', () => {
  const text = [
    'catalog: 42', // 1
    'status: /abs/STATUS.md', // 2
    'tracking: docs/tracking.md', // 3
    'crate: "not a crate"', // 4
    'pins:', // 5
    '  "p3-*": [1]', // 6
    'checks: cargo check', // 7
    'profile: { example: keccakf }', // 8
    'relevantTests: { "**/*.rs": 3 }', // 9
    'catalog2: x', // 10
  ].join('\n');
  const r = parseConfig(text);
  assert.deepEqual(r.problems.map((p) => `${p.line}:${p.severity}:${p.code}`), [
    '1:error:config/type',
    '2:error:config/outside-workspace',
    '3:error:config/type',
    '4:error:config/type',
    '6:error:config/type',
    '7:error:config/type',
    '8:error:config/type',
    '9:error:config/type',
    '10:warning:config/unknown-key',
  ]);
  assert.match(r.problems[2]!.message, /must contain "\{id\}"/);
  assert.equal(r.config.catalog, DEFAULT_CONFIG.catalog);
  assert.equal(r.config.status, DEFAULT_CONFIG.status);
  assert.equal(r.config.tracking, DEFAULT_CONFIG.tracking);
  assert.equal(r.config.crate, DEFAULT_CONFIG.crate);
  assert.deepEqual(r.config.profile, DEFAULT_CONFIG.profile);
});

test('checks: command lines and mappings; workspace-wide commands are flagged', () => {
  const r = parseConfig(['checks:', '  - cargo test -p other --test it -- --nocapture', '  - { command: clippy, args: [--workspace] }', '  - { command: format }', ''].join('\n'));
  assert.deepEqual(r.config.checks, [
    { label: 'it', command: 'test', package: 'other', test: 'it', args: ['--', '--nocapture'] },
    { label: 'clippy', command: 'clippy', args: ['--workspace'] },
  ]);
  assert.deepEqual(r.problems.map((p) => `${p.line}:${p.code}`), ['3:config/workspace-wide', '4:config/type']);
  assert.deepEqual(parseCargoCommandLine('cargo run --package=p --example e'), { label: 'e', command: 'run', package: 'p', example: 'e' });
});

test('YAML syntax errors are reported with their line; an empty file means defaults', async () => {
  const bad = parseConfig('catalog: [unclosed\nstatus: x\n');
  assert.equal(bad.problems[0]!.severity, 'error');
  assert.equal(bad.problems[0]!.code, 'yaml/syntax');
  assert.ok(bad.problems[0]!.line >= 1);
  assert.deepEqual(bad.config, DEFAULT_CONFIG);
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-config-'));
  writeFileSync(path.join(dir, '.milestone-scope.yml'), '# nothing yet\n');
  const empty = await loadConfig(dir);
  assert.equal(empty.file, '.milestone-scope.yml');
  assert.deepEqual(empty.problems, []);
  assert.deepEqual(empty.config, DEFAULT_CONFIG);
  assert.deepEqual(parseConfig('- a\n- b\n').problems.map((p) => `${p.line}:${p.code}`), ['1:config/type']);
});
