/**
 * Core document figures: catalog and STATUS.md parsing, a surgical status edit and a full
 * workspace load, on the fixture and on synthetic documents far larger than real ones.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCatalog } from '../src/core/catalog/parse';
import { computeStatusEdits, parseStatus } from '../src/core/status';
import { loadWorkspace } from '../src/core/workspace';

const METAL = path.join(__dirname, '..', 'test', 'fixtures', 'stark-backend-metal');
const CATALOG = 'docs/metal-backend-optimization-milestones.md';
const STATUS = 'docs/metal-backend-optimization-tracking/STATUS.md';

function time<T>(label: string, runs: number, fn: () => T): void {
  fn(); // warm up
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${label.padEnd(52)} ${ms.toFixed(3).padStart(9)} ms/run  (${runs} runs)`);
}

function syntheticCatalog(items: number): string {
  const out: string[] = ['# Synthetic catalog', ''];
  for (let i = 1; i <= items; i++) {
    out.push(`${i}) Work item ${i}`, '- Current hotspots:');
    for (let h = 0; h < 4; h++) out.push(`  - Label ${h}: \`crates/x/src/file_${i % 50}.rs:${10 + h * 7}\``);
    out.push('- Problem:', `  - Problem text for item ${i}.`, '- Target:', `  - Target text for item ${i}.`, '');
  }
  out.push('Milestone-to-work mapping:');
  for (let i = 1; i <= items; i++) out.push(`- Milestone ${i} -> work item ${i}`);
  return out.join('\n') + '\n';
}

function syntheticStatus(rows: number): string {
  const out = ['| Milestone | Status | Owner | Started | Notes |', '|---|---|---|---|---|'];
  for (let i = 0; i < rows; i++) out.push(`| ${i} | \`${i % 3 ? 'not_started' : 'completed'}\` | ${i % 3 ? '' : 'alice'} | | note ${i} |`);
  return out.join('\n') + '\n';
}

export async function main(): Promise<void> {
  console.log('core documents');
  const catalog = readFileSync(path.join(METAL, CATALOG), 'utf8');
  const status = readFileSync(path.join(METAL, STATUS), 'utf8');
  time('parse fixture catalog (6 items, 21 hotspots)', 200, () => parseCatalog(catalog, CATALOG));
  const big = syntheticCatalog(500);
  time('parse synthetic catalog (500 items, 2000 hotspots)', 5, () => parseCatalog(big, 'big.md'));
  time('parse fixture STATUS.md', 500, () => parseStatus(status, STATUS));
  const bigStatus = syntheticStatus(2000);
  time('parse synthetic STATUS.md (2000 rows)', 5, () => parseStatus(bigStatus, 'S.md'));
  const doc = parseStatus(bigStatus, 'S.md');
  time('edit one row of a 2000-row STATUS.md', 20, () => computeStatusEdits(doc, '1500', { status: 'in_progress', owner: 'dave', started: '2026-11-24' }));
  const start = performance.now();
  const runs = 20;
  for (let i = 0; i < runs; i++) await loadWorkspace(METAL);
  console.log(`${'loadWorkspace(stark-backend-metal fixture)'.padEnd(52)} ${((performance.now() - start) / runs).toFixed(3).padStart(9)} ms/run  (${runs} runs)`);
}

if (require.main === module) void main();
