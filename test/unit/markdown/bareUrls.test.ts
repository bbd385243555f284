import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdownCatalog } from '../../../src/core/catalog/parse';

test('a bare blob address in a hotspot list is a reference; an ordinary address is not', () => {
  const text = [
    '## Milestone 3: Padding',
    '',
    'Hotspots:',
    '',
    '- Fresh allocation: https://github.com/acme/gpu-prover/blob/main/gpu/src/commit.rs#L61.',
    '- See https://example.com/notes for context, and `gpu/src/commit.rs:62-66`',
    '',
  ].join('\n');
  const catalog = parseMarkdownCatalog(text, 'planning/roadmap.md');
  const refs = catalog.workItems.flatMap((w) => w.hotspots).map((h) => `${h.path}:${h.line}-${h.endLine} @${h.source?.line}:${h.source?.column}`);
  assert.deepEqual(refs, ['gpu/src/commit.rs:61-61 @5:21', 'gpu/src/commit.rs:62-66 @6:50']);
});
