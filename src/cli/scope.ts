import { resolveOwner } from '../core/owner';
import { InputError, type Problem } from '../core/problems';
import {
  checkScope,
  mergeSeverity,
  parseSeverityOverrides,
  SCOPE_CODES,
  type ScopeFinding,
  type ScopeResult,
  type SeverityOverrides,
} from '../core/scope';
import { loadWorkspace } from '../core/workspace';
import { EXIT } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { JSON_VERSION } from './views';
import { helpText } from './help';

export const SCOPE_HELP = helpText([
  'Usage: milestone-scope scope [options]',
  '',
  "Checks every change since the milestone's base commit against its scope: other milestones'",
  'hotspot regions, rows and tracking files, pinned versions, cross-crate and supporting changes,',
  'and new unsafe code without a // SAFETY: comment.',
  'Exit code: 0 no errors (with --strict: no errors and no warnings), 6 scope violations.',
  '',
  'Options:',
  '  --milestone ID         milestone to check (default: the one in progress for --owner)',
  '  --base REV             compare against REV, the start record or earlier (default: the base recorded at start, else HEAD)',
  '  --staged               check the index (what the next commit contains) instead of the working tree',
  '  --strict               warnings fail too',
  `  --severity CODE=LEVEL  override a code's severity (error, warning, information, off); repeatable`,
  `                         codes: ${SCOPE_CODES.join(', ')}`,
  ...COMMON_HELP,
]);

function parseSeverityFlags(flags: string[]): SeverityOverrides {
  const raw: Record<string, string> = {};
  for (const f of flags) {
    const m = /^([a-z-]+)=([a-z]+)$/i.exec(f.trim());
    if (!m) throw new InputError(`--severity ${f}: expected CODE=LEVEL (e.g. cross-crate=error)`, undefined, 'input/usage');
    raw[m[1]] = m[2];
  }
  const { overrides, errors } = parseSeverityOverrides(raw);
  if (errors.length) throw new InputError(`--severity: ${errors.join('; ')}`, undefined, 'input/usage');
  return overrides;
}

export async function runScope(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommand(argv, {
    name: 'scope',
    positionals: [],
    options: {
      milestone: { type: 'string' },
      base: { type: 'string' },
      staged: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      severity: { type: 'string', multiple: true },
    },
  });
  if (values.help) {
    io.stdout(SCOPE_HELP + '\n');
    return EXIT.ok;
  }
  const severity = parseSeverityFlags((values.severity as string[] | undefined) ?? []);
  const milestone = values.milestone as string | undefined;
  // Asking git for the owner depends on nothing else: without --root, git answers the same in the
  // current folder as at the repository's top level, so it runs beside the top level's lookup and
  // the documents' read.
  const rooting = resolveRoot(io, values.root);
  const owning =
    milestone === undefined
      ? (values.root === undefined ? resolveOwner(io.cwd, values.owner) : rooting.then((r) => resolveOwner(r, values.owner))).then(
          (o) => o.name,
        )
      : Promise.resolve(values.owner);
  owning.catch(() => undefined); // awaited below, after the root (whose error is reported first)
  const root = await rooting;
  const [ws, owner] = await Promise.all([loadWorkspace(root), owning]);
  const result = await checkScope(ws, {
    milestone,
    owner,
    base: values.base as string | undefined,
    staged: values.staged as boolean,
    severity: mergeSeverity(ws.config.scope?.severity, severity),
  });
  const strict = values.strict as boolean;
  const failed = result.counts.error > 0 || (strict && result.counts.warning > 0);
  const exit = failed ? EXIT.scopeViolations : EXIT.ok;
  if (values.json) printJson(io, { version: JSON_VERSION, ...scopeJson(result), strict, exitCode: exit });
  else {
    io.stdout(describeScope(result, strict));
    if (result.problems.length) io.stderr(result.problems.map(describeProblem).join(''));
  }
  return exit;
}

/** The JSON shape of a scope result (documented in docs/scope-guard.md). */
export function scopeJson(r: ScopeResult) {
  return {
    milestone: r.milestone,
    base: r.base,
    staged: r.staged,
    counts: r.counts,
    filesChecked: r.filesChecked,
    findings: r.findings,
    problems: r.problems,
  };
}

function location(p: Problem): string {
  return `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
}

/** `file:line[:col]: severity: message [code]`, the format editors' problem matchers read. */
export function describeFinding(f: ScopeFinding): string {
  const moved = f.oldPath ? ` (was ${f.oldPath})` : '';
  return `${location(f)}: ${f.severity}: ${f.message}${moved} [${f.code}]\n`;
}

function describeProblem(p: Problem): string {
  return `${location(p)}: note: ${p.message} [${p.code}]\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : word === 'information' ? '' : 's'}`;
}

export function describeScope(r: ScopeResult, strict: boolean): string {
  const against = `${r.base.source === 'empty' ? 'the empty tree' : r.base.commit.slice(0, 12)} (${
    { option: '--base', recorded: 'recorded base', start: 'start record', head: 'HEAD', empty: 'no commits yet' }[r.base.source]
  })`;
  const lines = [`Scope of milestone ${r.milestone.id} (${r.milestone.title}): ${r.staged ? 'index' : 'working tree'} against ${against}`];
  for (const f of r.findings) lines.push(describeFinding(f).trimEnd());
  const { error, warning, information } = r.counts;
  const summary = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(information, 'information')} in ${plural(r.filesChecked, 'changed file')}`;
  const verdict = error > 0 || (strict && warning > 0) ? 'scope violations' : 'in scope';
  lines.push(`${summary}: ${verdict}${strict ? ' (strict)' : ''}`);
  return lines.join('\n') + '\n';
}
