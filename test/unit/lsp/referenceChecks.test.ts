import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog, HotspotRef } from '../../../src/core/catalog/model';
import { ReferenceBaseline } from '../../../src/core/docChecks/baseline';
import type { FileLookup, ResolvedFile } from '../../../src/core/docChecks/fileCache';
import { WorkspaceFiles, splitLines } from '../../../src/core/docChecks/fileCache';
import { classifyLines, commentSyntaxFor } from '../../../src/core/docChecks/lineKinds';
import { ReferenceChecker, checkReferences, evaluateReference } from '../../../src/core/docChecks/references';
import { writtenAbsolute } from '../../../src/core/paths';
import { rewriteReferenceLines } from '../../../src/core/docChecks/rewrite';
import { applyEdits } from '../../../src/core/textEdits';

const CODE = ['fn a() {', '    let x = 1;', '', '    // note', '    x', '}'].join('\n');

function file(path: string, text: string, version = 1): ResolvedFile {
  const lines = splitLines(text);
  return { kind: 'file', path, version, text, lines, unsaved: false, lineKinds: () => classifyLines(lines, commentSyntaxFor(path)) };
}

function ref(path: string, line: number, endLine = line, sourceLine = 10): HotspotRef {
  return { path, line, endLine, source: { file: 'docs/c.md', line: sourceLine, column: 5, endColumn: 5 + path.length + 6 } };
}

function catalogOf(...refs: HotspotRef[]): Catalog {
  return { file: 'docs/c.md', workItems: [{ id: '1', title: 't', hotspots: refs, problem: [], target: [], line: 1 }], milestones: [], problems: [] };
}

test('each kind of broken reference gets its own code and says what is wrong', () => {
  const f = file('src/a.rs', CODE);
  const codes = (line: number, endLine = line) => evaluateReference({ path: 'src/a.rs', line, endLine }, f, undefined, undefined).map((v) => v.code);
  assert.deepEqual(codes(2), []);
  assert.deepEqual(codes(7), ['ref/line-past-end']);
  assert.deepEqual(codes(5, 9), ['ref/line-past-end']);
  assert.deepEqual(codes(3), ['ref/blank-line']);
  assert.deepEqual(codes(4), ['ref/comment-line']);
  assert.deepEqual(codes(3, 4), ['ref/comment-line'], 'a range holding no code');
  assert.deepEqual(codes(2, 4), [], 'a range starting at code is fine');
  const missing = evaluateReference({ path: 'src/b.rs', line: 1, endLine: 1 }, { kind: 'missing', path: 'src/b.rs', version: 1 }, undefined, undefined);
  assert.equal(missing[0]!.code, 'ref/missing-file');
  assert.match(missing[0]!.message, /src\/b\.rs does not exist/);
  const past = evaluateReference({ path: 'src/a.rs', line: 7, endLine: 7 }, f, undefined, undefined)[0]!;
  assert.match(past.message, /line 7 is past the end of src\/a\.rs \(6 lines\)/);
  assert.equal(past.severity, 'error');
});

test('findings sit at the reference in the catalog', () => {
  const files: FileLookup = { resolve: (p) => (p === 'src/a.rs' ? file(p, CODE) : { kind: 'missing', path: p, version: 1 }) };
  const findings = checkReferences(catalogOf(ref('src/a.rs', 2), ref('src/gone.rs', 1, 1, 12)), { files });
  assert.equal(findings.length, 1);
  assert.deepEqual([findings[0]!.file, findings[0]!.line, findings[0]!.column, findings[0]!.code], ['docs/c.md', 12, 5, 'ref/missing-file']);
});

test('an absolute path written in code is outside the workspace, a repository-rooted link is not', () => {
  assert.equal(writtenAbsolute('`/home/me/src/a.rs:3`'), true);
  assert.equal(writtenAbsolute('`C:\\src\\a.rs:3`'), true);
  assert.equal(writtenAbsolute('[a.rs](/src/a.rs#L3)'), false);
  assert.equal(writtenAbsolute('`src/a.rs:3`'), false);
  const files: FileLookup = { resolve: (p) => file(p, CODE) };
  const findings = checkReferences(catalogOf(ref('home/me/a.rs', 2)), { files, sourceText: () => '`/home/me/a.rs:2`' });
  assert.deepEqual(findings.map((f) => f.code), ['ref/outside-workspace']);
});

