import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidePreflight, type PreflightInput } from '../../../src/core/preflight';
import { parseStatus, statusEntry } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { METAL, STATUS, fixtureText, tracking } from './helpers';

const status = parseStatus(fixtureText(METAL, STATUS), STATUS);
const trackingOf = (id: string) => {
  try {
    return parseTracking(fixtureText(METAL, tracking(id)), tracking(id));
  } catch {
    return parseTracking('', tracking(id), false);
  }
};
const input = (id: string, me: string, over: Partial<PreflightInput> = {}): PreflightInput => ({
  milestone: { id, title: `M${id}` },
  statusFile: STATUS,
  statusExists: true,
  statusEntry: statusEntry(status, id),
  tracking: trackingOf(id),
  me,
  ...over,
});

test('completed is noop, with owner and date', () => {
  const r = decidePreflight(input('0', 'dave'));
  assert.equal(r.decision, 'noop');
  assert.equal(r.owner, 'alice');
  assert.equal(r.date, '2026-10-02');
  assert.equal(r.disagreement, undefined);
});

test('in progress by another owner is a conflict; by the same owner a resume, without case or @', () => {
  const c = decidePreflight(input('1', 'carol'));
  assert.equal(c.decision, 'conflict');
  assert.equal(c.owner, '@bob');
  assert.equal(c.date, '2026-11-20');
  assert.match(c.reason, /in progress by @bob since 2026-11-20/);
  for (const me of ['bob', 'BOB', '@Bob', ' bob ']) assert.equal(decidePreflight(input('1', me)).decision, 'resume', me);
});

test('blocked carries its reason; not started and missing rows are ready', () => {
  const b = decidePreflight(input('4', 'carol'));
  assert.equal(b.decision, 'blocked');
  assert.match(b.reason, /waiting on the M3 data layout/);
  assert.equal(b.owner, 'carol');
  assert.equal(decidePreflight(input('2', 'dave')).decision, 'ready');
  const seven = decidePreflight(input('7', 'dave'));
  assert.equal(seven.decision, 'ready');
  assert.equal(seven.sources.status.recorded, false);
  assert.equal(seven.sources.tracking.exists, false);
});

test('when the documents disagree both are reported and the stricter wins', () => {
  const doneInTracking = parseTracking('# M2\n\n- Status: completed\n- Owner: erin\n- Completed: 2026-11-01\n', tracking('2'));
  const r = decidePreflight(input('2', 'dave', { tracking: doneInTracking }));
  assert.equal(r.decision, 'noop');
  assert.equal(r.date, '2026-11-01');
  assert.equal(r.sources.status.decision, 'ready');
  assert.equal(r.sources.tracking.decision, 'noop');
  assert.match(r.disagreement!, /STATUS\.md says not started; .*milestone-2\.md says already completed by erin/);

  const mineInStatus = parseStatus('| M | Status | Owner |\n|-|-|-|\n| 1 | in progress | dave |\n', STATUS);
  const r2 = decidePreflight(input('1', 'dave', { statusEntry: statusEntry(mineInStatus, '1') }));
  assert.equal(r2.decision, 'conflict', 'tracking says @bob owns it');
  assert.equal(r2.owner, '@bob');
  assert.ok(r2.disagreement);

  const completedVsBlocked = decidePreflight(input('0', 'dave', { tracking: parseTracking('- Status: blocked\n', 'x') }));
  assert.equal(completedVsBlocked.decision, 'blocked');
});

test('in progress without an owner is a conflict; an unknown status blocks', () => {
  const noOwner = parseStatus('| M | Status |\n|-|-|\n| 3 | WIP |\n', STATUS);
  const r = decidePreflight(input('3', 'dave', { statusEntry: statusEntry(noOwner, '3') }));
  assert.equal(r.decision, 'conflict');
  assert.match(r.reason, /no owner recorded/);
  const odd = parseStatus('| M | Status |\n|-|-|\n| 3 | pondering |\n', STATUS);
  const u = decidePreflight(input('3', 'dave', { statusEntry: statusEntry(odd, '3') }));
  assert.equal(u.decision, 'blocked');
  assert.match(u.reason, /"pondering" is not understood/);
});
