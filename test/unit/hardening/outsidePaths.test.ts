// Paths that leave the workspace, at every entry point: catalog references (core workspace load,
// CLI list/show/scope, start), configuration paths, STATUS.md and tracking files behind links,
// milestone ids used in file names, trace files named by the CLI and by agents, recorded captures.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { listProfileRuns, milestoneDir } from '../../../src/core/cargo/profileRuns';
import { myMilestoneInProgress } from '../../../src/core/cargo/target';
import { milestoneHotspots } from '../../../src/core/catalog/model';
import { checkDocuments } from '../../../src/core/docChecks';
import { InputError } from '../../../src/core/problems';
import { ScopeSession } from '../../../src/core/scope';
import { startMilestone } from '../../../src/core/start';
import { loadTrackingFor, loadWorkspace, milestoneOf } from '../../../src/core/workspace';
import { findTool, runTool } from '../../../src/mcp/tools';
import { CATALOG, git, gitCopy, METAL, STATUS, tracking } from '../core/helpers';

const TRACES = path.resolve(__dirname, '../../fixtures/traces');
const cleanup: string[] = [];
after(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

/** A git copy of the fixture and, beside it, a folder that is not part of it. */
function workspace(): { root: string; outside: string } {
  const root = gitCopy(METAL);
  const outside = `${root}-outside`;
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.rs'), 'fn secret() {}\nfn more() {}\nfn again() {}\n');
  cleanup.push(root, outside);
  return { root, outside };
}

const PCS_146 = '  - `crates/metal-backend/src/stacked_pcs.rs:146`\n';

/** Adds three escaping references to work item 1 (milestone 2) and returns their catalog lines. */
function addEscapingRefs(root: string, outside: string): { parent: number; absolute: number; link: number } {
  symlinkSync(path.join(outside, 'secret.rs'), path.join(root, 'crates/metal-backend/src/link.rs'));
  const file = path.join(root, CATALOG);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(PCS_146));
  const added = ['  - `../outside.rs:3`', '  - `/etc/outside.rs:2`', '  - `crates/metal-backend/src/link.rs:1`'];
  const next = text.replace(PCS_146, PCS_146 + added.join('\n') + '\n');
  writeFileSync(file, next);
  const lines = next.split('\n');
  const at = (s: string) => lines.indexOf(s) + 1;
  return { parent: at(added[0]!), absolute: at(added[1]!), link: at(added[2]!) };
}

function io(cwd: string, confinePaths = false): CliIO & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    cwd,
    env: process.env,
    confinePaths,
    stdout: (t: string) => void (o.out += t),
    stderr: (t: string) => void (o.err += t),
  };
  return o;
}

test('catalog references leaving the workspace are problems at the reference and are not used', async () => {
  const { root, outside } = workspace();
  const lines = addEscapingRefs(root, outside);
  const ws = await loadWorkspace(root);
  const refused = ws.problems.filter((p) => p.code === 'ref/outside-workspace');
  assert.deepEqual(
    refused.map((p) => [p.file, p.line, p.column, p.severity]),
    [
      [CATALOG, lines.parent, 5, 'error'],
      [CATALOG, lines.absolute, 5, 'error'],
      [CATALOG, lines.link, 5, 'error'],
    ],
  );
  assert.match(refused[0]!.message, /\.\.\/outside\.rs climbs out of the workspace/);
  assert.match(refused[1]!.message, /\/etc\/outside\.rs:2 is an absolute path/);
  assert.match(refused[2]!.message, /link\.rs leads outside the workspace through a symbolic link \(to .*secret\.rs\)/);

  const m2 = milestoneOf(ws, '2')!;
  const paths = milestoneHotspots(ws.catalog, m2).map((h) => h.path);
  assert.deepEqual(paths, ['crates/metal-backend/src/stacked_pcs.rs', 'crates/metal-backend/src/stacked_pcs.rs', 'crates/metal-backend/src/stacked_pcs.rs'], 'only the references inside remain');

  // No scope rule is built from them.
  const session = await ScopeSession.open(ws, { milestone: m2 });
  assert.deepEqual([...session.model.ownFiles].sort(), ['crates/metal-backend/src/stacked_pcs.rs']);
  assert.ok(![...session.model.ownHotspots.keys(), ...session.model.otherHotspots.keys()].some((p) => /outside|link\.rs/.test(p)));

  // The document checks report each once.
  const checked = (await checkDocuments(root, { git: false })).filter((p) => p.code === 'ref/outside-workspace');
  assert.equal(checked.length, 3);
});

