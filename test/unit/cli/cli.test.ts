import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { ALT, METAL, PROMPT_HOTSPOTS, PROMPT_MAPPING, STATUS, git, gitCopy, tracking } from '../core/helpers';
import { buildCli, cli, cliJson } from './run';

before(buildCli);

const snapshot = (dir: string) => git(dir, 'status', '--porcelain') + '\n' + git(dir, 'diff');

test('list --json: milestones 0-7, six work items and every hotspot of the prompt with files and lines', async () => {
  const { code, json } = await cliJson(['list', '--root', METAL]);
  assert.equal(code, 0);
  assert.equal(json.version, 1);
  assert.equal(json.catalog, 'docs/metal-backend-optimization-milestones.md');
  assert.deepEqual(json.milestones.map((m: any) => m.id), ['0', '1', '2', '3', '4', '5', '6', '7']);
  assert.equal(json.workItems.length, 6);
  for (const w of json.workItems) assert.deepEqual(w.hotspots.map((h: any) => `${h.path}:${h.line}`), PROMPT_HOTSPOTS[w.id], `work item ${w.id}`);
  for (const m of json.milestones) {
    const item = PROMPT_MAPPING[m.id];
    if (item) {
      assert.deepEqual([m.kind, m.workItems], ['work-items', [item]]);
      assert.deepEqual(m.hotspots.map((h: any) => `${h.path}:${h.line}`), PROMPT_HOTSPOTS[item]);
    }
  }
  assert.deepEqual([json.milestones[0].kind, json.milestones[7].kind], ['baseline', 'validation']);
  assert.deepEqual(json.milestones[1].status, { status: 'in_progress', raw: '`in_progress`', owner: '@bob', started: '2026-11-20', completed: null, notes: 'Stage-level batching for stacked reduction first.', line: 9 });
  assert.equal(json.milestones[7].status, null);
  assert.deepEqual(json.problems, []);
  const h = json.workItems[2].hotspots[0];
  assert.deepEqual(h, { path: 'crates/metal-backend/src/merkle_tree.rs', line: 97, endLine: 97, label: 'Root extraction', source: { file: json.catalog, line: 42, column: 22, endColumn: 66 } });
  const hotspotFiles = new Set<string>(json.workItems.flatMap((w: any) => w.hotspots.map((x: any) => x.path)));
  for (const f of hotspotFiles) {
    if (!existsSync(path.join(METAL, f))) continue; // the crate's sources are optional for these tests
    const lines = readFileSync(path.join(METAL, f), 'utf8').split('\n').length;
    for (const w of json.workItems) for (const x of w.hotspots) if (x.path === f) assert.ok(x.line <= lines, `${f}:${x.line}`);
  }
});

test('list: a readable table', async () => {
  const r = await cli(['list', '--root', METAL]);
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /8 milestones, 6 work items/);
  assert.match(lines[2]!, /^ID\s+STATUS\s+OWNER\s+SINCE\s+SCOPE\s+HOTSPOTS\s+TITLE$/);
  assert.match(r.stdout, /\n1\s+in_progress\s+@bob\s+2026-11-20\s+item 2\s+4\s+Reduce synchronous kernel dispatch/);
  assert.match(r.stdout, /\n7\s+not_started\s+validation\s+0\s+End-to-end validation/);
  assert.equal(r.stderr, '');
});

test('show: one milestone with its hotspots, status and commands', async () => {
  const { code, json } = await cliJson(['show', '2', '--root', METAL]);
  assert.equal(code, 0);
  assert.equal(json.milestone.id, '2');
  assert.deepEqual(json.workItems.map((w: any) => w.id), ['1']);
  assert.deepEqual(json.milestone.hotspots.map((h: any) => h.line), [110, 129, 146]);
  assert.deepEqual(json.tracking, { file: tracking('2'), exists: false, status: null, rawStatus: null, owner: null, started: null, baseCommit: null, completed: null, reason: null });
  assert.deepEqual(json.commands, {
    checks: ['cargo check -p openvm-metal-backend', 'cargo test -p openvm-metal-backend --test ntt_roundtrip'],
    profile: 'cargo run -p openvm-metal-backend --example keccakf',
  });
  const human = await cli(['show', 'M4', '--root', METAL]);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^Milestone 4: Remove strided-upload double buffering/);
  assert.match(human.stdout, /Status: +blocked, carol, since 2026-11-05/);
  assert.match(human.stdout, /crates\/metal-backend\/src\/metal\/matrix\.rs:145/);
});

