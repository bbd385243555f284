/**
 * Mutation fuzzing shared by every parser suite: inputs are real documents (or windows of the
 * sample traces) put through a few line- and byte-level mutations, plus lines from a per-format
 * dictionary so the mutated text keeps reaching the parser's deeper states.
 *
 * `FUZZ_RUNS` sets the number of inputs per parser (default 10,000; 100,000 under `npm run fuzz`).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../../src/core/problems';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

const DEFAULT_RUNS = process.env.npm_lifecycle_event === 'fuzz' ? 100_000 : 10_000;
export const NUM_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS) || DEFAULT_RUNS);
/** A fixed seed unless FUZZ_SEED is set, so CI failures reproduce. */
export const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 0x5eed;
/**
 * No single parse may take longer than this. Measured in CPU time of this process, so a busy CI
 * machine does not fail the suite; a hang or a super-linear blow-up still does.
 */
export const MAX_PARSE_MS = 1000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function fixture(...parts: string[]): string {
  return readFileSync(path.join(FIXTURES, ...parts), 'utf8');
}

/** Windows of at most `maxLines` lines of a big file: its head (where detection looks) and a few slices. */
export function windows(text: string, maxLines = 120, count = 6): string[] {
  const lines = text.split('\n');
  if (lines.length <= maxLines) return [text];
  const out = [lines.slice(0, maxLines).join('\n')];
  for (let k = 1; k < count; k++) {
    const start = Math.floor(((lines.length - maxLines) * k) / count);
    out.push(lines.slice(start, start + maxLines).join('\n'));
  }
  return out;
}

type MutationKind = 'delete' | 'duplicate' | 'swap' | 'flip' | 'truncate' | 'unicode' | 'crlf' | 'huge' | 'insert' | 'indent';

interface Mutation {
  kind: MutationKind;
  a: number;
  b: number;
  text: string;
}

const HUGE = ['99999999999999999999999999', '1e308', '1e400', '-1', '-0', 'NaN', 'Infinity', '0x7fffffff', '4294967296', '9'.repeat(400), '0.000000000000000000001'];

const mutationArb = (dictionary: readonly string[]): fc.Arbitrary<Mutation> =>
  fc.record({
    kind: fc.constantFrom<MutationKind>('delete', 'duplicate', 'swap', 'flip', 'truncate', 'unicode', 'crlf', 'huge', 'insert', 'insert', 'indent'),
    a: fc.nat(),
    b: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 6, unit: 'binary' }),
      fc.constantFrom('\u0000', '\uFEFF', '\uD800', '\uDC00', '\u202E', '\u2028', '\r', '\t', '`', '|', '\\', '"', '**', '<!--', '-->', '```'),
      fc.constantFrom(...HUGE),
      dictionary.length ? fc.constantFrom(...dictionary) : fc.constant(''),
    ),
  });

function applyMutation(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const li = lines.length ? m.a % lines.length : 0;
  const lj = lines.length ? m.b % lines.length : 0;
  const pos = text.length ? m.a % (text.length + 1) : 0;
  switch (m.kind) {
    case 'delete':
      lines.splice(li, 1 + (m.b % 3));
      return lines.join('\n');
    case 'duplicate':
      lines.splice(li, 0, ...lines.slice(li, li + 1 + (m.b % 3)));
      return lines.join('\n');
    case 'swap': {
      const t = lines[li]!;
      lines[li] = lines[lj]!;
      lines[lj] = t;
      return lines.join('\n');
    }
    case 'flip': {
      if (!text.length) return String.fromCharCode(m.b % 0x10000);
      const c = text.charCodeAt(pos % text.length) ^ (1 << m.b % 16);
      return text.slice(0, pos % text.length) + String.fromCharCode(c) + text.slice((pos % text.length) + 1);
    }
    case 'truncate':
      return text.slice(0, pos);
    case 'unicode':
      return text.slice(0, pos) + m.text + text.slice(pos);
    case 'crlf':
      return m.b % 2 ? text.replace(/\r?\n/g, '\r\n') : text.replace(/\n/g, '\r');
    case 'huge': {
      // Replace one run of digits with an extreme number.
      const runs = [...text.matchAll(/\d+(?:\.\d+)?/g)];
      const big = HUGE[m.b % HUGE.length]!;
      if (!runs.length) return text.slice(0, pos) + big + text.slice(pos);
      const r = runs[m.a % runs.length]!;
      return text.slice(0, r.index!) + big + text.slice(r.index! + r[0].length);
    }
    case 'insert':
      lines.splice(li, 0, m.text);
      return lines.join('\n');
    case 'indent':
      lines[li] = ' '.repeat(m.b % 9) + lines[li];
      return lines.join('\n');
  }
}

