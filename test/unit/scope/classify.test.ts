import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCatalog } from '../../../src/core/catalog/parse';
import { findMilestone } from '../../../src/core/catalog/model';
import { DEFAULT_CONFIG } from '../../../src/core/config/types';
import { addedFileHunks, diffTexts, type FileDiff } from '../../../src/core/diff';
import { buildScopeModel, classifyFile, cratesOf, parseAllowedFiles, type ScopeFinding, type SeverityOverrides } from '../../../src/core/scope';

const FIXTURE = path.resolve(__dirname, '../../fixtures/stark-backend-metal');
const read = (rel: string) => readFileSync(path.join(FIXTURE, rel), 'utf8');
const catalog = parseCatalog(read(DEFAULT_CONFIG.catalog), DEFAULT_CONFIG.catalog);
const MANIFESTS = ['Cargo.toml', 'crates/metal-backend/Cargo.toml', 'crates/stark-backend/Cargo.toml'];
const crates = cratesOf(new Map(MANIFESTS.map((m) => [m, read(m)])));
const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
const LOGUP = 'crates/metal-backend/src/metal/logup_zerocheck.rs';

function model(id: string, opts: { allowed?: string; severity?: SeverityOverrides } = {}) {
  return buildScopeModel({
    config: DEFAULT_CONFIG,
    catalog,
    milestone: findMilestone(catalog, id)!,
    crates,
    allowed: parseAllowedFiles(opts.allowed ?? '', 'docs/metal-backend-optimization-tracking/milestone-2.md'),
    severity: opts.severity,
  });
}

function modified(file: string, change: (text: string) => string): { diff: FileDiff; base: string; current: string } {
  const base = read(file);
  const current = change(base);
  assert.notEqual(current, base, 'the change must change something');
  return { diff: { oldPath: file, newPath: file, kind: 'modified', binary: false, hunks: diffTexts(base, current) }, base, current };
}

function check(id: string, c: { diff: FileDiff; base?: string; current?: string }, opts: Parameters<typeof model>[1] = {}): ScopeFinding[] {
  return classifyFile(model(id, opts), c.diff, { base: c.base, current: c.current }).findings;
}

const summary = (fs: ScopeFinding[]) => fs.map((f) => `${f.code}@${f.line}${f.milestone ? ` m${f.milestone}` : ''}`);

function replaceLine(text: string, line: number, replacement: string): string {
  const l = text.split('\n');
  l[line - 1] = replacement;
  return l.join('\n');
}

