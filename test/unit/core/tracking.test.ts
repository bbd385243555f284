import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTrackingEdits, parseTracking, trackingTemplate } from '../../../src/core/tracking';
import { detectStatusStyle } from '../../../src/core/status';
import { ALT, METAL, fixtureText, tracking } from './helpers';

const changed = (a: string, b: string) => b.split('\n').filter((l, i) => a.split('\n')[i] !== l);

test('fields of the fixture tracking files', () => {
  const m0 = parseTracking(fixtureText(METAL, tracking('0')), tracking('0'));
  assert.equal(m0.status, 'completed');
  assert.deepEqual(
    Object.fromEntries(Object.entries(m0.fields).map(([k, v]) => [k, [v!.value, v!.line]])),
    { status: ['completed', 3], owner: ['alice', 4], started: ['2026-10-02', 5], base: ['9b1e4c07d2a35f8e61c0b7a4d9e2f3c58a6b1d20', 6], completed: ['2026-10-09', 7] },
  );
  const m4 = parseTracking(fixtureText(METAL, tracking('4')), tracking('4'));
  assert.equal(m4.status, 'blocked');
  assert.equal(m4.fields.reason!.value, 'waiting on the M3 data layout');
  const alt = parseTracking(fixtureText(ALT, 'planning/progress/m1.md'), 'm1.md');
  assert.equal(alt.status, 'in_progress');
  assert.equal(alt.fields.owner!.value, '@erin');
  assert.deepEqual(alt.style, { prefix: '', bold: '**', sep: ':** ' });
});

test('values are replaced in place; the prose is untouched', () => {
  const text = fixtureText(METAL, tracking('1'));
  const doc = parseTracking(text, 'm1.md');
  const r = computeTrackingEdits(doc, { status: 'completed', owner: 'bob', completed: '2026-12-01' });
  assert.deepEqual(r.text.split('\n').slice(2, 8), [
    '- Status: `completed`',
    '- Owner: bob',
    '- Started: 2026-11-20',
    '- Base commit: `4c2d8f1a0e9b7c6d5a4f3e2d1c0b9a8f7e6d5c4b`',
    '- Completed: 2026-12-01',
    '',
  ]);
  assert.deepEqual(changed(text, r.text).slice(0, 2), ['- Status: `completed`', '- Owner: bob']);
  assert.equal(r.text.replace('- Status: `completed`', '- Status: `in_progress`').replace('- Owner: bob', '- Owner: @bob').replace('\n- Completed: 2026-12-01', ''), text);
});

test('missing fields are added after the last one, in the file’s own style', () => {
  const text = fixtureText(ALT, 'planning/progress/m1.md');
  const doc = parseTracking(text, 'm1.md');
  const r = computeTrackingEdits(doc, { status: 'completed', completed: '2026-12-01' });
  const lines = r.text.split('\n');
  assert.equal(lines[2], '**Status:** Completed');
  assert.equal(lines[6], '**Completed:** 2026-12-01');
  assert.equal(lines.length, text.split('\n').length + 1);
});

test('a file without fields gets them under its title; code blocks are not fields', () => {
  const text = ['# Milestone 3', '', 'Notes first.', '', '```', 'Status: not a field', '```', ''].join('\n');
  const doc = parseTracking(text, 'm3.md');
  assert.deepEqual(doc.fields, {});
  const r = computeTrackingEdits(doc, { status: 'in_progress', owner: 'dave', base: 'abc123' });
  assert.equal(r.text, ['# Milestone 3', '', '- Status: `in_progress`', '- Owner: dave', '- Base commit: `abc123`', '', 'Notes first.', '', '```', 'Status: not a field', '```', ''].join('\n'));
  const bare = computeTrackingEdits(parseTracking('Just text.\n', 'x.md'), { owner: 'dave' });
  assert.equal(bare.text, '- Owner: dave\n\nJust text.\n');
});

test('an unknown status is a warning at its line', () => {
  const doc = parseTracking('# M\n\n- Status: pondering\n', 'm.md');
  assert.equal(doc.status, undefined);
  assert.deepEqual(doc.problems.map((p) => `${p.line}:${p.severity}:${p.code}`), ['3:warning:tracking/unknown-status']);
});

test('the template holds the fields, the scope and the validation commands', () => {
  const text = trackingTemplate({
    id: '2',
    title: 'Batch blits',
    scope: ['Work item 1: Batch blits.'],
    commands: ['cargo check -p x'],
    fields: { status: 'in_progress', owner: 'dave', started: '2026-11-24', base: 'abc' },
    statusStyle: detectStatusStyle(['Done', 'Not Started']),
  });
  const doc = parseTracking(text, 'm2.md');
  assert.equal(doc.status, 'in_progress');
  assert.equal(doc.fields.status!.raw, 'In Progress');
  assert.equal(doc.fields.base!.raw, '`abc`');
  assert.match(text, /^# Milestone 2: Batch blits\n/);
  assert.match(text, /## Validation\n\n- \[ \] `cargo check -p x`\n/);
  assert.match(text, /## Timing deltas/);
});
