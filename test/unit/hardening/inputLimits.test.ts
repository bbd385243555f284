// Inputs at the limits: an over-long trace line, a configuration with tens of thousands of keys or a
// giant key, markdown nested deeper than the parser's limit, document problems that `start` must
// print, and every spelling of a target directory outside the workspace in a per-crate check.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { parseMarkdownCatalog } from '../../../src/core/catalog/markdownCatalog';
import { InputError } from '../../../src/core/problems';
import { nodeText, parseMarkdown } from '../../../src/core/markdown';
import { LineSplitter } from '../../../src/core/trace/lines';
import { parseTraceStream } from '../../../src/core/trace/parse';
import { cleanup, fixtureCopy, runCli } from './hostileHelpers';

after(cleanup);

test('trace lines: a line over the bound is an input error at its line number, not a RangeError', () => {
  const lines: number[] = [];
  const s = new LineSplitter((_l, n) => lines.push(n), { maxLineChars: 100 });
  s.push('short\nok\n');
  assert.throws(
    () => {
      for (let i = 0; i < 5; i++) s.push('\0'.repeat(40));
    },
    (e: unknown) => e instanceof InputError && /line 3/.test((e as Error).message) && /longer than/.test((e as Error).message),
  );
  assert.deepEqual(lines, [1, 2]);
  // One chunk holding the whole over-long line is caught too.
  const t = new LineSplitter(() => {}, { maxLineChars: 100 });
  assert.throws(() => t.push('x'.repeat(150) + '\n'), InputError);
});

test('trace lines: a forest trace padded with NULs (no newline) is refused with the file and line', async () => {
  async function* chunks() {
    yield 'INFO     stark_prove [ 10ms | 100.00% ]\n';
    for (let i = 0; i < 8; i++) yield '\0'.repeat(64 * 1024);
  }
  await assert.rejects(parseTraceStream(chunks(), { source: 'padded.txt', maxLineChars: 256 * 1024 }), (e: unknown) => e instanceof InputError && /padded\.txt/.test((e as Error).message) && /line 2\b/.test((e as Error).message));
});

test('yaml: tens of thousands of unknown keys give a bounded list of problems', () => {
  const keys = Array.from({ length: 30_000 }, (_, i) => `key${i}: ${i}`).join('\n');
  const { problems } = parseConfig(`catalog: docs/c.md\n${keys}\n`, '.milestone-scope.yaml');
  assert.ok(problems.length <= 30, `${problems.length} problems`);
  assert.ok(problems.some((p) => p.code === 'config/unknown-key' && p.line === 2));
  assert.ok(problems.some((p) => /29,?980 more unknown keys/.test(p.message)), 'the rest are counted in one problem');
});

test('yaml: a duplicate among tens of thousands of keys is still reported at its line', () => {
  const keys = Array.from({ length: 30_000 }, (_, i) => `key${i}: ${i}`).join('\n');
  const { problems } = parseConfig(`catalog: docs/c.md\n${keys}\nkey5: again\n`, '.milestone-scope.yaml');
  assert.deepEqual(problems.map((p) => [p.line, p.message]), [[30_002, 'Map keys must be unique']]);
});

test('yaml: a giant key is not echoed whole and gets no "did you mean"', () => {
  // An explicit key (`? key`) has no 1024-character limit.
  const giant = 'c'.repeat(200_000);
  const { problems } = parseConfig(`? ${giant}\n: 1\n`, '.milestone-scope.yaml');
  assert.equal(problems.length, 1);
  assert.ok(problems[0]!.message.length < 300, `message of ${problems[0]!.message.length} characters`);
  const near = parseConfig('catalgo: x\n', '.milestone-scope.yaml').problems[0]!;
  assert.match(near.message, /did you mean "catalog"/);
});

function nestedList(depth: number): string {
  return Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}`).join('\n');
}
function nestedQuote(depth: number): string {
  return `${'> '.repeat(depth)}deep quote`;
}

const CATALOG_TAIL = [
  '1) Batch copies',
  '- Current hotspot:',
  '  - `crates/x/src/a.rs:10`',
  '- Problem:',
  '  - slow.',
  '- Target:',
  '  - fast.',
  '',
  'Milestone-to-work mapping:',
  '- Milestone 1 -> work item 1',
  '',
].join('\n');

for (const [kind, make] of [['list', nestedList], ['blockquote', nestedQuote]] as const) {
  test(`markdown: a ${kind} nested 30 deep no longer cuts the rest of the catalog`, () => {
    const text = `# Plan\n\n${make(30)}\n\n${CATALOG_TAIL}`;
    const c = parseMarkdownCatalog(text, 'docs/plan.md');
    assert.equal(c.milestones.length, 1, JSON.stringify(c.problems));
    assert.equal(c.workItems.length, 1);
    assert.deepEqual(c.problems.filter((p) => p.code === 'markdown/too-deep'), []);
    // The innermost content is read too.
    assert.match(nodeText(parseMarkdown(text)), kind === 'list' ? /level 30/ : /deep quote/);
  });
  test(`markdown: a ${kind} nested 150 deep is reported at the line where content is cut`, () => {
    const text = `# Plan\n\n${make(150)}\n\n${CATALOG_TAIL}`;
    const c = parseMarkdownCatalog(text, 'docs/plan.md');
    const cut = c.problems.filter((p) => p.code === 'markdown/too-deep');
    assert.equal(cut.length, 1, JSON.stringify(c.problems));
    assert.ok(cut[0]!.line >= 3 && cut[0]!.line <= 153, `line ${cut[0]!.line}`);
    assert.equal(cut[0]!.severity, 'warning');
  });
}