test('the checker re-evaluates only references whose file version changed', () => {
  let resolves = 0;
  let version = 1;
  let text = CODE;
  const files: FileLookup = { resolve: (p) => (resolves++, file(p, text, p === 'src/a.rs' ? version : 1)) };
  const checker = new ReferenceChecker();
  const catalog = catalogOf(ref('src/a.rs', 2), ref('src/other.rs', 2));
  assert.equal(checker.check(catalog, { files }).length, 0);
  text = 'only one line';
  // Same version: the cached verdict stands, even though the text behind it changed.
  assert.equal(checker.check(catalog, { files }).length, 0);
  version = 2;
  const after = checker.check(catalog, { files });
  assert.deepEqual(after.map((f) => f.ref.path), ['src/a.rs']);
  assert.equal(resolves, 6);
});

test('baseline: moved code is found with its new line; edits and deletions are told apart', () => {
  const old = ['fn a() {', '    let x = compute();', '    x + 1', '}', 'fn b() {}'].join('\n');
  const catalog = 'refs\n- `src/a.rs:2`\n';
  const base = new ReferenceBaseline('0123456789abcdef', catalog, new Map([['src/a.rs', old]]));
  const now = (t: string, v = 1) => file('src/a.rs', t, v) as Extract<ResolvedFile, { kind: 'file' }>;

  assert.deepEqual(base.drift('src/a.rs', 2, 2, now(old)), { kind: 'same' });
  const moved = base.drift('src/a.rs', 2, 2, now('// header\n// more\n' + old, 2));
  assert.deepEqual(moved, { kind: 'moved', line: 4, endLine: 4, text: '    let x = compute();' });
  const edited = base.drift('src/a.rs', 2, 2, now(old.replace('compute()', 'compute_fast()'), 3));
  assert.equal(edited.kind, 'edited');
  const removed = base.drift('src/a.rs', 2, 2, now(old.replace('    let x = compute();\n', ''), 4));
  assert.equal(removed.kind, 'removed');
  // Cut and pasted a few lines further down: followed by its exact text.
  const pasted = ['fn a() {', '    x + 1', '}', 'fn b() {}', '    let x = compute();'].join('\n');
  assert.deepEqual(base.drift('src/a.rs', 2, 2, now(pasted, 5)), { kind: 'moved', line: 5, endLine: 5, text: '    let x = compute();' });
  // A range whose first line moved keeps its length.
  assert.deepEqual(base.drift('src/a.rs', 2, 3, now('\n' + old, 6)), { kind: 'moved', line: 3, endLine: 4, text: '    let x = compute();' });
  assert.equal(base.drift('src/unknown.rs', 1, 1, now(old)).kind, 'unknown');

  assert.equal(base.catalogLineCommitted(catalog, 2), true);
  assert.equal(base.catalogLineCommitted('refs\n- `src/a.rs:3`\n', 2), false, 'an edited reference is a new claim');
  assert.equal(base.catalogLineCommitted('intro\nrefs\n- `src/a.rs:2`\n', 3), true, 'moved catalog lines still count');
});

