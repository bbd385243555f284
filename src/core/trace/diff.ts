/**
 * Baseline vs after, aligned by span path. Values are per run of the path's root (per proof), so
 * one baseline proof compares with eight after proofs. A change counts when it is bigger than the
 * noise band: a relative threshold (tighter when both sides have several runs, and then at least
 * `sigma` standard errors of the per-run values), never below a small share of the root. Spans
 * whose total moved only because a descendant moved are "inherited", pointing at the descendant.
 */
import { aggregate, type PathStats, type Spread, type TraceAggregate } from './aggregate';
import { FORMAT_NAMES } from './build';
import { PATH_SEPARATOR, type DurationKind, type Trace } from './model';

export type Verdict = 'faster' | 'slower' | 'unchanged' | 'inherited' | 'only-base' | 'only-after';

export interface DiffSide {
  /** Span instances per run of the root. */
  countPerRun: number;
  /** Total time per run of the root (the compared value). */
  perRunNs: number;
  perRunSelfNs: number;
  /** Runs of the root on this side. */
  runs: number;
  spread: Spread | undefined;
  shareOfRoot: number;
  counters: Record<string, number>;
}

export interface DiffRow {
  path: string;
  name: string;
  depth: number;
  base: DiffSide | undefined;
  after: DiffSide | undefined;
  /** after - base, per run (ns). */
  deltaNs: number;
  /** deltaNs / base; null when the span is new. */
  relative: number | null;
  selfDeltaNs: number;
  /** Changes within ±noiseNs are judged noise. */
  noiseNs: number;
  verdict: Verdict;
  /** Why the verdict (threshold used, or what an inherited change comes from). */
  reason: string;
  /** For `inherited`: the descendants whose own change explains this span's. */
  via?: string[];
}

export interface DiffSideInfo {
  source?: string;
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
  /** Relative change below which a single-run comparison is noise. Default 0.05. */
  threshold?: number;
  /** Relative floor when both sides have several runs. Default 0.01. */
  multiRunThreshold?: number;
  /** Standard errors a change must exceed when both sides have several runs. Default 2. */
  sigma?: number;
  /** Changes smaller than this share of the root's per-run time are noise. Default 0.001. */
  minShareOfRoot?: number;
}

const DEFAULTS: Required<DiffOptions> = { threshold: 0.05, multiRunThreshold: 0.01, sigma: 2, minShareOfRoot: 0.001 };

const KIND_NAMES: Record<DurationKind, string> = {
  busy: 'busy time (time the span was entered)',
  'busy+idle': 'busy + idle time (creation to close)',
  wall: 'wall time from enter to exit',
  sampled: 'sampled time',
};

function side(p: PathStats): DiffSide {
  const runs = Math.max(1, p.rootCount);
  return {
    countPerRun: p.count / runs,
    perRunNs: p.totalNs / runs,
    perRunSelfNs: p.selfNs / runs,
    runs: p.rootCount,
    spread: p.spread,
    shareOfRoot: p.shareOfRoot,
    counters: p.counters,
  };
}

function variance(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return sq / (n - 1);
}

function info(t: Trace, a: TraceAggregate): DiffSideInfo {
  return { source: t.source, format: t.format, durationKind: t.durationKind, spanCount: t.spanCount, roots: a.roots };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
}

