import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidePreflight, type PreflightResult } from '../../../src/core/preflight';
import { parseStatus, statusEntry } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { pickDetail, refusalActions, refusalMessage } from '../../../src/extension/startMessages';

const STATUS = `# Status

| Milestone | Status | Owner | Started | Notes |
|-----------|--------|-------|---------|-------|
| 0 | \`completed\` | alice | 2026-10-02 | Baseline captured. |
| 1 | \`in_progress\` | @bob | 2026-11-20 | Stage-level batching first. |
| 2 | \`not_started\` | | | |
| 4 | \`blocked\` | carol | 2026-11-05 | waiting on the M3 data layout |
| 5 | \`in_progress\` | | | |
| 6 | \`in progres\` | dan | | |
`;

function preflight(id: string, tracking = '', me = 'dev'): PreflightResult {
  const status = parseStatus(STATUS, 'STATUS.md', true);
  return decidePreflight({
    milestone: { id, title: `Milestone ${id}` },
    statusFile: 'STATUS.md',
    statusExists: true,
    statusEntry: statusEntry(status, id),
    tracking: parseTracking(tracking, `milestone-${id}.md`, tracking !== ''),
    me,
  });
}

test('completed: names the owner and the completion date, says nothing changed', () => {
  const pre = preflight('0', '# Milestone 0\n\n- Status: completed\n- Owner: alice\n- Completed: 2026-10-09\n');
  assert.equal(refusalMessage(pre), 'Milestone 0 is already completed (alice, completed 2026-10-09). Nothing was changed.');
  assert.equal(pickDetail(pre), 'Completed (alice, completed 2026-10-09): starting it changes nothing');
});

test('completed without a completion date falls back to the start date, labelled as such', () => {
  assert.equal(refusalMessage(preflight('0')), 'Milestone 0 is already completed (alice, started 2026-10-02; no completion date recorded). Nothing was changed.');
});

test('completed, the row dated in a Date/Updated column: the message says what the date is', () => {
  const status = parseStatus('| Milestone | Status | Owner | Updated |\n|---|---|---|---|\n| 0 | `completed` | alice | 2026-10-09 |\n', 'STATUS.md', true);
  const pre = decidePreflight({
    milestone: { id: '0', title: 'Milestone 0' },
    statusFile: 'STATUS.md',
    statusExists: true,
    statusEntry: statusEntry(status, '0'),
    tracking: parseTracking('', 'milestone-0.md', false),
    me: 'dev',
  });
  assert.equal(refusalMessage(pre), 'Milestone 0 is already completed (alice, STATUS.md row dated 2026-10-09 in its "Updated" column; no completion date recorded). Nothing was changed.');
  assert.doesNotMatch(pickDetail(pre)!, /started/);
});

test('conflict: owner, date and the row notes', () => {
  const pre = preflight('1');
  assert.equal(pre.decision, 'conflict');
  assert.equal(refusalMessage(pre), 'Milestone 1 is in progress by @bob since 2026-11-20 (Stage-level batching first). Nothing was changed.');
  assert.equal(pickDetail(pre), 'In progress by @bob since 2026-11-20: starting it changes nothing');
});

test('in progress with no owner recorded is a conflict that says so', () => {
  assert.match(refusalMessage(preflight('5'))!, /^Milestone 5 is in progress with no owner recorded\. Nothing was changed\.$/);
});

test('blocked: owner, date and reason', () => {
  const pre = preflight('4');
  assert.equal(refusalMessage(pre), 'Milestone 4 is blocked (carol, 2026-11-05): waiting on the M3 data layout. Nothing was changed.');
  assert.equal(pickDetail(pre), 'Blocked (carol, 2026-11-05): waiting on the M3 data layout: starting it changes nothing');
});

test('a status that cannot be understood blocks with the pre-flight\'s explanation', () => {
  const pre = preflight('6');
  assert.equal(pre.decision, 'blocked');
  assert.match(refusalMessage(pre)!, /^Milestone 6 cannot be started: status "`in progres`" is not understood/);
});

test('a disagreement between STATUS.md and the tracking file is reported', () => {
  const pre = preflight('2', '# Milestone 2\n\n- Status: in_progress\n- Owner: erin\n- Started: 2026-11-01\n');
  assert.equal(pre.decision, 'conflict');
  const message = refusalMessage(pre)!;
  assert.match(message, /^Milestone 2 is in progress by erin since 2026-11-01/);
  assert.match(message, /STATUS\.md says not started; milestone-2\.md says in progress by erin/);
});

test('ready and resume are not refusals', () => {
  assert.equal(refusalMessage(preflight('2')), undefined);
  assert.equal(pickDetail(preflight('2')), undefined);
  const resume = preflight('1', '', 'bob');
  assert.equal(resume.decision, 'resume');
  assert.equal(refusalMessage(resume), undefined);
  assert.equal(pickDetail(resume), 'In progress by you since 2026-11-20: starting it resumes the work');
});

test('a refusal offers Open Tracking File only when the milestone has a tracking file', () => {
  assert.deepEqual(refusalActions(preflight('0')), [], 'completed in STATUS.md, no tracking file: nothing to open');
  assert.deepEqual(refusalActions(preflight('4')), [], 'blocked, no tracking file');
  assert.deepEqual(refusalActions(preflight('0', '# Milestone 0\n\n- Status: completed\n- Owner: alice\n')), ['Open Tracking File']);
  assert.deepEqual(refusalActions(preflight('1', '# Milestone 1\n\n- Status: in_progress\n- Owner: @bob\n')), ['Open Tracking File']);
});

test('the pre-flight reason (CLI preflight) names a Date/Updated column too, not "started"', () => {
  const status = parseStatus('| Milestone | Status | Owner | Updated |\n|---|---|---|---|\n| 0 | `completed` | alice | 2026-10-09 |\n', 'STATUS.md', true);
  const pre = decidePreflight({ milestone: { id: '0', title: 'M0' }, statusFile: 'STATUS.md', statusExists: true, statusEntry: statusEntry(status, '0'), tracking: parseTracking('', 'milestone-0.md', false), me: 'dev' });
  assert.equal(pre.reason, 'already completed by alice (row dated 2026-10-09 in its "Updated" column)');
});
