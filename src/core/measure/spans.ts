/**
 * Span by span: the session's counted runs of both sides through the multi-trace diff (every run
 * one sample; interval, p and Benjamini–Hochberg q per span path).
 */
import * as path from 'node:path';
import { parseTraceFile, type Trace } from '../trace/index';
import { diffRunSets, type DiffOptions, type TraceDiff } from '../trace/diff';

export async function loadRunTraces(root: string, files: readonly string[]): Promise<Trace[]> {
  const out: Trace[] = [];
  for (const f of files) {
    const t = await parseTraceFile(path.join(root, f));
    t.source = f;
    out.push(t);
  }
  return out;
}

/** The per-span diff of an A/B session's counted runs (files repository-relative). */
export async function diffSessionRuns(
  root: string,
  files: { base: readonly string[]; after: readonly string[] },
  opts: DiffOptions = {},
): Promise<TraceDiff> {
  const [base, after] = await Promise.all([loadRunTraces(root, files.base), loadRunTraces(root, files.after)]);
  return diffRunSets(base, after, opts);
}
