/** `milestone-scope trace summary FILE` and `milestone-scope trace diff BASE AFTER` (or several files per side). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../core/problems';
import { aggregate, DEFAULT_MAX_TRACE_MB, DIFF_DEFAULTS, diffRunSets, limitBytes, parseTraceFile, type Trace } from '../core/trace/index';
import { diffMarkdown, diffView, summaryJson, summaryView } from '../core/trace/render';
import { EXIT } from './exitCodes';
import { argumentPath, resolveRoot } from './options';
import { loadConfig } from '../core/config';
import { printJson, type CliIO } from './io';
import { renderTable } from './table';
import { JSON_VERSION } from './views';
import { helpText } from './help';

export const TRACE_HELP = helpText([
  'Usage:',
  '  milestone-scope trace summary <FILE> [--top N] [--json]',
  '  milestone-scope trace diff <BASE> <AFTER> [--json] [--markdown] [--all] [--threshold P]',
  '  milestone-scope trace diff --base FILE_OR_DIR... --after FILE_OR_DIR... [options]',
  '',
  'Reads tracing-forest tree text, Chrome trace-event JSON (tracing-chrome), tracing-flame folded',
  'stacks or tracing-subscriber fmt output with span close events; the format is detected.',
  '',
  'summary   the hottest spans by self time, merged over all runs of each root span',
  'diff      baseline vs after, span path by span path: the change per run with its 95 % interval,',
  '          p and q, and a verdict (faster, slower, unchanged, inconclusive); see docs/statistics.md',
  '',
  'Options:',
  '  --top N          summary: how many spans to list (default 20)',
  '  --markdown       diff: a Markdown table for the milestone report',
  '  --all            diff: list unchanged spans too',
  '  --base PATH      diff: a baseline trace, or a folder (every trace in it); repeat for more',
  '  --after PATH     diff: an after trace or folder; repeat for more',
  `  --threshold P    diff: practical threshold in percent: smaller changes are not called (default ${DIFF_DEFAULTS.threshold * 100})`,
  `  --alpha A        diff: significance level of each span path's p (default ${DIFF_DEFAULTS.alpha})`,
  '  --fdr Q          diff: also require the Benjamini–Hochberg q below Q (default: off)',
  `  --seed N         diff: seed of the bootstrap and permutations (default ${DIFF_DEFAULTS.seed})`,
  `  --resamples N    diff: bootstrap resamples and permutations per span path (default ${DIFF_DEFAULTS.resamples})`,
  `  --max-trace-mb N  refuse trace files larger than N MB before reading them (default ${DEFAULT_MAX_TRACE_MB}; 0: no limit)`,
  '  --root DIR       repository whose .milestone-scope.yaml lists extra counter fields (default: the git top level)',
  '  --json           machine-readable output (see docs/traces.md)',
  '  -h, --help       this help',
]);

const OPTIONS = {
  top: { type: 'string' },
  json: { type: 'boolean', default: false },
  markdown: { type: 'boolean', default: false },
  all: { type: 'boolean', default: false },
  threshold: { type: 'string' },
  base: { type: 'string', multiple: true },
  after: { type: 'string', multiple: true },
  alpha: { type: 'string' },
  fdr: { type: 'string' },
  seed: { type: 'string' },
  resamples: { type: 'string' },
  'max-trace-mb': { type: 'string' },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export interface TraceLimit {
  maxBytes: number;
  hint: string;
}

/** `--max-trace-mb N`: the size limit for trace files (0 for none), and how the refusal names it. */
export function traceLimitOption(text: string | undefined): TraceLimit {
  const hint = 'pass --max-trace-mb with a larger size (0 for no limit) to read it';
  if (text === undefined) return { maxBytes: limitBytes(DEFAULT_MAX_TRACE_MB), hint };
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InputError(`--max-trace-mb takes a size in MB (0 for no limit); got "${text}"`, undefined, 'input/usage');
  }
  return { maxBytes: limitBytes(n), hint };
}

function usage(message: string): InputError {
  return new InputError(message, undefined, 'input/usage');
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw usage(`--${name} takes a whole number from ${min} to ${max}; got "${text}"`);
  return n;
}

function positiveNumber(name: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw usage(`--${name} takes a positive ${integer ? 'whole ' : ''}number; got "${text}"`);
  return n;
}

async function load(io: CliIO, file: string, limit: TraceLimit): Promise<Trace> {
  const abs = argumentPath(io, io.cwd, file, 'trace');
  const trace = await parseTraceFile(abs, { maxBytes: limit.maxBytes, limitHint: limit.hint });
  trace.source = file;
  return trace;
}

/** Files that are never traces in a folder of captures: the run index and hidden files. */
function isTraceCandidate(name: string): boolean {
  return !name.startsWith('.') && name !== 'index.json';
}

