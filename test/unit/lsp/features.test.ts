import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem } from 'vscode-languageserver';
import { completion } from '../../../src/server/features/completion';
import { hover } from '../../../src/server/features/hover';
import { definition, documentLinks } from '../../../src/server/features/navigation';
import { documentSymbols, fuzzyMatch, workspaceSymbols } from '../../../src/server/features/symbols';
import { LineIndex } from '../../../src/server/catalogDocument';
import { CrateIndex, packageName } from '../../../src/server/crates';
import { CATALOG, STARK, STATUS, edit, lineOf, loadSession, plainCopy, read, removeDir } from './helpers';

const REF = 'crates/metal-backend/src/stacked_pcs.rs:110';

async function fixture() {
  const root = plainCopy(STARK);
  const { session, host } = await loadSession(root, { git: false });
  return { root, session, host, text: read(root, CATALOG) };
}

/** 0-based position of `needle` (plus `delta` characters) in `text`. */
function posOf(text: string, needle: string, delta = 0) {
  const line = lineOf(text, needle) - 1;
  return { line, character: text.split('\n')[line]!.indexOf(needle) + delta };
}

test('every reference links to its file at its line; go-to-definition selects the lines', async (t) => {
  const { root, session, text } = await fixture();
  t.after(() => removeDir(root));
  const links = documentLinks(session);
  assert.equal(links.length, 21, 'one per hotspot of the catalog');
  const first = links[0]!;
  const fileUri = pathToFileURL(path.join(root, 'crates/metal-backend/src/stacked_pcs.rs')).toString();
  assert.equal(first.target, `${fileUri}#L110`);
  const line = text.split('\n')[first.range.start.line]!;
  assert.equal(line.slice(first.range.start.character, first.range.end.character), '`' + REF + '`');

  const [loc] = definition(session, posOf(text, REF, 10));
  assert.ok(loc);
  assert.equal(loc.targetUri, fileUri);
  assert.equal(loc.targetRange.start.line, 109);
  assert.equal(loc.targetSelectionRange.start.line, 109);
  assert.deepEqual(definition(session, posOf(text, 'Remove per-copy synchronization')), [], 'not on a reference');
});

