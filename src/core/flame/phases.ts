/**
 * Where the time of a flame chart's load goes, from the command to the chart drawn: each side
 * (the worker, the extension host, the webview) notes when its phases end with `Date.now()` (one
 * clock on one machine), and the panel logs the differences in one line.
 */

/** A phase's name and when it ended (`Date.now()`). */
export type PhaseMark = [name: string, at: number];

/** `name 120 ms, name 40 ms, …`: each mark's distance from the one before it. */
export function formatPhases(marks: readonly PhaseMark[]): string {
  const out: string[] = [];
  for (let i = 1; i < marks.length; i++) out.push(`${marks[i]![0]} ${Math.max(0, marks[i]![1] - marks[i - 1]![1])} ms`);
  return out.join(', ');
}

/** Marks sent by the webview, checked: at most 32, names of at most 40 characters, finite times. */
export function parseMarks(value: unknown): PhaseMark[] | undefined {
  if (!Array.isArray(value) || value.length > 32) return undefined;
  const out: PhaseMark[] = [];
  for (const m of value) {
    if (!Array.isArray(m) || m.length !== 2) return undefined;
    const [name, at] = m as unknown[];
    if (typeof name !== 'string' || name.length > 40 || typeof at !== 'number' || !Number.isFinite(at)) return undefined;
    out.push([name, at]);
  }
  return out;
}
