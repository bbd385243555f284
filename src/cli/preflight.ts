import { preflight, type PreflightResult } from '../core/preflight';
import { loadWorkspace } from '../core/workspace';
import { EXIT, exitForDecision } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { JSON_VERSION, preflightJson } from './views';

export const PREFLIGHT_HELP = [
  'Usage: milestone-scope preflight <ID> [options]',
  '',
  "Decides whether milestone <ID> can be worked on, from STATUS.md and its tracking file.",
  'Exit code: 0 ready or resume, 3 noop (completed), 4 conflict (in progress by someone else), 5 blocked.',
  '',
  'Options:',
  ...COMMON_HELP,
].join('\n');

export async function runPreflight(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, { name: 'preflight', positionals: ['ID'] });
  if (values.help) {
    io.stdout(PREFLIGHT_HELP + '\n');
    return EXIT.ok;
  }
  const ws = await loadWorkspace(await resolveRoot(io, values.root));
  const result = await preflight(ws, positionals[0]!, values.owner);
  if (values.json) printJson(io, { version: JSON_VERSION, ...preflightJson(result) });
  else io.stdout(describePreflight(result));
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
  if (p.disagreement) lines.push(`  note: the documents disagree; the stricter decision applies`);
  return lines.join('\n') + '\n';
}