test('start prints the document problems list prints (a configuration path leaving the workspace)', async () => {
  const root = fixtureCopy();
  writeFileSync(path.join(root, '.milestone-scope.yaml'), 'status: ../../elsewhere/STATUS.md\n');
  const list = await runCli(root, 'list');
  const m = /outside the workspace|leads outside|outside/.exec(list.stderr);
  assert.ok(m, list.stderr);
  const start = await runCli(root, 'start', '2', '--owner', 'dana', '--local');
  assert.match(start.stderr, /\.milestone-scope\.yaml:\d+|status/, start.stderr);
  assert.ok(start.stderr.includes(list.stderr.split('\n').find((l) => /outside/.test(l))!.trim()), `start's stderr:\n${start.stderr}\nlist's:\n${list.stderr}`);
});

const ESCAPES: Array<[string, string]> = [
  ['env CARGO_TARGET_DIR', 'env: { CARGO_TARGET_DIR: /tmp/elsewhere }'],
  ['env CARGO_BUILD_TARGET_DIR', 'env: { CARGO_BUILD_TARGET_DIR: /tmp/elsewhere }'],
  ['env CARGO_BUILD_BUILD_DIR', 'env: { CARGO_BUILD_BUILD_DIR: ../../x }'],
  ['--config build.target-dir=', 'args: ["--config", "build.target-dir=/tmp/elsewhere"]'],
  ['--config=build.target-dir=', 'args: ["--config=build.target-dir=/tmp/elsewhere"]'],
  ['--config with a quoted TOML value', `args: ["--config", 'build.target-dir="/tmp/elsewhere"']`],
  ['--config with spaces around =', `args: ["--config", 'build.target-dir = "../../up"']`],
  ['--config with an inline table', `args: ["--config", 'build = { target-dir = "/tmp/x" }']`],
  ['--config with a quoted key', `args: ["--config", '"build"."target-dir"="/tmp/x"']`],
  ['--config build.build-dir', 'args: ["--config", "build.build-dir=/tmp/x"]'],
  ['--config naming a file outside', 'args: ["--config", "/tmp/other-cargo-config.toml"]'],
  ['-Zunstable-options --artifact-dir', 'args: ["-Zunstable-options", "--artifact-dir", "/tmp/x"]'],
  ['-Z unstable-options --artifact-dir=', 'args: ["-Z", "unstable-options", "--artifact-dir=/tmp/x"]'],
  ['--target-dir=', 'args: ["--target-dir=/tmp/x"]'],
];

for (const [what, spec] of ESCAPES) {
  test(`target dir escapes: ${what} in a check is refused`, () => {
    const text = `checks:\n  - command: check\n    package: openvm-metal-backend\n    ${spec}\n`;
    const { config, problems } = parseConfig(text, '.milestone-scope.yaml', { root: process.cwd() });
    const refused = problems.filter((p) => p.code === 'config/outside-workspace');
    assert.equal(refused.length, 1, JSON.stringify(problems));
    assert.equal(refused[0]!.line, 2);
    assert.ok(!config.checks.some((c) => JSON.stringify(c).includes('/tmp') || JSON.stringify(c).includes('../')), 'the check is not used');
  });
}

test('target dir escapes: the same spellings inside the workspace, and the command-line form, are fine / refused alike', () => {
  const ok = parseConfig('checks:\n  - command: check\n    package: p\n    env: { CARGO_TARGET_DIR: target/alt, RUST_LOG: info }\n    args: ["--config", "build.target-dir=\\"target/b\\"", "--config", "profile.dev.opt-level=1"]\n', '.milestone-scope.yaml', { root: process.cwd() });
  assert.deepEqual(ok.problems, []);
  const line = parseConfig('checks:\n  - cargo check -p p --config build.target-dir=/tmp/x\n', '.milestone-scope.yaml', { root: process.cwd() });
  assert.equal(line.problems.filter((p) => p.code === 'config/outside-workspace').length, 1, JSON.stringify(line.problems));
});
