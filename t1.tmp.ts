import { parseTrace } from './src/core/trace/parse';
import { readFileSync } from 'node:fs';
for (const f of ['forest_single','forest_ansi','forest_multi','forest_baseline','forest_after','chrome_trace','folded','fmt_close']) {
  const ext = f === 'chrome_trace' ? '.json' : '.txt';
  const t = parseTrace(readFileSync('test/fixtures/traces/'+f+ext,'utf8'), { source: f });
  console.log(f, t.format, t.durationKind, 'roots', t.roots.length, 'spans', t.spanCount, 'unparsed', t.unparsedCount, 'events', t.events.length, t.warnings);
  console.log('  ', t.roots.slice(0,6).map(r => `${r.name}=${r.durationNs} self=${r.selfNs} th=${r.thread} start=${r.startNs}`).join('; '));
  if (t.unparsed.length) console.log(t.unparsed.slice(0,3));
}
