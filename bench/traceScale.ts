/**
 * Scales the sample traces in test/fixtures/traces up to benchmark size. Each repetition is a new
 * set of proofs: task numbers and timestamps move on, so caches keyed on field text see what a
 * long real run shows them.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import type { TraceFormat } from '../src/core/trace/model';

export const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'traces');

export const SAMPLE: Record<TraceFormat, string> = {
  forest: 'forest_multi.txt',
  chrome: 'chrome_trace.json',
  folded: 'folded.txt',
  fmt: 'fmt_close.txt',
};

/** Spans in one copy of each sample (all from the same 8-proof run, except fmt: 1 proof). */
function sample(format: TraceFormat): string {
  return readFileSync(path.join(FIXTURES, SAMPLE[format]), 'utf8');
}

async function writeLines(file: string, reps: number, piece: (rep: number) => string, head = '', tail = ''): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(head);
  for (let r = 0; r < reps; r++) await write(piece(r));
  await write(tail);
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** Writes `reps` copies of the sample in `format` to `file`; returns the byte size. */
export async function writeScaled(format: TraceFormat, file: string, reps: number, variant: 'base' | 'after' = 'base'): Promise<number> {
  switch (format) {
    case 'forest': {
      const text = sample('forest').replace(/\n?$/, '\n');
      const after = variant === 'after';
      return writeLines(file, reps, (r) => {
        let t = text.replace(/task: (\d+)/g, (_, n: string) => `task: ${r * 8 + Number(n)}`);
        if (after) t = t.replace(/rs_code_matrix \[ ([\d.]+)ms/g, (_, ms: string) => `rs_code_matrix [ ${(Number(ms) * 0.6).toPrecision(3)}ms`);
        return t;
      });
    }
    case 'chrome': {
      const lines = sample('chrome').split('\n').filter((l) => l.startsWith('{'));
      const events = lines.map((l) => JSON.parse(l.replace(/,$/, '')) as Record<string, unknown>);
      const span = Math.max(...events.map((e) => (typeof e.ts === 'number' ? e.ts : 0))) + 1000;
      const meta = events.filter((e) => e.ph === 'M').map((e) => JSON.stringify(e) + ',\n').join('');
      const body = events.filter((e) => e.ph !== 'M');
      return writeLines(
        file,
        reps,
        (r) =>
          body
            .map((e) => {
              const args = e.args as Record<string, string> | undefined;
              const copy: Record<string, unknown> = { ...e, ts: Math.round(((e.ts as number) + r * span) * 1000) / 1000 };
              if (args && args.task !== undefined) copy.args = { ...args, task: String(r * 8 + Number(args.task)) };
              return JSON.stringify(copy) + ',\n';
            })
            .join(''),
        '[\n' + meta,
        '{"ph":"M","pid":1,"name":"process_name","tid":0,"args":{"name":"bench"}}\n]\n',
      );
    }
    case 'folded': {
      const text = sample('folded').replace(/\n?$/, '\n');
      return writeLines(file, reps, () => text);
    }
    case 'fmt': {
      const lines = sample('fmt').replace(/\n$/, '').split('\n');
      const stamps = lines.map((l) => Date.parse(l.slice(0, 24) + 'Z'));
      const micros = lines.map((l) => l.slice(23, 26));
      const runMs = stamps[stamps.length - 1]! - stamps[0]! + 10;
      return writeLines(file, reps, (r) =>
        lines
          .map((l, i) => {
            const iso = new Date(stamps[i]! + r * runMs).toISOString().slice(0, 23) + micros[i] + 'Z';
            return iso + l.slice(27).replace(/task=(\d+)/g, (_, n: string) => `task=${r + Number(n)}`) + '\n';
          })
          .join(''),
      );
    }
  }
}

/** Spans in one copy of the sample. */
export const SPANS_PER_COPY: Record<TraceFormat, number> = { forest: 312, chrome: 312, folded: 312, fmt: 39 };
