// `npm test`: builds, then runs the linters, the unit tests, the extension-host suite and the UI tests. A
// failing part does not stop the later ones (CI shows every failure at once); the exit code is
// non-zero when any part failed.
import { execa } from 'execa';

const parts = ['lint', 'test:unit', 'test:host', 'test:e2e'];

const run = (script) => execa('npm', ['run', script], { stdio: 'inherit', reject: false });

const build = await run('build');
if (build.exitCode !== 0) process.exit(build.exitCode ?? 1);

const summary = [];
for (const part of parts) {
  const started = Date.now();
  const result = await run(part);
  summary.push({ part, ok: result.exitCode === 0, seconds: Math.round((Date.now() - started) / 1000) });
}
console.log('\nnpm test summary:');
for (const s of summary) console.log(`  ${s.ok ? 'pass' : 'FAIL'}  ${s.part.padEnd(10)} ${s.seconds} s`);
process.exit(summary.every((s) => s.ok) ? 0 : 1);
