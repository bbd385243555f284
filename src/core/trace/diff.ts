/**
 * Baseline vs after, aligned by span path. The samples of a path are its times per run of its root
 * (per proof), over every run in every file of a side, so one baseline proof compares with eight
 * after proofs and several files per side pool their runs. Each path gets the relative change of
 * the means with a seeded bootstrap 95% interval, a Mann–Whitney p-value, a Benjamini–Hochberg q
 * over all paths, Tukey outliers per side, and a verdict against a practical threshold (see
 * docs/statistics.md). Spans whose total moved only because a descendant moved are "inherited",
 * pointing at the descendant. Event counters are deterministic and compared exactly.
 */
import {
  benjaminiHochberg,
  compareSamples,
  DEFAULT_ALPHA,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  DEFAULT_SINGLE_RUN_THRESHOLD,
  DEFAULT_THRESHOLD,
  deriveSeed,
  judge,
  type SampleComparison,
  type SampleSummary,
} from '../stats/index';
import { aggregate, type PathStats, type Spread, type TraceAggregate } from './aggregate';
import { FORMAT_NAMES } from './build';
import { PATH_SEPARATOR, type DurationKind, type Trace } from './model';
import { mergeAggregates } from './runSet';
import { excerpt } from './strings';

export type Verdict = 'faster' | 'slower' | 'unchanged' | 'inconclusive' | 'inherited' | 'only-base' | 'only-after';

export const VERDICTS: readonly Verdict[] = ['faster', 'slower', 'unchanged', 'inconclusive', 'inherited', 'only-base', 'only-after'];

export interface DiffSide {
  /** Span instances per run of the root. */
  countPerRun: number;
  /** Total time per run of the root: the mean of the samples (the compared value). */
  perRunNs: number;
  perRunSelfNs: number;
  /** Runs of the root on this side (samples), over all files. */
  runs: number;
  spread: Spread | undefined;
  /** Median, mean, sample standard deviation, min and max of the per-run times. */
  summary: SampleSummary;
  shareOfRoot: number;
  /** Event counters summed over all runs (divide by `runs` for per run). */
  counters: Record<string, number>;
}

/** An event counter of a path, per run of the root, on both sides. */
export interface CounterDelta {
  name: string;
  base: number | undefined;
  after: number | undefined;
  /** after - base per run (counters are deterministic: any difference is a real change). */
  delta: number;
}

export interface DiffRow {
  path: string;
  name: string;
  depth: number;
  base: DiffSide | undefined;
  after: DiffSide | undefined;
  /** after - base, per run (ns), from the means. */
  deltaNs: number;
  /** deltaNs / base (the relative change of the means); null when the span is new. */
  relative: number | null;
  selfDeltaNs: number;
  /** The practical threshold of this row in ns (± around the baseline): changes inside it are too small to matter. */
  noiseNs: number;
  /** The practical threshold of this row as a fraction of its baseline time. */
  threshold: number;
  /** Samples per side (runs of the root over all files). */
  runs: { base: number; after: number };
  /** 95% bootstrap interval of the relative change; unbounded (±Infinity, null in JSON) with one run on a side; null on one side only. */
  ci95: { lo: number; hi: number } | null;
  /** Two-sided permutation-test p-value (difference of means); null for a path on one side only. */
  p: number | null;
  /** Two-sided Mann–Whitney p-value, for reference; null for a path on one side only. */
  pRank: number | null;
  /** Benjamini–Hochberg adjusted p over all compared paths; null for a path on one side only. */
  q: number | null;
  /** Indices (into the side's runs) of Tukey outliers, mild or severe; flagged, never dropped. */
  outliers: { base: number[]; after: number[] };
  severeOutliers: { base: number[]; after: number[] };
  verdict: Verdict;
  /** Why the verdict (interval and q, threshold, what an inherited change comes from, runs needed). */
  reason: string;
  /** For `inconclusive`: more runs per side that would likely settle it, when that can be told. */
  moreRuns?: number;
  /** For `inherited`: the descendants whose own change explains this span's. */
  via?: string[];
  /** For `inherited`: the verdict on the total alone, and why (before the change was attributed). */
  total?: { verdict: Verdict; reason: string };
  /** Event counters of this path per run, when it has any; `changed` lists those that differ. */
  counters?: CounterDelta[];
  countersChanged?: boolean;
}

