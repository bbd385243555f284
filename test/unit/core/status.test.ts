import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeStatusEdits, normaliseStatus, parseStatus, statusEntry, formatStatus, detectStatusStyle } from '../../../src/core/status';
import { applyEdits } from '../../../src/core/textEdits';
import { ALT, METAL, STATUS, fixtureText } from './helpers';

const diffLines = (a: string, b: string) => {
  const x = a.split('\n');
  const y = b.split('\n');
  return y.filter((l, i) => x[i] !== l);
};

test('the fixture STATUS.md: every state of the shared contract', () => {
  const doc = parseStatus(fixtureText(METAL, STATUS), STATUS);
  assert.equal(doc.form, 'table');
  assert.deepEqual(doc.problems, []);
  const row = (id: string) => {
    const e = statusEntry(doc, id);
    return e && [e.status, e.owner, e.started, e.notes];
  };
  assert.deepEqual(row('0'), ['completed', 'alice', '2026-10-02', 'Baseline keccakf trace captured; guardrail tests in place.']);
  assert.deepEqual(row('1'), ['in_progress', '@bob', '2026-11-20', 'Stage-level batching for stacked reduction first.']);
  assert.deepEqual(row('2'), ['not_started', undefined, undefined, undefined]);
  assert.deepEqual(row('4'), ['blocked', 'carol', '2026-11-05', 'waiting on the M3 data layout']);
  assert.equal(statusEntry(doc, '7'), undefined, 'milestone 7 has no row');
  assert.equal(statusEntry(doc, 'M1')!.line, 9);
});

test('statuses normalise from the usual spellings', () => {
  const cases: Array<[string, string | undefined]> = [
    ['in_progress', 'in_progress'], ['in progress', 'in_progress'], ['In Progress', 'in_progress'], ['`in_progress`', 'in_progress'],
    ['**WIP**', 'in_progress'], ['in-progress', 'in_progress'], ['done', 'completed'], ['`Done`', 'completed'], ['✅ Done', 'completed'],
    ['Completed', 'completed'], ['blocked', 'blocked'], ['On hold', 'blocked'], ['not started', 'not_started'], ['`not_started`', 'not_started'],
    ['TODO', 'not_started'], ['', 'not_started'], ['—', 'not_started'], ['maybe later', undefined], ['42', undefined],
  ];
  for (const [raw, want] of cases) assert.equal(normaliseStatus(raw), want, raw);
});

test('any column order, header synonyms and id spellings', () => {
  const text = [
    '| Assignee | State | ID | Since | Comments |',
    '|---|:---:|---|---|---|',
    '| Dana | Done | [M0](m0.md) | 2026-09-14 | ok |',
    '| `@erin` | **In Progress** | Milestone 1 | 2026-11-18 | |',
    '| | blocked (waiting on M1) | M2 | | |',
    '| x | someday | 3 | | |',
    '| y | done | ??? | | |',
    '| z | done | M0 | | again |',
  ].join('\n');
  const doc = parseStatus(text, 'S.md');
  assert.deepEqual(doc.entries.map((e) => [e.id, e.status, e.owner ?? null, e.started ?? null, e.notes ?? null]), [
    ['0', 'completed', 'Dana', '2026-09-14', 'ok'],
    ['1', 'in_progress', '@erin', '2026-11-18', null],
    ['2', 'blocked', null, null, 'waiting on M1'],
    ['3', undefined, 'x', null, null],
  ]);
  assert.deepEqual(doc.problems.map((p) => `${p.line}:${p.severity}:${p.code}`), [
    '6:warning:status/unknown-status',
    '7:warning:status/bad-milestone',
    '8:warning:status/duplicate',
  ]);
});