test('CLI list and show: the refusals are listed with their line; the hotspots are not', async () => {
  const { root, outside } = workspace();
  const lines = addEscapingRefs(root, outside);
  const list = io(root);
  assert.equal(await main(['list', '--root', root, '--json'], list), 0);
  const json = JSON.parse(list.out);
  const codes = json.problems.filter((p: any) => p.code === 'ref/outside-workspace').map((p: any) => `${p.file}:${p.line}`);
  assert.deepEqual(codes, [lines.parent, lines.absolute, lines.link].map((l) => `${CATALOG}:${l}`));
  assert.ok(!JSON.stringify(json.milestones).includes('outside.rs'));
  assert.ok(!JSON.stringify(json.milestones).includes('link.rs'));

  const show = io(root);
  assert.equal(await main(['show', '2', '--root', root], show), 0);
  assert.doesNotMatch(show.out, /outside\.rs|link\.rs/);
  assert.match(show.err + show.out, /ref\/outside-workspace|climbs out of the workspace/);
});

test('start writes a tracking file listing only the references inside', async () => {
  const { root, outside } = workspace();
  addEscapingRefs(root, outside);
  const r = await startMilestone(root, '2', { owner: 'dave' });
  assert.equal(r.preflight.decision, 'ready');
  const text = readFileSync(path.join(root, tracking('2')), 'utf8');
  assert.doesNotMatch(text, /outside\.rs|link\.rs/);
  assert.match(text, /stacked_pcs\.rs:110/);
});

test('configuration paths leaving the workspace are refused at their key line, links included', async () => {
  const { root, outside } = workspace();
  mkdirSync(path.join(outside, 'docs'), { recursive: true });
  writeFileSync(path.join(outside, 'docs/c.md'), readFileSync(path.join(root, CATALOG), 'utf8'));
  symlinkSync(path.join(outside, 'docs'), path.join(root, 'linked-docs'));
  writeFileSync(
    path.join(root, '.milestone-scope.yaml'),
    [
      'crate: openvm-metal-backend', // 1
      'catalog: linked-docs/c.md', // 2
      'status: ../STATUS.md', // 3
      'tracking: linked-docs/m-{id}.md', // 4
      'checks:', // 5
      '  - cargo check --manifest-path ../other/Cargo.toml', // 6
      '  - cargo test --target-dir=/tmp/t', // 7
      '  - cargo check --target-dir target/x', // 8
      'profile: "cargo run --example keccakf"', // 9
    ].join('\n') + '\n',
  );
  const ws = await loadWorkspace(root);
  const config = ws.problems.filter((p) => p.file === '.milestone-scope.yaml');
  assert.deepEqual(config.map((p) => `${p.line}:${p.code}`), ['2:config/outside-workspace', '3:config/outside-workspace', '4:config/outside-workspace', '6:config/outside-workspace', '7:config/outside-workspace']);
  assert.match(config[0]!.message, /catalog must be a path inside the repository.*linked-docs\/c\.md leads outside the workspace through a symbolic link/);
  assert.match(config[3]!.message, /--manifest-path must name a place inside the repository/);
  // Each refused key keeps its default; the accepted check stays.
  assert.equal(ws.config.catalog, 'docs/metal-backend-optimization-milestones.md');
  assert.equal(ws.config.status, 'docs/metal-backend-optimization-tracking/STATUS.md');
  assert.equal(ws.config.tracking, 'docs/metal-backend-optimization-tracking/milestone-{id}.md');
  assert.deepEqual(ws.config.checks.map((c) => c.args), [['--target-dir', 'target/x']]);
});

