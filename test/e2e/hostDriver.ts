// Runs the extension-host suite (out/test/suite.js) inside the VS Code server bundled with
// code-server: the server is started with the smoke-test driver, chromium opens the workbench
// with `extensionDevelopmentPath` and `extensionTestsPath` in the URL payload, and the suite's
// records are read from the results file it appends to.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { provision } from '../../scripts/provision.mjs';
import {
  DEFAULT_FIXTURE,
  copyFixture,
  makeTempDir,
  removeTempDir,
  startVsCodeServer,
  workbenchUrl,
  writeUserSettings,
  type ServerHandle,
} from '../../scripts/workbench.mjs';
import { FILTER_ENV, RESULTS_ENV, parseHostRecords, type HostRecord } from '../host/report';
import { extensionPath, launchBrowser, recordTimings, resultsRoot, stopwatch } from './lib';

export type HostResult = Extract<HostRecord, { type: 'result' }>;

export interface HostSuiteOptions {
  /** Extension folder holding package.json, dist/ and out/test/suite.js (default: `extensionPath()`). */
  extensionPath?: string;
  fixture?: string;
  /** Only tests whose name contains this text. */
  filter?: string;
  /** How long the suite may take to start reporting once the page is open (default 120 s). */
  startTimeoutMs?: number;
  /** How long the whole suite may take (default 20 min). */
  timeoutMs?: number;
  /** Called for each record as it arrives. */
  onRecord?: (record: HostRecord) => void;
  /** Folder under test-results/ for the server log and the final screenshot. */
  name?: string;
}

export interface HostSuiteOutcome {
  vscodeVersion: string;
  total: number;
  results: HostResult[];
  failed: HostResult[];
  /** test-results/<name>/ */
  resultsDir: string;
}

export async function runHostSuite(options: HostSuiteOptions = {}): Promise<HostSuiteOutcome> {
  const extension = options.extensionPath ?? extensionPath();
  const suite = join(extension, 'out', 'test', 'suite.js');
  if (!existsSync(suite)) throw new Error(`${suite} does not exist; run \`npm run build\` first`);
  const resultsDir = join(resultsRoot, options.name ?? 'host-suite');
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  const watch = stopwatch();
  const paths = await provision({ log: (line) => console.error(line) });
  const tmp = makeTempDir('host-suite');
  const resultsFile = join(tmp, 'host-results.jsonl');
  let server: ServerHandle | undefined;
  let browser: Browser | undefined;
  const seen: HostRecord[] = [];
  try {
    const workspace = await copyFixture(options.fixture ?? DEFAULT_FIXTURE, tmp);
    watch.lap('fixture');
    const userDataDir = join(tmp, 'user-data');
    writeUserSettings(userDataDir);
    server = await startVsCodeServer({
      serverDataDir: join(tmp, 'server-data'),
      userDataDir,
      extensionsDir: join(tmp, 'extensions'),
      logFile: join(resultsDir, 'server.log'),
      // The extension host inherits the server's environment.
      // KECCAKF_TRACE: the fixture's example replays its recorded trace, which the suite's
      // profiling-run tests compare the captures with (its default is a simulated proof).
      env: { [RESULTS_ENV]: resultsFile, KECCAKF_TRACE: 'baseline', ...(options.filter ? { [FILTER_ENV]: options.filter } : {}) },
      paths,
    });
    const serverLog = server.logFile;
    watch.lap('server');
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch.lap('browser');
    const consoleLines: string[] = [];
    // MILESTONE_SCOPE_HOST_VERBOSE=1 echoes the workbench console (the extension host's
    // console.log output is forwarded there for an extension under development).
    const verbose = Boolean(process.env.MILESTONE_SCOPE_HOST_VERBOSE);
    page.on('console', (m) => {
      consoleLines.push(m.text());
      if (verbose) console.log(`[workbench] ${m.text().replace(/%c\s*\S+\s+color:\s*#\w+\s*/g, '')}`);
    });
    await page.goto(workbenchUrl(server, workspace, { extensionDevelopmentPath: extension, extensionTestsPath: suite }));

    const read = () => {
      const records = existsSync(resultsFile) ? parseHostRecords(readFileSync(resultsFile, 'utf8')) : [];
      for (const r of records.slice(seen.length)) {
        seen.push(r);
        options.onRecord?.(r);
      }
      return seen;
    };
    const pageStarted = Date.now();
    await until(() => read().length > 0, options.startTimeoutMs ?? 120_000, 'the extension-host suite to start reporting').catch((err) => {
      throw new Error(`${err.message}\nNo report: the suite never ran. Browser console tail:\n${consoleLines.slice(-30).join('\n')}`);
    });
    watch.lap('workbench');
    // Each test announces itself with its timeout; a suite that goes silent beyond it (a crashed
    // or hung extension host) fails the run instead of waiting for the overall timeout.
    const overallDeadline = pageStarted + (options.timeoutMs ?? 20 * 60_000);
    let lastProgress = Date.now();
    let lastCount = 0;
    await until(
      () => {
        const records = read();
        if (records.some((r) => r.type === 'end')) return true;
        if (records.length !== lastCount) {
          lastCount = records.length;
          lastProgress = Date.now();
        }
        const current = records[records.length - 1];
        const allowed = (current.type === 'begin' ? current.timeoutMs : 0) + 60_000;
        if (Date.now() - lastProgress > allowed) {
          throw new Error(`the extension host stopped reporting${current.type === 'begin' ? ` during "${current.name}"` : ''}`);
        }
        return false;
      },
      overallDeadline - Date.now(),
      'the extension-host suite to finish',
    ).catch((err) => {
      throw new Error(`${err.message}\nResults so far:\n${seen.map((r) => JSON.stringify(r)).join('\n')}\nServer log: ${serverLog}`);
    });
    watch.lap('test');
    await page.screenshot({ path: join(resultsDir, 'final.png') });
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
    watch.lap('close');
    recordTimings(options.name ?? 'host-suite', watch.phases);
  }

  const start = seen.find((r): r is Extract<HostRecord, { type: 'start' }> => r.type === 'start');
  const results = seen.filter((r): r is HostResult => r.type === 'result');
  return {
    vscodeVersion: start?.vscodeVersion ?? 'unknown',
    total: start?.total ?? 0,
    results,
    failed: results.filter((r) => r.status === 'failed'),
    resultsDir,
  };
}

/** Polls a synchronous condition every 200 ms. */
async function until(condition: () => boolean, timeoutMs: number, description: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
