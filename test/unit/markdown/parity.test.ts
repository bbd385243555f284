// The markdown parser (markdown-it, with source positions added) against micromark's GFM parser,
// which the documents were read with before: same nodes, same positions, on real documents and on
// mutated and generated ones. Deliberate differences are listed in ./project.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { parseMarkdown } from '../../../src/core/markdown';
import { FIXTURES, fixture, mutated, windows } from '../fuzz/harness';
import { outline, referenceSites } from './project';

const ROOT = path.join(__dirname, '..', '..', '..');

function micromark(text: string) {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'target' || name === 'node_modules' ? [] : markdownFiles(p);
    return name.endsWith('.md') ? [p] : [];
  });
}

test('every markdown document of the fixtures and the docs parses to the same outline as micromark', () => {
  const files = [...markdownFiles(FIXTURES), ...markdownFiles(path.join(ROOT, 'docs')), path.join(ROOT, 'README.md')];
  assert.ok(files.length >= 20, `found ${files.length} documents`);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.deepEqual(outline(parseMarkdown(text)), outline(micromark(text)), path.relative(ROOT, f));
  }
});

const SEEDS = [
  fixture('stark-backend-metal', 'docs', 'metal-backend-optimization-milestones.md'),
  fixture('alt-layout', 'planning', 'gpu-roadmap.md'),
  fixture('stark-backend-metal', 'docs', 'metal-backend-optimization-tracking', 'STATUS.md'),
].flatMap((t) => windows(t, 25, 8));
const DICT = ['- Hotspot: `crates/a.rs:110`', '[x](../x.rs#L3)', '| Milestone | Work item |', '|---|---|', '| 1 | 2 |', '**Problem:**', '```rust', '```', '<!-- x -->', '> quote', '* * *', '1) a', '  - b', '\t- c', '# h', 'para *em* **strong** ~~del~~ `code`', 'x\\|y', '<div>', 'a  ', 'b\\'];

test('mutated catalogs and status tables: the same outline as micromark (2,000 inputs)', () => {
  fc.assert(
    fc.property(mutated(SEEDS, DICT), (text) => {
      assert.deepEqual(outline(parseMarkdown(text)), outline(micromark(text)));
    }),
    { numRuns: 2000, seed: 42 },
  );
});

const PIECES = ['a', 'word ', ' ', '  ', '\n', '\n\n', '\n  ', '*', '**', '_', '__', '~~', '`', '``', '\\', '\\*', '\\|', '&amp;', '&#42;', '&bogus;', '[', ']', '(', ')', '[x](a.rs#L3)', '[`a.rs:1`](b.rs)', '![i](p.png)', '`crates/a/src/b.rs:12`', 'crates/a.rs:5', '- ', '1) ', '> ', '# ', '|', '| a | b |\n|---|---|\n', 'é'];

test('generated inline markup: inline code and links at the same places as micromark (10,000 inputs)', () => {
  const arb = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((xs) => xs.join(''));
  fc.assert(
    fc.property(arb, (text) => {
      assert.deepEqual(referenceSites(parseMarkdown(text)), referenceSites(micromark(text)));
    }),
    { numRuns: 10_000, seed: 7 },
  );
});

test('a code span after an unclosed bracket is still code (markdown-it alone loses it)', () => {
  const sites = referenceSites(parseMarkdown('see [notes `a.rs:10` and the `b'));
  assert.deepEqual(sites, ['code "a.rs:10" @1:12-1:21']);
  assert.deepEqual(referenceSites(parseMarkdown('_[\n`crates/a.rs:5`x`y')), ['code "crates/a.rs:5" @2:1-2:16']);
});

test('positions: CRLF and lone CR lines, a byte-order mark, tabs, escaped pipes in table cells', () => {
  assert.deepEqual(referenceSites(parseMarkdown('- a\r\n- `x.rs:1` b\r\n')), ['code "x.rs:1" @2:3-2:11']);
  assert.deepEqual(referenceSites(parseMarkdown('a\rb `x.rs:1`\r')), ['code "x.rs:1" @2:3-2:11']);
  const bom = parseMarkdown('\uFEFF# Title `x.rs:2`\n');
  assert.equal(bom.children[0]!.type, 'heading');
  assert.deepEqual(referenceSites(bom), ['code "x.rs:2" @1:10-1:18']);
  assert.deepEqual(referenceSites(parseMarkdown('-\t`x.rs:3`\n')), ['code "x.rs:3" @1:3-1:11']);
  const table = parseMarkdown('| a \\| b | `c.rs:4` |\n|---|---|\n| `d\\|e` | f |\n');
  assert.deepEqual(referenceSites(table), ['code "c.rs:4" @1:12-1:20', 'code "d|e" @3:3-3:9']);
});