test('a STATUS.md that is a link out of the workspace is never read or written', async () => {
  const { root, outside } = workspace();
  // STATUS.md replaced by a link to a file elsewhere.
  const status = path.join(root, STATUS);
  renameSync(status, path.join(outside, 'STATUS.md'));
  symlinkSync(path.join(outside, 'STATUS.md'), status);
  const before = readFileSync(path.join(outside, 'STATUS.md'), 'utf8');
  const ws = await loadWorkspace(root);
  const p = ws.problems.find((x) => x.code === 'config/outside-workspace');
  assert.ok(p && p.file === STATUS && p.line === 1, JSON.stringify(ws.problems));
  assert.equal(ws.status.exists, false, 'not read');
  await assert.rejects(startMilestone(root, '2', { owner: 'dave' }), (e: unknown) => e instanceof InputError && /the status document: .*STATUS\.md leads outside the workspace/.test((e as Error).message));
  assert.equal(readFileSync(path.join(outside, 'STATUS.md'), 'utf8'), before, 'the file elsewhere is untouched');
  assert.ok(!existsSync(path.join(root, tracking('2'))), 'nothing was written');

  // The CLI says so and exits 2.
  const cli = io(root);
  assert.equal(await main(['start', '2', '--root', root, '--local', '--owner', 'dave'], cli), 2);
  assert.match(cli.err, /STATUS\.md leads outside the workspace/);
});

test('a tracking folder that is a link out of the workspace is reported and never written', async () => {
  const { root, outside } = workspace();
  const folder = path.join(root, 'docs/metal-backend-optimization-tracking');
  renameSync(folder, path.join(outside, 'tracking'));
  symlinkSync(path.join(outside, 'tracking'), folder);
  const ws = await loadWorkspace(root);
  assert.deepEqual(
    ws.problems.filter((p) => p.code === 'config/outside-workspace').map((p) => p.file).sort(),
    ['docs/metal-backend-optimization-tracking', STATUS].sort(),
  );
  assert.match(ws.problems.find((p) => p.file === 'docs/metal-backend-optimization-tracking')!.message, /tracking files are not read or written: .*leads outside the workspace/);
  await assert.rejects(startMilestone(root, '2', { owner: 'dave' }), InputError);
  assert.ok(!existsSync(path.join(outside, 'tracking/milestone-2.md')));
});

test('a tracking file that is a link out of the workspace is refused by start and complete', async () => {
  const { root, outside } = workspace();
  symlinkSync(path.join(outside, 'secret.rs'), path.join(root, tracking('3')));
  await assert.rejects(startMilestone(root, '3', { owner: 'dave' }), (e: unknown) => e instanceof InputError && /tracking file of milestone 3/.test((e as Error).message));
  // Read, it counts as absent with an error, so the other milestones can still be listed and checked.
  const ws = await loadWorkspace(root);
  const t3 = await loadTrackingFor(ws, '3');
  assert.equal(t3.exists, false);
  assert.deepEqual(t3.problems.map((p) => [p.code, p.file]), [['tracking/outside-workspace', tracking('3')]]);
  assert.equal(await myMilestoneInProgress(ws, '@bob'), '1');
  const show = io(root);
  assert.equal(await main(['show', '1', '--root', root], show), 0, show.err);
  const cli = io(root);
  assert.equal(await main(['complete', '3', '--root', root, '--owner', 'dave', '--summary', 'x'], cli), 2);
  assert.match(cli.err, /milestone-3\.md leads outside the workspace/);
  assert.equal(readFileSync(path.join(outside, 'secret.rs'), 'utf8'), 'fn secret() {}\nfn more() {}\nfn again() {}\n');
});

