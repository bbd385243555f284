// `milestone-scope mcp` driven over stdio by an MCP client from the same SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { buildCli, CLI, REPO } from '../cli/run';
import { gitCopy, METAL, STATUS, tracking } from '../core/helpers';

const TRACES = path.join(REPO, 'test/fixtures/traces');
const MERKLE = 'crates/metal-backend/src/merkle_tree.rs';
const STACKED = 'crates/metal-backend/src/stacked_pcs.rs';

const repos: string[] = [];
const clients: Client[] = [];
before(buildCli);
after(async () => {
  for (const c of clients) await c.close();
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

async function connect(): Promise<{ root: string; client: Client }> {
  const root = gitCopy(METAL, 'tester');
  repos.push(root);
  const client = new Client({ name: 'milestone-scope-test', version: '1.0.0' });
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--root', root], cwd: root, stderr: 'pipe' });
  await client.connect(transport);
  clients.push(client);
  return { root, client };
}

interface Structured {
  outcome: string;
  exitCode: number;
  result: any;
  messages: string;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; text: string; s: Structured }> {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content as { type: string; text: string }[]).map((c) => c.text).join('\n');
  return { isError: r.isError === true, text, s: r.structuredContent as unknown as Structured };
}

function edit(root: string, rel: string, f: (t: string) => string): void {
  const file = path.join(root, rel);
  const before = readFileSync(file, 'utf8');
  const after = f(before);
  assert.notEqual(after, before, `edit of ${rel} changed nothing`);
  writeFileSync(file, after);
}

test('tools are listed with JSON schemas; list_milestones returns the catalog', async () => {
  const { client } = await connect();
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  assert.deepEqual(names, ['complete_milestone', 'list_milestones', 'preflight', 'report', 'run_validation', 'scope_check', 'start_milestone', 'trace_diff', 'trace_summary']);
  const pre = tools.find((t) => t.name === 'preflight')!;
  assert.equal(pre.inputSchema.type, 'object');
  assert.deepEqual(pre.inputSchema.required, ['milestone']);
  assert.equal(pre.annotations?.readOnlyHint, true);
  assert.equal(tools.find((t) => t.name === 'start_milestone')!.annotations?.readOnlyHint, false);
  const runSchema = tools.find((t) => t.name === 'run_validation')!.inputSchema as any;
  assert.deepEqual(runSchema.properties.kind.enum, ['check', 'test', 'profile']);

  const list = await call(client, 'list_milestones');
  assert.equal(list.isError, false);
  assert.equal(list.s.outcome, 'ok');
  const ids = list.s.result.milestones.map((m: any) => m.id);
  assert.deepEqual(ids, ['0', '1', '2', '3', '4', '5', '6', '7']);
  const m1 = list.s.result.milestones.find((m: any) => m.id === '1');
  assert.equal(m1.status.status, 'in_progress');
  assert.match(m1.status.owner, /bob/);
});

test('pre-flight on completed M0 is a noop result, not an error; bad input is an error', async () => {
  const { client, root } = await connect();
  const statusBefore = readFileSync(path.join(root, STATUS), 'utf8');
  const r = await call(client, 'preflight', { milestone: '0' });
  assert.equal(r.isError, false);
  assert.equal(r.s.outcome, 'noop');
  assert.equal(r.s.exitCode, 3);
  assert.equal(r.s.result.decision, 'noop');
  assert.equal(r.s.result.owner, 'alice');
  assert.match(r.text, /already completed: stop/);

  const conflict = await call(client, 'start_milestone', { milestone: '1' });
  assert.equal(conflict.isError, false);
  assert.equal(conflict.s.outcome, 'conflict');
  assert.equal(conflict.s.result.started, false);
  assert.deepEqual(conflict.s.result.written, []);
  assert.equal(readFileSync(path.join(root, STATUS), 'utf8'), statusBefore);

  const blocked = await call(client, 'preflight', { milestone: '4' });
  assert.equal(blocked.s.outcome, 'blocked');
  assert.match(blocked.s.result.reason, /waiting on the M3 data layout/);

  const unknown = await call(client, 'preflight', { milestone: '42' });
  assert.equal(unknown.isError, true);
  assert.equal(unknown.s.outcome, 'bad-input');
  assert.match(unknown.text, /milestone "42" is not in docs\/metal-backend-optimization-milestones\.md/);

  const missing = await call(client, 'preflight', {});
  assert.equal(missing.isError, true);
  assert.match(missing.text, /milestone/);
});

test("scope check on a change in another milestone's hotspot returns the violation", async () => {
  const { client, root } = await connect();
  edit(root, MERKLE, (t) => t.replace('let root_layer = top.to_host();', 'let root_layer = top.to_host(); // read back'));
  const r = await call(client, 'scope_check', { milestone: '2' });
  assert.equal(r.isError, false);
  assert.equal(r.s.outcome, 'scope-violations');
  assert.equal(r.s.exitCode, 6);
  assert.equal(r.s.result.counts.error, 1);
  const f = r.s.result.findings[0];
  assert.equal(f.code, 'other-milestone-hotspot');
  assert.equal(f.file, MERKLE);
  assert.equal(f.line, 97);
  assert.equal(f.milestone, '3');
  assert.match(r.text, /revert or move the listed changes/);
});

test('one milestone from pre-flight to report through the tools', { timeout: 300_000 }, async () => {
  const { client, root } = await connect();
  const pre = await call(client, 'preflight', { milestone: '2' });
  assert.equal(pre.s.outcome, 'ok');
  assert.equal(pre.s.result.decision, 'ready');

  const start = await call(client, 'start_milestone', { milestone: '2' });
  assert.equal(start.s.outcome, 'ok', start.text);
  assert.equal(start.s.result.started, true);
  assert.deepEqual([...start.s.result.written].sort(), [STATUS, tracking('2')].sort());
  assert.match(readFileSync(path.join(root, STATUS), 'utf8'), /\|\s*2\s*\|[^\n]*in_progress[^\n]*tester/);
  const again = await call(client, 'preflight', { milestone: '2' });
  assert.equal(again.s.result.decision, 'resume');

  // An edit inside milestone 2's own hotspot function is in scope.
  edit(root, STACKED, (t) => t.replace(/\n(\s*)(for [^\n]*\{)/, '\n$1// Copies are batched below.\n$1$2'));
  const scope = await call(client, 'scope_check', {});
  assert.equal(scope.s.outcome, 'ok', scope.text);
  assert.equal(scope.s.result.milestone.id, '2');
  assert.deepEqual(scope.s.result.findings, []);
  assert.equal(scope.s.result.filesChecked, 3); // STATUS.md and the tracking file (the start) and the edit

  const check = await call(client, 'run_validation', { kind: 'check' });
  assert.equal(check.s.outcome, 'ok', check.text);
  assert.equal(check.s.result.milestone, '2');
  assert.equal(check.s.result.runs[0].command, 'cargo check -p openvm-metal-backend');
  assert.deepEqual(check.s.result.runs[0].recorded, { file: tracking('2') });
  const refused = await call(client, 'run_validation', { kind: 'check', milestone: '9' });
  assert.equal(refused.isError, true);
  assert.equal(refused.s.outcome, 'bad-input');

  // An agent may name only files inside the repository: a trace elsewhere is refused by name.
  const elsewhere = path.join(TRACES, 'forest_baseline.txt');
  const outside = await call(client, 'trace_summary', { file: elsewhere });
  assert.equal(outside.s.outcome, 'bad-input');
  assert.ok(outside.text.includes(elsewhere) && /outside the workspace/.test(outside.text), outside.text);
  // So the traces are copied into the repository's git-ignored state folder, named relatively
  // and absolutely.
  const given = path.join(root, '.milestone-scope/given');
  mkdirSync(given, { recursive: true });
  writeFileSync(path.join(root, '.milestone-scope/.gitignore'), '*\n');
  copyFileSync(path.join(TRACES, 'forest_baseline.txt'), path.join(given, 'forest_baseline.txt'));
  copyFileSync(path.join(TRACES, 'forest_after.txt'), path.join(given, 'forest_after.txt'));
  const baseline = '.milestone-scope/given/forest_baseline.txt';
  const afterTrace = path.join(given, 'forest_after.txt');
  const diff = await call(client, 'trace_diff', { baseline, after: afterTrace });
  assert.equal(diff.s.outcome, 'ok', diff.text);
  const rows = JSON.stringify(diff.s.result);
  assert.match(rows, /rs_code_matrix/);

  const summary = await call(client, 'trace_summary', { file: afterTrace, top: 3 });
  assert.equal(summary.s.outcome, 'ok', summary.text);

  const report = await call(client, 'report', { milestone: '2', baseline, after: afterTrace, summary: 'Batched the per-copy blits into one command buffer.' });
  assert.equal(report.s.outcome, 'ok', report.text);
  const rep = report.s.result;
  assert.equal(rep.milestone.id, '2');
  assert.equal(rep.status.status, 'in_progress');
  // The start's own edits to STATUS.md and the tracking file are uncommitted changes too.
  assert.deepEqual(rep.changes.files.map((f: any) => f.path).sort(), [STATUS, STACKED, tracking('2')].sort());
  assert.deepEqual(rep.changes.files.map((f: any) => f.verdict.label), ['in scope', 'in scope', 'in scope']);
  assert.equal(rep.summary.source, 'option');
  assert.ok(rep.timing, 'timing deltas present');
  assert.equal(typeof rep.timing.root.relative, 'number');
  assert.match(rep.markdown, /rs_code_matrix/);
  assert.ok(rep.validation.runs.some((v: any) => v.command === 'cargo check -p openvm-metal-backend' && v.outcome === 'passed'), 'the check run is in the report');

  const done = await call(client, 'complete_milestone', { milestone: '2', baseline, after: afterTrace, summary: 'Batched the per-copy blits into one command buffer.' });
  assert.equal(done.s.outcome, 'ok', done.text);
  assert.equal(done.s.result.completed, true);
  assert.match(readFileSync(path.join(root, STATUS), 'utf8'), /\|\s*2\s*\|[^\n]*completed/);
  const finished = await call(client, 'preflight', { milestone: '2' });
  assert.equal(finished.s.outcome, 'noop');

  const bad = await call(client, 'trace_diff', { baseline, after: 'no-such-trace.txt' });
  assert.equal(bad.isError, true);
  assert.match(bad.text, /no-such-trace\.txt/);
});

test('input closed while a call runs: the answer is still written before the server exits', async () => {
  const root = gitCopy(METAL, 'tester');
  repos.push(root);
  const child = spawn(process.execPath, [CLI, 'mcp', '--root', root], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const send = (m: object) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
  send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipe', version: '1' } } });
  send({ method: 'notifications/initialized' });
  send({ id: 2, method: 'tools/call', params: { name: 'preflight', arguments: { milestone: '0' } } });
  child.stdin.end();
  assert.equal(await exited, 0);
  const answers = out.trim().split('\n').map((l) => JSON.parse(l));
  const call = answers.find((a) => a.id === 2);
  assert.ok(call, `no answer to the call in: ${out}`);
  assert.equal(call.result.structuredContent.outcome, 'noop');
});