test('preflight: each decision has its exit code', async () => {
  const cases: Array<[string, string, number, string]> = [
    ['0', 'dave', 3, 'noop'],
    ['1', 'dave', 4, 'conflict'],
    ['1', '@BOB', 0, 'resume'],
    ['2', 'dave', 0, 'ready'],
    ['4', 'dave', 5, 'blocked'],
    ['7', 'dave', 0, 'ready'],
  ];
  for (const [id, owner, exit, decision] of cases) {
    const { code, json } = await cliJson(['preflight', id, '--root', METAL, '--owner', owner]);
    assert.deepEqual([code, json.decision], [exit, decision], `milestone ${id} as ${owner}`);
  }
  const { json } = await cliJson(['preflight', '1', '--root', METAL, '--owner', 'dave']);
  assert.deepEqual([json.owner, json.date, json.me], ['@bob', '2026-11-20', 'dave']);
  assert.equal(json.sources.status.line, 9);
  assert.equal(json.sources.tracking.file, tracking('1'));
  const human = await cli(['preflight', '4', '--root', METAL, '--owner', 'dave']);
  assert.equal(human.code, 5);
  assert.match(human.stdout, /BLOCKED\n  blocked \(owner carol\): waiting on the M3 data layout/);
});

test('the owner defaults to git user.name and --root to the git top level of the current folder', async () => {
  const dir = gitCopy(METAL, 'Bob');
  const r = await cliJson(['preflight', '1'], path.join(dir, 'docs'));
  assert.deepEqual([r.code, r.json.decision, r.json.me], [0, 'resume', 'Bob']);
});

test('start: ready starts; a second start by the same owner is a resume that changes nothing', async () => {
  const dir = gitCopy(METAL, 'dave');
  const head = git(dir, 'rev-parse', 'HEAD');
  const first = await cliJson(['start', '2', '--root', dir]);
  assert.equal(first.code, 0);
  assert.deepEqual([first.json.decision, first.json.started, first.json.written], ['ready', true, [STATUS, tracking('2')]]);
  const diff = git(dir, 'diff', '-U0', STATUS).split('\n').filter((l) => /^[-+]\|/.test(l));
  const today = new Date();
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  assert.deepEqual(diff, ['-| 2 | `not_started` | | | |', `+| 2 | \`in_progress\` | dave | ${iso} | |`]);
  const t = readFileSync(path.join(dir, tracking('2')), 'utf8');
  assert.match(t, new RegExp(`- Base commit: \`${head}\``));
  assert.match(t, new RegExp(`- Started: ${iso}`));
  const state = snapshot(dir);
  const trackingBytes = readFileSync(path.join(dir, tracking('2')));

  const second = await cliJson(['start', '2', '--root', dir, '--owner', '@DAVE']);
  assert.deepEqual([second.code, second.json.decision, second.json.started, second.json.written], [0, 'resume', false, []]);
  assert.equal(snapshot(dir), state);
  assert.deepEqual(readFileSync(path.join(dir, tracking('2'))), trackingBytes);

  const other = await cli(['start', '2', '--root', dir, '--owner', 'erin']);
  assert.equal(other.code, 4);
  assert.match(other.stdout, /CONFLICT\n  in progress by dave since/);
  assert.equal(snapshot(dir), state);
});

test('start: noop, conflict and blocked exit 3, 4, 5 and change nothing; a missing row is added', async () => {
  const dir = gitCopy(METAL, 'dave');
  for (const [id, code] of [['0', 3], ['1', 4], ['4', 5]] as const) {
    const r = await cli(['start', id, '--root', dir]);
    assert.equal(r.code, code, `milestone ${id}`);
    assert.match(r.stdout, /Not started; nothing changed\./);
    assert.equal(git(dir, 'status', '--porcelain'), '');
  }
  const r = await cli(['start', '7', '--root', dir]);
  assert.equal(r.code, 0);
  const added = git(dir, 'diff', '-U0', STATUS).split('\n').filter((l) => /^[-+]\|/.test(l));
  assert.equal(added.length, 1);
  assert.match(added[0]!, /^\+\| 7 \| `in_progress` \| dave \| \d{4}-\d\d-\d\d \| \|$/);
  assert.match(git(dir, 'diff', STATUS), /\| 6 \| `not_started` \| \| \| \|\n\+\| 7 \|/);
});

test('documents that disagree: both are reported and the stricter decision applies', async () => {
  const dir = gitCopy(METAL, 'dave');
  writeFileSync(path.join(dir, tracking('3')), '# Milestone 3\n\n- Status: completed\n- Owner: erin\n');
  const { code, json } = await cliJson(['preflight', '3', '--root', dir]);
  assert.equal(code, 3);
  assert.equal(json.decision, 'noop');
  assert.equal(json.sources.status.decision, 'ready');
  assert.equal(json.sources.tracking.decision, 'noop');
  assert.match(json.disagreement, /STATUS\.md says not started/);
});

test('usage errors exit 2; unexpected failures exit 1', async () => {
  const none = await cli([]);
  assert.equal(none.code, 2);
  assert.match(none.stdout, /Usage: milestone-scope <command>/);
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /preflight +decide ready/);
  const cmdHelp = await cli(['start', '--help']);
  assert.equal(cmdHelp.code, 0);
  assert.match(cmdHelp.stdout, /Usage: milestone-scope start <ID>/);
  for (const args of [['frobnicate'], ['show'], ['show', '1', '2', '--root', METAL], ['list', '--bogus'], ['preflight', '99', '--root', METAL], ['list', '--root', path.join(METAL, 'no-such-dir')]]) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.ok(r.stderr.length > 0, args.join(' '));
  }
  const unknown = await cli(['preflight', '99', '--root', METAL]);
  assert.match(unknown.stderr, /milestone "99" is not in docs\/metal-backend-optimization-milestones\.md \(milestones: 0, 1, 2, 3, 4, 5, 6, 7\)/);
  const dir = gitCopy(METAL);
  rmSync(path.join(dir, STATUS));
  mkdirSync(path.join(dir, STATUS));
  // A folder where a document is expected is bad input (it was an unexpected EISDIR once).
  const broken = await cli(['list', '--root', dir]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /STATUS\.md is a folder, not a file/);
});

