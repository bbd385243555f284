import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCatalog } from '../../../src/core/catalog/parse';
import { parseYamlCatalog } from '../../../src/core/catalog/yamlCatalog';
import { ALT, fixtureText } from './helpers';

const strip = (c: ReturnType<typeof parseCatalog>) => ({
  milestones: c.milestones.map((m) => [m.id, m.scope.kind, m.title, m.scope.kind === 'work-items' ? m.scope.workItems : []]),
  hotspots: c.workItems.map((w) => [w.id, w.title, w.hotspots.map((h) => [h.path, h.line, h.endLine, h.label])]),
});

test('the YAML catalog defines the same milestones and hotspots as its markdown twin', () => {
  const yaml = parseCatalog(fixtureText(ALT, 'planning/gpu-roadmap.yaml'), 'planning/gpu-roadmap.yaml');
  const md = parseCatalog(fixtureText(ALT, 'planning/gpu-roadmap.md'), 'planning/gpu-roadmap.md');
  assert.deepEqual(yaml.problems, []);
  const y = strip(yaml);
  const m = strip(md);
  assert.deepEqual(y.milestones, m.milestones);
  // Same references; labels differ only where the markdown uses a link's text.
  assert.deepEqual(
    y.hotspots.map(([id, , hs]) => [id, (hs as unknown[][]).map((h) => h.slice(0, 3))]),
    m.hotspots.map(([id, , hs]) => [id, (hs as unknown[][]).map((h) => h.slice(0, 3))]),
  );
  const w1 = yaml.workItems[0]!;
  assert.deepEqual(w1.hotspots.map((h) => h.label), [undefined, 'Per-column wait', 'Loop body']);
  assert.deepEqual(w1.problem, ['Every column is blitted and waited for on its own.']);
  assert.equal(w1.line, 3);
  assert.equal(w1.hotspots[1]!.source.line, 7);
});

test('wrong types, unknown keys and bad hotspots are problems at their lines', () => {
  const text = [
    'workItems:', // 1
    '  - id: 1', // 2
    '    title: [not, a, string]', // 3
    '    hotspots:', // 4
    '      - a/b.rs:12-3', // 5
    '      - { path: a/b.rs }', // 6
    '      - { path: a/b.rs, line: zero }', // 7
    '      - just words', // 8
    '      - a/c.rs:4', // 9
    '    owner: me', // 10
    '  - title: no id', // 11
    'milestones:', // 12
    '  - { id: 1, workItems: [1] }', // 13
    '  - { id: 2, kind: chores }', // 14
    '  - { id: 3, workItems: [7] }', // 15
    '  - { workItems: [1] }', // 16
    'extras: true', // 17
  ].join('\n');
  const c = parseYamlCatalog(text, 'c.yaml');
  const got = c.problems.map((p) => `${p.line}:${p.severity}:${p.code}`);
  assert.deepEqual(got, [
    '2:warning:catalog/no-title',
    '3:error:catalog/type',
    '5:error:catalog/hotspot',
    '6:error:catalog/hotspot',
    '7:error:catalog/hotspot',
    '7:error:catalog/type',
    '8:error:catalog/hotspot',
    '10:warning:catalog/unknown-key',
    '11:error:catalog/type',
    '14:error:catalog/type',
    '15:error:catalog/unknown-work-item',
    '16:error:catalog/type',
    '17:warning:catalog/unknown-key',
  ]);
  assert.deepEqual(c.workItems[0]!.hotspots.map((h) => `${h.path}:${h.line}`), ['a/c.rs:4']);
  assert.match(c.problems.find((p) => p.line === 14)!.message, /kind must be baseline, validation or other/);
});

test('YAML syntax errors carry their line and leave an empty catalog', () => {
  const c = parseYamlCatalog('workItems:\n  - id: 1\n    title: "unterminated\n', 'c.yaml');
  assert.ok(c.problems.some((p) => p.severity === 'error' && p.code === 'catalog/syntax' && p.line >= 3), JSON.stringify(c.problems));
  assert.deepEqual(c.workItems, []);
});
