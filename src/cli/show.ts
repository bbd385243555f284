import { milestoneWorkItems } from '../core/catalog/model';
import { cargoCommandLine } from '../core/cargo/command';
import { requireMilestone } from '../core/preflight';
import { statusEntry } from '../core/status';
import { loadTrackingFor, loadWorkspace } from '../core/workspace';
import { EXIT } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { formatProblems, JSON_VERSION, milestoneJson, problemJson, trackingJson, workItemJson } from './views';
import { helpText } from './help';

export const SHOW_HELP = helpText([
  'Usage: milestone-scope show <ID> [options]',
  '',
  'Shows one milestone: its scope, hotspots, Problem/Target, status and tracking file.',
  '',
  'Options:',
  ...COMMON_HELP,
]);

export async function runShow(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, { name: 'show', positionals: ['ID'] });
  if (values.help) {
    io.stdout(SHOW_HELP + '\n');
    return EXIT.ok;
  }
  const ws = await loadWorkspace(await resolveRoot(io, values.root));
  const m = requireMilestone(ws, positionals[0]!);
  const tracking = await loadTrackingFor(ws, m.id);
  const items = milestoneWorkItems(ws.catalog, m);
  const commands = {
    checks: ws.config.checks.map((c) => cargoCommandLine(c, ws.config.crate)),
    profile: cargoCommandLine(ws.config.profile, ws.config.crate),
  };
  if (values.json) {
    printJson(io, {
      version: JSON_VERSION,
      milestone: milestoneJson(ws, m),
      workItems: items.map(workItemJson),
      tracking: trackingJson(tracking),
      commands,
      problems: [...ws.problems, ...tracking.problems].map(problemJson),
    });
    return EXIT.ok;
  }
  const entry = statusEntry(ws.status, m.id);
  const out: string[] = [`Milestone ${m.id}: ${m.title}`, ''];
  out.push(
    `Scope:    ${m.scope.kind === 'work-items' ? `work item ${m.scope.workItems.join(', ')}` : `${m.scope.kind} (${m.scope.description})`}`,
  );
  out.push(
    `Status:   ${entry ? `${entry.status ?? `"${entry.rawStatus}" (not understood)`}${entry.owner ? `, ${entry.owner}` : ''}${entry.started ? `, since ${entry.started}` : ''}  (${ws.status.file}:${entry.line})` : `not_started (no row in ${ws.status.file})`}`,
  );
  const tf = tracking.fields;
  out.push(
    `Tracking: ${tracking.file}${tracking.exists ? `${tf.status ? `  status ${tf.status.value}` : ''}${tf.owner ? `, ${tf.owner.value}` : ''}${tf.base ? `, base ${tf.base.value.slice(0, 12)}` : ''}` : ' (not created yet)'}`,
  );
  for (const w of items) {
    out.push('', `Work item ${w.id}: ${w.title}  (${ws.catalog.file}:${w.line})`, '  Hotspots:');
    for (const h of w.hotspots)
      out.push(`    ${h.path}:${h.line}${h.endLine !== h.line ? `-${h.endLine}` : ''}${h.label ? `  (${h.label})` : ''}`);
    if (w.problem.length) out.push('  Problem:', ...w.problem.map((p) => `    - ${p}`));
    if (w.target.length) out.push('  Target:', ...w.target.map((t) => `    - ${t}`));
  }
  out.push('', 'Commands:', ...commands.checks.map((c) => `  ${c}`), `  ${commands.profile}  (profiling run)`);
  io.stdout(out.join('\n') + '\n');
  const problems = [...ws.problems, ...tracking.problems];
  if (problems.length) io.stderr('\n' + formatProblems(problems));
  return EXIT.ok;
}
