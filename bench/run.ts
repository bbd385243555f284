/**
 * `npm run bench [name...]`: runs every `bench/*.bench.ts` module in turn (or only the named ones);
 * each exports `main(): Promise<void>` and prints its own figures.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

async function run(): Promise<void> {
  const only = process.argv.slice(2);
  const names = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .filter((n) => only.length === 0 || only.includes(n))
    .sort();
  for (const name of names) {
    console.log(`== ${name}`);
    const mod = (await import(path.join(__dirname, `${name}.bench.ts`))) as { main?: () => Promise<void> };
    if (typeof mod.main !== 'function') throw new Error(`bench/${name}.bench.ts exports no main()`);
    await mod.main();
    console.log('');
  }
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
