/** Tells the trace formats apart from the first lines of a file. */
import { levelAt } from './forest';
import { isBlank, isCargoLine } from './lines';
import type { TraceFormat } from './model';
import { stripAnsi } from './strings';

/** How much of the input detection looks at first; more when that holds no trace lines yet. */
export const DETECT_BYTES = 64 * 1024;
/** Detection gives up after this much input without a trace line (long program output first). */
export const DETECT_MAX_BYTES = 8 * 1024 * 1024;
/** Trace-like lines enough to decide. */
const ENOUGH = 50;

const FOREST_SPAN = /\[ \d+(?:\.\d+)?(?:ns|µs|μs|us|ms|s) \| \d+\.\d+%(?: \/ \d+\.\d+%)? \]/;
const FOLDED = /^[^\s;][^;]*(?:; [^;]+)* \d+$/;

/** Score of one line for each format (0 when it says nothing). */
function scoreLine(raw: string): [forest: number, fmt: number, folded: number] {
  const full = raw.indexOf('\x1b') >= 0 ? stripAnsi(raw) : raw;
  // The text formats say what they are in their first columns; the regexes see at most 2000.
  const s = full.length > 2000 ? full.slice(0, 2000) : full;
  if (s.includes(': close time.busy=')) return [0, 3, 0];
  const lv = findLevel(s);
  if (lv >= 0) {
    const after = s.slice(lv, lv + 9);
    // tracing-forest pads the level to 8 columns and follows with the tree.
    if (/^[A-Z]{4,5} +$/.test(after) && after.length === 9) {
      const rest = s.slice(lv + 9);
      if (FOREST_SPAN.test(rest)) return [3, 0, 0];
      if (/^(?:[ │]  )*[┝┕]━ /.test(rest) || /^\S{1,2} \[[^\] ][^\]]*\]: /u.test(rest)) return [2, 0, 0];
    }
    if (/^\S+ +[A-Z]{4,5} /.test(s.slice(0, lv + 6)) || / [A-Z]{4,5} [^:]+: /.test(s)) return [0, 1, 0];
  }
  if (full.length < 100_000 && FOLDED.test(full) && (s.startsWith('ThreadId(') || s.includes('; ') || s.startsWith('all-threads'))) {
    return [0, 0, 2];
  }
  return [0, 0, 0];
}

/** Start of the level word, allowing a uuid / timestamp before it. */
function findLevel(s: string): number {
  let p = 0;
  for (let k = 0; k < 3; k++) {
    while (s.charCodeAt(p) === 32) p++;
    if (levelAt(s, p) > 0) return p;
    const sp = s.indexOf(' ', p);
    if (sp < 0 || sp - p > 48) return -1;
    p = sp;
  }
  return -1;
}

/**
 * The format of a trace from its beginning (up to DETECT_BYTES), or undefined when it is none of
 * them. Chrome JSON starts with `[` or `{` and has `"ph"`; the text formats are told apart line by
 * line (lines that are cargo's own output are skipped).
 */
export function detectFormat(sample: string): TraceFormat | undefined {
  const head = sample.length > DETECT_MAX_BYTES ? sample.slice(0, DETECT_MAX_BYTES) : sample;
  const start = head.search(/\S/);
  if (start < 0) return undefined;
  const c = head.charCodeAt(start === 0 && head.charCodeAt(0) === 0xfeff ? 1 : start);
  if ((c === 91 || c === 123) && /"(ph|traceEvents)"\s*:/.test(head.slice(0, DETECT_BYTES))) return 'chrome';
  const score = [0, 0, 0];
  let scored = 0;
  for (let from = 0; from < head.length && scored < ENOUGH;) {
    let to = head.indexOf('\n', from);
    if (to < 0) to = head.length;
    const line = head.slice(from, to > from && head.charCodeAt(to - 1) === 13 ? to - 1 : to);
    from = to + 1;
    if (isBlank(line) || isCargoLine(line)) continue;
    const [f, m, d] = scoreLine(line);
    if (f + m + d === 0) continue;
    score[0] += f;
    score[1] += m;
    score[2] += d;
    scored++;
  }
  const best = Math.max(...score);
  if (best === 0) return undefined;
  if (score[0] === best) return 'forest';
  if (score[1] === best) return 'fmt';
  return 'folded';
}