/** Compares two traces (or their aggregates) span path by span path. */
export function diffTraces(base: Trace, after: Trace, options: DiffOptions = {}): TraceDiff {
  const opts: Required<DiffOptions> = { ...DEFAULTS, ...options };
  const ab = aggregate(base);
  const aa = aggregate(after);
  const warnings = sideWarnings(base, after, ab, aa);

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
    if (c) for (let i = c.length - 1; i >= 0; i--) stack.push(c[i]);
  }

  const rows: DiffRow[] = [];
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
    const rootPath = p.root;
    const rootBase = ab.byPath.get(rootPath) ?? aa.byPath.get(rootPath)!;
    const rootNs = rootBase.totalNs / Math.max(1, rootBase.rootCount);
    const floor = opts.minShareOfRoot * rootNs;
    const row: DiffRow = {
      path,
      name: p.name,
      depth: p.depth,
      base: bs,
      after: as,
      deltaNs,
      relative: baseNs > 0 ? deltaNs / baseNs : null,
      selfDeltaNs,
      noiseNs: 0,
      verdict: 'unchanged',
      reason: '',
    };
    if (!b || !a) {
      row.verdict = b ? 'only-base' : 'only-after';
      row.reason = b ? 'not in the after trace' : 'not in the baseline';
      rows.push(row);
      continue;
    }
    const band = noiseBand(baseNs, b.perRootNs, a.perRootNs, floor, opts);
    row.noiseNs = band.ns;
    if (Math.abs(deltaNs) <= band.ns) {
      row.verdict = 'unchanged';
      row.reason = `within noise (±${band.why})`;
    } else {
      row.verdict = deltaNs < 0 ? 'faster' : 'slower';
      row.reason = `beyond noise (±${band.why})`;
      if (p.depth >= 0 && hasChildren(kids, path)) {
        const selfBand = noiseBand(b.selfNs / Math.max(1, b.rootCount), b.perRootSelfNs, a.perRootSelfNs, floor, opts);
        if (Math.abs(selfDeltaNs) <= selfBand.ns) {
          row.verdict = 'inherited';
          row.reason = `own time within noise (±${selfBand.why}); the change is in its children`;
        }
      }
    }
    rows.push(row);
  }
  // Inherited rows point at the descendants whose own change explains them.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.verdict !== 'inherited') continue;
    const prefix = row.path + PATH_SEPARATOR;
    const via: string[] = [];
    for (let j = i + 1; j < rows.length && rows[j].path.startsWith(prefix); j++) {
      const v = rows[j].verdict;
      if (v === 'faster' || v === 'slower' || v === 'only-base' || v === 'only-after') via.push(rows[j].path);
    }
    if (via.length === 0) {
      // Many small changes below the noise band add up; say so rather than point nowhere.
      row.reason = 'own time within noise; many small changes in its children add up';
    } else {
      row.via = via;
      row.reason = `own time within noise; follows ${via.map((v) => v.slice(prefix.length)).join(', ')}`;
    }
  }
  const summary: Record<Verdict, number> = { faster: 0, slower: 0, unchanged: 0, inherited: 0, 'only-base': 0, 'only-after': 0 };
  for (const r of rows) summary[r.verdict]++;
  return { base: info(base, ab), after: info(after, aa), warnings, rows, summary, options: opts };
}

function hasChildren(kids: Map<string | undefined, string[]>, path: string): boolean {
  return (kids.get(path)?.length ?? 0) > 0;
}

function noiseBand(
  baseNs: number,
  baseRuns: number[],
  afterRuns: number[],
  floor: number,
  opts: Required<DiffOptions>,
): { ns: number; why: string } {
  const multi = baseRuns.length >= 2 && afterRuns.length >= 2;
  const rel = multi ? opts.multiRunThreshold : opts.threshold;
  let ns = rel * baseNs;
  let why = pct(rel);
  if (multi) {
    const se = Math.sqrt(variance(baseRuns) / baseRuns.length + variance(afterRuns) / afterRuns.length);
    if (opts.sigma * se > ns) {
      ns = opts.sigma * se;
      why = `${opts.sigma}σ of the spread across ${baseRuns.length}/${afterRuns.length} runs`;
    }
  }
  if (floor > ns) {
    ns = floor;
    why = `${pct(opts.minShareOfRoot)} of the root`;
  }
  return { ns, why };
}

function sideWarnings(base: Trace, after: Trace, ab: TraceAggregate, aa: TraceAggregate): string[] {
  const w: string[] = [];
  if (base.durationKind !== after.durationKind) {
    w.push(
      `The two sides measure different things: the baseline has ${KIND_NAMES[base.durationKind]} ` +
        `(${FORMAT_NAMES[base.format]}), the after trace ${KIND_NAMES[after.durationKind]} ` +
        `(${FORMAT_NAMES[after.format]}). Spans that wait or yield will differ for that reason alone.`,
    );
  } else if (base.format !== after.format) {
    w.push(
      `The baseline is ${FORMAT_NAMES[base.format]} and the after trace ${FORMAT_NAMES[after.format]}; ` +
        'both measure the same thing, but text formats round durations to 3 significant digits.',
    );
  }
  const afterRoots = new Map(aa.roots.map((r) => [r.name, r.count]));
  for (const r of ab.roots) {
    const n = afterRoots.get(r.name);
    if (n !== undefined && n !== r.count) {
      w.push(`"${r.name}" ran ${r.count} time(s) in the baseline and ${n} in the after trace; values are compared per run.`);
    }
  }
  for (const [label, t, a] of [['baseline', base, ab], ['after trace', after, aa]] as const) {
    if (a.excludedIncomplete > 0) w.push(`The ${label} has ${a.excludedIncomplete} root span(s) that never closed; they are left out.`);
    const unparsed = t.unparsedCount ?? t.unparsed.length;
    if (unparsed > 0) w.push(`The ${label} has ${unparsed} line(s) that were not understood (first: line ${t.unparsed[0]?.line}).`);
    for (const x of t.warnings ?? []) w.push(`${label}: ${x}`);
  }
  return w;
}
