import { loadWorkspace } from '../core/workspace';
import { EXIT } from './exitCodes';
import { printJson, type CliIO } from './io';
import { COMMON_HELP, parseCommand, resolveRoot } from './options';
import { renderTable } from './table';
import { formatProblems, JSON_VERSION, milestoneJson, problemJson, workItemJson } from './views';
import { helpText } from './help';

export const LIST_HELP = helpText([
  'Usage: milestone-scope list [options]',
  '',
  'Lists the catalog: milestones with their status, work items and hotspots.',
  '',
  'Options:',
  ...COMMON_HELP,
]);

export async function runList(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommand(argv, { name: 'list', positionals: [] });
  if (values.help) {
    io.stdout(LIST_HELP + '\n');
    return EXIT.ok;
  }
  const ws = await loadWorkspace(await resolveRoot(io, values.root));
  if (values.json) {
    printJson(io, {
      version: JSON_VERSION,
      root: ws.root,
      config: ws.configFile ?? null,
      catalog: ws.catalog.file,
      status: ws.status.file,
      milestones: ws.catalog.milestones.map((m) => milestoneJson(ws, m)),
      workItems: ws.catalog.workItems.map(workItemJson),
      problems: ws.problems.map(problemJson),
    });
    return EXIT.ok;
  }
  const rows = ws.catalog.milestones.map((m) => {
    const j = milestoneJson(ws, m);
    const scope = m.scope.kind === 'work-items' ? `item ${m.scope.workItems.join(', ')}` : m.scope.kind;
    return [
      m.id,
      j.status?.status ?? (j.status ? `? ${j.status.raw}` : 'not_started'),
      j.status?.owner ?? '',
      j.status?.started ?? '',
      scope,
      String(j.hotspots.length),
      m.title,
    ];
  });
  io.stdout(`${ws.catalog.file}: ${ws.catalog.milestones.length} milestones, ${ws.catalog.workItems.length} work items\n\n`);
  io.stdout(renderTable(['ID', 'STATUS', 'OWNER', 'SINCE', 'SCOPE', 'HOTSPOTS', 'TITLE'], rows, io.columns));
  if (ws.problems.length) io.stderr('\n' + formatProblems(ws.problems));
  return EXIT.ok;
}