test('a milestone table without a Status column is an error at its header; text without a table is a warning', () => {
  const noStatus = parseStatus('# S\n\n| Milestone | Owner |\n|---|---|\n| 1 | bob |\n', 'S.md');
  assert.deepEqual(noStatus.problems.map((p) => `${p.line}:${p.severity}:${p.code}`), ['3:error:status/no-status-column']);
  assert.equal(noStatus.form, 'none');
  const two = parseStatus('| Milestone | Share |\n|---|---|\n| 1 | 20% |\n\n| Milestone | Status |\n|---|---|\n| 1 | done |\n', 'S.md');
  assert.deepEqual(two.problems, []);
  assert.equal(two.entries[0]!.status, 'completed');
  const prose = parseStatus('# Status\n\nNothing yet.\n', 'S.md');
  assert.deepEqual(prose.problems.map((p) => `${p.line}:${p.code}`), ['1:status/no-table']);
  assert.deepEqual(parseStatus('', 'S.md', false).problems, []);
});

test('the list form', () => {
  const text = [
    '# Status',
    '',
    '- Milestone 0: completed (alice, 2026-10-02)',
    '- M1 — in progress — @bob — 2026-11-20',
    '- **Milestone 2**: blocked (owner: carol, started: 2026-11-05, waiting on M3)',
    '- Milestone 3: eventually',
    '- Unrelated bullet',
  ].join('\n');
  const doc = parseStatus(text, 'S.md');
  assert.equal(doc.form, 'list');
  assert.deepEqual(doc.entries.map((e) => [e.id, e.status, e.owner ?? null, e.started ?? null]), [
    ['0', 'completed', 'alice', '2026-10-02'],
    ['1', 'in_progress', '@bob', '2026-11-20'],
    ['2', 'blocked', 'carol', '2026-11-05'],
    ['3', undefined, null, null],
  ]);
  assert.match(doc.entries[2]!.notes!, /waiting on M3/);
  assert.deepEqual(doc.problems.map((p) => `${p.line}:${p.code}`), ['6:status/unknown-status']);
});

test('editing a row changes only its cells', () => {
  const text = fixtureText(METAL, STATUS);
  const doc = parseStatus(text, STATUS);
  const r = computeStatusEdits(doc, '2', { status: 'in_progress', owner: 'dave', started: '2026-11-24' });
  assert.equal(r.added, false);
  assert.deepEqual(r.skipped, []);
  assert.deepEqual(diffLines(text, r.text), ['| 2 | `in_progress` | dave | 2026-11-24 | |']);
  assert.equal(r.edits.length, 3);
  assert.equal(applyEdits(text, r.edits), r.text);
  for (const e of r.edits) assert.equal(e.range.start.line, 9, 'LSP ranges are 0-based');
  const again = computeStatusEdits(parseStatus(r.text, STATUS), '2', { status: 'in_progress', owner: 'dave', started: '2026-11-24' });
  assert.deepEqual(again.edits, [], 'setting the same values is no edit');
});

test('a missing row is added after the rows of lower ids, in the table style', () => {
  const text = fixtureText(METAL, STATUS);
  const r = computeStatusEdits(parseStatus(text, STATUS), '7', { status: 'in_progress', owner: 'dave', started: '2026-11-24' });
  assert.equal(r.added, true);
  const lines = r.text.split('\n');
  assert.equal(lines[14], '| 7 | `in_progress` | dave | 2026-11-24 | |');
  assert.equal(lines.length, text.split('\n').length + 1);
  assert.equal(r.text.replace(lines[14] + '\n', ''), text, 'nothing else changes');
  assert.equal(statusEntry(parseStatus(r.text, STATUS), '7')!.status, 'in_progress');
});

test('an aligned table keeps its column widths; new rows copy the `M1` id spelling', () => {
  const text = fixtureText(ALT, 'planning/progress/board.md');
  const doc = parseStatus(text, 'board.md');
  assert.equal(doc.layout?.kind === 'table' && doc.layout.aligned, true);
  const edit = computeStatusEdits(doc, '3', { status: 'in_progress', owner: 'Frank', started: '2026-11-24' });
  assert.deepEqual(diffLines(text, edit.text), ['| M3 | Frank    | In Progress | 2026-11-24 |                          |']);
  const add = computeStatusEdits(doc, '2', { status: 'in_progress', owner: 'Frank', started: '2026-11-24' });
  const lines = add.text.split('\n');
  assert.equal(lines[6], '| M2 | Frank    | In Progress | 2026-11-24 |                          |');
  assert.equal(lines[5]!.startsWith('| M1 '), true);
  assert.equal(lines[7]!.startsWith('| M3 '), true);
  const long = computeStatusEdits(doc, '3', { owner: 'a-very-long-owner-name' });
  assert.deepEqual(diffLines(text, long.text), ['| M3 | a-very-long-owner-name | Not Started |            |                          |']);
});

