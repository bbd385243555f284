/** JSON shapes of the CLI's output (documented in docs/cli.md; keep them stable). */
import { milestoneHotspots, type HotspotRef, type Milestone, type WorkItem } from '../core/catalog/model';
import type { PreflightResult } from '../core/preflight';
import type { Problem } from '../core/problems';
import { statusEntry, type StatusEntry } from '../core/status';
import type { TrackingDocument } from '../core/tracking';
import type { LoadedWorkspace } from '../core/workspace';

export const JSON_VERSION = 1;

export function hotspotJson(h: HotspotRef) {
  return {
    path: h.path,
    line: h.line,
    endLine: h.endLine,
    label: h.label ?? null,
    source: { file: h.source.file, line: h.source.line, column: h.source.column, endColumn: h.source.endColumn },
  };
}

export function workItemJson(w: WorkItem) {
  return { id: w.id, title: w.title, line: w.line, hotspots: w.hotspots.map(hotspotJson), problem: w.problem, target: w.target };
}

export function statusJson(e: StatusEntry | undefined) {
  if (!e) return null;
  return {
    status: e.status ?? null,
    raw: e.rawStatus,
    owner: e.owner ?? null,
    started: e.started ?? null,
    completed: e.completed ?? null,
    notes: e.notes ?? null,
    line: e.line,
  };
}

export function milestoneJson(ws: LoadedWorkspace, m: Milestone) {
  const entry = statusEntry(ws.status, m.id);
  return {
    id: m.id,
    title: m.title,
    kind: m.scope.kind,
    workItems: m.scope.kind === 'work-items' ? m.scope.workItems : [],
    description: m.scope.kind === 'work-items' ? null : m.scope.description,
    line: m.line,
    hotspots: milestoneHotspots(ws.catalog, m).map(hotspotJson),
    status: statusJson(entry),
  };
}

export function trackingJson(t: TrackingDocument) {
  const v = (f: keyof TrackingDocument['fields']) => t.fields[f]?.value ?? null;
  return {
    file: t.file,
    exists: t.exists,
    status: t.status ?? null,
    rawStatus: t.fields.status?.raw ?? null,
    owner: v('owner'),
    started: v('started'),
    baseCommit: v('base'),
    completed: v('completed'),
    reason: v('reason'),
  };
}

export function problemJson(p: Problem) {
  return { severity: p.severity, code: p.code, message: p.message, file: p.file, line: p.line, column: p.column ?? null };
}

export function preflightJson(p: PreflightResult) {
  const src = (s: PreflightResult['sources']['status']) => ({
    file: s.file,
    exists: s.exists,
    line: s.line ?? null,
    recorded: s.recorded,
    status: s.status ?? null,
    rawStatus: s.rawStatus ?? null,
    owner: s.owner ?? null,
    date: s.date ?? null,
    reason: s.reason ?? null,
    decision: s.decision,
    explanation: s.explanation,
  });
  return {
    milestone: p.milestone,
    decision: p.decision,
    reason: p.reason,
    owner: p.owner ?? null,
    date: p.date ?? null,
    me: p.me,
    disagreement: p.disagreement ?? null,
    sources: { status: src(p.sources.status), tracking: src(p.sources.tracking) },
  };
}

/** `file:line:col: severity: message [code]`, one per line (for stderr). */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.file}:${p.line}${p.column ? `:${p.column}` : ''}: ${p.severity}: ${p.message} [${p.code}]\n`).join('');
}
