import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  benjaminiHochberg,
  classifyOutliers,
  compareSamples,
  createRandom,
  deriveSeed,
  judge,
  smallestP,
  mad,
  mannWhitney,
  mean,
  median,
  normalCdf,
  quantile,
  stddev,
  summarize,
} from '../../../src/core/stats/index';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

test('seeded generator: same seed, same sequence; different seeds differ; uniform enough', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const c = createRandom(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c.next()),
  );
  const r = createRandom(7);
  const counts = new Array(10).fill(0);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const v = r.next();
    assert.ok(v >= 0 && v < 1);
    sum += v;
    counts[r.int(10)]++;
  }
  close(sum / 100_000, 0.5, 0.005, 'mean');
  for (const n of counts) close(n, 10_000, 400, 'bucket');
  assert.notEqual(deriveSeed(1, 'a > b'), deriveSeed(1, 'a > c'));
  assert.equal(deriveSeed(1, 'a > b'), deriveSeed(1, 'a > b'));
});

test('descriptive statistics', () => {
  const xs = [4, 1, 3, 2, 10];
  assert.equal(mean(xs), 4);
  assert.equal(median(xs), 3);
  assert.equal(median([1, 2, 3, 4]), 2.5);
  close(stddev(xs), Math.sqrt(50 / 4), 1e-12);
  assert.equal(stddev([5]), 0);
  assert.equal(mad(xs), 1); // deviations 1,2,0,1,7
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
  assert.deepEqual(summarize(xs), { median: 3, mean: 4, stddev: Math.sqrt(12.5), min: 1, max: 10 });
});

test('Tukey fences: mild and severe outliers by index, as criterion classifies them', () => {
  // Q1 = 11.25, Q3 = 14.75, IQR = 3.5: mild beyond [6, 20], severe beyond [0.75, 25.25].
  const xs = [10, 12, 13, 21, 11, 14, 15, 30, 12, 0];
  const o = classifyOutliers(xs);
  close(o.fences.lowMild, 11.25 - 1.5 * 3.5, 1e-12);
  assert.deepEqual(o.all, [3, 7, 9]);
  assert.deepEqual(o.severe, [7, 9]);
  assert.deepEqual(classifyOutliers([1, 100, 1000]).all, [], 'too few values for quartiles');
  assert.deepEqual(classifyOutliers([5, 5, 5, 5, 5]).all, []);
});

test('Mann–Whitney: exact p without ties, normal approximation with tie correction (values from SciPy)', () => {
  const a = mannWhitney([1, 2, 3], [4, 5, 6]);
  assert.equal(a.method, 'exact');
  assert.equal(a.u, 0);
  close(a.p, 0.1, 1e-12);
  close(mannWhitney([1.1, 2.5, 3.3, 7, 8.2], [4, 5, 6.6, 9, 10, 11]).p, 0.12554112554112554, 1e-12);
  const tied = mannWhitney([1, 2, 2, 3, 4, 4, 8], [2, 3, 5, 6, 7, 7, 9, 10]);
  assert.equal(tied.method, 'normal');
  close(tied.p, 0.08066077105967069, 1e-6);
  const x = [
    101.0368, 102.4649, 100.9913, 96.0905, 102.7161, 101.3391, 98.3891, 101.7434, 101.0937, 100.8824, 100.0853, 101.6401, 97.7906, 99.5113,
    98.5536, 101.7965, 100.1192, 99.1226, 97.6543, 99.2284, 100.0244, 99.1732, 103.8822, 103.0202, 91.8665, 94.333, 99.4757, 98.7334,
    100.6409, 100.652,
  ];
  const y = [
    108.3535, 98.6639, 100.8672, 108.1283, 103.9401, 103.9892, 100.458, 97.0558, 102.5024, 102.327, 98.3179, 99.9503, 101.7839, 99.1657,
    101.7052, 102.2864, 102.1068, 100.4811, 103.7812, 104.6735, 102.9625, 99.5453, 104.195, 100.4957, 104.6375, 98.7846, 104.7434, 101.9398,
    98.2538, 101.0583,
  ];
  const big = mannWhitney(x, y);
  assert.equal(big.method, 'normal');
  close(big.p, 0.009068760993273545, 1e-6);
  assert.equal(mannWhitney([3, 3, 3], [3, 3]).p, 1);
  close(mannWhitney(y, x).p, big.p, 1e-12, 'symmetric');
  close(normalCdf(1.959963985), 0.975, 1e-6);
});

test('Benjamini–Hochberg q-values (values from SciPy false_discovery_control)', () => {
  const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.2]);
  [0.03, 0.06, 0.06, 0.03, 0.5, 0.24].forEach((e, i) => close(q[i]!, e, 1e-12));
  assert.deepEqual(benjaminiHochberg([]), []);
  assert.deepEqual(benjaminiHochberg([0.9]), [0.9]);
});

