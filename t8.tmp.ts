import { ForestParser } from './src/core/trace/forest';
import { readFileSync } from 'node:fs';
const buf = readFileSync('/tmp/bench-forest.txt');
const text = buf.latin1Slice(0, buf.length);
const lines = text.split('\n');
for (let k = 0; k < 10; k++) {
  const p = new ForestParser('x', true);
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i++) p.line(lines[i]!, i + 1);
  const t1 = performance.now();
  const t = p.finish();
  console.log('parser only', (t1 - t0).toFixed(0), 'ms', (buf.length / 1e6 / ((t1 - t0) / 1000)).toFixed(0), 'MB/s', t.spanCount);
}
