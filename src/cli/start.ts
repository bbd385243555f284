import { startMilestone } from '../core/start';
import { EXIT, exitForDecision } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { describePreflight } from './preflight';
import { JSON_VERSION, preflightJson } from './views';

export const START_HELP = [
  'Usage: milestone-scope start <ID> [options]',
  '',
  'Runs the pre-flight and, when the milestone is ready, marks it in progress: its STATUS.md row',
  '(status, owner, date) and its tracking file (status, owner, start date, base commit = git HEAD).',
  'Nothing else in either file changes. A second start by the same owner is a resume and changes nothing.',
  'Exit code: 0 started or resumed, 3 noop, 4 conflict, 5 blocked.',
  '',
  'Options:',
  ...COMMON_HELP,
].join('\n');

export async function runStart(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, { name: 'start', positionals: ['ID'] });
  if (values.help) {
    io.stdout(START_HELP + '\n');
    return EXIT.ok;
  }
  const root = await resolveRoot(io, values.root);
  const r = await startMilestone(root, positionals[0]!, { owner: values.owner });
  const started = r.preflight.decision === 'ready';
  if (values.json) {
    printJson(io, {
      version: JSON_VERSION,
      ...preflightJson(r.preflight),
      started,
      written: r.written,
      notes: r.notes,
    });
  } else {
    io.stdout(describePreflight(r.preflight));
    if (started) io.stdout(`Started milestone ${r.preflight.milestone.id} as ${r.preflight.me}.\n${r.written.map((f) => `  updated ${f}\n`).join('')}`);
    else if (r.preflight.decision === 'resume') io.stdout('Already in progress by you: resuming; nothing changed.\n');
    else io.stdout('Not started; nothing changed.\n');
    for (const n of r.notes) io.stderr(`note: ${n}\n`);
  }
  return exitForDecision(r.preflight.decision);
}
