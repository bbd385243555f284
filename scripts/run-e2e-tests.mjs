// Runs the tests that drive a real VS Code: `--host` runs the extension-host suite
// (test/e2e/hostSuite.e2e.ts), otherwise every other test/e2e/**/*.e2e.ts (the UI tests), one
// file at a time (each starts a VS Code server and a browser). Provisions the tools first.
//
//   node scripts/run-e2e-tests.mjs [--host] [substring-filter...]
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { provision } from './provision.mjs';

const HOST_SUITE = join('test', 'e2e', 'hostSuite.e2e.ts');
// As test/e2e/lib.ts launches it when run on its own.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return collect(p);
    return p.endsWith('.e2e.ts') ? [p] : [];
  });
}

const args = process.argv.slice(2);
const host = args.includes('--host');
const filter = args.filter((a) => a !== '--host');

let paths;
try {
  paths = await provision();
} catch (err) {
  console.error(err.message ?? err);
  process.exit(1);
}
if (!existsSync(join('out', 'test', 'suite.js')) || !existsSync(join('dist', 'extension.js'))) {
  console.error('Build first: npm run build');
  process.exit(1);
}

const files = host
  ? [HOST_SUITE]
  : collect(join('test', 'e2e')).filter((f) => f !== HOST_SUITE && (filter.length === 0 || filter.some((x) => f.includes(x))));
if (files.length === 0) {
  console.error(`no e2e test file matches ${filter.join(' ')}`);
  process.exit(1);
}
// One chromium for the whole run: each workbench connects to it and gets its own browser context
// (its own storage and cache), which saves a browser start per workbench. And one folder for what
// every test file can reuse (the packaged and installed .vsix).
const browserServer = await chromium.launchServer({ executablePath: paths.chromium, args: CHROMIUM_ARGS });
const runCache = mkdtempSync(join(tmpdir(), 'milestone-scope-run-'));
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/file-times-reporter.mjs', '--test-reporter-destination=stdout'];
const run = await execa(process.execPath, ['--import', 'tsx', '--test', ...reporters, '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  reject: false,
  env: { MILESTONE_SCOPE_BROWSER_WS: browserServer.wsEndpoint(), MILESTONE_SCOPE_RUN_CACHE: runCache },
});
await browserServer.close().catch(() => undefined);
rmSync(runCache, { recursive: true, force: true, maxRetries: 3 });
process.exit(run.exitCode ?? 1);
