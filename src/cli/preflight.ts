import { preflight, teamPreflight, type PreflightResult } from '../core/preflight';
import { InputError } from '../core/problems';
import { loadWorkspace } from '../core/workspace';
import { EXIT, exitForDecision } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { JSON_VERSION, preflightJson } from './views';
import { helpText } from './help';

export const REMOTE_HELP = [
  '  --local        check only the local documents (no fetch of the remote)',
  '  --timeout SEC  how long git fetch may take (default 15)',
];

export const REMOTE_OPTIONS = { local: { type: 'boolean', default: false }, timeout: { type: 'string' } } as const;

export const PREFLIGHT_HELP = helpText([
  'Usage: milestone-scope preflight <ID> [options]',
  '',
  'Decides whether milestone <ID> can be worked on, from STATUS.md and its tracking file, here and',
  "on the remote's default branch (after a git fetch; when there is a remote). The stricter wins:",
  'a milestone claimed upstream by someone else is a conflict. Offline is a warning, not a failure.',
  'Exit code: 0 ready or resume, 3 noop (completed), 4 conflict (in progress by someone else), 5 blocked.',
  '',
  'Options:',
  ...REMOTE_HELP,
  ...COMMON_HELP,
]);

/** The remote check's options from `--local` / `--timeout`; undefined means local only. */
export function remoteOptions(values: Record<string, unknown>): { timeoutMs?: number } | undefined {
  const t = values.timeout as string | undefined;
  let timeoutMs: number | undefined;
  if (t !== undefined) {
    const n = Number(t);
    if (!Number.isFinite(n) || n <= 0)
      throw new InputError(`--timeout takes a positive number of seconds; got "${t}"`, undefined, 'input/usage');
    timeoutMs = n * 1000;
  }
  if (values.local) return undefined;
  return timeoutMs === undefined ? {} : { timeoutMs };
}

/** The remote part of the JSON output (documented in docs/cli.md). */
export function remoteJson(p: PreflightResult) {
  const r = p.remote;
  return {
    remote: r ? { ref: r.ref, commit: r.commit, decision: r.decision, reason: r.reason, owner: r.owner ?? null } : null,
    warnings: p.warnings ?? [],
  };
}

export async function runPreflight(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, { name: 'preflight', positionals: ['ID'], options: REMOTE_OPTIONS });
  if (values.help) {
    io.stdout(PREFLIGHT_HELP + '\n');
    return EXIT.ok;
  }
  const ws = await loadWorkspace(await resolveRoot(io, values.root));
  const remote = remoteOptions(values);
  const result = remote
    ? await teamPreflight(ws, positionals[0]!, values.owner, remote)
    : await preflight(ws, positionals[0]!, values.owner);
  if (values.json) printJson(io, { version: JSON_VERSION, ...preflightJson(result), ...remoteJson(result) });
  else {
    io.stdout(describePreflight(result));
    for (const w of result.warnings ?? []) io.stderr(`warning: ${w}\n`);
  }
  return exitForDecision(result.decision);
}

/** Human summary of a decision and of what each document says. */
export function describePreflight(p: PreflightResult): string {
  const view = (s: PreflightResult['sources']['status']) => {
    const where = `${s.file}${s.line ? `:${s.line}` : ''}`;
    if (!s.exists) return `${where}: missing -> ${s.decision}`;
    if (!s.recorded) return `${where}: no status recorded -> ${s.decision}`;
    const facts = [s.status ?? `"${s.rawStatus}"`, s.owner, s.date].filter(Boolean).join(', ');
    return `${where}: ${facts} -> ${s.decision}`;
  };
  const lines = [
    `Milestone ${p.milestone.id} (${p.milestone.title}): ${p.decision.toUpperCase()}`,
    `  ${p.reason}`,
    `  you:      ${p.me}`,
    `  status:   ${view(p.sources.status)}`,
    `  tracking: ${view(p.sources.tracking)}`,
  ];
  if (p.remote) lines.push(`  ${p.remote.ref.padEnd(8)}  ${p.remote.commit.slice(0, 12)}: ${p.remote.reason} -> ${p.remote.decision}`);
  if (p.disagreement) lines.push(`  note: the documents disagree; the stricter decision applies`);
  return lines.join('\n') + '\n';
}
