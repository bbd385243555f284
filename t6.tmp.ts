import { parseTraceFile, parseTrace } from './src/core/trace/index';
import { readFileSync } from 'node:fs';
(async () => {
  for (const f of ['forest_single.txt', 'forest_ansi.txt', 'forest_multi.txt']) {
    const a = await parseTraceFile('test/fixtures/traces/' + f);
    const b = parseTrace(readFileSync('test/fixtures/traces/' + f, 'utf8'));
    const strip = (t: any) => JSON.stringify({ ...t, bytes: 0, source: 0 });
    console.log(f, strip(a) === strip(b), a.spanCount, a.events.map((e: any) => e.message));
  }
})();