test('a YAML catalog whose milestone id would move the tracking file elsewhere cannot start it', async () => {
  const { root } = workspace();
  writeFileSync(path.join(root, '.milestone-scope.yaml'), 'catalog: plan.yaml\n');
  const escaping = '../../../../../escaped';
  const sideways = 'x/../../../README';
  writeFileSync(
    path.join(root, 'plan.yaml'),
    ['workItems:', '  - { id: 1, title: T, hotspots: ["crates/metal-backend/src/stacked_pcs.rs:110"] }', 'milestones:', `  - { id: "${escaping}", workItems: [1] }`, `  - { id: "${sideways}", workItems: [1] }`, ''].join('\n'),
  );
  writeFileSync(path.join(root, 'README.md'), '# Readme\n- Status: not_started\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'yaml catalog');
  const ws = await loadWorkspace(root);
  assert.equal(ws.catalog.milestones.length, 2);
  for (const id of [escaping, sideways]) {
    await assert.rejects(startMilestone(root, id, { owner: 'dave' }), (e: unknown) => e instanceof InputError && /cannot be used in a tracking file name/.test((e as Error).message), id);
  }
  assert.ok(!existsSync(path.resolve(root, '..', 'escaped.md')));
  assert.equal(readFileSync(path.join(root, 'README.md'), 'utf8'), '# Readme\n- Status: not_started\n');
  assert.equal(git(root, 'status', '--porcelain'), '', 'nothing was written');
});

test('trace files: a person may name any file, an agent only files inside the workspace', async () => {
  const { root, outside } = workspace();
  const elsewhere = path.join(outside, 'trace.txt');
  copyFileSync(path.join(TRACES, 'forest_after.txt'), elsewhere);
  mkdirSync(path.join(root, 'traces'));
  copyFileSync(path.join(TRACES, 'forest_baseline.txt'), path.join(root, 'traces/base.txt'));
  symlinkSync(elsewhere, path.join(root, 'traces/link.txt'));

  // Typed at the prompt: taken as given.
  const person = io(root);
  assert.equal(await main(['trace', 'summary', elsewhere, '--json'], person), 0, person.err);
  const viaLink = io(root);
  assert.equal(await main(['trace', 'summary', 'traces/link.txt', '--json'], viaLink), 0, viaLink.err);

  // Named by an agent: refused with the path in the message.
  for (const [file, why] of [
    [elsewhere, /it is outside the workspace/],
    ['../x-outside/trace.txt', /climbs out of the workspace/],
    ['traces/link.txt', /leads outside the workspace through a symbolic link/],
    ['traces\0.txt', /NUL character/],
  ] as const) {
    const r = await runTool(findTool('trace_summary')!, { file }, root);
    assert.equal(r.outcome, 'bad-input', `${file}: ${r.text}`);
    assert.ok(r.text.includes(JSON.stringify(file).slice(1, -1)), `${file}: the message names the path: ${r.text}`);
    assert.match(r.text, why);
  }
  const inside = await runTool(findTool('trace_summary')!, { file: 'traces/base.txt' }, root);
  assert.equal(inside.outcome, 'ok', inside.text);
  const absInside = await runTool(findTool('trace_summary')!, { file: path.join(root, 'traces/base.txt') }, root);
  assert.equal(absInside.outcome, 'ok', absInside.text);
  const diff = await runTool(findTool('trace_diff')!, { baseline: 'traces/base.txt', after: 'traces/link.txt' }, root);
  assert.equal(diff.outcome, 'bad-input', diff.text);

  // report / complete: --baseline and --after.
  const report = await runTool(findTool('report')!, { milestone: '2', baseline: 'traces/base.txt', after: elsewhere }, root);
  assert.equal(report.outcome, 'bad-input', report.text);
  assert.match(report.text, new RegExp(`--after ${elsewhere.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it is outside the workspace`));
  const complete = await runTool(findTool('complete_milestone')!, { milestone: '1', owner: '@bob', summary: 'x', baseline: '../x-outside/trace.txt' }, root);
  assert.equal(complete.outcome, 'bad-input', complete.text);
  assert.match(complete.text, /--baseline \.\.\/x-outside\/trace\.txt: .*climbs out of the workspace/);
  const person2 = io(root);
  assert.equal(await main(['report', '2', '--root', root, '--baseline', 'traces/base.txt', '--after', elsewhere, '--json'], person2), 0, person2.err);
  assert.equal(JSON.parse(person2.out).timing.after.file, elsewhere);
});

test('recorded captures that are links out of the workspace are not used', async () => {
  const { root, outside } = workspace();
  const dir = path.join(root, milestoneDir('2'));
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(TRACES, 'forest_baseline.txt'), path.join(dir, '20261101T100000Z-baseline.txt'));
  copyFileSync(path.join(TRACES, 'forest_after.txt'), path.join(outside, 'after.txt'));
  symlinkSync(path.join(outside, 'after.txt'), path.join(dir, '20261102T100000Z-after.txt'));
  const { runs, problems } = await listProfileRuns(root, '2');
  assert.deepEqual(runs.map((r) => r.label), ['baseline']);
  assert.deepEqual(problems.map((p) => [p.code, p.file]), [['profile/outside-workspace', `${milestoneDir('2')}/20261102T100000Z-after.txt`]]);
  assert.match(problems[0]!.message, /leads outside the workspace through a symbolic link/);
});