test('short rows get the cells they lack; tables without a column report what was skipped', () => {
  const text = '| Milestone | Status | Owner | Started |\n|---|---|---|---|\n| 1 | todo |\n| 2 | todo | x | |\n';
  const r = computeStatusEdits(parseStatus(text, 'S.md'), '1', { status: 'in_progress', started: '2026-01-02' });
  assert.equal(r.text.split('\n')[2], '| 1 | in_progress | | 2026-01-02 |');
  const noOwner = '| Milestone | Status |\n|---|---|\n| 1 | todo |\n';
  const s = computeStatusEdits(parseStatus(noOwner, 'S.md'), '1', { status: 'in_progress', owner: 'bob' });
  assert.deepEqual(s.skipped, ['the status table has no owner column']);
  assert.equal(s.text, '| Milestone | Status |\n|---|---|\n| 1 | in_progress |\n');
});

test('list form edits replace the status, owner and date in place or append them', () => {
  const text = ['- Milestone 0: completed (alice, 2026-10-02)', '- M1 — in progress — @bob — 2026-11-20', '- Milestone 3: not started', ''].join('\n');
  const doc = parseStatus(text, 'S.md');
  const set = { status: 'in_progress' as const, owner: 'dave', started: '2026-11-24' };
  assert.deepEqual(diffLines(text, computeStatusEdits(doc, '1', set).text), ['- M1 — in progress — dave — 2026-11-24']);
  assert.deepEqual(diffLines(text, computeStatusEdits(doc, '3', set).text), ['- Milestone 3: in progress (owner: dave, started: 2026-11-24)']);
  const added = computeStatusEdits(doc, '2', set).text.split('\n');
  assert.equal(added[2], '- Milestone 2: in progress (owner: dave, started: 2026-11-24)');
  assert.equal(added.length, 5);
});

test('a missing STATUS.md is created; a document without a table gets one appended', () => {
  const created = computeStatusEdits(parseStatus('', 'S.md', false), '2', { status: 'in_progress', owner: 'dave', started: '2026-11-24' });
  assert.equal(created.text, '# Milestone status\n\n| Milestone | Status | Owner | Started | Notes |\n|-----------|--------|-------|---------|-------|\n| 2 | `in_progress` | dave | 2026-11-24 | |\n');
  const prose = '# Status\n\nNothing yet.\n';
  const appended = computeStatusEdits(parseStatus(prose, 'S.md'), '2', { status: 'in_progress' });
  assert.equal(appended.text.startsWith(prose + '\n| Milestone |'), true);
  assert.equal(parseStatus(appended.text, 'S.md').entries[0]!.status, 'in_progress');
});

test('CRLF documents keep CRLF, also in added rows', () => {
  const text = fixtureText(METAL, STATUS).replace(/\n/g, '\r\n');
  const r = computeStatusEdits(parseStatus(text, STATUS), '7', { status: 'in_progress', owner: 'dave' });
  assert.equal(r.text.replace(/\r\n/g, '').includes('\n'), false);
  assert.match(r.text, /\| 6 \|[^\r\n]*\r\n\| 7 \| `in_progress` \| dave \|/);
});

test('status style follows the document', () => {
  assert.equal(formatStatus('in_progress', detectStatusStyle(['Done', 'Not Started'])), 'In Progress');
  assert.equal(formatStatus('in_progress', detectStatusStyle(['done', 'not started'])), 'in progress');
  assert.equal(formatStatus('in_progress', detectStatusStyle(['`done`', '`not_started`'])), '`in_progress`');
  assert.equal(formatStatus('completed', detectStatusStyle(['✅ Done', 'todo'])), '✅ Done');
  assert.equal(formatStatus('blocked', detectStatusStyle([])), '`blocked`');
});
