import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildInvocation, RefusedCommand, MESSAGE_FORMAT, displayCommand } from '../../../src/core/cargo/invocation';
import { loadCargoMetadata, parseCargoMetadata, CargoMetadataError, type CargoWorkspace } from '../../../src/core/cargo/metadata';
import { FIXTURE } from './helpers';

const CRATE = 'openvm-metal-backend';
let metaPromise: Promise<CargoWorkspace> | undefined;
const meta = () => (metaPromise ??= loadCargoMetadata(FIXTURE));

function refused(fn: () => unknown, reason: RefusedCommand['reason'], includes: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RefusedCommand, `expected RefusedCommand, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.match(err.message, includes);
    return true;
  });
}

test('cargo metadata of the fixture lists its packages and real targets', async () => {
  const m = await meta();
  assert.equal(path.resolve(m.workspaceRoot), FIXTURE);
  assert.deepEqual(m.packages.map((p) => p.name).sort(), ['openvm-metal-backend', 'openvm-stark-backend']);
  assert.equal(m.rootIsPackage, false);
  const backend = m.packages.find((p) => p.name === CRATE)!;
  assert.ok(backend.targets.some((t) => t.name === 'ntt_roundtrip' && t.kind.includes('test')));
  assert.ok(backend.targets.some((t) => t.name === 'keccakf' && t.kind.includes('example')));
});

test('the three validation commands become per-crate argument arrays', async () => {
  const metadata = await meta();
  const opts = { defaultCrate: CRATE, metadata };
  const check = buildInvocation({ label: 'check', command: 'check' }, opts);
  assert.deepEqual(check.args, ['check', '-p', CRATE, MESSAGE_FORMAT]);
  assert.equal(check.display, `cargo check -p ${CRATE}`);
  assert.equal(check.json, true);
  const t = buildInvocation({ label: 'ntt', command: 'test', test: 'ntt_roundtrip', args: ['--', '--nocapture'] }, opts);
  assert.deepEqual(t.args, ['test', '-p', CRATE, '--test', 'ntt_roundtrip', MESSAGE_FORMAT, '--', '--nocapture']);
  const run = buildInvocation({ label: 'keccakf', command: 'run', example: 'keccakf', env: { RUST_LOG: 'info' }, args: ['--release'] }, opts);
  assert.deepEqual(run.args, ['run', '-p', CRATE, '--example', 'keccakf', MESSAGE_FORMAT, '--release']);
  assert.deepEqual(run.env, { RUST_LOG: 'info' });
  assert.equal(run.display, `cargo run -p ${CRATE} --example keccakf --release`);
});

test('a message format given by the user is not doubled', async () => {
  const inv = buildInvocation({ label: 'c', command: 'check', args: ['--message-format=short'] }, { defaultCrate: CRATE, metadata: await meta() });
  assert.equal(inv.json, false);
  assert.deepEqual(inv.args, ['check', '-p', CRATE, '--message-format=short']);
});

test('workspace-wide flags are refused with the per-crate alternative', async () => {
  const metadata = await meta();
  for (const flag of ['--workspace', '--all', '--exclude', '--exclude=openvm-stark-backend']) {
    refused(() => buildInvocation({ label: 'x', command: 'check', args: [flag] }, { defaultCrate: CRATE, metadata }), 'workspace-wide', /per-crate/);
  }
  refused(() => buildInvocation({ label: 'x', command: 'test', args: ['--workspace'] }, { defaultCrate: CRATE }), 'workspace-wide', new RegExp(`cargo test -p ${CRATE}`));
});

test('flags after -- belong to the program and are not refused', async () => {
  const inv = buildInvocation({ label: 'x', command: 'run', example: 'keccakf', args: ['--', '--all'] }, { defaultCrate: CRATE, metadata: await meta() });
  assert.deepEqual(inv.args.slice(-2), ['--', '--all']);
});

test('no package at a workspace root is refused, naming the members', async () => {
  refused(
    () => buildInvocation({ label: 'x', command: 'check', package: '' }, { defaultCrate: '', metadata: undefined }),
    'workspace-wide',
    /without -p at the workspace root/,
  );
  refused(
    () => buildInvocation({ label: 'x', command: 'check' }, { defaultCrate: '', metadata: { workspaceRoot: '/w', packages: [], rootIsPackage: false } }),
    'workspace-wide',
    /every member crate/,
  );
});

test('a single-package root needs no -p', () => {
  const metadata: CargoWorkspace = {
    workspaceRoot: '/w',
    rootIsPackage: true,
    packages: [{ name: 'solo', version: '0.1.0', manifestPath: '/w/Cargo.toml', targets: [] }],
  };
  const inv = buildInvocation({ label: 'x', command: 'check' }, { defaultCrate: '', metadata });
  assert.deepEqual(inv.args, ['check', MESSAGE_FORMAT]);
  assert.equal(inv.package, 'solo');
});

test('unknown packages and targets are refused with suggestions', async () => {
  const metadata = await meta();
  refused(
    () => buildInvocation({ label: 'x', command: 'check', package: 'openvm-metal-backnd' }, { defaultCrate: CRATE, metadata }),
    'unknown-package',
    /Did you mean "openvm-metal-backend"\?/,
  );
  refused(() => buildInvocation({ label: 'x', command: 'check', args: ['-p', 'nope'] }, { defaultCrate: CRATE, metadata }), 'unknown-package', /"nope"/);
  refused(() => buildInvocation({ label: 'x', command: 'test', test: 'ntt_rountrip' }, { defaultCrate: CRATE, metadata }), 'unknown-target', /Did you mean "ntt_roundtrip"/);
  refused(() => buildInvocation({ label: 'x', command: 'run', example: 'keccak' }, { defaultCrate: CRATE, metadata }), 'unknown-target', /example targets: keccakf/);
});

test('a subcommand that is not one is refused', () => {
  for (const command of ['', '--workspace', 'check --all']) {
    refused(() => buildInvocation({ label: 'x', command }, { defaultCrate: CRATE }), 'invalid', /not a cargo subcommand/);
  }
});

test('display quotes words a shell would split', () => {
  assert.equal(displayCommand(['run', '-p', 'x', '--', 'a b', "it's"]), `cargo run -p x -- 'a b' 'it'\\''s'`);
});