test('malformed documents: problems with file and line, in JSON and on stderr', async () => {
  const dir = gitCopy(METAL);
  const catalog = path.join(dir, 'docs/metal-backend-optimization-milestones.md');
  writeFileSync(catalog, readFileSync(catalog, 'utf8').replace('- Milestone 6 -> work item 6', '- Milestone 6 -> work item 60').replace('`crates/metal-backend/src/stacked_pcs.rs:129`', '`crates/metal-backend/src/stacked_pcs.rs:0`'));
  writeFileSync(path.join(dir, '.milestone-scope.yaml'), 'crate: 7\nchecks: []\nprofle: x\n');
  const { code, json } = await cliJson(['list', '--root', dir]);
  assert.equal(code, 0);
  assert.deepEqual(json.problems.map((p: any) => `${p.file}:${p.line}:${p.severity}:${p.code}`), [
    '.milestone-scope.yaml:1:error:config/type',
    '.milestone-scope.yaml:3:warning:config/unknown-key',
    'docs/metal-backend-optimization-milestones.md:20:error:catalog/hotspot-bad-line',
    'docs/metal-backend-optimization-milestones.md:76:information:catalog/unmapped-work-item',
    'docs/metal-backend-optimization-milestones.md:92:error:catalog/unknown-work-item',
  ]);
  const human = await cli(['list', '--root', dir]);
  assert.match(human.stderr, /^\.milestone-scope\.yaml:1:\d+: error: crate must be a non-empty string \[config\/type\]$/m);
  assert.match(human.stderr, /^docs\/metal-backend-optimization-milestones\.md:92:\d+: error: milestone 6 maps to work item 60/m);
});

test('a differently laid out repository works through its configuration', async () => {
  const dir = gitCopy(ALT, 'Frank');
  const { code, json } = await cliJson(['list', '--root', dir]);
  assert.equal(code, 0);
  assert.equal(json.config, '.milestone-scope.yaml');
  assert.deepEqual(json.problems, []);
  assert.deepEqual(json.milestones.map((m: any) => [m.id, m.kind, m.hotspots.map((h: any) => `${h.path}:${h.line}-${h.endLine}`)]), [
    ['0', 'baseline', []],
    ['1', 'work-items', ['gpu/prover-kernels/src/commit.rs:44-44', 'gpu/prover-kernels/src/commit.rs:45-45', 'gpu/prover-kernels/src/commit.rs:41-47']],
    ['2', 'work-items', ['gpu/prover-kernels/src/dispatch.rs:23-26', 'gpu/prover-kernels/src/dispatch.rs:38-43']],
    ['3', 'work-items', ['gpu/prover-kernels/src/commit.rs:61-61', 'gpu/prover-kernels/src/commit.rs:62-66']],
    ['4', 'validation', []],
  ]);
  const show = await cliJson(['show', '2', '--root', dir]);
  assert.deepEqual(show.json.commands, { checks: ['cargo check -p acme-gpu-kernels', 'cargo test -p acme-gpu-kernels --test roundtrip'], profile: 'cargo run -p acme-gpu-kernels --example profile' });
  assert.equal((await cli(['preflight', '1', '--root', dir, '--owner', 'erin'])).code, 0);
  assert.equal((await cli(['preflight', '4', '--root', dir])).code, 5);
  const start = await cli(['start', '2', '--root', dir]);
  assert.equal(start.code, 0);
  const board = git(dir, 'diff', '-U0', 'planning/progress/board.md').split('\n').filter((l) => /^[-+]\|/.test(l));
  assert.equal(board.length, 1);
  assert.match(board[0]!, /^\+\| M2 \| Frank    \| In Progress \| \d{4}-\d\d-\d\d \|                          \|$/);
  assert.match(readFileSync(path.join(dir, 'planning/progress/m2.md'), 'utf8'), /^# Milestone 2: Stage-level reduction dispatch\n\n- Status: In Progress\n- Owner: Frank\n/);

  writeFileSync(path.join(dir, '.milestone-scope.yaml'), readFileSync(path.join(dir, '.milestone-scope.yaml'), 'utf8').replace('gpu-roadmap.md', 'gpu-roadmap.yaml'));
  const yaml = await cliJson(['list', '--root', dir]);
  assert.equal(yaml.json.catalog, 'planning/gpu-roadmap.yaml');
  assert.deepEqual(yaml.json.problems, []);
  assert.deepEqual(yaml.json.milestones.map((m: any) => m.hotspots.length), [0, 3, 2, 2, 0]);
  assert.equal(yaml.json.milestones[2].status.status, 'in_progress');
});
