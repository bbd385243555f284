/**
 * Markdown for the report: the whole document (preview, copy, `report` command) and the bodies
 * of the sections written into the tracking file. Pure; the same model gives the same text.
 */
import { formatSpanTime, formatSpanTimeChange } from '../trace/duration';
import type { Spread } from '../trace/aggregate';
import type { Bottleneck, ChangedFile, MilestoneReport, ResidualPart, SpanDelta, TimingPart, TraceInfo } from './model';

/** Marker names of the sections `complete` writes into the tracking file. */
export const SECTION_NAMES = {
  summary: 'summary',
  changes: 'report-changes',
  timing: 'report-timing',
  residual: 'report-residual',
} as const;

export function code(text: string): string {
  if (!text.includes('`')) return '`' + text + '`';
  return '`` ' + text + ' ``';
}

export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function percent(x: number, digits = 1): string {
  const v = (x * 100).toFixed(digits);
  return x > 0 && Number(v) !== 0 ? `+${v}%` : `${Number(v) === 0 ? (0).toFixed(digits) : v}%`;
}

/** `40.0% faster` / `3.1% slower` / `unchanged`. */
export function direction(relative: number | null): string {
  if (relative === null) return 'new';
  const v = Math.abs(relative * 100).toFixed(1);
  if (Number(v) === 0) return 'unchanged';
  return `${v}% ${relative < 0 ? 'faster' : 'slower'}`;
}

