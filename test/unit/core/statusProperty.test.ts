// Property: setting one milestone's cells changes those cells and nothing else; a missing row adds
// exactly one line. Tables are generated with any column order, header synonyms, padding, status
// spellings, surrounding prose and line endings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeStatusEdits, normaliseStatus, parseStatus, type StatusChange } from '../../../src/core/status';
import type { TableLayout } from '../../../src/core/status';
import { STATUSES } from '../../../src/core/status';

const HEADERS = {
  milestone: ['Milestone', 'ID', 'M', 'No.'],
  status: ['Status', 'State', 'Progress'],
  owner: ['Owner', 'Assignee', 'Who'],
  started: ['Started', 'Start date', 'Since'],
  notes: ['Notes', 'Comments', 'Reason'],
  extra: ['PR', 'Area'],
} as const;
type Col = keyof typeof HEADERS;

const statusText = fc.constantFrom('`completed`', 'done', 'Done', 'in progress', '`in_progress`', 'In Progress', 'blocked', 'not started', '`not_started`', 'todo', '');
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const owner = fc.oneof(fc.constant(''), word, word.map((w) => '@' + w));
const date = fc.oneof(fc.constant(''), fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
const notes = fc.oneof(fc.constant(''), fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')), fc.constant('a \\| b'));
const pad = fc.integer({ min: 0, max: 2 }).map((n) => ' '.repeat(n));

const tableArb = fc
  .record({
    cols: fc.shuffledSubarray(['owner', 'started', 'notes', 'extra'] as Col[]).chain((optional) =>
      fc.shuffledSubarray(['milestone', 'status', ...optional] as Col[], { minLength: 2 + optional.length, maxLength: 2 + optional.length }),
    ),
    headerPick: fc.nat(),
    ids: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 8 }),
    idStyle: fc.constantFrom('', 'M', 'Milestone '),
    eol: fc.constantFrom('\n', '\r\n'),
    pipes: fc.boolean(),
    before: fc.constantFrom('', '# Status\n\nSome intro.\n\n', 'Intro with | a pipe.\n\n'),
    after: fc.constantFrom('', '\nStatuses: `done`, `todo`.\n', '\n- M1: not a table row\n'),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      rows: fc.array(
        fc.record({ status: statusText, owner, started: date, notes, extra: word, padL: pad, padR: pad }),
        { minLength: shape.ids.length, maxLength: shape.ids.length },
      ),
    }),
  );

function render({ shape, rows }: { shape: unknown; rows: unknown }): string {
  const { cols, headerPick, ids, idStyle, eol, pipes, before, after } = shape as {
    cols: Col[]; headerPick: number; ids: number[]; idStyle: string; eol: string; pipes: boolean; before: string; after: string;
  };
  // Without outer pipes, an empty edge cell needs its pipe (as a person would write it).
  const line = (cells: string[]) =>
    pipes ? `|${cells.join('|')}|` : `${cells[0]!.trim() ? '' : '|'}${cells.join('|')}${cells[cells.length - 1]!.trim() ? '' : '|'}`;
  const header = line(cols.map((c) => ` ${HEADERS[c][headerPick % HEADERS[c].length]} `));
  const delim = line(cols.map(() => '---'));
  const body = (rows as any[]).map((r, i) =>
    line(cols.map((c) => {
      const v = c === 'milestone' ? `${idStyle}${ids[i]}` : String(r[c]);
      return `${r.padL}${v === '' ? '' : ' ' + v}${r.padR || (v === '' ? ' ' : ' ')}`;
    })),
  );
  return (before + [header, delim, ...body].join('\n') + after).replace(/\n/g, eol);
}

const changeArb = fc.record(
  {
    status: fc.constantFrom(...STATUSES),
    owner: word,
    started: fc.constantFrom('2026-11-24', '2027-01-02'),
    notes: fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
  },
  { requiredKeys: [] },
);

/** Text with the given spans cut out. */
function cut(text: string, spans: Array<{ offset: number; end: number }>): string[] {
  const sorted = [...spans].sort((a, b) => a.offset - b.offset);
  const parts: string[] = [];
  let at = 0;
  for (const s of sorted) {
    parts.push(text.slice(at, s.offset));
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts;
}

const COLUMN_OF: Record<keyof StatusChange, string[]> = { status: ['status'], owner: ['owner'], started: ['started', 'date'], notes: ['notes'], completed: ['completed'], base: ['base'] };

test('a status edit changes nothing but its cells', () => {
  fc.assert(
    fc.property(tableArb, changeArb, fc.integer({ min: 0, max: 12 }), (table, change, target) => {
      const text = render(table);
      const doc = parseStatus(text, 'STATUS.md');
      assert.equal(doc.form, 'table', text);
      const layout = doc.layout as TableLayout;
      const id = String(target);
      const r = computeStatusEdits(doc, id, change);
      if (Object.keys(change).length === 0) {
        assert.equal(r.text, text, 'an empty change is no change');
        assert.deepEqual(r.edits, []);
        return;
      }
      const after = parseStatus(r.text, 'STATUS.md');
      const row = layout.rows.find((x) => x.entry?.id === id);
      const others = (entries: typeof doc.entries) => entries.filter((e) => e.id !== id).map(({ line: _l, ...rest }) => rest);
      assert.deepEqual(others(after.entries), others(doc.entries), 'other milestones read the same');

      const changedCols = (Object.keys(change) as Array<keyof StatusChange>)
        .map((f) => layout.columns.findIndex((c) => c !== undefined && COLUMN_OF[f].includes(c)))
        .filter((i) => i >= 0);
      if (row) {
        assert.equal(r.added, false);
        const oldCells = changedCols.map((i) => row.row.cells[i]!);
        const newRow = (after.layout as TableLayout).rows.find((x) => x.entry?.id === id)!;
        const newCells = changedCols.map((i) => newRow.row.cells[i]!);
        assert.deepEqual(cut(r.text, newCells), cut(text, oldCells), 'every byte outside the changed cells is kept');
        for (const e of r.edits) assert.ok(oldCells.some((c) => e.offset >= c.offset && e.end <= c.end), 'edits stay inside cells');
      } else {
        assert.equal(r.added, true);
        const eol = text.includes('\r\n') ? '\r\n' : '\n';
        const oldLines = text.split(eol);
        const newLines = r.text.split(eol);
        assert.equal(newLines.length, oldLines.length + 1, 'exactly one line added');
        const at = newLines.findIndex((l, i) => l !== oldLines[i]);
        assert.deepEqual([...newLines.slice(0, at), ...newLines.slice(at + 1)], oldLines);
      }
      const entry = after.entries.find((e) => e.id === id)!;
      assert.ok(entry, 'the milestone has a row afterwards');
      const has = (f: string) => layout.columns.includes(f as never);
      if (change.status) assert.equal(entry.status, normaliseStatus(change.status) ?? change.status);
      if (change.owner && has('owner')) assert.equal(entry.owner, change.owner);
      if (change.started && has('started')) assert.equal(entry.started, change.started);
      if (change.notes && has('notes')) assert.equal(entry.notes, change.notes);
    }),
    { numRuns: 300 },
  );
});
