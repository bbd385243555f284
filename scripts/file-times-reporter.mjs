// A node:test reporter that prints, at the end of a run, how long each test file's top-level tests
// took (the sum of their durations, in run order) and the total. run-e2e-tests.mjs adds it next to
// the spec reporter so that every UI and host run shows where its time went.
import { relative } from 'node:path';

export default async function* fileTimes(source) {
  const files = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      const entry = files.get(event.data.file) ?? { ms: 0, failed: 0 };
      entry.ms += event.data.details?.duration_ms ?? 0;
      if (event.type === 'test:fail') entry.failed++;
      files.set(event.data.file, entry);
    }
  }
  if (files.size === 0) return;
  const rows = [...files].map(([file, e]) => ({ file: relative(process.cwd(), file), seconds: e.ms / 1000, failed: e.failed }));
  const width = Math.max(...rows.map((r) => r.file.length));
  let out = '\ntime per test file:\n';
  for (const r of rows) out += `  ${r.file.padEnd(width)}  ${r.seconds.toFixed(1).padStart(6)} s${r.failed ? `  (${r.failed} failed)` : ''}\n`;
  out += `  ${'total'.padEnd(width)}  ${rows.reduce((s, r) => s + r.seconds, 0).toFixed(1).padStart(6)} s\n`;
  yield out;
}