function count(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function plural(n: number, word: string, many = word + 's'): string {
  return `${n} ${n === 1 ? word : many}`;
}

function spreadText(s: Spread | undefined): string {
  return s ? `±${(s.cv * 100).toFixed(1)}%` : '—';
}

// ---- parts ---------------------------------------------------------------------------------------

export function renderScope(r: MilestoneReport): string[] {
  const out: string[] = [];
  if (r.workItems.length === 0) {
    out.push(`Milestone ${r.milestone.id} maps to no optimisation work item: ${r.milestone.description ?? r.milestone.title}.`);
    return out;
  }
  for (const w of r.workItems) {
    out.push(`### Work item ${w.id}: ${w.title}`, '');
    out.push('Problem:', '', ...(w.problem.length ? w.problem.map((p) => `- ${p}`) : ['- (not given in the catalog)']), '');
    out.push('Target:', '', ...(w.target.length ? w.target.map((t) => `- ${t}`) : ['- (not given in the catalog)']), '');
    if (w.hotspots.length) out.push('Hotspots:', '', ...w.hotspots.map((h) => `- ${code(h)}`), '');
  }
  while (out.at(-1) === '') out.pop();
  return out;
}

function changeText(f: ChangedFile): string {
  if (f.kind === 'renamed' && f.oldPath) return `renamed from ${code(f.oldPath)}`;
  return f.kind;
}

function linesText(f: ChangedFile): string {
  if (f.binary || f.added === undefined) return 'binary';
  return `+${f.added} -${f.removed}`;
}

function baseText(r: MilestoneReport): string {
  const b = r.changes.base;
  if (!b) return '';
  if (b.source === 'empty') return ' (no commits yet: against the empty tree)';
  const why = {
    option: 'given',
    recorded: 'recorded at start',
    start: 'the start record',
    head: 'HEAD: no base commit was recorded',
    empty: '',
  }[b.source];
  return ` since base commit ${code(b.commit.slice(0, 12))} (${why})`;
}

export function renderChanges(r: MilestoneReport): string[] {
  const c = r.changes;
  if (c.unavailable) return [`Changed files are not available: ${c.unavailable}.`];
  const out: string[] = [];
  const kinds = ['added', 'modified', 'deleted', 'renamed'] as const;
  const byKind = kinds.map((k) => [k, c.files.filter((f) => f.kind === k).length] as const).filter(([, n]) => n > 0);
  const { error, warning, information } = c.counts;
  if (c.files.length === 0) {
    out.push(`No files changed${baseText(r)}.`);
  } else {
    out.push(
      `${plural(c.files.length, 'file')} changed${baseText(r)}: ${byKind.map(([k, n]) => `${n} ${k}`).join(', ')}. ` +
        `Scope check: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${information} information.`,
    );
    out.push('', '| File | Change | Lines | Scope verdict |', '| --- | --- | --- | --- |');
    for (const f of c.files) out.push(`| ${cell(code(f.path))} | ${cell(changeText(f))} | ${linesText(f)} | ${cell(f.verdict.label)} |`);
  }
  if (r.forced) {
    out.push(
      '',
      `**Completed despite ${plural(r.forced.errors, 'scope error')}.** Reason given: ${r.forced.reason.replace(/\r?\n/g, ' ')}`,
    );
  }
  return out;
}

export function renderSummary(r: MilestoneReport): string[] {
  if (r.summary.text === undefined || r.summary.text.trim() === '') {
    return ['_No optimisation summary yet. Write it in the tracking file, or give it when completing the milestone._'];
  }
  return r.summary.text.trim().split(/\r?\n/);
}

export function renderValidation(r: MilestoneReport): string[] {
  const runs = r.validation.runs;
  if (runs.length === 0) return [`_No validation runs recorded in ${code(r.validation.file)}._`];
  const out = ['| Date (UTC) | Command | Result | Duration |', '| --- | --- | --- | --- |'];
  for (const v of runs) out.push(`| ${cell(v.date)} | ${cell(code(v.command))} | ${cell(v.result)} | ${cell(v.duration)} |`);
  const passed = runs.filter((v) => v.outcome === 'passed').length;
  out.push('', `${plural(runs.length, 'run')} recorded: ${passed} passed, ${runs.length - passed} not passed.`);
  return out;
}

function traceText(t: TraceInfo, side: 'baseline' | 'after' = 'after'): string {
  const tree =
    t.tree === 'base-worktree'
      ? `, built at the base commit${t.commit ? ` ${code(t.commit.slice(0, 12))}` : ''}`
      : t.tree === 'current-tree' && side === 'baseline'
        ? ', built from the current working tree, not the base commit'
        : '';
  const when = t.time ? ` of ${t.time.slice(0, 16).replace('T', ' ')} UTC` : '';
  const recorded = t.session ? `A/B session ${code(t.session)}` : `recorded profiling run${when}`;
  const origin = t.source === 'recorded' ? `${recorded}${tree}` : 'given';
  return `${code(t.file)} (${origin}; ${plural(t.runs, 'proof')})`;
}

/** ` [lo, hi]`: the 95 % interval of a relative change, when there is a bounded one. */
function intervalText(d: SpanDelta): string {
  return d.ci95 && Number.isFinite(d.ci95.lo) && Number.isFinite(d.ci95.hi) ? ` [${percent(d.ci95.lo)}, ${percent(d.ci95.hi)}]` : '';
}

/**
 * The root's headline says what the statistics say of its total: a direction only when that change
 * is called (the root is usually "inherited": its own time does not move, its total does).
 */
function rootVerdict(root: SpanDelta): string {
  const total = root.verdict === 'inherited' ? root.total : { verdict: root.verdict, reason: root.reason ?? '' };
  switch (total?.verdict) {
    case 'unchanged':
      return 'unchanged (within the practical threshold)';
    case 'inconclusive':
      // The reason repeats the estimate and interval shown just before it.
      return `not settled: ${total.reason.replace(/^[^:[]*\[[^\]]*\]: /, '')}`;
    default:
      return direction(root.relative);
  }
}

function deltaRow(d: SpanDelta, multi: boolean): string {
  const base = d.baseNs === undefined ? '—' : formatSpanTime(d.baseNs);
  const after = d.afterNs === undefined ? '—' : formatSpanTime(d.afterNs);
  const rel = d.relative === null ? 'new' : `${percent(d.relative)}${intervalText(d)} (${direction(d.relative)})`;
  const verdict = d.verdict === 'only-base' ? ' (gone)' : d.verdict === 'only-after' ? ' (new)' : '';
  const cells = [cell(code(d.relPath)) + verdict, base, after, formatSpanTimeChange(d.deltaNs), rel];
  if (multi) cells.push(`${spreadText(d.baseSpread)} → ${spreadText(d.afterSpread)}`);
  return `| ${cells.join(' | ')} |`;
}

function counterCell(c: { base: number | undefined; after: number | undefined } | undefined): string {
  if (!c) return '—';
  const b = c.base === undefined ? '—' : count(c.base);
  const a = c.after === undefined ? '—' : count(c.after);
  const diff =
    c.base !== undefined && c.after !== undefined && c.after !== c.base
      ? ` (${c.after > c.base ? '+' : ''}${count(c.after - c.base)})`
      : '';
  return `${b} → ${a}${diff}`;
}

export function renderTiming(r: MilestoneReport): string[] {
  const t: TimingPart | undefined = r.timing;
  if (!t) return [`_No timing deltas: ${r.timingUnavailable ?? 'no traces'}._`];
  const multi = t.baseline.runs > 1 || t.after.runs > 1;
  const root = t.root;
  const out: string[] = [
    `Baseline: ${traceText(t.baseline, 'baseline')}. After: ${traceText(t.after)}.`,
    `Times are per proof (per run of ${code(root.path)})${t.baseline.durationKind === 'busy' ? ', busy time as tracing reports it' : ''}.`,
    '',
  ];
  const rootLine = `**${code(root.path)}: ${root.baseNs === undefined ? '—' : formatSpanTime(root.baseNs)} → ${root.afterNs === undefined ? '—' : formatSpanTime(root.afterNs)}, ${formatSpanTimeChange(root.deltaNs)} (${root.relative === null ? 'new' : `${percent(root.relative)}${intervalText(root)}`}), ${rootVerdict(root)}.**`;
  out.push(rootLine);
  if (multi) {
    const range = (s: Spread | undefined) => (s ? `${formatSpanTime(s.min)}–${formatSpanTime(s.max)} (${spreadText(s)})` : '—');
    out.push('', `Spread across proofs: baseline ${range(root.baseSpread)}; after ${range(root.afterSpread)}.`);
  }
  out.push('', 'Spans that changed most:', '');
  if (t.changes.length === 0) out.push('_No span changed: no change both beyond the practical threshold and significant._');
  else {
    out.push(`| Span | Baseline | After | Change | Relative |${multi ? ' Spread (baseline → after) |' : ''}`);
    out.push(`| --- | --- | --- | --- | --- |${multi ? ' --- |' : ''}`);
    for (const d of t.changes) out.push(deltaRow(d, multi));
  }
  const spanList = (list: readonly SpanDelta[]) => {
    const shown = list
      .slice(0, 6)
      .map((d) => `${code(d.name)} (${formatSpanTimeChange(d.deltaNs)}, ${d.relative === null ? 'new' : percent(d.relative)})`);
    return `${shown.join(', ')}${list.length > shown.length ? `, and ${list.length - shown.length} more` : ''}`;
  };
  const following = t.inherited.filter((d) => (d.via?.length ?? 0) > 0);
  const summed = t.inherited.filter((d) => (d.via?.length ?? 0) === 0);
  if (following.length) out.push('', `Enclosing spans that changed only through these: ${spanList(following)}.`);
  if (summed.length)
    out.push('', `Enclosing spans whose total moved through small changes inside them, none called on its own: ${spanList(summed)}.`);
  if (t.phases.length) {
    out.push('', 'Counters per phase (per proof, baseline → after):', '');
    out.push(`| Phase | ${t.counterNames.map((n) => code(n)).join(' | ')} |`, `| --- |${t.counterNames.map(() => ' --- |').join('')}`);
    for (const p of t.phases) out.push(`| ${cell(code(p.name))} | ${t.counterNames.map((n) => counterCell(p.counters[n])).join(' | ')} |`);
  } else {
    out.push('', '_The traces record no kernel or sync counters._');
  }
  if (t.method) {
    const m = t.method;
    const single = t.baseline.runs < 2 || t.after.runs < 2;
    out.push(
      '',
      `Relative changes are of the mean time per proof, with 95 % bootstrap intervals when both sides have several proofs; a change is called when its interval excludes 0, it is at least ${percent(m.threshold).replace('+', '±')} and its permutation-test p is below ${m.alpha} (docs/statistics.md).` +
        (t.inconclusive ? ` ${plural(t.inconclusive, 'span path')} inconclusive: more runs would settle them.` : '') +
        (single ? ' One proof on a side: only changes beyond ±25 % can be called.' : ''),
    );
  }
  if (t.warnings.length) out.push('', ...t.warnings.map((w) => `> Note: ${w.replace(/\r?\n/g, ' ')}`));
  return out;
}

function workItemText(b: Bottleneck, milestoneId: string): string {
  const m = b.match;
  if (!m) return '—';
  const ms = m.milestones.map((id) => (id === milestoneId ? `milestone ${id}, this one` : `milestone ${id}`));
  return `work item ${m.workItem.id}${ms.length ? ` (${ms.join('; ')})` : ' (no milestone)'}: ${m.via}`;
}

export function renderResidual(r: MilestoneReport): string[] {
  const res: ResidualPart | undefined = r.residual;
  if (!res) return [`_No residual bottlenecks: ${r.residualUnavailable ?? 'no after trace'}._`];
  const out = [
    `Largest self time in the after trace ${code(res.trace.file)}, per proof (${code(res.root)}: ${formatSpanTime(res.rootNs)}):`,
    '',
    '| Span | Self time | Share of root | Work item |',
    '| --- | --- | --- | --- |',
  ];
  for (const b of res.bottlenecks) {
    const calls = b.countPerRun > 1 ? ` ×${count(b.countPerRun)}` : '';
    out.push(
      `| ${cell(code(b.relPath))}${calls} | ${formatSpanTime(b.selfNs)} | ${(b.shareOfRoot * 100).toFixed(1)}% | ${cell(workItemText(b, r.milestone.id))} |`,
    );
  }
  return out;
}

// ---- documents -----------------------------------------------------------------------------------

function statusLine(r: MilestoneReport): string {
  const s = r.status;
  const parts: string[] = [];
  if (s.status === 'completed') parts.push(`completed${s.completed ? ` on ${s.completed}` : ''}`);
  else parts.push((s.status ?? 'not recorded').replace(/_/g, ' '));
  if (s.owner) parts.push(`by ${s.owner}`);
  if (s.started) parts.push(`(started ${s.started})`);
  return parts.join(' ');
}

/** The whole report as one markdown document. */
export function renderReport(r: MilestoneReport): string {
  const scope = r.workItems.length ? r.workItems.map((w) => `work item ${w.id}`).join(', ') : (r.milestone.description ?? r.milestone.kind);
  const lines = [
    `# Milestone ${r.milestone.id} report: ${r.milestone.title}`,
    '',
    `- Milestone: ${r.milestone.id} (${scope})`,
    `- Status: ${statusLine(r)}`,
    ...(r.status.baseCommit ? [`- Base commit: ${code(r.status.baseCommit)}`] : []),
    '',
    '## Scope',
    '',
    ...renderScope(r),
    '',
    '## Changed files',
    '',
    ...renderChanges(r),
    '',
    '## Optimisation summary',
    '',
    ...renderSummary(r),
    '',
    '## Validation',
    '',
    ...renderValidation(r),
    '',
    '## Timing deltas',
    '',
    ...renderTiming(r),
    '',
    '## Residual bottlenecks',
    '',
    ...renderResidual(r),
    '',
  ];
  return lines.join('\n');
}

/** Bodies of the sections written into the tracking file, by marker name. */
export function renderTrackingSections(r: MilestoneReport): Record<(typeof SECTION_NAMES)[keyof typeof SECTION_NAMES], string> {
  return {
    [SECTION_NAMES.summary]: renderSummary(r).join('\n'),
    [SECTION_NAMES.changes]: renderChanges(r).join('\n'),
    [SECTION_NAMES.timing]: renderTiming(r).join('\n'),
    [SECTION_NAMES.residual]: renderResidual(r).join('\n'),
  } as Record<(typeof SECTION_NAMES)[keyof typeof SECTION_NAMES], string>;
}
