/**
 * Span timings at their sites in Rust source: which lines of a file define spans of a loaded
 * trace (`info_span!`/`debug_span!`/`span!`, `#[instrument]`, or the location the trace records),
 * what the CodeLens above each says, and how hot a hotspot line under a span is. Pure.
 */
import { formatSpanTime } from '../trace/duration';
import { formatPercent, share } from '../trace/render';
import { matchesHighlight } from './highlight';
import { findSpanDefinitions, pickLocationCandidate, type DefinitionKind } from './sourceSearch';
import type { SpanTiming } from './spanTimings';
import { fmtP } from '../stats/format';

export interface SpanSite {
  name: string;
  /** 1-based line and 0-based column of the span's name. */
  line: number;
  column: number;
  how: DefinitionKind | 'trace-location';
}

/** Sites are definitions, not any function of the same name: those kinds only. */
const SITE_KINDS: ReadonlySet<DefinitionKind> = new Set(['span-macro', 'instrument-name', 'instrument-fn']);

/**
 * The span sites in one file: locations the trace records that point at this file (by trailing
 * path segments), and for spans without a location, definitions found by name in the text.
 */
export function findSpanSites(text: string, relativePath: string, byName: ReadonlyMap<string, readonly SpanTiming[]>): SpanSite[] {
  const out: SpanSite[] = [];
  const seen = new Set<string>();
  const add = (s: SpanSite) => {
    const key = `${s.name}\n${s.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(s);
  };
  for (const [name, paths] of byName) {
    const located = paths.filter((p) => p.location);
    for (const p of located) {
      if (pickLocationCandidate(p.location!.file, [relativePath]) !== undefined)
        add({ name, line: p.location!.line, column: 0, how: 'trace-location' });
    }
    if (located.length > 0) continue;
    for (const d of findSpanDefinitions(text, name)) if (SITE_KINDS.has(d.kind)) add({ name, line: d.line, column: d.column, how: d.kind });
  }
  return out.sort((a, b) => a.line - b.line || a.name.localeCompare(b.name));
}

const VERDICTS: Record<string, string> = {
  faster: 'faster',
  slower: 'slower',
  unchanged: 'noise',
  inherited: 'inherited',
  inconclusive: 'inconclusive',
  'only-base': 'removed',
  'only-after': 'new',
};

/** The change part of a lens: `-40.0% vs baseline (faster, 95% CI -42.0%…-38.1%, p=0.002)`. */
export function changeText(p: SpanTiming): string | undefined {
  const c = p.change;
  if (!c) return undefined;
  const extras: string[] = [VERDICTS[c.verdict] ?? c.verdict];
  if (c.ci95) extras.push(`95% CI ${formatPercent(c.ci95.lo)}…${formatPercent(c.ci95.hi)}`);
  if (c.p !== undefined) extras.push(`p=${fmtP(c.p)}`);
  return `${formatPercent(c.relative)} vs baseline (${extras.join(', ')})`;
}

/** What the lens above a site says: the heaviest path's figures, and how many other paths there are. */
export function lensTitle(paths: readonly SpanTiming[]): string {
  const p = paths[0];
  if (!p) return '';
  const runs = Math.max(1, p.runs);
  const per = runs > 1 ? `per proof (${runs} proofs)` : 'per proof';
  const parts = [
    `⏱ ${formatSpanTime(p.totalPerRunNs)} total, ${formatSpanTime(p.selfPerRunNs)} self ${per}`,
    `${share(p.shareOfRoot)} of root`,
  ];
  const change = changeText(p);
  if (change) parts.push(change);
  if (paths.length > 1) parts.push(`+${paths.length - 1} more path${paths.length === 2 ? '' : 's'}`);
  return parts.join(' · ');
}

/** Every path of the site, one line each (the lens's tooltip). */
export function lensTooltip(paths: readonly SpanTiming[], source: string): string {
  const lines = paths.map((p) => {
    const change = changeText(p);
    return `${p.path}: ${formatSpanTime(p.totalPerRunNs)} total, ${formatSpanTime(p.selfPerRunNs)} self per run, ${share(p.shareOfRoot)} of root${change ? `, ${change}` : ''}`;
  });
  return `${source}\n${lines.join('\n')}`;
}

/** Heat of a share of the root: 0 (under 1 %), 1 (under 5 %), 2 (under 20 %), 3. */
export function heatLevel(shareOfRoot: number): 0 | 1 | 2 | 3 {
  if (shareOfRoot >= 0.2) return 3;
  if (shareOfRoot >= 0.05) return 2;
  if (shareOfRoot >= 0.01) return 1;
  return 0;
}

/** The site a line is under: the nearest one at or above it (sites sorted by line), if any. */
export function siteAbove(sites: readonly SpanSite[], line: number): SpanSite | undefined {
  let found: SpanSite | undefined;
  for (const s of sites) {
    if (s.line > line) break;
    found = s;
  }
  return found;
}

/**
 * Span paths slowest first by self time per run, as `trace summary` lists its hottest spans: the
 * time spent in the span's own code, which its site is where to look.
 */
export function slowestSpans(spans: readonly SpanTiming[]): SpanTiming[] {
  return [...spans].sort((a, b) => b.selfPerRunNs - a.selfPerRunNs || b.totalPerRunNs - a.totalPerRunNs);
}

/**
 * The heaviest span path among the spans a work item names (backticked in its title, Problem and
 * Target), matched as the chart's milestone outline matches them: what its hotspot lines cost.
 */
export function namedSpanTiming(byName: ReadonlyMap<string, readonly SpanTiming[]>, names: ReadonlySet<string>): SpanTiming | undefined {
  let best: SpanTiming | undefined;
  if (names.size === 0) return undefined;
  for (const [name, paths] of byName) {
    if (!matchesHighlight(name, names)) continue;
    const p = paths[0];
    if (p && (!best || p.shareOfRoot > best.shareOfRoot)) best = p;
  }
  return best;
}
