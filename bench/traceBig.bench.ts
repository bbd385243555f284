/**
 * A 500 MB trace the way the flame chart opens it: the sample tracing-forest trace scaled to
 * 500 MB (`TRACE_BIG_MB` changes it), parsed and laid out in the trace worker
 * (src/extension/flame/traceWorker.ts, bundled as the extension ships it) while this thread stands in
 * for the extension host: it receives the progress messages and the document, then cuts the
 * document into the slices the panel posts to the webview, one per task.
 *
 * Prints the time to the last byte and to the document, throughput, the worker's progress
 * messages, peak RSS of the process (worker included) and the longest stretch this thread ran
 * without a break while the worker worked (target: under 50 ms of CPU; see
 * test/host/loopMonitor.ts for the three figures). `TRACE_BIG_IN_PROCESS=1` also parses the
 * same file on this thread, for comparison. The generated file is deleted at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { loadFlameDocument, type FlameLoadProgress } from '../src/core/flame/load';
import { documentArrayBytes, splitDocument } from '../src/core/flame/transfer';
import { MB } from '../src/core/trace/limits';
import { startFlameWorker } from '../src/extension/flame/traceWorkerClient';
import { formatLoopStats, LoopMonitor, type LoopStats } from '../test/host/loopMonitor';
import { SPANS_PER_COPY, writeScaled } from './traceScale';

const SIZE_MB = Number(process.env.TRACE_BIG_MB ?? 500);
const TARGET_TASK_MS = 50;
const SAMPLE_BYTES = 36_745;

/** Peak RSS of the whole process (all threads), sampled every 20 ms and from the kernel's own high-water mark. */
function rssSampler(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.resourceUsage().maxRSS * 1024);
  };
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const verdict = (s: LoopStats) => (s.maxCpuMs === undefined ? 'no thread CPU clock here' : s.maxCpuMs < TARGET_TASK_MS ? 'within' : 'OVER');

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-trace-big-'));
  try {
    const script = path.join(dir, 'traceWorker.js');
    await build({ entryPoints: [path.join(__dirname, '..', 'src', 'extension', 'flame', 'traceWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile: script, logLevel: 'warning' });
    const file = path.join(dir, 'big.forest.txt');
    const reps = Math.ceil((SIZE_MB * MB) / SAMPLE_BYTES);
    let t = performance.now();
    const bytes = await writeScaled('forest', file, reps);
    console.log(`generated ${mb(bytes)} tracing-forest trace (${(reps * SPANS_PER_COPY.forest).toLocaleString('en-US')} spans) in ${((performance.now() - t) / 1000).toFixed(1)} s; load average ${loadavg()[0]!.toFixed(1)}`);

    // The worker, as the panel runs it.
    const peakRss = rssSampler();
    const monitor = new LoopMonitor().start();
    const progress: FlameLoadProgress[] = [];
    let lastByteAt = 0;
    t = performance.now();
    const task = startFlameWorker(script, { job: { kind: 'trace', trace: { title: 'big.forest.txt', path: file } }, maxBytes: Infinity }, (p) => {
      progress.push(p);
      if (p.phase === 'build' && !lastByteAt) lastByteAt = performance.now() - t;
    });
    const { doc } = await task.result;
    const docAt = performance.now() - t;
    const parseStats = monitor.stop();
    // The slices the panel posts to the webview, one per task as the panel does.
    const sliceMonitor = new LoopMonitor().start();
    t = performance.now();
    let slices = 0;
    const { slices: all } = splitDocument(doc);
    for (const _slice of all()) {
      slices++;
      await new Promise((r) => setImmediate(r));
    }
    const sliceMs = performance.now() - t;
    const sliceStats = sliceMonitor.stop();
    const rss = peakRss();

    console.log(`worker: last byte read after ${(lastByteAt / 1000).toFixed(2)} s (${(bytes / MB / (lastByteAt / 1000)).toFixed(0)} MB/s), document (flattened and laid out) after ${(docAt / 1000).toFixed(2)} s (${(bytes / MB / (docAt / 1000)).toFixed(0)} MB/s overall)`);
    console.log(`  ${doc.spanCount.toLocaleString('en-US')} spans, ${doc.strings.length.toLocaleString('en-US')} strings, ${mb(documentArrayBytes(doc))} of arrays transferred to this thread; ${progress.length} progress messages`);
    console.log(`  peak RSS of the process: ${mb(rss)}`);
    console.log(`  this thread while the worker ran: ${formatLoopStats(parseStats)} -> ${verdict(parseStats)} the ${TARGET_TASK_MS} ms budget`);
    console.log(`  cutting the document into ${slices} webview slices (one per task): ${(sliceMs / 1000).toFixed(2)} s; ${formatLoopStats(sliceStats)} -> ${verdict(sliceStats)} the ${TARGET_TASK_MS} ms budget`);

    if (process.env.TRACE_BIG_IN_PROCESS === '1') {
      const m = new LoopMonitor().start();
      t = performance.now();
      await loadFlameDocument({ kind: 'trace', trace: { title: 'big.forest.txt', path: file } });
      const s = m.stop();
      console.log(`for comparison, the same load on this thread: ${((performance.now() - t) / 1000).toFixed(2)} s; ${formatLoopStats(s)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
