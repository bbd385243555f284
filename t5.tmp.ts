import { parseTraceFile } from './src/core/trace/index';
import { statSync } from 'node:fs';
(async () => {
  const f = process.argv[2]!;
  const size = statSync(f).size;
  for (let i = 0; i < Number(process.env.N ?? 4); i++) { const c0 = process.cpuUsage(); const t0 = performance.now(); const t = await parseTraceFile(f); const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1000; console.log(f, 'wall', (performance.now()-t0).toFixed(0), 'cpu', cpu.toFixed(0), 'MB/s(cpu)', (size/1e6/(cpu/1000)).toFixed(0), t.spanCount); }
})();
