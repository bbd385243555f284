import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SETTINGS, settingProblemMessage, type SettingSpec } from '../../../src/extension/settingsProtocol';

const ROOT = path.join(__dirname, '..', '..', '..');
const contributed = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties as Record<
  string,
  { default?: unknown; enum?: string[]; type: string }
>;
const specs = Object.values(SETTINGS) as SettingSpec<unknown>[];

test('every contributed setting has one spec, and every spec a contributed setting', () => {
  const keys = specs.map((s) => s.key);
  assert.equal(new Set(keys).size, keys.length, 'a key is written twice');
  assert.deepEqual([...keys].sort(), Object.keys(contributed).sort());
});

test("each spec's default is package.json's default, and its choices package.json's enum", () => {
  for (const spec of specs) {
    const declared = contributed[spec.key]!;
    // The owner's "" (nobody named) is read as undefined: git's user.name, else the login name.
    assert.deepEqual(spec.defaultValue ?? '', declared.default, spec.key);
    assert.deepEqual(spec.check(declared.default).problem, undefined, `${spec.key}: the declared default is accepted`);
    for (const value of declared.enum ?? []) assert.equal(spec.check(value).value, value, `${spec.key} accepts ${value}`);
  }
});

test('an unusable value falls back to the default with a message naming the setting', () => {
  const flag = SETTINGS.hotspotsEnabled.check('yes');
  assert.deepEqual(flag.value, true);
  assert.match(
    settingProblemMessage(SETTINGS.hotspotsEnabled, flag.problem!),
    /^Setting milestoneScope\.hotspots\.enabled: "yes" is not true or false; using the default true instead\.$/,
  );
  assert.deepEqual(SETTINGS.hotspotsEnabled.check(false), { value: false });
  assert.deepEqual(SETTINGS.baselineTree.check('elsewhere').value, 'baseWorktree');
  assert.match(SETTINGS.baselineTree.check('elsewhere').problem!, /not one of baseWorktree, currentTree/);
  // A negative size used to mean "no limit" without a word; it is not a size.
  assert.deepEqual(SETTINGS.traceMaxFileSizeMB.check(-5).value, 1024);
  assert.ok(SETTINGS.traceMaxFileSizeMB.check(-5).problem);
  assert.deepEqual(SETTINGS.traceMaxFileSizeMB.check(0), { value: 0 });
  assert.deepEqual(SETTINGS.traceMaxFileSizeMB.check('12').value, 1024);
});

test('the owner setting: trimmed, empty means "not set", a name that cannot be recorded is refused', () => {
  assert.deepEqual(SETTINGS.owner.check(undefined), { value: undefined });
  assert.deepEqual(SETTINGS.owner.check('   '), { value: undefined });
  assert.deepEqual(SETTINGS.owner.check('  @dave '), { value: '@dave' });
  const bad = SETTINGS.owner.check('a`b');
  assert.equal(bad.value, undefined);
  assert.match(
    settingProblemMessage(SETTINGS.owner, bad.problem!),
    /milestoneScope\.owner: "a`b" contains a backtick; using git's user\.name/,
  );
  assert.equal(SETTINGS.owner.check(7).value, undefined);
});

test('scope severities: valid entries apply, the others are reported together', () => {
  assert.deepEqual(SETTINGS.scopeSeverity.check(undefined), { value: {} });
  const r = SETTINGS.scopeSeverity.check({ 'cross-crate': 'error', 'no-such-code': 'error', 'pin-changed': 'loud' });
  assert.deepEqual(r.value, { 'cross-crate': 'error' });
  assert.match(r.problem!, /unknown scope code "no-such-code".*; severity of pin-changed must be/);
});

test('the extension reads settings in one place: no getConfiguration outside settings.ts', () => {
  const dir = path.join(ROOT, 'src', 'extension');
  const readers = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f !== 'settings.ts')
    .filter((f) => /\bgetConfiguration\s*\(/.test(readFileSync(path.join(dir, f), 'utf8')));
  assert.deepEqual(readers, []);
});