/** Seeds put through 0..4 mutations; about one input in 40 is the seed unchanged. */
export function mutated(seeds: readonly string[], dictionary: readonly string[] = []): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutationArb(dictionary), { minLength: 0, maxLength: 4 }))
    .map(([seed, ms]) => ms.reduce(applyMutation, seed));
}

/** Inputs built only from dictionary lines and noise, for parsers whose seeds are few. */
export function generated(dictionary: readonly string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...dictionary) }, { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'grapheme-ascii' }) }), { maxLength: 40 })
    .map((ls) => ls.join('\n'));
}

/** Every `line` a result reports must be a 1-based integer; walks problems and the like. */
export function assertLocations(value: unknown, where = 'result', seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    // Large arrays of the same shape (spans, tokens): sample instead of walking all.
    const step = value.length > 200 ? Math.ceil(value.length / 200) : 1;
    for (let i = 0; i < value.length; i += step) assertLocations(value[i], `${where}[${i}]`, seen);
    return;
  }
  const o = value as Record<string, unknown>;
  for (const key of ['line', 'sourceLine', 'endLine']) {
    if (key in o && o[key] !== undefined) {
      const n = o[key];
      assert.ok(typeof n === 'number' && Number.isInteger(n) && n >= 1, `${where}.${key} is ${String(n)}, not a 1-based line`);
    }
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === 'text' || k === 'parent') continue;
    assertLocations(v, `${where}.${k}`, seen);
  }
}

/** Problems must name a file as well as a line. */
export function assertProblems(problems: readonly { file?: string; line: number }[], where: string): void {
  for (const p of problems) {
    assert.ok(typeof p.file === 'string' && p.file.length > 0, `${where}: problem without a file: ${JSON.stringify(p)}`);
    assert.ok(Number.isInteger(p.line) && p.line >= 1, `${where}: problem line ${p.line}: ${JSON.stringify(p)}`);
  }
}

/** Errors a parser may throw: they carry a 1-based line. Anything else is a crash. */
export function isLocatedError(err: unknown): boolean {
  if (err instanceof InputError) return !!err.location && Number.isInteger(err.location.line) && err.location.line >= 1 && !!err.location.file;
  const line = (err as { line?: unknown } | null)?.line;
  return err instanceof Error && err.name === 'DiffParseError' && typeof line === 'number' && Number.isInteger(line) && line >= 1;
}

export interface FuzzStats {
  name: string;
  runs: number;
  threw: number;
  slowestMs: number;
  totalMs: number;
}

/**
 * Runs `parse` on every input: it must return (then `check` the result) or throw a located error,
 * within MAX_PARSE_MS. Prints the case count so CI logs show what ran.
 */
export function fuzz<T>(
  name: string,
  inputs: fc.Arbitrary<string>,
  parse: (text: string) => T,
  check: (result: T, text: string) => void = (r) => assertLocations(r),
  options: { allowThrow?: (err: unknown) => boolean; numRuns?: number } = {},
): FuzzStats {
  const stats: FuzzStats = { name, runs: 0, threw: 0, slowestMs: 0, totalMs: 0 };
  const allowThrow = options.allowThrow ?? isLocatedError;
  fc.assert(
    fc.property(inputs, (text) => {
      stats.runs++;
      const t0 = cpuMs();
      let result: T;
      try {
        result = parse(text);
      } catch (err) {
        const ms = cpuMs() - t0;
        stats.totalMs += ms;
        if (!allowThrow(err)) throw err;
        stats.threw++;
        assert.ok(ms <= MAX_PARSE_MS, `${name}: took ${ms.toFixed(0)} ms (limit ${MAX_PARSE_MS})`);
        return;
      }
      const ms = cpuMs() - t0;
      stats.totalMs += ms;
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      assert.ok(ms <= MAX_PARSE_MS, `${name}: took ${ms.toFixed(0)} ms (limit ${MAX_PARSE_MS})`);
      check(result, text);
    }),
    { numRuns: options.numRuns ?? NUM_RUNS, seed: SEED, includeErrorInReport: true },
  );
  console.log(`fuzz ${name}: ${stats.runs} inputs, ${stats.threw} located errors, slowest ${stats.slowestMs.toFixed(1)} ms cpu, cpu ${(stats.totalMs / 1000).toFixed(1)} s`);
  return stats;
}