export interface DiffSideInfo {
  /** The file, or the files joined with ", ". */
  source?: string;
  /** Every file of this side. */
  sources: string[];
  format: Trace['format'];
  durationKind: DurationKind;
  spanCount: number;
  roots: Array<{ name: string; count: number }>;
}

export interface TraceDiff {
  base: DiffSideInfo;
  after: DiffSideInfo;
  /** Things that make the comparison less meaningful (different measures, run counts...). */
  warnings: string[];
  rows: DiffRow[];
  summary: Record<Verdict, number>;
  options: Required<DiffOptions>;
}

export interface DiffOptions {
  /** Practical threshold: relative changes smaller than this do not matter. Default 0.01 (1%). */
  threshold?: number;
  /** With one run on a side, only changes at least this big are called. Default 0.25. */
  singleRunThreshold?: number;
  /** Changes smaller than this share of the root's per-run time do not matter either. Default 0.001. */
  minShareOfRoot?: number;
  /** Significance level of each path's p (permutation test). Default 0.01. */
  alpha?: number;
  /**
   * When > 0, verdicts also need the Benjamini–Hochberg q (over all compared paths) below this
   * false discovery rate. Default 0 (off; q is reported either way).
   */
  fdr?: number;
  /** Bootstrap seed (each path derives its own from it and its path). Default 0x5eed. */
  seed?: number;
  /** Bootstrap resamples, and test permutations, per path. Default 2000. */
  resamples?: number;
}

export const DIFF_DEFAULTS: Required<DiffOptions> = {
  threshold: DEFAULT_THRESHOLD,
  singleRunThreshold: DEFAULT_SINGLE_RUN_THRESHOLD,
  minShareOfRoot: 0.001,
  alpha: DEFAULT_ALPHA,
  fdr: 0,
  seed: DEFAULT_SEED,
  resamples: DEFAULT_RESAMPLES,
};

const KIND_NAMES: Record<DurationKind, string> = {
  busy: 'busy time (time the span was entered)',
  'busy+idle': 'busy + idle time (creation to close)',
  wall: 'wall time from enter to exit',
  sampled: 'sampled time',
};

function side(p: PathStats): DiffSide {
  const runs = Math.max(1, p.rootCount);
  const c = compareSummary(p.perRootNs);
  return {
    countPerRun: p.count / runs,
    perRunNs: p.totalNs / runs,
    perRunSelfNs: p.selfNs / runs,
    runs: p.rootCount,
    spread: p.spread,
    summary: c,
    shareOfRoot: p.shareOfRoot,
    counters: p.counters,
  };
}

function compareSummary(xs: number[]): SampleSummary {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { median: 0, mean: 0, stddev: 0, min: 0, max: 0 };
  const mid = (n - 1) / 2;
  const median = (s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2;
  let sum = 0;
  for (const v of s) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of s) sq += (v - mean) ** 2;
  return { median, mean, stddev: n > 1 ? Math.sqrt(sq / (n - 1)) : 0, min: s[0]!, max: s[n - 1]! };
}

function info(traces: readonly Trace[], a: TraceAggregate): DiffSideInfo {
  const sources = traces.map((t, i) => t.source ?? `trace ${i + 1}`);
  const t = traces[0]!;
  const source = traces.length === 1 ? t.source : sources.join(', ');
  const out: DiffSideInfo = { sources, format: t.format, durationKind: t.durationKind, spanCount: a.spanCount, roots: a.roots };
  if (source !== undefined) out.source = source;
  return out;
}

/** Compares a baseline trace with an after trace span path by span path. */
export function diffTraces(base: Trace, after: Trace, options: DiffOptions = {}): TraceDiff {
  return diffRunSets([base], [after], options);
}

/**
 * Compares several baseline traces with several after traces: the runs of every file of a side
 * are that side's samples.
 */
