// `npm run test:electron`: runs the extension-host suite (out/test/suite.js) in desktop VS Code
// through @vscode/test-electron, on a fresh temporary git copy of the fixture. It downloads VS Code
// (into .vscode-test/) and needs a display (on a headless Linux machine, run it under xvfb-run).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { DEFAULT_FIXTURE, copyFixture, makeTempDir, removeTempDir, repoRoot, writeUserSettings } from '../../scripts/workbench.mjs';
import { FILTER_ENV, RESULTS_ENV, parseHostRecords } from '../host/report';

async function main(): Promise<number> {
  const suite = join(repoRoot, 'out', 'test', 'suite.js');
  if (!existsSync(suite)) {
    console.error(`${suite} does not exist; run \`npm run build\` first`);
    return 1;
  }
  const tmp = makeTempDir('electron');
  try {
    const workspace = await copyFixture(process.env.MILESTONE_SCOPE_FIXTURE ?? DEFAULT_FIXTURE, tmp);
    const userDataDir = join(tmp, 'user-data');
    writeUserSettings(userDataDir);
    const resultsFile = join(tmp, 'host-results.jsonl');
    let exitCode: number;
    try {
      exitCode = await runTests({
        version: process.env.VSCODE_VERSION ?? 'stable',
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: suite,
        extensionTestsEnv: {
          [RESULTS_ENV]: resultsFile,
          ...(process.env[FILTER_ENV] ? { [FILTER_ENV]: process.env[FILTER_ENV] } : {}),
        },
        launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', join(tmp, 'extensions'), '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      });
    } catch (err) {
      console.error(`desktop VS Code could not run the suite: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    const records = existsSync(resultsFile) ? parseHostRecords(readFileSync(resultsFile, 'utf8')) : [];
    const results = records.filter((r) => r.type === 'result');
    for (const r of results) console.log(`${r.status === 'passed' ? '\u2714' : '\u2716'} ${r.name} (${r.durationMs} ms)${r.error ? `\n${r.error}` : ''}`);
    if (!records.some((r) => r.type === 'end')) {
      console.error('the suite did not report its end');
      return 1;
    }
    const failed = results.filter((r) => r.status === 'failed').length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    return failed > 0 || results.length === 0 ? 1 : exitCode;
  } finally {
    removeTempDir(tmp);
  }
}

main().then((code) => process.exit(code));
