// Fuzzing of the document parsers: configuration, catalog (markdown and YAML), STATUS.md, tracking
// files and the allowed-files section. Seeds are the fixture workspaces' own documents.
import { test } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../../src/core/config';
import { parseMarkdownCatalog, parseYamlCatalog } from '../../../src/core/catalog/parse';
import { parseStatus } from '../../../src/core/status';
import { parseTracking } from '../../../src/core/tracking';
import { parseAllowedFiles } from '../../../src/core/scope/allowed';
import { assertLocations, assertProblems, fixture, fuzz, generated, mutated, windows } from './harness';

const MAIN_DOCS = ['stark-backend-metal', 'docs'];
const TRACKING_DIR = [...MAIN_DOCS, 'metal-backend-optimization-tracking'];

const CONFIG_SEEDS = [
  fixture('alt-layout', '.milestone-scope.yaml'),
  [
    'catalog: docs/metal-backend-optimization-milestones.md',
    'status: docs/metal-backend-optimization-tracking/STATUS.md',
    'tracking: docs/metal-backend-optimization-tracking/milestone-{id}.md',
    'crate: openvm-metal-backend',
    'pins:',
    '  "p3-*": "=0.4.1"',
    'checks: ["cargo check -p openvm-metal-backend", "cargo test -p openvm-metal-backend --test ntt_roundtrip"]',
    'profile: cargo run -p openvm-metal-backend --example keccakf',
    'relevantTests: {}',
    '',
  ].join('\n'),
];
const CONFIG_DICT = ['catalog: ../outside.md', 'catalog: /etc/passwd', 'status: [a, b]', 'tracking: x.md', 'crate: "bad name!"', 'pins: 3', '  - label: x', '    command: test', '    args: [--workspace]', '- ', ': :', '&a [*a, *a]', '<<: *a', '? complex', '!!binary AAAA', '"\\u0000"', '{', '}', '---', '...', '%YAML 1.2'];

test('configuration: mutated .milestone-scope.yaml never crashes', () => {
  fuzz('config', fc.oneof(mutated(CONFIG_SEEDS, CONFIG_DICT), generated(CONFIG_DICT)), (t) => parseConfig(t, '.milestone-scope.yaml'), (r) => {
    assertProblems(r.problems, 'config');
    assertLocations(r);
  });
});

// Windows of the catalogs keep each parse short (markdown parsing dominates); the whole files are seeds too.
const CATALOG_MD_FILES = [fixture(...MAIN_DOCS, 'metal-backend-optimization-milestones.md'), fixture('alt-layout', 'planning', 'gpu-roadmap.md')];
const CATALOG_MD = [...CATALOG_MD_FILES, ...CATALOG_MD_FILES.flatMap((t) => windows(t, 25, 8))];
const CATALOG_MD_DICT = [
  '## Work item 3: x',
  '### 12. Something',
  'Milestone 99 -> work item 3',
  'Milestone 1 → work item 0',
  '- Hotspot: `crates/metal-backend/src/stacked_pcs.rs:110`',
  '- `../../etc/passwd:1`',
  '- `/abs/file.rs:0`',
  '- `a.rs:99999999999999999999`',
  '- `a.rs:5-2`',
  '[x](../x.rs#L3)',
  '| Milestone | Work item |',
  '|---|---|',
  '| 1 | 2 |',
  '**Problem:**',
  '**Target:** 2x',
  '```rust',
  '```',
  '<!-- milestone-scope:x:start -->',
  '<!-- milestone-scope:x:end -->',
  '> quote',
  '* * *',
];
test('catalog: mutated markdown catalogs never crash', () => {
  fuzz('catalog-markdown', fc.oneof({ weight: 4, arbitrary: mutated(CATALOG_MD, CATALOG_MD_DICT) }, { weight: 1, arbitrary: generated(CATALOG_MD_DICT) }), (t) => parseMarkdownCatalog(t, 'docs/catalog.md'), (r) => {
    assertProblems(r.problems, 'catalog-markdown');
    assertLocations(r);
  });
});

const CATALOG_YAML = [fixture('alt-layout', 'planning', 'gpu-roadmap.yaml')];
const CATALOG_YAML_DICT = ['workItems:', 'milestones:', '  - id: 1', '    workItem: 99', '    hotspots: [a.rs:1]', '    hotspots: ["../x.rs:1"]', '    title: [1, 2]', '  - {}', '  - null', 'id: -1', 'x: &a [*a]', '- - -', ': ', '"', "'", '{a: b', '---', '...'];
test('catalog: mutated YAML catalogs never crash', () => {
  fuzz('catalog-yaml', fc.oneof({ weight: 4, arbitrary: mutated(CATALOG_YAML, CATALOG_YAML_DICT) }, { weight: 1, arbitrary: generated(CATALOG_YAML_DICT) }), (t) => parseYamlCatalog(t, 'planning/roadmap.yaml'), (r) => {
    assertProblems(r.problems, 'catalog-yaml');
    assertLocations(r);
  });
});

const STATUS_SEEDS = [fixture(...TRACKING_DIR, 'STATUS.md'), fixture('alt-layout', 'planning', 'progress', 'board.md')];
const STATUS_DICT = ['| Milestone | Status | Owner | Started | Notes |', '|---|:---:|---|---|---|', '| M9 | in_progress | @x | 2026-01-01 | |', '| 3 | `blocked` | | | a \\| b |', '|', '||||', '| M1 | done |', '- M2: in progress (@bob, since 2026-11-20)', '- **Milestone 5** — blocked', '`not_started`', '| | | | | | | |'];
test('STATUS.md: mutated status documents never crash', () => {
  fuzz('status', fc.oneof({ weight: 4, arbitrary: mutated(STATUS_SEEDS, STATUS_DICT) }, { weight: 1, arbitrary: generated(STATUS_DICT) }), (t) => parseStatus(t, 'docs/STATUS.md'), (r) => {
    assertProblems(r.problems, 'status');
    assertLocations(r.entries);
    assertLocations(r.layout);
  });
});

const TRACKING_SEEDS = ['milestone-0.md', 'milestone-1.md', 'milestone-4.md'].map((f) => fixture(...TRACKING_DIR, f)).concat(fixture('alt-layout', 'planning', 'progress', 'm1.md'));
const TRACKING_DICT = ['- Status: in_progress', '- **Owner**: @x', '**Started:** 2026-01-01', '- Status: `weird`', '- Base: abc123', '- Completed: ', '- Reason: waiting', '## Validation', '| When | Command | Outcome |', '<!-- milestone-scope:allowed-files:start -->', '<!-- milestone-scope:allowed-files:end -->', '- `crates/x/**` — reason', '- `../escape/**`'];
test('tracking files: mutated tracking documents never crash', () => {
  fuzz('tracking', fc.oneof({ weight: 4, arbitrary: mutated(TRACKING_SEEDS, TRACKING_DICT) }, { weight: 1, arbitrary: generated(TRACKING_DICT) }), (t) => parseTracking(t, 'docs/milestone-1.md'), (r) => {
    assertProblems(r.problems, 'tracking');
    assertLocations(r.fields);
  });
});

test('allowed-files section: mutated tracking documents never crash', () => {
  fuzz('allowed-files', mutated(TRACKING_SEEDS, TRACKING_DICT), (t) => parseAllowedFiles(t, 'docs/milestone-1.md'), (r) => assertLocations(r));
});