export function diffRunSets(base: readonly Trace[], after: readonly Trace[], options: DiffOptions = {}): TraceDiff {
  return diffAggregates(
    base,
    after,
    base.map((t) => aggregate(t)),
    after.map((t) => aggregate(t)),
    options,
  );
}

interface Pending {
  row: DiffRow;
  cmp: SampleComparison;
  b: PathStats;
  a: PathStats;
  floor: number;
}

/** The diff of two sides whose traces are already aggregated (`aggregate` of each trace, in order). */
export function diffAggregates(
  base: readonly Trace[],
  after: readonly Trace[],
  baseAggs: readonly TraceAggregate[],
  afterAggs: readonly TraceAggregate[],
  options: DiffOptions = {},
): TraceDiff {
  if (base.length === 0 || after.length === 0) throw new Error('a diff needs at least one trace per side');
  const ab = mergeAggregates(baseAggs);
  const aa = mergeAggregates(afterAggs);
  const opts: Required<DiffOptions> = { ...DIFF_DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (opts as unknown as Record<string, number>)[k] = v as number;
  const warnings = sideWarnings(base, after, baseAggs, afterAggs, ab, aa);

  // Union of paths in tree order: the baseline's order, then paths only in the after trace placed
  // after their parent's existing children.
  const kids = new Map<string | undefined, string[]>();
  const add = (p: PathStats) => {
    let list = kids.get(p.parent);
    if (!list) kids.set(p.parent, (list = []));
    list.push(p.path);
  };
  for (const p of ab.paths) add(p);
  for (const p of aa.paths) if (!ab.byPath.has(p.path)) add(p);
  const order: string[] = [];
  const stack = [...(kids.get(undefined) ?? [])].reverse();
  while (stack.length > 0) {
    const path = stack.pop()!;
    order.push(path);
    const c = kids.get(path);
    if (c) for (let i = c.length - 1; i >= 0; i--) stack.push(c[i]!);
  }

  const rows: DiffRow[] = [];
  const pending: Pending[] = [];
  for (const path of order) {
    const b = ab.byPath.get(path);
    const a = aa.byPath.get(path);
    const p = (b ?? a)!;
    const bs = b && side(b);
    const as = a && side(a);
    const baseNs = bs ? bs.perRunNs : 0;
    const afterNs = as ? as.perRunNs : 0;
    const deltaNs = afterNs - baseNs;
    const selfDeltaNs = (as ? as.perRunSelfNs : 0) - (bs ? bs.perRunSelfNs : 0);
    const rootStats = ab.byPath.get(p.root) ?? aa.byPath.get(p.root)!;
    const rootNs = rootStats.totalNs / Math.max(1, rootStats.rootCount);
    const floor = opts.minShareOfRoot * rootNs;
    const threshold = baseNs > 0 ? Math.max(opts.threshold, floor / baseNs) : opts.threshold;
    const row: DiffRow = {
      path,
      name: p.name,
      depth: p.depth,
      base: bs,
      after: as,
      deltaNs,
      relative: baseNs > 0 ? deltaNs / baseNs : null,
      selfDeltaNs,
      noiseNs: threshold * baseNs,
      threshold,
      runs: { base: b ? b.rootCount : 0, after: a ? a.rootCount : 0 },
      ci95: null,
      p: null,
      pRank: null,
      q: null,
      outliers: { base: [], after: [] },
      severeOutliers: { base: [], after: [] },
      verdict: 'unchanged',
      reason: '',
    };
    const counters = counterDeltas(b, a);
    if (counters) {
      row.counters = counters;
      row.countersChanged = counters.some((c) => c.delta !== 0);
    }
    rows.push(row);
    if (!b || !a) {
      row.verdict = b ? 'only-base' : 'only-after';
      row.reason = b ? 'not in the after trace' : 'not in the baseline';
      continue;
    }
    const cmp = compareSamples(b.perRootNs, a.perRootNs, { seed: deriveSeed(opts.seed, path), resamples: opts.resamples, threshold });
    row.ci95 = cmp.ci95;
    row.p = cmp.p;
    row.pRank = cmp.pRank;
    row.outliers = cmp.outliers;
    row.severeOutliers = cmp.severeOutliers;
    pending.push({ row, cmp, b, a, floor });
  }

  const qs = benjaminiHochberg(pending.map((x) => x.cmp.p));
  pending.forEach((x, i) => {
    const q = qs[i]!;
    x.row.q = q;
    const j = judge(x.cmp, {
      threshold: x.row.threshold,
      p: x.cmp.p,
      q,
      fdr: opts.fdr,
      alpha: opts.alpha,
      singleRunThreshold: Math.max(opts.singleRunThreshold, x.row.threshold),
    });
    x.row.verdict = j.verdict;
    x.row.reason = j.reason;
    if (j.moreRuns !== undefined) x.row.moreRuns = j.moreRuns;
  });

  // Inherited: the total moved (or is unsettled) while a descendant's change is called and the
  // span's own time shows no change of its own. Deepest first, so that `via` names the spans whose
  // own change is called rather than ancestors that follow them.
  const index = new Map(rows.map((r, i) => [r.path, i]));
  for (const x of [...pending].reverse()) {
    const row = x.row;
    if (row.verdict !== 'faster' && row.verdict !== 'slower' && row.verdict !== 'inconclusive') continue;
    if ((kids.get(row.path)?.length ?? 0) === 0) continue;
    const prefix = row.path + PATH_SEPARATOR;
    const via: string[] = [];
    for (let j = index.get(row.path)! + 1; j < rows.length && rows[j]!.path.startsWith(prefix); j++) {
      const v = rows[j]!.verdict;
      if (v === 'faster' || v === 'slower' || v === 'only-base' || v === 'only-after') via.push(rows[j]!.path);
    }
    if (row.verdict === 'inconclusive' && via.length === 0) continue;
    const selfBase = x.b.selfNs / Math.max(1, x.b.rootCount);
    const selfThreshold = selfBase > 0 ? Math.max(opts.threshold, x.floor / selfBase) : opts.threshold;
    const own = compareSamples(x.b.perRootSelfNs, x.a.perRootSelfNs, {
      seed: deriveSeed(opts.seed, 'self:' + row.path),
      resamples: opts.resamples,
      threshold: selfThreshold,
    });
    const ownVerdict =
      selfBase > 0
        ? judge(own, {
            threshold: selfThreshold,
            p: own.p,
            alpha: opts.alpha,
            singleRunThreshold: Math.max(opts.singleRunThreshold, selfThreshold),
          }).verdict
        : Math.abs(row.selfDeltaNs) > x.floor
          ? 'slower'
          : 'unchanged';
    if (ownVerdict === 'faster' || ownVerdict === 'slower') continue;
    const was = row.verdict;
    row.total = { verdict: was, reason: row.reason };
    row.verdict = 'inherited';
    delete row.moreRuns;
    const unsettled = was === 'inconclusive' ? ' (the total alone is not settled)' : '';
    if (via.length === 0) {
      // Many small changes below the threshold add up; say so rather than point nowhere.
      row.reason = `own time shows no change; many small changes in its children add up`;
    } else {
      row.via = via;
      row.reason = `own time shows no change; follows ${via.map((v) => v.slice(prefix.length)).join(', ')}${unsettled}`;
    }
  }
  const summary = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of rows) summary[r.verdict]++;
  return { base: info(base, ab), after: info(after, aa), warnings, rows, summary, options: opts };
}