/** A file, or every trace file directly inside a folder (by name), as the traces of one side. */
async function loadSide(io: CliIO, args: readonly string[], label: string, limit: TraceLimit): Promise<Trace[]> {
  const files: string[] = [];
  for (const arg of args) {
    const abs = argumentPath(io, io.cwd, arg, label);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      throw new InputError(`${label} ${arg}: no such file or folder`, undefined, 'input/missing');
    }
    if (!stat.isDirectory()) {
      files.push(arg);
      continue;
    }
    const entries = (await fs.readdir(abs, { withFileTypes: true }))
      .filter((e) => e.isFile() && isTraceCandidate(e.name))
      .map((e) => e.name)
      .sort();
    if (entries.length === 0) throw new InputError(`${label} folder ${arg}: no trace files in it`, undefined, 'input/missing');
    for (const e of entries) files.push(path.join(arg, e));
  }
  return Promise.all(files.map((f) => load(io, f, limit)));
}

function fraction(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max)
    throw usage(`--${name} takes a number above 0 and at most ${max}; got "${text}"`);
  return n;
}

export async function runTrace(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [sub, ...files] = positionals;
  if (values.help || sub === undefined) {
    io.stdout(TRACE_HELP + '\n');
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const width = io.columns;
  const limit = traceLimitOption(values['max-trace-mb']);
  if (sub === 'summary') {
    if (files.length !== 1) throw usage('summary takes one <FILE>');
    const top = positiveNumber('top', values.top, 20, true);
    const trace = await load(io, files[0]!, limit);
    // Counter-like fields besides `*_count` come from the repository's configuration (`counters`).
    const { config } = await loadConfig(await resolveRoot(io, values.root));
    const agg = aggregate(trace, { counterFields: config.counters ?? [] });
    if (values.json) {
      printJson(io, { version: JSON_VERSION, ...(summaryJson(trace, agg, top) as object) });
      return EXIT.ok;
    }
    const v = summaryView(trace, agg, top);
    const out = [...v.header, '', `Hottest spans by self time (top ${top}):`, renderTable(v.hottest.headers, v.hottest.rows, width)];
    if (v.counters.rows.length > 0) out.push('Event counters:', renderTable(v.counters.headers, v.counters.rows, width));
    io.stdout(out.join('\n'));
    if (v.notes.length > 0) io.stderr(v.notes.map((n) => `note: ${n}`).join('\n') + '\n');
    return EXIT.ok;
  }
  if (sub === 'diff') {
    const named = (values.base?.length ?? 0) + (values.after?.length ?? 0) > 0;
    if (named && files.length > 0) throw usage('diff takes either <BASE> <AFTER> or --base/--after, not both');
    if (named && (!values.base?.length || !values.after?.length)) throw usage('diff needs at least one --base and one --after');
    if (!named && files.length !== 2) throw usage('diff takes <BASE> <AFTER> (or --base PATH... --after PATH...)');
    if (values.json && values.markdown) throw usage('--json and --markdown exclude each other');
    const threshold = positiveNumber('threshold', values.threshold, DIFF_DEFAULTS.threshold * 100, false) / 100;
    const alpha = fraction('alpha', values.alpha, DIFF_DEFAULTS.alpha, 0.5);
    const fdr = values.fdr === undefined ? 0 : fraction('fdr', values.fdr, 0, 0.5);
    const seed = values.seed === undefined ? DIFF_DEFAULTS.seed : wholeNumber('seed', values.seed, 0, 0xffffffff);
    const resamples = positiveNumber('resamples', values.resamples, DIFF_DEFAULTS.resamples, true);
    const [base, after] = await Promise.all([
      loadSide(io, named ? values.base! : [files[0]!], 'baseline', limit),
      loadSide(io, named ? values.after! : [files[1]!], 'after', limit),
    ]);
    const diff = diffRunSets(base, after, { threshold, alpha, fdr, seed, resamples });
    if (values.json) {
      printJson(io, { version: JSON_VERSION, ...diff });
      return EXIT.ok;
    }
    if (values.markdown) {
      io.stdout(diffMarkdown(diff, values.all));
      return EXIT.ok;
    }
    const v = diffView(diff, values.all);
    const out = [...v.header, ''];
    if (v.table.rows.length > 0) out.push(renderTable(v.table.headers, v.table.rows, width));
    out.push(...v.notes, '');
    io.stdout(out.join('\n'));
    return EXIT.ok;
  }
  // `trace FILE` or `trace BASE AFTER`: name the command that was probably meant, without running it.
  const meant = files.length === 0 ? 'summary' : files.length === 1 ? 'diff' : undefined;
  const hint =
    meant && (await isFile(path.resolve(io.cwd, sub)))
      ? `; ${sub} is a file: did you mean milestone-scope trace ${meant} ${[sub, ...files].join(' ')}?`
      : '';
  throw usage(`unknown subcommand "${sub}" (summary, diff)${hint}`);
}

async function isFile(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}
