/**
 * Trace model benchmark: the sample traces scaled up to ~200,000 spans per format (tens of MB),
 * each parsed to a span tree in a fresh child process (`--expose-gc`), then aggregation and a diff
 * of two 200k-span traces, then the same Chrome JSON loaded in speedscope for comparison.
 *
 * Targets: forest text and Chrome JSON >= 100 MB/s, folded >= 200 MB/s, < 500 bytes of heap per
 * span, diff of two 200k-span traces < 500 ms. Throughput is bytes over wall time (best of the
 * timed runs; the median is printed too) and over process CPU time. `TRACE_BENCH_SPANS` changes
 * the size, `TRACE_BENCH_SKIP_SPEEDSCOPE=1` skips the browser.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { aggregate, diffTraces, parseTraceFile, type Trace, type TraceFormat } from '../src/core/trace';
import { CHROMIUM_ARGS, chromiumPath, startHarness, withTimeout } from './flame/harness';
import { SPANS_PER_COPY, writeScaled } from './traceScale';

const SPANS = Number(process.env.TRACE_BENCH_SPANS ?? 200_000);
const RUNS = 5;
const TARGET_MBS: Partial<Record<TraceFormat, number>> = { forest: 100, chrome: 100, folded: 200 };
const TARGET_BYTES_PER_SPAN = 500;
const TARGET_DIFF_MS = 500;

interface ParseResult {
  bytes: number;
  spans: number;
  wallMs: number[];
  cpuMs: number[];
  retainedPerSpan: number;
  peakPerSpan: number;
  /** The first parse in the fresh process (cold code, as a user's `milestone-scope trace` or Open Trace sees it). */
  coldMs: number;
}

interface AggResult {
  spans: number;
  aggregateMs: number[];
  diffMs: number[];
  diffRows: number;
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run the worker with --expose-gc');
  g();
  g();
};

/** In the child: memory first (in a fresh heap), then the timed runs. */
async function parseWorker(file: string): Promise<ParseResult> {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const cold0 = performance.now();
  let trace: Trace | undefined = await parseTraceFile(file, {
    onProgress: () => {
      const h = process.memoryUsage().heapUsed;
      if (h > peak) peak = h;
    },
  });
  const coldMs = performance.now() - cold0;
  gc();
  const retained = process.memoryUsage().heapUsed - base;
  const spans = trace.spanCount;
  const bytes = trace.bytes ?? 0;
  trace = undefined;
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    trace = await parseTraceFile(file);
    wallMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
    trace = undefined;
  }
  return { bytes, spans, wallMs, cpuMs, retainedPerSpan: retained / spans, peakPerSpan: (peak - base) / spans, coldMs };
}

async function aggWorker(baseFile: string, afterFile: string): Promise<AggResult> {
  const base = await parseTraceFile(baseFile);
  const after = await parseTraceFile(afterFile);
  const aggregateMs: number[] = [];
  const diffMs: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    gc();
    let t0 = performance.now();
    aggregate(base);
    aggregateMs.push(performance.now() - t0);
    gc();
    t0 = performance.now();
    rows = diffTraces(base, after).rows.length;
    diffMs.push(performance.now() - t0);
  }
  return { spans: Math.min(base.spanCount, after.spanCount), aggregateMs, diffMs, diffRows: rows };
}

