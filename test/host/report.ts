// The record the extension-host suite writes for its driver: one JSON object per line, appended
// as the suite progresses, in the file named by MILESTONE_SCOPE_HOST_RESULTS.
export const RESULTS_ENV = 'MILESTONE_SCOPE_HOST_RESULTS';
/** Runs only the tests whose name contains this text. */
export const FILTER_ENV = 'MILESTONE_SCOPE_HOST_FILTER';

export type HostRecord =
  | { type: 'start'; total: number; vscodeVersion: string; workspace: string }
  | { type: 'begin'; name: string; timeoutMs: number }
  | { type: 'result'; name: string; status: 'passed' | 'failed'; durationMs: number; error?: string }
  | { type: 'end'; passed: number; failed: number };

/** Parses the records written so far; a partly written last line is left for the next read. */
export function parseHostRecords(text: string): HostRecord[] {
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop();
  return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as HostRecord);
}
