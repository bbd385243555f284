// Entry point of the extension-host test suite (bundled to out/test/suite.js). VS Code calls
// `run()` inside the extension host, in code-server (test/e2e/hostSuite.e2e.ts) as on the
// desktop (@vscode/test-electron). Tests run one at a time; each result is appended to the
// results file the driver watches, and `run()` rejects when any test failed.
import * as vscode from 'vscode';
import { appendFileSync } from 'node:fs';
import { errorText, recordWorkspaceBase, registeredTests, resetWorkspace, workspaceRoot } from './framework';
import { FILTER_ENV, RESULTS_ENV, type HostRecord } from './report';

function reporter(): (record: HostRecord) => void {
  const file = process.env[RESULTS_ENV];
  return (record) => {
    if (file) appendFileSync(file, JSON.stringify(record) + '\n');
    if (record.type === 'result') {
      console.log(`[host test] ${record.status === 'passed' ? 'PASS' : 'FAIL'} ${record.name} (${record.durationMs} ms)`);
      if (record.error) console.log(record.error);
    }
  };
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function run(): Promise<void> {
  const report = reporter();
  // Loaded here rather than statically, so that a test module failing to load is reported
  // as a failure instead of silently producing no results.
  try {
    await import('./index');
  } catch (err) {
    report({ type: 'start', total: 1, vscodeVersion: vscode.version, workspace: '' });
    report({ type: 'result', name: 'load test modules', status: 'failed', durationMs: 0, error: errorText(err) });
    report({ type: 'end', passed: 0, failed: 1 });
    throw err;
  }

  const filter = process.env[FILTER_ENV];
  const tests = registeredTests().filter((t) => !filter || t.name.includes(filter));
  report({ type: 'start', total: tests.length, vscodeVersion: vscode.version, workspace: workspaceRoot() });
  await recordWorkspaceBase();

  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    const started = Date.now();
    report({ type: 'begin', name: t.name, timeoutMs: t.timeoutMs });
    try {
      await resetWorkspace();
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs);
      passed++;
      report({ type: 'result', name: t.name, status: 'passed', durationMs: Date.now() - started });
    } catch (err) {
      failed++;
      report({ type: 'result', name: t.name, status: 'failed', durationMs: Date.now() - started, error: errorText(err) });
    }
  }
  report({ type: 'end', passed, failed });
  if (tests.length === 0) throw new Error(filter ? `no extension-host test matches "${filter}"` : 'no extension-host tests registered');
  if (failed > 0) throw new Error(`${failed} of ${tests.length} extension-host tests failed`);
}
