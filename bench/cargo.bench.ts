/**
 * Cargo run figures: classifying cargo's JSON stdout (diagnostics among program output), recording
 * a run in a tracking file that already holds the maximum number of rows, and the whole output
 * pipeline (child process -> lines -> classification -> capture file) on a chatty program.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCargoLine } from '../src/core/cargo/messages';
import { executeCargo } from '../src/core/cargo/validation';
import { TraceCapture } from '../src/core/cargo/profileRuns';
import { MAX_RECORDED_RUNS, recordRunInText } from '../src/core/cargo/validationRecord';

const DIAGNOSTIC = JSON.stringify({
  reason: 'compiler-message',
  package_id: 'path+file:///repo/crates/metal-backend#openvm-metal-backend@2.0.1',
  message: {
    message: 'mismatched types',
    code: { code: 'E0308', explanation: 'Expected type did not match the received type.\n'.repeat(20) },
    level: 'error',
    spans: [{ file_name: 'crates/metal-backend/src/merkle_tree.rs', line_start: 97, line_end: 97, column_start: 31, column_end: 44, is_primary: true, label: 'expected `u32`', expansion: null }],
    children: [{ message: 'expected type `u32`', level: 'note', spans: [], children: [] }],
    rendered: '\u001b[1m\u001b[91merror[E0308]\u001b[0m: mismatched types\n  --> crates/metal-backend/src/merkle_tree.rs:97:31\n',
  },
});
const TEXT = 'INFO     │        ┝━ rs_code_matrix [ 149ms | 38.36% ]';

function time(label: string, runs: number, fn: () => void): number {
  fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${label.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms/run  (${runs} runs)`);
  return ms;
}

export async function main(): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) lines.push(i % 20 === 0 ? DIAGNOSTIC : TEXT);
  const ms = time('classify 100k stdout lines (5% diagnostics)', 5, () => {
    for (const l of lines) parseCargoLine(l, '/repo');
  });
  console.log(`${'  = lines per second'.padEnd(58)} ${Math.round(100_000 / (ms / 1000)).toLocaleString('en-US').padStart(12)}`);

  let doc = '# Milestone 2\n\n## Validation\n\n- [ ] `cargo check -p openvm-metal-backend`\n\n## Timing deltas\n';
  const run = { command: 'cargo check -p openvm-metal-backend', outcome: 'passed' as const, exitCode: 0, durationMs: 3200, date: new Date() };
  for (let i = 0; i < MAX_RECORDED_RUNS; i++) doc = recordRunInText(doc, run);
  time(`record one run (section already at ${MAX_RECORDED_RUNS} rows)`, 2000, () => recordRunInText(doc, run));

  // A program printing 200k lines through the whole pipeline, into a capture file.
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-bench-cargo-'));
  try {
    const program = `const l = ${JSON.stringify(TEXT)} + '\\n'; let s = ''; for (let i = 0; i < 200000; i++) { s += l; if (s.length > 65536) { process.stdout.write(s); s = ''; } } process.stdout.write(s);`;
    const capture = new TraceCapture(path.join(dir, 'capture.txt'));
    let count = 0;
    const start = performance.now();
    await executeCargo(
      { args: ['-e', program], env: {}, package: '', json: true, display: 'node -e …' },
      dir,
      dir,
      { cargo: process.execPath, capture, onLine: () => count++ },
    );
    await capture.close();
    const total = performance.now() - start;
    console.log(`${'stream 200k lines: process, classify, capture'.padEnd(58)} ${total.toFixed(1).padStart(9)} ms  (${count} lines, ${Math.round(count / (total / 1000)).toLocaleString('en-US')} lines/s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
