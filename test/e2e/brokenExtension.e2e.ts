// The harness catches a broken extension: a copy of the current build whose commands throw makes
// both the extension-host suite and the UI activation test fail. Each is run as a child test
// process against the copy, exactly as `npm test` runs it against the real build.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { makeTempDir, removeTempDir } from '../../scripts/workbench.mjs';
import { EXTENSION_PATH_ENV, repoRoot, resultsRoot } from './lib';

const BROKEN_MARK = 'deliberately broken for the harness self-check';

/** Everything the extension needs at run time, with every milestoneScope.* command made to throw. */
function brokenCopy(parent: string): string {
  const dir = join(parent, 'milestone-scope-broken');
  const skip = new Set(['node_modules', '.git', '.tools', 'test-results', 'src', 'bench']);
  cpSync(repoRoot, dir, {
    recursive: true,
    filter: (src) => !skip.has(src.slice(repoRoot.length + 1).split(/[/\\]/)[0]),
  });
  const main = join(dir, 'dist', 'extension.js');
  assert.ok(existsSync(main), 'dist/extension.js exists (run `npm run build`)');
  const patch =
    `/* ${BROKEN_MARK} */\n` +
    `(() => {\n` +
    `  const commands = require('vscode').commands;\n` +
    `  const register = commands.registerCommand;\n` +
    `  commands.registerCommand = function (id, handler, thisArg) {\n` +
    `    const broken = () => { throw new Error('${BROKEN_MARK}: ' + id); };\n` +
    `    return register.call(this, id, id.startsWith('milestoneScope.') ? broken : handler, thisArg);\n` +
    `  };\n` +
    `})();\n`;
  writeFileSync(main, patch + readFileSync(main, 'utf8'));
  return dir;
}

/** Runs one e2e test file against `extension` in a child process; results go to test-results/broken-extension/. */
function runAgainst(extension: string, file: string, env: Record<string, string>, args: string[] = []) {
  return execa(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...args, join('test', 'e2e', file)], {
    cwd: repoRoot,
    reject: false,
    all: true,
    // A fresh test run, not a subtest of this one: node:test marks its children through NODE_TEST_CONTEXT.
    extendEnv: false,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
      [EXTENSION_PATH_ENV]: extension,
      MILESTONE_SCOPE_RESULTS_DIR: join(resultsRoot, 'broken-extension'),
      ...env,
    },
  });
}

test('a build whose commands throw fails the extension-host suite and the UI test', { timeout: 15 * 60_000 }, async (t) => {
  const tmp = makeTempDir('broken');
  t.after(() => removeTempDir(tmp));
  const extension = brokenCopy(tmp);

  await t.test('extension-host suite fails', async () => {
    const run = await runAgainst(extension, 'hostSuite.e2e.ts', { MILESTONE_SCOPE_HOST_FILTER: 'command runs' });
    assert.notEqual(run.exitCode, 0, `the host suite passed against the broken build:\n${run.all}`);
    assert.match(run.all ?? '', new RegExp(`✖ a contributed command runs without throwing[\\s\\S]*${BROKEN_MARK}`), run.all);
  });

  await t.test('UI test fails', async () => {
    const run = await runAgainst(extension, 'activation.e2e.ts', {}, ['--test-name-pattern=activates in the fixture workspace']);
    assert.notEqual(run.exitCode, 0, `the UI test passed against the broken build:\n${run.all}`);
    assert.match(run.all ?? '', /✖ the extension activates in the fixture workspace/, run.all);
    assert.match(run.all ?? '', new RegExp(BROKEN_MARK), 'the failure shows the thrown error');
  });
});