test('hover shows the referenced code with context, fenced as Rust, and the line marked', async (t) => {
  const { root, session, text } = await fixture();
  t.after(() => removeDir(root));
  const h = hover(session, posOf(text, REF, 5));
  assert.ok(h);
  const value = (h.contents as { value: string }).value;
  assert.match(value, /\*\*crates\/metal-backend\/src\/stacked_pcs\.rs:110\*\*/);
  assert.match(value, /```rust\n/);
  const code = read(root, 'crates/metal-backend/src/stacked_pcs.rs').split('\n');
  assert.ok(value.includes(`${code[109]}  // ◀ 110`), 'the referenced line, marked');
  assert.ok(value.includes(code[107]!) && value.includes(code[111]!), 'two lines of context each side');
  assert.ok(!value.includes(code[112]!.trim() === '' ? '\u0000' : code[112]!), 'no more than two lines after');

  const mapping = hover(session, posOf(text, 'Milestone 1 -> work item 2', 3));
  assert.ok(mapping);
  const mv = (mapping.contents as { value: string }).value;
  assert.match(mv, /\*\*Milestone 1\*\* · Reduce synchronous kernel dispatch/);
  assert.match(mv, /Status: `in_progress` · owner @bob · started 2026-11-20/);
  assert.match(mv, /Work item 2: Reduce synchronous kernel dispatch overhead across hot loops \(4 hotspots/);
});

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

test('completion: crate paths in a reference, work items in the mapping', async (t) => {
  const { root, session, text } = await fixture();
  t.after(() => removeDir(root));
  const crates = new CrateIndex(root);
  const role = session.roleOf(CATALOG)!;
  // Typing a new reference: "- `crates/metal-backend/src/st" at the end of a hotspot line.
  const edited = text.replace('`' + REF + '`', '`crates/metal-backend/src/st');
  const pos = posOf(edited, '`crates/metal-backend/src/st', '`crates/metal-backend/src/st'.length);
  const items = completion(session, crates, role, edited, pos);
  assert.ok(labels(items).includes('crates/metal-backend/src/stacked_pcs.rs'));
  assert.ok(labels(items).every((l) => l.startsWith('crates/metal-backend/')), 'only the configured crate');
  assert.deepEqual(items[0]!.textEdit && 'range' in items[0]!.textEdit ? items[0]!.textEdit.range.start.character : -1, pos.character - 'crates/metal-backend/src/st'.length);

  const mapping = text.replace('- Milestone 3 -> work item 3', '- Milestone 3 -> work item ');
  const items2 = completion(session, crates, role, mapping, posOf(mapping, '- Milestone 3 -> work item ', '- Milestone 3 -> work item '.length));
  assert.deepEqual(labels(items2), ['1', '2', '3', '4', '5', '6']);
  assert.equal(items2[0]!.detail, 'Remove per-copy synchronization in stacked trace assembly (rs_code_matrix path)');
  assert.deepEqual(completion(session, crates, role, text, posOf(text, 'Optimization catalog', 3)), [], 'nothing in prose');
});

test('completion: statuses and milestone ids in STATUS.md, statuses in a tracking file, crates in the configuration', async (t) => {
  const { root, session } = await fixture();
  t.after(() => removeDir(root));
  const crates = new CrateIndex(root);
  const status = read(root, STATUS) + '| 7 | `';
  const end = { line: status.split('\n').length - 1, character: '| 7 | `'.length };
  const items = completion(session, crates, session.roleOf(STATUS)!, status, end);
  assert.deepEqual(labels(items), ['not_started', 'in_progress', 'blocked', 'completed']);
  assert.equal((items[0]!.textEdit as { newText: string }).newText, 'not_started', 'inside backticks: the bare word');
  const idLine = read(root, STATUS) + '| ';
  const ids = completion(session, crates, session.roleOf(STATUS)!, idLine, { line: idLine.split('\n').length - 1, character: 2 });
  assert.equal(ids[0]!.label, '7', 'the milestone without a row comes first');
  assert.equal(ids.length, 8);

  const tracking = 'docs/metal-backend-optimization-tracking/milestone-1.md';
  const tText = '# M1\n\n- Status: ';
  const t1 = completion(session, crates, session.roleOf(tracking)!, tText, { line: 2, character: '- Status: '.length });
  assert.deepEqual((t1.map((i) => (i.textEdit as { newText: string }).newText)), ['`not_started`', '`in_progress`', '`blocked`', '`completed`'], 'in the document style: backticks');

  const cfg = completion(session, crates, { role: 'config' }, 'crate: ', { line: 0, character: 7 });
  assert.deepEqual(labels(cfg).sort(), ['openvm-metal-backend', 'openvm-stark-backend']);
  assert.equal(packageName('[workspace]\nname = "no"\n[package]\nname = "yes"\n'), 'yes');
});

test('document symbols outline work items with their hotspots and milestones; workspace symbols find M2', async (t) => {
  const { root, session, text } = await fixture();
  t.after(() => removeDir(root));
  const symbols = documentSymbols(session, session.roleOf(CATALOG)!, text, new LineIndex(text));
  assert.deepEqual(symbols.map((s) => s.name), ['Work items', 'Milestones']);
  const items = symbols[0]!.children!;
  assert.equal(items.length, 6);
  assert.match(items[0]!.name, /^1\) Remove per-copy synchronization/);
  assert.deepEqual(items[0]!.children!.map((c) => c.name), ['crates/metal-backend/src/stacked_pcs.rs:110', 'crates/metal-backend/src/stacked_pcs.rs:129', 'crates/metal-backend/src/stacked_pcs.rs:146']);
  assert.equal(symbols[1]!.children!.length, 8);
  const status = documentSymbols(session, session.roleOf(STATUS)!, read(root, STATUS), new LineIndex(read(root, STATUS)));
  assert.equal(status[1]!.name, 'M1 in_progress');

  const m2 = workspaceSymbols(session, 'M2');
  assert.equal(m2[0]!.name, 'M2 Remove per-copy synchronization in stacked trace assembly (rs_code_matrix path)');
  assert.equal((m2[0]!.location as { range: { start: { line: number } } }).range.start.line, lineOf(text, 'Milestone 2 -> work item 1') - 1);
  assert.ok(workspaceSymbols(session, 'batch_ntt').some((s) => s.name.startsWith('6) Make batch_ntt_small')));
  assert.equal(fuzzyMatch('rpcs', 'Remove per-copy sync'), true);
  assert.equal(fuzzyMatch('zz', 'Remove per-copy sync'), false);
});

test('no link to a missing file, and the hover says why', async (t) => {
  const root = plainCopy(STARK);
  t.after(() => removeDir(root));
  edit(root, CATALOG, 'src/stacked_pcs.rs:110`', 'src/stacked_pcs_old.rs:110`');
  const { session } = await loadSession(root, { git: false });
  const text = read(root, CATALOG);
  assert.equal(documentLinks(session).length, 20);
  const h = hover(session, posOf(text, 'stacked_pcs_old.rs', 2));
  assert.match((h!.contents as { value: string }).value, /The file does not exist/);
});
