import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../../../src/core/trace/aggregate';
import { diffTraces } from '../../../src/core/trace/diff';
import { formatSpanTime } from '../../../src/core/trace/duration';
import { spanTimingsOfDiff, spanTimingsOfTrace, timingsByName } from '../../../src/core/flame/spanTimings';
import { findSpanSites, heatLevel, lensTitle, namedSpanTiming, siteAbove, slowestSpans } from '../../../src/core/flame/spanSites';
import { loadTrace } from './helpers';

const RUST = `use tracing::{info_span, instrument};

pub fn stacked_commit() {
    let _span = info_span!("stacked_commit").entered();
    rs_code_matrix();
}

#[instrument(skip_all)]
pub fn rs_code_matrix() {}

fn merkle_tree() {}
`;

test("span timings of a trace are trace summary's figures per path", () => {
  const t = loadTrace('forest_multi.txt');
  const timings = spanTimingsOfTrace(t, 'forest_multi.txt');
  const agg = aggregate(t);
  assert.equal(timings.spans.length, agg.paths.length);
  for (const [i, p] of agg.paths.entries()) {
    const s = timings.spans[i];
    assert.equal(s.path, p.path);
    assert.equal(s.totalPerRunNs, p.perRootMeanNs);
    assert.equal(s.selfPerRunNs, p.selfNs / Math.max(1, p.rootCount));
    assert.equal(s.shareOfRoot, p.shareOfRoot);
    assert.equal(s.runs, p.rootCount);
  }
});

test("span sites: span macros and #[instrument] of the trace's names, not plain functions", () => {
  const byName = timingsByName(spanTimingsOfTrace(loadTrace('forest_multi.txt'), 'f'));
  const sites = findSpanSites(RUST, 'crates/x/src/lib.rs', byName);
  assert.deepEqual(
    sites.map((s) => [s.name, s.line, s.how]),
    [
      ['stacked_commit', 4, 'span-macro'],
      ['rs_code_matrix', 9, 'instrument-fn'],
    ],
  );
  // merkle_tree is a span of the trace, but `fn merkle_tree` is not a span site.
  assert.ok(byName.has('merkle_tree'));
  assert.equal(siteAbove(sites, 5)?.name, 'stacked_commit');
  assert.equal(siteAbove(sites, 3), undefined);
});

test('span sites: a location the trace records wins over the name search', () => {
  const byName = new Map([['work', [{ path: 'main > work', name: 'work', runs: 1, totalPerRunNs: 5e6, selfPerRunNs: 1e6, shareOfRoot: 0.5, location: { file: 'src/lib.rs', line: 7 } }]]]);
  assert.deepEqual(findSpanSites('fn main() {}', 'crates/a/src/lib.rs', byName).map((s) => [s.line, s.how]), [[7, 'trace-location']]);
  assert.deepEqual(findSpanSites('info_span!("work")', 'crates/a/src/other.rs', byName), []);
});

test('lens text: total and self per proof, share of root, change and verdict against the baseline', () => {
  const byName = timingsByName(spanTimingsOfTrace(loadTrace('forest_multi.txt'), 'f'));
  const rs = byName.get('rs_code_matrix')!;
  assert.equal(rs.length, 1);
  assert.equal(lensTitle(rs), `⏱ ${formatSpanTime(rs[0].totalPerRunNs)} total, ${formatSpanTime(rs[0].selfPerRunNs)} self per proof (8 proofs) · ${(rs[0].shareOfRoot * 100).toFixed(1)}% of root`);
  assert.match(lensTitle(byName.get('merkle_tree')!), / · \+1 more path$/);

  const base = loadTrace('forest_baseline.txt');
  const after = loadTrace('forest_after.txt');
  const cmp = timingsByName(spanTimingsOfDiff(base, after, 'b ↔ a'));
  const row = diffTraces(base, after).rows.find((r) => r.name === 'rs_code_matrix')!;
  assert.equal(row.verdict, 'faster');
  const title = lensTitle(cmp.get('rs_code_matrix')!);
  assert.match(title, /^⏱ 89\.4ms total, 89\.4ms self per proof · \d+\.\d% of root · -40\.0% vs baseline \(faster\)$/);
  // With interval and p (the statistics of a multi-run diff), both are shown.
  const withStats = [{ ...cmp.get('rs_code_matrix')![0], change: { ...cmp.get('rs_code_matrix')![0].change!, ci95: { lo: -0.42, hi: -0.38 }, p: 0.0004 } }];
  assert.match(lensTitle(withStats), /-40\.0% vs baseline \(faster, 95% CI -42\.0%…-38\.0%, p=<0\.001\)$/);
});

test('heat: the spans a work item names, by share of the root; slowest spans by self time', () => {
  const byName = timingsByName(spanTimingsOfTrace(loadTrace('forest_multi.txt'), 'f'));
  const p = namedSpanTiming(byName, new Set(['rs_code_matrix', 'command::blit_operation']))!;
  assert.equal(p.name, 'rs_code_matrix');
  assert.equal(heatLevel(p.shareOfRoot), 3);
  assert.equal(namedSpanTiming(byName, new Set(['nothing_here'])), undefined);
  assert.deepEqual([heatLevel(0.005), heatLevel(0.02), heatLevel(0.1), heatLevel(0.5)], [0, 1, 2, 3]);
  const slow = slowestSpans(spanTimingsOfTrace(loadTrace('forest_multi.txt'), 'f').spans);
  assert.equal(slow[0].name, 'rs_code_matrix');
  for (let i = 1; i < slow.length; i++) assert.ok(slow[i - 1].selfPerRunNs >= slow[i].selfPerRunNs);
});

test('with several runs per side, the timings carry each path\'s interval and p; only real changes are faster or slower', () => {
  const base = loadTrace('forest_multi.txt');
  const after = loadTrace('forest_multi.txt');
  // rs_code_matrix 40 % faster in every proof of the after trace.
  const stack = [...after.roots];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (s.name === 'rs_code_matrix') {
      s.durationNs *= 0.6;
      s.selfNs *= 0.6;
    }
    stack.push(...s.children);
  }
  const spans = spanTimingsOfDiff(base, after, 'b ↔ a').spans;
  const rs = spans.find((s) => s.name === 'rs_code_matrix')!;
  assert.equal(rs.change?.verdict, 'faster');
  assert.ok(rs.change?.ci95 && rs.change.ci95.hi < 0 && rs.change.ci95.lo > -0.5, JSON.stringify(rs.change));
  assert.equal(typeof rs.change?.p, 'number');
  const merkle = spans.find((s) => s.name === 'merkle_tree')!;
  assert.ok(merkle.change?.verdict !== 'faster' && merkle.change?.verdict !== 'slower', merkle.change?.verdict);
  assert.match(lensTitle([rs]), /vs baseline \(faster, 95% CI -\d+\.\d%…-\d+\.\d%, p=/);
});