test("an edit inside milestone 3's hotspot function is an error naming milestone 3", () => {
  const c = modified(MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.as_slice().to_vec();'));
  const f = check('2', c);
  assert.deepEqual(summary(f), ['other-milestone-hotspot@97 m3']);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /milestone 3's hotspot fn root \(hotspot merkle_tree\.rs:97; work item 3: Exploit unified memory/);
  assert.deepEqual(f[0].hunk, { oldStart: 97, oldLines: 1, newStart: 97, newLines: 1 });
});

test('the same edit is in scope for milestone 3 itself', () => {
  const c = modified(MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.as_slice().to_vec();'));
  assert.deepEqual(check('3', c), []);
});

test("lines inserted above the hotspot item's docs are outside the region; inside its body they are not", () => {
  const base = read(MERKLE);
  const lines = base.split('\n');
  const docLine = lines.findIndex((l) => l.includes('/// The commitment')) + 1; // first line of fn root's item
  const above = modified(MERKLE, () => [...lines.slice(0, docLine - 1), '    // a note above root', ...lines.slice(docLine - 1)].join('\n'));
  assert.deepEqual(summary(check('2', above)), [`supporting-change@${docLine}`]);
  const inside = modified(MERKLE, () => [...lines.slice(0, 96), '        let _probe = 0;', ...lines.slice(96)].join('\n'));
  assert.deepEqual(summary(check('2', inside)), ['other-milestone-hotspot@97 m3']);
});

test('a function shared by two milestones is in scope for both, and names both to others', () => {
  const c = modified(LOGUP, (t) => replaceLine(t, 1316, read(LOGUP).split('\n')[1315] + ' // touched'));
  assert.deepEqual(check('5', c), []);
  assert.deepEqual(check('1', c), []);
  const f = check('2', c);
  assert.deepEqual(summary(f), ['other-milestone-hotspot@1316 m1']);
  assert.deepEqual(f[0].milestones, ['1', '5']);
  assert.match(f[0].message, /milestones 1 and 5's hotspot fn round0_denominator_cosets/);
});

test('an attribute written directly above a shared function is in scope for its milestones, and an error for others', () => {
  const lines = read(LOGUP).split('\n');
  const first = lines.findIndex((l) => l.startsWith('/// Round 0, denominator side')) + 1;
  const c = modified(LOGUP, () => [...lines.slice(0, first - 1), '#[inline(never)]', ...lines.slice(first - 1)].join('\n'));
  assert.deepEqual(check('5', c), []);
  assert.deepEqual(summary(check('2', c)), [`other-milestone-hotspot@${first} m1`]);
  const plain = modified(LOGUP, () => [...lines.slice(0, first - 1), '// a plain note', ...lines.slice(first - 1)].join('\n'));
  assert.deepEqual(summary(check('2', plain)), [`supporting-change@${first}`]);
});

test("the milestone's own hotspot files are in scope outside other regions; other crate files are cross-crate", () => {
  const own = modified('crates/metal-backend/src/stacked_pcs.rs', (t) => t.replace('fn stack_traces', 'fn stack_traces_batched'));
  assert.deepEqual(check('2', own), []);
  const other = modified('crates/stark-backend/src/field.rs', (t) => t + '// trailing note\n');
  const f = check('2', other);
  assert.deepEqual(summary(f), [`cross-crate@${t(other.current)}`]);
  assert.equal(f[0].severity, 'warning');
  function t(text: string) {
    return text.split('\n').length - 1;
  }
});

test('allowed files and severity overrides are respected', () => {
  const other = modified('crates/stark-backend/src/field.rs', (t) => t + '// trailing note\n');
  const allowed = '<!-- milestone-scope:allowed-files:start -->\n- `crates/stark-backend/src/field.rs`: accessor for shared buffers\n<!-- milestone-scope:allowed-files:end -->\n';
  assert.deepEqual(check('2', other, { allowed }), []);
  assert.deepEqual(check('2', other, { severity: { 'cross-crate': 'off' } }), []);
  assert.equal(check('2', other, { severity: { 'cross-crate': 'error' } })[0].severity, 'error');
});

test('new unsafe without a SAFETY comment is a warning on its line; documented unsafe is not', () => {
  const marker = '    pub fn height(&self) -> usize {';
  const bad = modified(MERKLE, (t) => t.replace(marker, `    pub fn first(&self) -> Digest {\n        unsafe { *self.layers[0].as_ptr() }\n    }\n\n${marker}`));
  const f = check('3', bad);
  assert.deepEqual(summary(f), [`unsafe-without-safety@${bad.current.split('\n').findIndex((l) => l.includes('unsafe { *self')) + 1}`]);
  assert.equal(f[0].column, 9);
  const good = modified(MERKLE, (t) => t.replace(marker, `    pub fn first(&self) -> Digest {\n        // SAFETY: a tree has at least one layer with one digest.\n        unsafe { *self.layers[0].as_ptr() }\n    }\n\n${marker}`));
  assert.deepEqual(check('3', good), []);
});

test('Cargo.toml: a pin change is an error on the entry; other edits are cross-crate', () => {
  const pin = modified('Cargo.toml', (t) => t.replace('p3-baby-bear = "=0.4.1"', 'p3-baby-bear = "=0.4.2"'));
  const f = check('2', pin);
  assert.equal(f.length, 1);
  assert.equal(f[0].code, 'pin-changed');
  assert.equal(f[0].severity, 'error');
  assert.equal(pin.current.split('\n')[f[0].line - 1], 'p3-baby-bear = "=0.4.2"');
  const other = modified('Cargo.toml', (t) => t.replace('metal = "0.29"', 'metal = "0.30"'));
  assert.deepEqual(check('2', other).map((x) => x.code), ['cross-crate']);
  const crateManifest = modified('crates/metal-backend/Cargo.toml', (t) => t.replace('[dev-dependencies]', '[dev-dependencies]\np3-field = "0.5"'));
  assert.deepEqual(check('2', crateManifest).map((x) => x.code), ['pin-changed']);
});

test("STATUS.md: the milestone's own row is in scope, another's is an error", () => {
  const STATUS = DEFAULT_CONFIG.status;
  const own = modified(STATUS, (t) => t.replace('| 2 | `not_started` | | | |', '| 2 | `in_progress` | dave | 2026-12-01 | |'));
  assert.deepEqual(check('2', own), []);
  const other = modified(STATUS, (t) => t.replace('| 3 | `not_started` | | | |', '| 3 | `in_progress` | dave | 2026-12-01 | |'));
  const f = check('2', other);
  assert.deepEqual(summary(f), ['other-milestone-tracking@11 m3']);
  const added = modified(STATUS, (t) => t.replace('| 6 | `not_started` | | | |', '| 6 | `not_started` | | | |\n| 7 | `in_progress` | dave | 2026-12-01 | |'));
  assert.deepEqual(check('7', added), []);
  // Re-padding the whole table for a longer owner name is formatting, not a change of other rows.
  const padded = modified(STATUS, (t) =>
    t
      .split('\n')
      .map((l) => (/^\| \d \|/.test(l) ? l.replace(/^\| (\d) \|/, '|  $1  |') : l))
      .join('\n')
      .replace('|  2  | `not_started` | | | |', '|  2  | `in_progress` | dave | 2026-12-01 | |'),
  );
  assert.ok(padded.diff.hunks.some((h) => h.oldLines >= 5), 'several rows changed');
  assert.deepEqual(check('2', padded), []);
  const row7 = added.current.split('\n').findIndex((l) => l.startsWith('| 7 |')) + 1;
  assert.deepEqual(summary(check('2', added)), [`other-milestone-tracking@${row7} m7`]);
});

test("tracking files: the milestone's own is in scope, another's is an error", () => {
  const T = (id: string) => `docs/metal-backend-optimization-tracking/milestone-${id}.md`;
  const theirs = modified(T('4'), (t) => t + '\nUnblocked.\n');
  const f = check('2', theirs);
  assert.deepEqual(f.map((x) => [x.code, x.milestone, x.severity]), [['other-milestone-tracking', '4', 'error']]);
  const mine: FileDiff = { oldPath: undefined, newPath: T('2'), kind: 'added', binary: false, hunks: addedFileHunks('# Milestone 2\n') };
  assert.deepEqual(check('2', { diff: mine, current: '# Milestone 2\n' }), []);
});

test('deleted and renamed hotspot files, binary files, mode-only changes', () => {
  const base = read(MERKLE);
  const deleted: FileDiff = { oldPath: MERKLE, newPath: undefined, kind: 'deleted', binary: false, hunks: diffTexts(base, '') };
  const f = check('2', { diff: deleted, base });
  assert.deepEqual(summary(f), ['other-milestone-hotspot@1 m3']);
  assert.equal(f[0].file, MERKLE);
  const renamed: FileDiff = { oldPath: MERKLE, newPath: 'crates/metal-backend/src/merkle.rs', kind: 'renamed', binary: false, hunks: [] };
  const r = check('2', { diff: renamed, base });
  assert.deepEqual(r.map((x) => [x.code, x.file, x.oldPath]), [['other-milestone-hotspot', 'crates/metal-backend/src/merkle.rs', MERKLE]]);
  const binary: FileDiff = { oldPath: 'assets/logo.png', newPath: 'assets/logo.png', kind: 'modified', binary: true, hunks: [] };
  assert.deepEqual(summary(check('2', { diff: binary })), ['cross-crate@1']);
  const mode: FileDiff = { oldPath: 'run.sh', newPath: 'run.sh', kind: 'modified', binary: false, hunks: [] };
  assert.deepEqual(check('2', { diff: mode }), []);
});