async function child<T>(...args: string[]): Promise<T> {
  // execa is ESM-only: loaded dynamically from this CommonJS module.
  const { execa } = await import('execa');
  const r = await execa(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--worker', ...args], { cwd: path.join(__dirname, '..') });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => bytes / 1e6;

async function speedscopeImport(file: string): Promise<number> {
  const harness = await startHarness();
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const imported = new Promise<number>((resolve) => {
      page.on('console', (m) => {
        const match = /import:\s*([\d.]+)\s*ms/.exec(m.text());
        if (match) resolve(Number(match[1]));
      });
    });
    // Not `*.chrome.json`: speedscope forces its Chrome-timeline importer on that name.
    harness.addFile('trace-events.json', file);
    await page.goto(`${harness.url}/speedscope/index.html#profileURL=${encodeURIComponent(`${harness.url}/files/trace-events.json`)}`);
    return await withTimeout(imported, 600_000, 'speedscope did not finish importing in 10 minutes');
  } finally {
    await browser.close();
    await harness.close();
  }
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-bench-'));
  try {
    console.log(`load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${RUNS} timed runs per format, fresh process each)`);
    const files: Partial<Record<TraceFormat, string>> = {};
    const results: Partial<Record<TraceFormat, ParseResult>> = {};
    console.log('MB/s: first parse in a fresh process (what a user sees: cold code), then wall clock best and median of the warm timed runs');
    console.log('after it in the same process, and bytes per second of process CPU time (all threads).');
    console.log('heap: bytes per span kept by the parsed trace after GC, and at the peak while parsing (sampled per 1 MiB chunk).');
    console.log('format   size      spans    MB/s cold  MB/s best  MB/s median  MB/s CPU  heap B/span kept  peak   target');
    for (const format of ['forest', 'chrome', 'folded', 'fmt'] as TraceFormat[]) {
      const reps = Math.ceil(SPANS / SPANS_PER_COPY[format]);
      const file = path.join(dir, `scaled-${format}.${format === 'chrome' ? 'json' : 'txt'}`);
      await writeScaled(format, file, reps);
      files[format] = file;
      const r = await child<ParseResult>('parse', file);
      results[format] = r;
      const wall = mb(r.bytes) / (best(r.wallMs) / 1000);
      const cold = mb(r.bytes) / (r.coldMs / 1000);
      const med = mb(r.bytes) / (median(r.wallMs) / 1000);
      const cpu = mb(r.bytes) / (best(r.cpuMs) / 1000);
      const target = TARGET_MBS[format];
      const ok = (x: number) => (target !== undefined && x >= target ? 'met' : 'MISSED');
      const verdict =
        (target ? `>=${target} MB/s: wall ${ok(wall)}, per CPU-second ${ok(cpu)}` : 'no MB/s target') +
        `; <${TARGET_BYTES_PER_SPAN} B/span ${r.peakPerSpan < TARGET_BYTES_PER_SPAN ? 'met' : 'MISSED'}`;
      console.log(
        `${format.padEnd(8)} ${`${mb(r.bytes).toFixed(1)} MB`.padEnd(9)} ${String(r.spans).padEnd(8)} ${cold.toFixed(0).padStart(9)}  ${wall.toFixed(0).padStart(9)}  ${med
          .toFixed(0)
          .padStart(11)}  ${cpu.toFixed(0).padStart(8)}  ${r.retainedPerSpan.toFixed(0).padStart(16)}  ${r.peakPerSpan.toFixed(0).padStart(5)}   ${verdict}`,
      );
    }

    const afterFile = path.join(dir, 'scaled-forest-after.txt');
    await writeScaled('forest', afterFile, Math.ceil(SPANS / SPANS_PER_COPY.forest), 'after');
    const agg = await child<AggResult>('agg', files.forest!, afterFile);
    console.log(
      `aggregate ${agg.spans} spans: best ${best(agg.aggregateMs).toFixed(0)} ms, median ${median(agg.aggregateMs).toFixed(0)} ms`,
    );
    console.log(
      `diff two ${agg.spans}-span traces (${agg.diffRows} paths): best ${best(agg.diffMs).toFixed(0)} ms, median ${median(agg.diffMs).toFixed(0)} ms` +
        `  (target < ${TARGET_DIFF_MS} ms ${best(agg.diffMs) < TARGET_DIFF_MS ? 'met' : 'MISSED'})`,
    );

    if (process.env.TRACE_BENCH_SKIP_SPEEDSCOPE === '1') {
      console.log('speedscope: skipped (TRACE_BENCH_SKIP_SPEEDSCOPE=1)');
    } else {
      const chrome = results.chrome!;
      const importMs = await speedscopeImport(files.chrome!);
      const ours = best(chrome.wallMs);
      console.log(
        `speedscope, same Chrome JSON (${mb(chrome.bytes).toFixed(1)} MB, ${chrome.spans} spans): import ${importMs.toFixed(0)} ms vs our parse ${ours.toFixed(0)} ms` +
          ` -> ours is ${(importMs / ours).toFixed(1)}x faster`,
      );
    }
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--worker') {
  const [mode, a, b] = process.argv.slice(3);
  const job = mode === 'parse' ? parseWorker(a!) : aggWorker(a!, b!);
  job.then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