test('with a baseline, a moved reference carries its fix and hides the symptoms', () => {
  const old = ['fn a() {', '    let x = compute();', '}'].join('\n');
  const catalogText = 'x\n- `src/a.rs:2`\n';
  const base = new ReferenceBaseline('0123456789abcdef', catalogText, new Map([['src/a.rs', old]]));
  const files: FileLookup = { resolve: (p) => file(p, '\n\n' + old, 2) };
  const r = ref('src/a.rs', 2, 2, 2);
  const [finding, ...rest] = checkReferences(catalogOf(r), { files, baseline: base, catalogText });
  assert.equal(rest.length, 0, 'line 2 is now blank, but the real problem is the move');
  assert.equal(finding!.code, 'ref/moved');
  assert.deepEqual(finding!.moveTo, { line: 4, endLine: 4, preferred: true });
  assert.match(finding!.message, /moved to line 4 since the catalog's last commit 0123456/);
  // The same reference on an edited catalog line is not compared with the commit.
  const edited = checkReferences(catalogOf(r), { files, baseline: base, catalogText: 'x\n- `src/a.rs:2` edited\n' });
  assert.deepEqual(edited.map((f) => f.code), ['ref/blank-line']);
});

test('rewrite: colon, ranges, #L forms, links (text and target) and YAML mappings', () => {
  const run = (text: string, path: string, from: [number, number], to: [number, number]) =>
    applyEdits(text, rewriteReferenceLines(text, 0, text.length, path, { line: from[0], endLine: from[1] }, { line: to[0], endLine: to[1] }));
  assert.equal(run('- `crates/x/src/a.rs:110`', 'crates/x/src/a.rs', [110, 110], [112, 112]), '- `crates/x/src/a.rs:112`');
  assert.equal(run('`src/a.rs:110-146`', 'src/a.rs', [110, 146], [112, 148]), '`src/a.rs:112-148`');
  assert.equal(run('`src/a.rs#L110-L146`', 'src/a.rs', [110, 146], [112, 148]), '`src/a.rs#L112-L148`');
  assert.equal(run('[a.rs:45](../src/a.rs#L45)', 'src/a.rs', [45, 45], [50, 50]), '[a.rs:50](../src/a.rs#L50)');
  assert.equal(run('{ path: src/a.rs, line: 38, endLine: 43 }', 'src/a.rs', [38, 43], [40, 45]), '{ path: src/a.rs, line: 40, endLine: 45 }');
  assert.equal(run('- path: src/a.rs\n  line: 45\n', 'src/a.rs', [45, 45], [47, 47]), '- path: src/a.rs\n  line: 47\n');
  assert.equal(run('`src/a.rs:1100`', 'src/a.rs', [110, 110], [112, 112]), '`src/a.rs:1100`', 'another line number is left alone');
});

test('real files: WorkspaceFiles and the checker agree on the fixture layout', () => {
  const files = new WorkspaceFiles(process.cwd());
  const findings = checkReferences(catalogOf(ref('package.json', 1), ref('package.json', 100000)), { files });
  assert.deepEqual(findings.map((f) => f.code), ['ref/line-past-end']);
});

test('a hotspot on a `///` doc comment attached to an item is fine; plain comments and detached doc comments still warn', () => {
  const text = [
    '/// Assumes the column count is a power of two.', // 1
    '/// (checked by the caller)', // 2
    '#[inline]', // 3
    'fn pack(cols: usize) {}', // 4
    '', // 5
    '/// A doc comment followed by a blank line', // 6
    '', // 7
    '// a plain comment', // 8
    'fn other() {}', // 9
    '//// four slashes is a plain comment', // 10
    'fn third() {}', // 11
  ].join('\n');
  const f = file('src/a.rs', text);
  const codes = (line: number, endLine = line) => evaluateReference({ path: 'src/a.rs', line, endLine }, f, undefined, undefined).map((v) => v.code);
  assert.deepEqual(codes(1), [], 'the doc comment of pack');
  assert.deepEqual(codes(2), [], 'its second line, past which an attribute and the item follow');
  assert.deepEqual(codes(1, 2), [], 'the whole doc comment');
  assert.deepEqual(codes(6), ['ref/comment-line'], 'a doc comment attached to nothing');
  assert.deepEqual(codes(8), ['ref/comment-line'], 'a plain comment');
  assert.deepEqual(codes(10), ['ref/comment-line'], '//// is not a doc comment');
  assert.deepEqual(codes(5, 6), ['ref/comment-line'], 'a range with a blank line');
});
