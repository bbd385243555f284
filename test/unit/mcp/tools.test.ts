// The tool definitions shared by the MCP server and the editor's language-model tools.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { findTool, runTool, TOOLS } from '../../../src/mcp/tools';
import { gitCopy, METAL } from '../core/helpers';

const REPO = path.resolve(__dirname, '../../..');

test('package.json contributes every tool as a language-model tool with the same schema', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const contributed = pkg.contributes.languageModelTools as any[];
  assert.deepEqual(contributed.map((t) => t.name), TOOLS.map((t) => `milestoneScope_${t.name}`));
  for (const t of TOOLS) {
    const c = contributed.find((x) => x.name === `milestoneScope_${t.name}`);
    const schema = z.toJSONSchema(z.object(t.input)) as Record<string, unknown>;
    delete schema.$schema;
    assert.deepEqual(c.inputSchema, schema, `${t.name}: package.json inputSchema is out of date`);
    assert.equal(c.modelDescription, t.description);
    assert.equal(c.displayName, t.title);
  }
  assert.deepEqual(TOOLS.filter((t) => t.writes).map((t) => t.name), ['start_milestone', 'run_validation', 'complete_milestone']);
});

test('arguments outside the schema are bad input, before anything runs', async () => {
  const root = gitCopy(METAL);
  const pre = findTool('preflight')!;
  const unknownKey = await runTool(pre, { milestone: '2', force: true }, root);
  assert.equal(unknownKey.isError, true);
  assert.equal(unknownKey.outcome, 'bad-input');
  assert.match(unknownKey.text, /Unrecognized key/i);
  const wrongType = await runTool(findTool('run_validation')!, { kind: 'bench' }, root);
  assert.equal(wrongType.isError, true);
  assert.match(wrongType.text, /kind:/);
  const ok = await runTool(pre, { milestone: '2', owner: 'someone' }, root);
  assert.equal(ok.isError, false);
  assert.equal((ok.result as any).decision, 'ready');
  assert.equal((ok.result as any).me, 'someone');
  rmSync(root, { recursive: true, force: true });
});
