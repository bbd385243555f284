/** Independent readings of the sample traces, used to check the parsers against the files themselves. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const TRACES = path.join(__dirname, '..', '..', 'fixtures', 'traces');

export function read(name: string): string {
  return readFileSync(path.join(TRACES, name), 'utf8');
}

const UNIT_NS: Record<string, number> = { ns: 1, 'µs': 1e3, 'μs': 1e3, us: 1e3, ms: 1e6, s: 1e9 };

/** `25.7ms` -> 25_700_000, with a table and a regex rather than the parser's scanner. */
export function durationText(text: string): number {
  const m = /^([\d.]+)(ns|µs|μs|us|ms|s)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Math.round(Number(m[1]) * UNIT_NS[m[2]!]!);
}

export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

const FOREST_SPAN = /^([A-Z]+ )((?:[ │]  )*(?:[┝┕]━ )?)(\S.*?) \[ ([\d.]+(?:ns|µs|ms|s)) \| [\d.]+%(?: \/ [\d.]+%)? \]/;

export interface ForestLine {
  line: number;
  depth: number;
  name: string;
  durationNs: number;
}

/** Every span line of a tracing-forest file, read with one regex per line. */
export function forestSpans(text: string): ForestLine[] {
  const out: ForestLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = stripAnsi(raw);
    // The level column is 9 wide; the tree starts after it.
    const m = FOREST_SPAN.exec(line.slice(0, 9).trimEnd() + ' ' + line.slice(9));
    if (!m) return;
    out.push({ line: i + 1, depth: [...m[2]!].length / 3, name: m[3]!, durationNs: durationText(m[4]!) });
  });
  return out;
}

/** Root-level event lines (`INFO     ｉ [info]: ...` with no tree glyphs). */
export function forestRootEvents(text: string): number {
  return text.split('\n').filter((l) => /^\S+ +\S \[[^\]]+\]: /u.test(stripAnsi(l))).length;
}

export interface ChromeRoot {
  tid: number;
  name: string;
  durationNs: number;
}

/** B/E pairs of a Chrome trace read with JSON.parse of the whole file. */
export function chromeFacts(text: string): { spans: number; roots: ChromeRoot[]; instants: number } {
  const events = JSON.parse(text) as Array<{ ph: string; tid: number; ts: number; name: string }>;
  const open = new Map<number, Array<{ name: string; ts: number }>>();
  const roots: ChromeRoot[] = [];
  let spans = 0;
  let instants = 0;
  for (const e of events) {
    const stack = open.get(e.tid) ?? [];
    open.set(e.tid, stack);
    if (e.ph === 'B') {
      spans++;
      stack.push({ name: e.name, ts: e.ts });
    } else if (e.ph === 'E') {
      const b = stack.pop()!;
      if (stack.length === 0) roots.push({ tid: e.tid, name: b.name, durationNs: Math.round(e.ts * 1000) - Math.round(b.ts * 1000) });
    } else if (e.ph === 'i') instants++;
  }
  return { spans, roots, instants };
}

/**
 * Root spans of a tracing-flame file: on each thread, consecutive lines whose stack starts with the
 * same first frame, ended by a bare `ThreadId(N) <ns>` line; their values summed.
 */
export function foldedRoots(text: string): Array<{ thread: string; frame: string; totalNs: number }> {
  const current = new Map<string, { thread: string; frame: string; totalNs: number }>();
  const roots: Array<{ thread: string; frame: string; totalNs: number }> = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const frames = line.slice(0, line.lastIndexOf(' ')).split('; ');
    const thread = frames[0]!;
    const first = frames[1];
    const cur = current.get(thread);
    if (first === undefined) {
      current.delete(thread);
      continue;
    }
    if (cur && cur.frame === first) cur.totalNs += value;
    else {
      const root = { thread, frame: first, totalNs: value };
      roots.push(root);
      current.set(thread, root);
    }
  }
  return roots;
}

/** Close lines of a fmt file: span context, and time.busy read with a regex. */
export function fmtCloses(text: string): Array<{ context: string[]; busyNs: number }> {
  const out: Array<{ context: string[]; busyNs: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^\S+ +[A-Z]+ (.*): [\w:]+: close time\.busy=(\S+) time\.idle=\S+$/.exec(line);
    if (!m) continue;
    const context = m[1]!.replace(/\{[^}]*\}/g, '').split(/(?<!:):(?!:)/);
    out.push({ context, busyNs: durationText(m[2]!) });
  }
  return out;
}

/** Distinct span paths of a forest file, built from the indentation depth of each span line. */
export function forestPaths(text: string): Set<string> {
  const stack: string[] = [];
  const out = new Set<string>();
  for (const l of forestSpans(text)) {
    stack.length = l.depth;
    stack.push(l.name);
    out.add(stack.join(' > '));
  }
  return out;
}
