import { InputError } from '../core/problems';
import { startMilestone } from '../core/start';
import { EXIT, exitForDecision } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { describePreflight, REMOTE_HELP, REMOTE_OPTIONS, remoteJson, remoteOptions } from './preflight';
import { formatProblems, JSON_VERSION, preflightJson, problemJson } from './views';
import { helpText } from './help';

export const START_HELP = helpText([
  'Usage: milestone-scope start <ID> [options]',
  '',
  'Runs the pre-flight and, when the milestone is ready, marks it in progress: its STATUS.md row',
  '(status, owner, date) and its tracking file (status, owner, start date, base commit = git HEAD).',
  'Nothing else in either file changes. A second start by the same owner is a resume and changes nothing.',
  "The pre-flight includes the remote's default branch (see preflight). With --push, the claim is",
  "committed on top of the remote's default branch and pushed before anything is written here; a",
  'rejected push (someone pushed first) writes nothing. Never pushes without --push.',
  'Exit code: 0 started or resumed, 1 the push failed, 3 noop, 4 conflict, 5 blocked.',
  '',
  'Options:',
  '  --push         commit the claim (STATUS.md row and tracking file) and push it',
  ...REMOTE_HELP,
  ...COMMON_HELP,
]);

export async function runStart(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    name: 'start',
    positionals: ['ID'],
    options: { ...REMOTE_OPTIONS, push: { type: 'boolean', default: false } },
  });
  if (values.help) {
    io.stdout(START_HELP + '\n');
    return EXIT.ok;
  }
  const root = await resolveRoot(io, values.root);
  const push = values.push as boolean;
  const remote = remoteOptions(values);
  if (push && !remote) throw new InputError('--push and --local exclude each other', undefined, 'input/usage');
  const r = await startMilestone(root, positionals[0]!, { owner: values.owner, remote, push });
  const pushFailed = r.push !== undefined && !r.push.ok;
  const started = r.preflight.decision === 'ready' && !pushFailed;
  if (values.json) {
    printJson(io, {
      version: JSON_VERSION,
      ...preflightJson(r.preflight),
      ...remoteJson(r.preflight),
      started,
      written: r.written,
      pushed: r.push
        ? { ok: r.push.ok, ref: r.push.ref, commit: r.push.commit ?? null, error: r.push.error ?? null, adopted: r.push.adopted }
        : null,
      notes: r.notes,
      problems: (r.problems ?? []).map(problemJson),
    });
  } else {
    io.stdout(describePreflight(r.preflight));
    if (started)
      io.stdout(
        `Started milestone ${r.preflight.milestone.id} as ${r.preflight.me}.\n${r.written.map((f) => `  updated ${f}\n`).join('')}`,
      );
    else if (pushFailed) io.stdout('Not started: the claim could not be pushed; nothing changed.\n');
    else if (r.preflight.decision === 'resume' && r.written.length > 0)
      io.stdout(
        `Already in progress by you: resuming; completed the interrupted start.\n${r.written.map((f) => `  updated ${f}\n`).join('')}`,
      );
    else if (r.preflight.decision === 'resume') io.stdout('Already in progress by you: resuming; nothing changed.\n');
    else io.stdout('Not started; nothing changed.\n');
    for (const w of r.preflight.warnings ?? []) io.stderr(`warning: ${w}\n`);
    for (const n of r.notes) io.stderr(`note: ${n}\n`);
    if (r.problems?.length) io.stderr('\n' + formatProblems(r.problems));
  }
  return pushFailed ? EXIT.unexpected : exitForDecision(r.preflight.decision);
}