test('malformed metadata is an error, not an empty workspace', () => {
  assert.throws(() => parseCargoMetadata('not json'), CargoMetadataError);
  assert.throws(() => parseCargoMetadata('{"packages": []}'), /workspace_root/);
  const m = parseCargoMetadata(JSON.stringify({ workspace_root: '/w', packages: [{ name: 'a', manifest_path: '/w/a/Cargo.toml', targets: [{ kind: ['test'] }, { name: 't', kind: ['test'] }] }, { bogus: true }] }));
  assert.deepEqual(m.packages.map((p) => [p.name, p.targets.map((t) => t.name)]), [['a', ['t']]]);
});

test('metadata of a folder without Cargo.toml fails with cargo\'s reason', async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'ms-no-cargo-'));
  await assert.rejects(loadCargoMetadata(empty), (err: unknown) => {
    assert.ok(err instanceof CargoMetadataError);
    assert.match(err.message, /cargo metadata failed .*Cargo\.toml/);
    return true;
  });
  rmSync(empty, { recursive: true });
});

test('cargo metadata failing (a pinned toolchain not installed): the message says why and what is used instead', async () => {
  const { mkdtempSync, writeFileSync, chmodSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { metadataFallbackMessage } = await import('../../../src/core/cargo/metadata');
  const dir = mkdtempSync(join(tmpdir(), 'ms-fake-cargo-'));
  try {
    const cargo = join(dir, 'cargo');
    writeFileSync(cargo, "#!/bin/sh\necho \"error: toolchain 'nightly-2099-01-01-x86_64-unknown-linux-gnu' is not installed\" >&2\nexit 1\n");
    chmodSync(cargo, 0o755);
    const err = await loadCargoMetadata(dir, { cargo }).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof CargoMetadataError);
    const message = metadataFallbackMessage(err.message, ['cargo check -p openvm-metal-backend', 'cargo run -p openvm-metal-backend --example keccakf']);
    assert.equal(
      message,
      "cargo metadata failed (exit 1): error: toolchain 'nightly-2099-01-01-x86_64-unknown-linux-gnu' is not installed. Milestone Scope tasks use the configured commands only (cargo check -p openvm-metal-backend, cargo run -p openvm-metal-backend --example keccakf); the crate's other test and example targets are offered once cargo metadata works.",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
