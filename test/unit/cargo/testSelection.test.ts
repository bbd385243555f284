import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { selectRelevantTests, configuredTestTargets, testSpecFor, changedFilesSince } from '../../../src/core/cargo/testSelection';
import { DEFAULT_CONFIG } from '../../../src/core/config/types';
import { fixtureCopy } from './helpers';

test('the default map selects ntt_roundtrip for NTT code', () => {
  const sel = selectRelevantTests(['crates/metal-backend/src/metal/batch_ntt_small.rs', 'README.md'], DEFAULT_CONFIG.relevantTests);
  assert.deepEqual(sel.tests, ['ntt_roundtrip']);
  assert.deepEqual(sel.reasons, { ntt_roundtrip: ['crates/metal-backend/src/metal/batch_ntt_small.rs'] });
  assert.equal(sel.fallback, false);
});

test('without a matching change the configured tests are the fallback', () => {
  const sel = selectRelevantTests(['crates/metal-backend/src/merkle_tree.rs'], DEFAULT_CONFIG.relevantTests, configuredTestTargets(DEFAULT_CONFIG));
  assert.deepEqual(sel, { tests: ['ntt_roundtrip'], reasons: {}, fallback: true });
  assert.deepEqual(selectRelevantTests([], {}, []), { tests: [], reasons: {}, fallback: true });
});

test('several globs union their targets in configuration order, without duplicates', () => {
  const map = { 'crates/metal-backend/src/**/*.rs': ['ntt_roundtrip', 'merkle'], '**/merkle*': ['merkle', 'paths'], '*.md': ['docs'] };
  const sel = selectRelevantTests(['crates/metal-backend/src/merkle_tree.rs', 'crates\\metal-backend\\src\\lib.rs'], map);
  assert.deepEqual(sel.tests, ['ntt_roundtrip', 'merkle', 'paths']);
  assert.deepEqual(sel.reasons.merkle, ['crates/metal-backend/src/merkle_tree.rs', 'crates\\metal-backend\\src\\lib.rs']);
});

test('a selected test reuses the configured check (args, env)', () => {
  const config = { checks: [{ label: 'ntt', command: 'test', test: 'ntt_roundtrip', args: ['--release'] }] };
  assert.deepEqual(testSpecFor(config, 'ntt_roundtrip'), config.checks[0]);
  assert.deepEqual(testSpecFor(config, 'other'), { label: 'other', command: 'test', test: 'other' });
});

test('changed files since a base commit include committed, unstaged and untracked changes', async () => {
  const copy = fixtureCopy();
  try {
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e.invalid', ...a], { cwd: copy.root, encoding: 'utf8' });
    appendFileSync(path.join(copy.root, 'crates/metal-backend/src/metal/batch_ntt_small.rs'), '\n// tuned\n');
    git('commit', '-qam', 'ntt');
    appendFileSync(path.join(copy.root, 'crates/metal-backend/src/merkle_tree.rs'), '\n');
    writeFileSync(path.join(copy.root, 'notes.txt'), 'x');
    {
      const changed = await changedFilesSince(copy.root, copy.head);
      assert.deepEqual(changed.files, ['crates/metal-backend/src/merkle_tree.rs', 'crates/metal-backend/src/metal/batch_ntt_small.rs', 'notes.txt']);
      assert.equal(changed.warning, undefined);
      const unknown = await changedFilesSince(copy.root, 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef');
      assert.match(unknown.warning ?? '', /not in this repository/);
      assert.deepEqual(unknown.files, ['crates/metal-backend/src/merkle_tree.rs', 'notes.txt']);
      const notSha = await changedFilesSince(copy.root, 'yesterday');
      assert.match(notSha.warning ?? '', /not a commit id/);
    }
  } finally {
    copy.cleanup();
  }
});
