import { writeScaled } from './bench/traceScale';
import { parseTraceFile } from './src/core/trace/index';
(async () => {
  for (const [f, reps, ext] of [['forest', 641, 'txt'], ['chrome', 641, 'json'], ['folded', 641, 'txt'], ['fmt', 5128, 'txt']] as const) {
    const file = `/tmp/bench-${f}.${ext}`;
    const bytes = await writeScaled(f, file, reps);
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const t = await parseTraceFile(file);
      const ms = performance.now() - t0;
      console.log(f, (bytes / 1e6).toFixed(1), 'MB', t.spanCount, 'spans', ms.toFixed(0), 'ms', (bytes / 1e6 / (ms / 1000)).toFixed(0), 'MB/s', t.unparsedCount);
    }
  }
})();
