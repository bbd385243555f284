import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  recordRunInText,
  recordRun,
  recordedRows,
  formatElapsed,
  formatRunRow,
  MAX_RECORDED_RUNS,
  type ValidationRun,
} from '../../../src/core/cargo/validationRecord';
import { trackingTemplate } from '../../../src/core/tracking';
import { readSection } from '../../../src/core/markdown/sections';

const CHECK = 'cargo check -p openvm-metal-backend';
const run = (over: Partial<ValidationRun> = {}): ValidationRun => ({
  command: CHECK,
  outcome: 'passed',
  exitCode: 0,
  durationMs: 3210,
  date: new Date('2026-11-24T13:40:05Z'),
  ...over,
});

const TRACKING = `# Milestone 2: Remove per-copy synchronization

- Status: \`in_progress\`
- Owner: @dave

## Validation

- [ ] \`${CHECK}\`
- [ ] \`cargo test -p openvm-metal-backend --test ntt_roundtrip\`

## Timing deltas

Nothing yet.
`;

test('the first run goes under the Validation heading, before the next heading', () => {
  const out = recordRunInText(TRACKING, run());
  const expected = TRACKING.replace(
    '- [ ] `cargo test -p openvm-metal-backend --test ntt_roundtrip`\n',
    '- [ ] `cargo test -p openvm-metal-backend --test ntt_roundtrip`\n\n' +
      '<!-- milestone-scope:validation:start -->\n' +
      '| Date (UTC) | Command | Result | Duration | Notes |\n| --- | --- | --- | --- | --- |\n' +
      '| 2026-11-24 13:40 | `cargo check -p openvm-metal-backend` | passed | 3.2 s |  |\n' +
      '<!-- milestone-scope:validation:end -->\n',
  ).replace(`- [ ] \`${CHECK}\``, `- [x] \`${CHECK}\``);
  assert.equal(out, expected);
});

test('later runs append rows; a failure does not tick its checklist entry', () => {
  const once = recordRunInText(TRACKING, run());
  const twice = recordRunInText(once, run({ command: 'cargo test -p openvm-metal-backend --test ntt_roundtrip', outcome: 'failed', exitCode: 101, durationMs: 65_000, note: 'selected by changes to a|b.rs' }));
  const rows = recordedRows(twice);
  assert.equal(rows.length, 2);
  assert.equal(rows[1], '| 2026-11-24 13:40 | `cargo test -p openvm-metal-backend --test ntt_roundtrip` | failed (exit 101) | 1 min 5 s | selected by changes to a\\|b.rs |');
  assert.match(twice, /- \[ \] `cargo test -p openvm-metal-backend --test ntt_roundtrip`/);
  // Nothing outside the section changed between the two writes.
  const strip = (t: string) => t.replace(/<!-- milestone-scope:validation:start -->[\s\S]*<!-- milestone-scope:validation:end -->/, '');
  assert.equal(strip(twice), strip(once));
});

test('a document without a Validation heading gets the section at its end', () => {
  const doc = '# Milestone 5\n\nSome prose.\n';
  const out = recordRunInText(doc, run({ outcome: 'cancelled', exitCode: undefined }));
  assert.ok(out.startsWith(doc));
  assert.match(readSection(out, 'validation')!, /^## Validation runs\n\n\| Date \(UTC\)/);
  assert.match(out, /\| cancelled \|/);
});

test('the template written at start takes runs under its Validation section', () => {
  const text = trackingTemplate({ id: '2', title: 'T', scope: ['- work item 1'], commands: [CHECK], fields: { status: 'in_progress' } });
  const out = recordRunInText(text, run());
  const v = out.indexOf('## Validation');
  const s = out.indexOf('<!-- milestone-scope:validation:start -->');
  const t = out.indexOf('## Timing deltas');
  assert.ok(v < s && s < t, 'section not between the Validation and Timing headings');
  assert.match(out, /- \[x\] `cargo check -p openvm-metal-backend`/);
});

test('CRLF documents stay CRLF', () => {
  const out = recordRunInText(TRACKING.replace(/\n/g, '\r\n'), run());
  assert.equal(out.replace(/\r\n/g, '').includes('\n'), false);
});

test('only the newest runs are kept', () => {
  let text = TRACKING;
  for (let i = 0; i < MAX_RECORDED_RUNS + 5; i++) text = recordRunInText(text, run({ durationMs: i * 1000 + 1000 }));
  const rows = recordedRows(text);
  assert.equal(rows.length, MAX_RECORDED_RUNS);
  assert.match(rows[0]!, /\| 6\.0 s \|/);
  assert.match(rows.at(-1)!, /\| 55\.0 s \|/);
});

test('durations and rows format for people', () => {
  assert.deepEqual([0, 999, 1000, 59_940, 60_000, 3_725_000].map(formatElapsed), ['0 ms', '999 ms', '1.0 s', '59.9 s', '1 min 0 s', '62 min 5 s']);
  assert.equal(formatRunRow(run({ command: 'cargo run -- `x`' })).split(' | ')[1], '`` cargo run -- `x` ``');
});

test('property: recording changes nothing outside the generated section', () => {
  const line = fc.stringMatching(/^[^\r\n<]{0,30}$/);
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, withHeading) => {
      const doc = [...lines, ...(withHeading ? ['## Validation', ''] : []), 'end'].join('\n') + '\n';
      const out = recordRunInText(doc, run({ outcome: 'failed', exitCode: 1 }));
      const withoutSection = out.replace(/\n?<!-- milestone-scope:validation:start -->[\s\S]*<!-- milestone-scope:validation:end -->\n?/, '\n');
      const norm = (t: string) => t.replace(/\n+/g, '\n');
      assert.equal(norm(withoutSection), norm(doc));
    }),
  );
});

test('recordRun writes the file, refuses to create one, and reports a broken section', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ms-record-'));
  try {
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(path.join(root, 'docs/m2.md'), TRACKING);
    const ok = await recordRun(root, 'docs/m2.md', run());
    assert.deepEqual(ok, { recorded: true, file: 'docs/m2.md' });
    assert.equal(recordedRows(readFileSync(path.join(root, 'docs/m2.md'), 'utf8')).length, 1);

    const missing = await recordRun(root, 'docs/m3.md', run());
    assert.equal(missing.recorded, false);
    assert.match(missing.recorded ? '' : missing.reason, /does not exist; start the milestone/);

    writeFileSync(path.join(root, 'docs/m4.md'), '# M4\n\n<!-- milestone-scope:validation:start -->\n| x |\n');
    const broken = await recordRun(root, 'docs/m4.md', run());
    assert.equal(broken.recorded, false);
    assert.match(broken.recorded ? '' : broken.reason, /line 3 but has no end marker/);
    assert.equal(readFileSync(path.join(root, 'docs/m4.md'), 'utf8'), '# M4\n\n<!-- milestone-scope:validation:start -->\n| x |\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
