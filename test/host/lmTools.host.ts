// The workflow's language-model tools inside the real extension host, where the running VS Code
// has the API (vscode.lm.registerTool / invokeTool); older versions must still activate.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test, waitFor, waitForActivation } from './framework';

interface LmApi {
  tools: ReadonlyArray<{ name: string; description: string; inputSchema?: object }>;
  invokeTool(name: string, options: { input: object; toolInvocationToken: undefined }, token?: vscode.CancellationToken): Thenable<{ content: Array<{ value?: unknown }> }>;
}

function lmApi(): LmApi | undefined {
  const lm = (vscode as unknown as { lm?: Partial<LmApi> }).lm;
  return lm && typeof lm.invokeTool === 'function' && Array.isArray(lm.tools) ? (lm as LmApi) : undefined;
}

async function invoke(api: LmApi, name: string, input: object): Promise<string> {
  const r = await api.invokeTool(name, { input, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
  return r.content.map((p) => (typeof p.value === 'string' ? p.value : '')).join('');
}

test('language-model tools: registered where the API exists; pre-flight answers noop, conflict and ready', async () => {
  await waitForActivation();
  const api = lmApi();
  if (!api) {
    // Older VS Code (the API is stable since 1.95): activation must not depend on it.
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major === 1 && minor < 95, `VS Code ${vscode.version} should have vscode.lm.invokeTool`);
    assert.ok(vscode.extensions.getExtension('milestone-scope.milestone-scope')?.isActive, 'the extension activated without vscode.lm');
    return;
  }
  const ours = await waitFor(() => {
    const names = api.tools.map((t) => t.name).filter((n) => n.startsWith('milestoneScope_'));
    return names.length === 9 ? names : undefined;
  }, 10_000, 'all nine milestoneScope_ language-model tools are registered');
  assert.ok(ours.includes('milestoneScope_preflight'));
  assert.ok(ours.includes('milestoneScope_start_milestone'));

  const noop = await invoke(api, 'milestoneScope_preflight', { milestone: '0' });
  assert.match(noop, /^preflight: noop \(decision: noop\)/);
  assert.match(noop, /already completed: stop/);
  const conflict = await invoke(api, 'milestoneScope_preflight', { milestone: '1', owner: 'someone-else' });
  assert.match(conflict, /^preflight: conflict/);
  assert.match(conflict, /bob/);
  const ready = await invoke(api, 'milestoneScope_preflight', { milestone: '2' });
  assert.match(ready, /^preflight: ok \(decision: ready\)/);
  const listed = await invoke(api, 'milestoneScope_list_milestones', {});
  assert.match(listed, /"milestones":\[/);
});
