// Runs the extension-host suite (test/host/) in the VS Code server bundled with code-server and
// reports each of its tests as a subtest. Fails on any failing test and when no report arrives.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runHostSuite } from './hostDriver';

test('extension-host suite', { timeout: 25 * 60_000 }, async (t) => {
  const outcome = await runHostSuite({
    filter: process.env.MILESTONE_SCOPE_HOST_FILTER,
    onRecord: (r) => {
      if (r.type === 'start') console.log(`# extension-host suite: ${r.total} tests, VS Code ${r.vscodeVersion}`);
    },
  });
  assert.ok(outcome.total > 0, 'the suite reported no tests');
  for (const result of outcome.results) {
    await t.test(`${result.name} (${result.durationMs} ms)`, () => {
      if (result.status === 'failed') throw new Error(result.error ?? 'failed');
    });
  }
  assert.equal(outcome.results.length, outcome.total, 'every registered test reported a result');
  assert.deepEqual(
    outcome.failed.map((r) => r.name),
    [],
    `extension-host tests failed (server log and screenshot in ${outcome.resultsDir})`,
  );
});