function counterDeltas(b: PathStats | undefined, a: PathStats | undefined): CounterDelta[] | undefined {
  const names = new Set([...Object.keys(b?.counters ?? {}), ...Object.keys(a?.counters ?? {})]);
  if (names.size === 0) return undefined;
  const per = (p: PathStats | undefined, k: string) =>
    p && p.counters[k] !== undefined ? p.counters[k]! / Math.max(1, p.rootCount) : undefined;
  return [...names].sort().map((name) => {
    const bv = per(b, name);
    const av = per(a, name);
    const raw = (av ?? 0) - (bv ?? 0);
    // Per-run division can leave a rounding error; counters are whole numbers per run in practice.
    const delta = Math.abs(raw) < 1e-9 * Math.max(1, Math.abs(bv ?? 0), Math.abs(av ?? 0)) ? 0 : raw;
    return { name, base: bv, after: av, delta };
  });
}

function sideWarnings(
  base: readonly Trace[],
  after: readonly Trace[],
  baseAggs: readonly TraceAggregate[],
  afterAggs: readonly TraceAggregate[],
  ab: TraceAggregate,
  aa: TraceAggregate,
): string[] {
  const w: string[] = [];
  for (const [label, ts] of [
    ['baseline', base],
    ['after', after],
  ] as const) {
    const kinds = new Set(ts.map((t) => t.durationKind));
    if (kinds.size > 1)
      w.push(
        `The ${label} files measure different things (${[...kinds].map((k) => KIND_NAMES[k]).join('; ')}); their runs are pooled anyway.`,
      );
  }
  const b0 = base[0]!;
  const a0 = after[0]!;
  if (b0.durationKind !== a0.durationKind) {
    w.push(
      `The two sides measure different things: the baseline has ${KIND_NAMES[b0.durationKind]} ` +
        `(${FORMAT_NAMES[b0.format]}), the after trace ${KIND_NAMES[a0.durationKind]} ` +
        `(${FORMAT_NAMES[a0.format]}). Spans that wait or yield will differ for that reason alone.`,
    );
  } else if (b0.format !== a0.format) {
    w.push(
      `The baseline is ${FORMAT_NAMES[b0.format]} and the after trace ${FORMAT_NAMES[a0.format]}; ` +
        'both measure the same thing, but text formats round durations to 3 significant digits.',
    );
  }
  if (base.length === 1 && after.length === 1) {
    const afterRoots = new Map(aa.roots.map((r) => [r.name, r.count]));
    for (const r of ab.roots) {
      const n = afterRoots.get(r.name);
      if (n !== undefined && n !== r.count) {
        w.push(`"${r.name}" ran ${r.count} time(s) in the baseline and ${n} in the after trace; values are compared per run.`);
      }
    }
  }
  const many = base.length + after.length > 2;
  for (const [label, ts, aggs] of [
    ['baseline', base, baseAggs],
    ['after trace', after, afterAggs],
  ] as const) {
    const unclear: Array<{ t: Trace; n: number }> = [];
    for (const [i, t] of ts.entries()) {
      const name = many ? `${label} ${t.source ?? ''}`.trim() : label;
      const a = aggs[i]!;
      if (a.excludedIncomplete > 0) w.push(`The ${name} has ${a.excludedIncomplete} root span(s) that never closed; they are left out.`);
      const unparsed = t.unparsedCount ?? t.unparsed.length;
      if (unparsed > 0) unclear.push({ t, n: unparsed });
      for (const x of t.warnings ?? []) w.push(`${name}: ${x}`);
    }
    if (unclear.length === 0) continue;
    const first = unclear[0]!;
    const where = `line ${first.t.unparsed[0]?.line}`;
    if (!many) w.push(`The ${label} has ${first.n} line(s) that were not understood (first: ${where}).`);
    else {
      // One line per side: recorded runs of one program tend to print the same extra lines each.
      const lo = Math.min(...unclear.map((u) => u.n));
      const hi = Math.max(...unclear.map((u) => u.n));
      const text = first.t.unparsed[0]?.text;
      const side = label.replace(/ trace$/, '');
      const who =
        unclear.length < ts.length
          ? `${unclear.length} of the ${ts.length} ${side} traces ${unclear.length === 1 ? 'has' : 'have'}`
          : ts.length === 1
            ? `The ${side} trace has`
            : `All ${ts.length} ${side} traces have`;
      w.push(
        `${who} line(s) that were not understood ` +
          `(${lo === hi ? lo : `${lo}–${hi}`} each; first: ${first.t.source ?? 'a trace'} ${where}${text ? `: "${excerpt(text, 79)}"` : ''}).`,
      );
    }
  }
  return w;
}
