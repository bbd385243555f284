import { parseTraceFile } from './src/core/trace/index';
(async () => {
  const f = process.argv[2]!;
  const gc = (globalThis as any).gc as () => void;
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const t = await parseTraceFile(f, { onProgress: () => { const h = process.memoryUsage().heapUsed; if (h > peak) peak = h; } });
  gc(); gc();
  const after = process.memoryUsage().heapUsed;
  console.log(f, 'spans', t.spanCount, 'retained B/span', ((after - before) / t.spanCount).toFixed(0), 'peak B/span', ((peak - before) / t.spanCount).toFixed(0));
})();