function lognormal(rng: ReturnType<typeof createRandom>, sigma: number): number {
  // Box–Muller.
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

test('compareSamples: seeded and reproducible; the interval covers the true change about 95% of the time', () => {
  const rng = createRandom(1);
  const base = Array.from({ length: 12 }, () => 100 * lognormal(rng, 0.02));
  const after = Array.from({ length: 12 }, () => 95 * lognormal(rng, 0.02));
  const c1 = compareSamples(base, after, { seed: 9 });
  const c2 = compareSamples(base, after, { seed: 9 });
  assert.deepEqual(c1, c2);
  assert.notDeepEqual(compareSamples(base, after, { seed: 10 }).ci95, c1.ci95);
  close(c1.estimate, mean(after) / mean(base) - 1, 1e-12);
  assert.ok(c1.ci95.lo < c1.estimate && c1.estimate < c1.ci95.hi);
  assert.deepEqual(c1.n, { base: 12, after: 12 });
  assert.equal(c1.verdict, 'faster');
  assert.ok(c1.p < 0.001);
  assert.equal(c1.seed, 9);

  let covered = 0;
  const trials = 200;
  for (let s = 0; s < trials; s++) {
    const r = createRandom(1000 + s);
    const b = Array.from({ length: 15 }, () => 100 * lognormal(r, 0.03));
    const a = Array.from({ length: 15 }, () => 97 * lognormal(r, 0.03));
    const c = compareSamples(b, a, { seed: s, resamples: 500 });
    if (c.ci95.lo <= -0.03 && -0.03 <= c.ci95.hi) covered++;
  }
  // Percentile bootstrap intervals are a little narrow at n = 15; expect 88–99% coverage.
  assert.ok(covered >= 0.88 * trials && covered <= 0.99 * trials, `coverage ${covered}/${trials}`);
});

test('compareSamples: outliers flagged by index; single runs give no interval and an inconclusive verdict', () => {
  const base = [100, 101, 99, 100.5, 99.5, 100.2, 140];
  const c = compareSamples(base, [100, 100.4, 99.8, 100.1, 99.9, 100.3, 99.7]);
  assert.deepEqual(c.outliers.base, [6]);
  assert.deepEqual(c.severeOutliers.base, [6]);
  assert.deepEqual(c.outliers.after, []);
  assert.equal(c.base.max, 140);
  const one = compareSamples([100], [97]);
  assert.equal(one.ci95.lo, -Infinity);
  assert.equal(one.ci95.hi, Infinity);
  assert.equal(one.verdict, 'inconclusive');
  assert.match(one.reason, /one run/);
  assert.equal(compareSamples([100], [60]).verdict, 'faster', 'a huge change is called even from one run');
  const same = compareSamples([100, 100.1, 99.9, 100, 100.05], [100, 99.95, 100.1, 100, 99.9]);
  assert.equal(same.verdict, 'unchanged');
});

test('judge: thresholds, significance and the runs that would settle an inconclusive change', () => {
  const n = { base: 10, after: 10 };
  assert.equal(judge({ n, estimate: -0.05, ci95: { lo: -0.07, hi: -0.03 } }, { threshold: 0.01, p: 0.001 }).verdict, 'faster');
  assert.equal(judge({ n, estimate: 0.05, ci95: { lo: 0.03, hi: 0.07 } }, { threshold: 0.01, p: 0.001 }).verdict, 'slower');
  // Below the practical threshold although certain: unchanged.
  assert.equal(judge({ n, estimate: -0.004, ci95: { lo: -0.006, hi: -0.002 } }, { threshold: 0.01, p: 0.001 }).verdict, 'unchanged');
  // Interval excludes 0 but p is not small enough (1% by default), or q when a false discovery rate is asked for.
  assert.equal(judge({ n, estimate: -0.05, ci95: { lo: -0.07, hi: -0.03 } }, { threshold: 0.01, p: 0.02 }).verdict, 'inconclusive');
  assert.equal(judge({ n, estimate: -0.05, ci95: { lo: -0.07, hi: -0.03 } }, { threshold: 0.01, p: 0.02, alpha: 0.05 }).verdict, 'faster');
  const notSig = judge({ n, estimate: -0.05, ci95: { lo: -0.07, hi: -0.03 } }, { threshold: 0.01, p: 0.001, q: 0.2, fdr: 0.05 });
  assert.equal(notSig.verdict, 'inconclusive');
  assert.match(notSig.reason, /q = 0.20/);
  const wide = judge({ n, estimate: -0.03, ci95: { lo: -0.06, hi: 0 } }, { threshold: 0.01, p: 0.1 });
  assert.equal(wide.verdict, 'inconclusive');
  // Half-width 3% must shrink to 3%·… : (0.03/0.03)² · 10 · 1.2 = 12 runs, 2 more.
  assert.equal(wide.moreRuns, 2);
  assert.match(wide.reason, /about 2 more run/);
});

test('judge: too few runs for the permutation test to reach alpha are named as the reason, with the runs that can', () => {
  // Exact: 2 / C(6, 3) = 0.1; 2 / C(10, 5) < 0.01.
  assert.equal(smallestP(3, 3), 0.1);
  assert.ok(smallestP(4, 4) > 0.01 && smallestP(5, 5) < 0.01);
  const three = judge({ n: { base: 3, after: 3 }, estimate: -0.15, ci95: { lo: -0.16, hi: -0.14 } }, { threshold: 0.01, p: 0.1 });
  assert.equal(three.verdict, 'inconclusive');
  assert.match(
    three.reason,
    /3 and 3 runs cannot confirm it \(the permutation test's smallest p with them is 0\.10; p < 0\.01 is needed\); 5 runs per side can$/,
  );
  assert.equal(three.moreRuns, 2);
  // Too many runs to suggest: because the change sits at the threshold, or because the span is noisy.
  const n12 = { base: 12, after: 12 };
  assert.match(
    judge({ n: n12, estimate: -0.0101, ci95: { lo: -0.06, hi: 0.04 } }, { threshold: 0.01, p: 0.3 }).reason,
    /too close to the threshold/,
  );
  assert.match(
    judge({ n: n12, estimate: -0.042, ci95: { lo: -0.41, hi: 0.57 } }, { threshold: 0.01, p: 0.8 }).reason,
    /varies too much from run to run/,
  );
  // With enough runs, a p above alpha is the data's answer, not the sample size's.
  const five = judge({ n: { base: 5, after: 5 }, estimate: -0.15, ci95: { lo: -0.2, hi: -0.1 } }, { threshold: 0.01, p: 0.03 });
  assert.match(five.reason, /the permutation test does not confirm it \(p = 0\.030/);
});
