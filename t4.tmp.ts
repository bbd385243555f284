import { createReadStream, readFileSync } from 'node:fs';
import { LineSplitter } from './src/core/trace/lines';
(async () => {
  for (const file of ['/tmp/bench-forest.txt', '/tmp/bench-chrome.json', '/tmp/bench-folded.txt']) {
    for (let i = 0; i < 2; i++) {
      let t0 = performance.now();
      let bytes = 0;
      const dec = new TextDecoder();
      let n = 0;
      const ls = new LineSplitter(() => { n++; });
      let decMs = 0, splitMs = 0;
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
        bytes += chunk.length;
        const a = performance.now();
        const s = dec.decode(chunk as Buffer, { stream: true });
        const b = performance.now();
        ls.push(s);
        splitMs += performance.now() - b; decMs += b - a;
      }
      const ms = performance.now() - t0;
      console.log(file, (bytes/1e6/(ms/1000)).toFixed(0), 'MB/s total', 'decode', decMs.toFixed(0), 'split', splitMs.toFixed(0), 'all', ms.toFixed(0), n);
    }
    // Buffer latin1/utf8 toString
    const buf = readFileSync(file);
    let t0 = performance.now(); const s = buf.toString('utf8'); console.log('  buffer.toString utf8', (performance.now()-t0).toFixed(0));
    t0 = performance.now(); const s2 = buf.toString('latin1'); console.log('  buffer.toString latin1', (performance.now()-t0).toFixed(0));
    t0 = performance.now(); const s3 = new TextDecoder().decode(buf); console.log('  TextDecoder', (performance.now()-t0).toFixed(0), s.length === s3.length, s2.length);
  }
})();
