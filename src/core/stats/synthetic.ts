/**
 * Synthetic profiling runs with a known truth, for the statistics' test suite and benchmark: a
 * prover-shaped span tree whose every span's own time gets log-normal noise per span and a factor
 * shared by all spans of a run (clock and temperature drift), and one leaf whose true time changes
 * by a given fraction on the after side. Seeded: the same options give the same traces.
 */
import type { Span, Trace } from '../trace/model';
import { createRandom, type Random } from './random';

export interface SyntheticOptions {
  seed: number;
  /** Runs (root instances) per side. */
  runs: number;
  /** True relative change of the changed leaf on the after side (-0.05 = 5% faster). */
  change: number;
  /** Log-normal σ of each span's own time per run. Default 0.02. */
  spanNoise?: number;
  /** Log-normal σ of a factor shared by all spans of one run. Default 0.01. */
  runNoise?: number;
  /** Files per side the runs are spread over (runs are dealt round-robin). Default 1. */
  filesPerSide?: number;
}

interface Shape {
  name: string;
  /** Own (self) time in ms. */
  selfMs: number;
  children?: Shape[];
}

/** A tree shaped like the sample prover traces: phases with a few kernels each. */
export const SYNTHETIC_TREE: Shape = {
  name: 'prove',
  selfMs: 1,
  children: [
    {
      name: 'main_trace_commit',
      selfMs: 0.5,
      children: [
        { name: 'rs_code_matrix', selfMs: 100 },
        { name: 'merkle_tree', selfMs: 35 },
      ],
    },
    {
      name: 'rap_constraints',
      selfMs: 0.8,
      children: [
        { name: 'logup_gkr', selfMs: 17 },
        { name: 'ple_round0', selfMs: 118 },
        { name: 'interpolations', selfMs: 10 },
        { name: 'mle_rounds', selfMs: 13 },
      ],
    },
    {
      name: 'openings',
      selfMs: 0.5,
      children: [
        { name: 'stacked_reduction', selfMs: 10.5 },
        { name: 'whir', selfMs: 20 },
      ],
    },
  ],
};

/** The leaf whose time changes, and its path. */
export const CHANGED_LEAF = 'prove > main_trace_commit > rs_code_matrix';

/** Paths whose true total changes with the leaf (the leaf and its ancestors). */
export const CHANGED_PATHS: ReadonlySet<string> = new Set(['prove', 'prove > main_trace_commit', CHANGED_LEAF]);

function normal(rng: Random): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const FROZEN_EMPTY: Span[] = [];

function buildRun(
  shape: Shape,
  path: string,
  rng: Random,
  runFactor: number,
  o: Required<Omit<SyntheticOptions, 'seed' | 'runs' | 'filesPerSide'>>,
  after: boolean,
  rootIndex: number,
): Span {
  const children = (shape.children ?? []).map((c) => buildRun(c, `${path} > ${c.name}`, rng, runFactor, o, after, rootIndex));
  const truth = shape.selfMs * (after && path === CHANGED_LEAF ? 1 + o.change : 1);
  const selfNs = truth * 1e6 * runFactor * Math.exp(o.spanNoise * normal(rng));
  let total = selfNs;
  for (const c of children) total += c.durationNs;
  return {
    name: shape.name,
    durationNs: total,
    selfNs,
    fields: {},
    events: [],
    children: children.length ? children : FROZEN_EMPTY,
    rootIndex,
  };
}

function side(o: SyntheticOptions, rng: Random, after: boolean, label: string): Trace[] {
  const opts = { change: o.change, spanNoise: o.spanNoise ?? 0.02, runNoise: o.runNoise ?? 0.01 };
  const files = Math.max(1, o.filesPerSide ?? 1);
  const traces: Trace[] = Array.from({ length: files }, (_, i) => ({
    format: 'forest',
    durationKind: 'busy',
    roots: [],
    events: [],
    unparsed: [],
    foreignLines: 0,
    spanCount: 0,
    source: `${label}-${i + 1}.txt`,
  }));
  for (let r = 0; r < o.runs; r++) {
    const t = traces[r % files]!;
    const runFactor = Math.exp(opts.runNoise * normal(rng));
    const root = buildRun(SYNTHETIC_TREE, SYNTHETIC_TREE.name, rng, runFactor, opts, after, t.roots.length);
    t.roots.push(root);
  }
  for (const t of traces) t.spanCount = t.roots.length * countSpans(SYNTHETIC_TREE);
  return traces;
}

function countSpans(s: Shape): number {
  return 1 + (s.children ?? []).reduce((n, c) => n + countSpans(c), 0);
}

/** Baseline and after traces for one seed. */
export function syntheticRuns(o: SyntheticOptions): { base: Trace[]; after: Trace[] } {
  const rng = createRandom(o.seed);
  return { base: side(o, rng, false, 'base'), after: side(o, rng, true, 'after') };
}
