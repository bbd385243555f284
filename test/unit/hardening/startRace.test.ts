// Two `milestone-scope start` processes racing for the same milestone on one working tree: exactly
// one claims it, the other is refused (another owner) or resumes (same owner), and STATUS.md keeps
// every other line as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parseStatus, statusEntry } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { buildCli, CLI } from '../cli/run';
import { git, gitCopy, METAL, STATUS, tracking } from '../core/helpers';

const ROUNDS = 10;
const MILESTONE = '2';
let dir: string;

before(async () => {
  await buildCli();
  dir = gitCopy(METAL);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  owner: string;
  code: number;
  json: { decision?: string; started?: boolean; written?: string[] } | undefined;
  stderr: string;
}

function start(owner: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'start', MILESTONE, '--owner', owner, '--root', dir, '--local', '--json'], { cwd: dir }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      let json: Outcome['json'];
      try {
        json = JSON.parse(stdout) as Outcome['json'];
      } catch {
        json = undefined;
      }
      resolve({ owner, code, json, stderr });
    });
  });
}

test(`two start processes racing for one milestone: one claim, no lost line (${ROUNDS} rounds)`, { timeout: 180_000 }, async () => {
  const original = readFileSync(path.join(dir, STATUS), 'utf8');
  const originalLines = original.split('\n');
  const rowIndex = originalLines.findIndex((l) => l.startsWith(`| ${MILESTONE} |`));
  assert.ok(rowIndex > 0, 'the fixture has a row for the milestone');
  const tally = { conflict: 0, resume: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    git(dir, 'checkout', '-q', '--', '.');
    git(dir, 'clean', '-fdq');
    // Every third round the same person starts twice (two terminals): the loser resumes.
    const owners = round % 3 === 2 ? ['dana', 'dana'] : ['alex', 'blake'];
    const results = await Promise.all(owners.map(start));
    const what = results.map((r) => `${r.owner}: exit ${r.code} ${JSON.stringify(r.json)} ${r.stderr.trim()}`).join('\n');

    const winners = results.filter((r) => r.json?.started === true);
    assert.equal(winners.length, 1, `round ${round}: exactly one start claims the milestone\n${what}`);
    const winner = winners[0]!;
    assert.equal(winner.code, 0, what);
    const loser = results.find((r) => r !== winner)!;
    if (owners[0] === owners[1]) {
      assert.equal(loser.code, 0, `round ${round}: the same owner's second start resumes\n${what}`);
      assert.equal(loser.json?.decision, 'resume', what);
      assert.deepEqual(loser.json?.written, [], what);
      tally.resume++;
    } else {
      assert.equal(loser.code, 4, `round ${round}: the other owner gets a conflict\n${what}`);
      assert.equal(loser.json?.decision, 'conflict', what);
      assert.deepEqual(loser.json?.written, [], what);
      assert.match(loser.stderr + JSON.stringify(loser.json), new RegExp(winner.owner), 'the refusal names who holds the milestone');
      tally.conflict++;
    }

    const statusText = readFileSync(path.join(dir, STATUS), 'utf8');
    const lines = statusText.split('\n');
    assert.equal(lines.length, originalLines.length, `round ${round}: STATUS.md has as many lines as before\n${statusText}`);
    lines.forEach((l, i) => {
      if (i !== rowIndex) assert.equal(l, originalLines[i], `round ${round}: STATUS.md line ${i + 1} is unchanged`);
    });
    const status = parseStatus(statusText, STATUS, true);
    assert.deepEqual(status.problems.filter((p) => p.severity === 'error'), [], 'STATUS.md is well-formed');
    const row = statusEntry(status, MILESTONE);
    assert.equal(row?.status, 'in_progress');
    assert.equal(row?.owner, winner.owner, `round ${round}: the row names the winner only: ${lines[rowIndex]}`);
    assert.equal(lines[rowIndex]!.split(winner.owner).length, 2, 'the owner is written once');

    const trackingFile = path.join(dir, tracking(MILESTONE));
    assert.ok(existsSync(trackingFile), 'the tracking file was created');
    const t = parseTracking(readFileSync(trackingFile, 'utf8'), tracking(MILESTONE), true);
    assert.equal(t.fields.owner?.value, winner.owner, `round ${round}: the tracking file names the winner`);
  }
  console.log(`start race: ${ROUNDS} rounds, ${tally.conflict} conflicts, ${tally.resume} resumes`);
});
