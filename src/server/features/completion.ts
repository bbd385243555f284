/**
 * Completion in the milestone documents: file paths of the configured crate inside a catalog
 * reference, work item ids in the milestone mapping, milestone ids and status values in STATUS.md,
 * status values in tracking files, crate names in the configuration.
 */
import { CompletionItemKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver-types';
import { normaliseMilestoneId } from '../../core/catalog/model';
import { compareIds } from '../../core/catalog/finish';
import { STATUSES, formatStatus } from '../../core/status';
import type { CrateIndex } from '../crates';
import type { DocRole, Session } from '../session';

const STATUS_DOCS: Record<string, string> = {
  not_started: 'Nobody has started the milestone.',
  in_progress: 'Someone is working on it (set the owner).',
  blocked: 'Started but waiting on something (write the reason in the notes).',
  completed: 'Done: tracking file and final report updated.',
};

function replaceRange(pos: Position, length: number): Range {
  return { start: { line: pos.line, character: pos.character - length }, end: pos };
}

function statusItems(session: Session, pos: Position, typed: string, backticked: boolean): CompletionItem[] {
  return STATUSES.map((s, i) => {
    let text = formatStatus(s, session.status.style);
    if (backticked) text = text.replace(/^`|`$/g, '');
    return {
      label: text.replace(/^`|`$/g, ''),
      kind: CompletionItemKind.EnumMember,
      detail: 'milestone status',
      documentation: STATUS_DOCS[s],
      sortText: String(i),
      filterText: text,
      textEdit: { range: replaceRange(pos, typed.length), newText: text },
    };
  });
}

function milestoneItems(session: Session, pos: Position, typed: string): CompletionItem[] {
  const withRow = new Set(session.status.entries.map((e) => e.id));
  return [...session.catalog.catalog.milestones]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((m) => {
      const hasRow = withRow.has(normaliseMilestoneId(m.id));
      return {
        label: m.id,
        kind: CompletionItemKind.Constant,
        detail: m.title,
        documentation: hasRow ? 'Has a row already.' : 'No row yet.',
        // Milestones without a row first.
        sortText: `${hasRow ? 1 : 0}-${m.id.padStart(6, '0')}`,
        textEdit: { range: replaceRange(pos, typed.length), newText: m.id },
      };
    })
    .sort((a, b) => a.sortText.localeCompare(b.sortText));
}

function pathItems(session: Session, crates: CrateIndex, pos: Position, typed: string): CompletionItem[] {
  const crate = session.config.crate;
  return crates.filesOf(crate).map((p) => ({
    label: p,
    kind: CompletionItemKind.File,
    detail: crate,
    textEdit: { range: replaceRange(pos, typed.length), newText: p },
  }));
}

/** Column index (0-based) of the table cell the cursor is in, counting unescaped pipes. */
function tableColumn(prefix: string): number | undefined {
  if (!prefix.trimStart().startsWith('|')) return undefined;
  let pipes = 0;
  for (let i = 0; i < prefix.length; i++) {
    if (prefix[i] === '\\') i++;
    else if (prefix[i] === '|') pipes++;
  }
  return pipes - 1;
}

function statusDocCompletion(session: Session, pos: Position, prefix: string): CompletionItem[] {
  const layout = session.status.layout;
  const col = tableColumn(prefix);
  const typed = /[^|\s`]*$/.exec(prefix)![0];
  const backticked = /`[^`|]*$/.test(prefix);
  if (col !== undefined && layout?.kind === 'table') {
    const role = layout.columns[col];
    if (role === 'status') return statusItems(session, pos, typed, backticked);
    if (role === 'milestone') return milestoneItems(session, pos, typed.replace(/^[Mm]/, ''));
    return [];
  }
  // List form: `- M2: in_progress (@owner)`.
  if (/^\s*[-*+]\s+(?:\*\*)?(?:milestone\s+|m)?[\w.-]+(?:\*\*)?\s*[:—–-]\s*`?[\w ]*$/i.test(prefix))
    return statusItems(session, pos, typed, backticked);
  if (/^\s*[-*+]\s+(?:milestone\s+|m)?[\w]*$/i.test(prefix)) return milestoneItems(session, pos, typed.replace(/^[Mm]/, ''));
  return [];
}

const TRACKING_STATUS = /^\s*(?:>\s*)?(?:[-*+]\s+)?(?:\*\*|__)?(?:status|state)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(`?)([\w -]*)$/i;

function catalogCompletion(session: Session, crates: CrateIndex, pos: Position, prefix: string): CompletionItem[] {
  const yaml = /\.ya?ml$/i.test(session.config.catalog);
  // Inside a code span (an odd number of backticks before the cursor), or a YAML hotspot value.
  const ticks = (prefix.match(/`/g) ?? []).length;
  const inCode = !yaml && ticks % 2 === 1 ? /`([\w.\/@+-]*)$/.exec(prefix) : null;
  const inYaml = yaml ? /(?:^\s*-\s*|path:\s*)["']?([\w.\/@+-]*)$/.exec(prefix) : null;
  const partial = inCode ?? inYaml;
  if (partial) return pathItems(session, crates, pos, partial[1]!);

  const mapping = /milestone\s+[\w.-]+\s*(?:->|→|=>)\s*(work\s*items?\s*#?)?\s*([\w]*)$/i.exec(prefix);
  if (mapping) {
    const typed = mapping[2]!;
    const saysWorkItem = mapping[1] !== undefined;
    return session.catalog.catalog.workItems.map((w) => ({
      label: saysWorkItem ? w.id : `work item ${w.id}`,
      kind: CompletionItemKind.Reference,
      detail: w.title,
      sortText: w.id.padStart(6, '0'),
      textEdit: { range: replaceRange(pos, typed.length), newText: saysWorkItem ? w.id : `work item ${w.id}` },
    }));
  }
  return [];
}

function configCompletion(crates: CrateIndex, pos: Position, prefix: string): CompletionItem[] {
  const m = /^crate:\s*["']?([\w-]*)$/.exec(prefix);
  if (!m) return [];
  return crates.list().map((c) => ({
    label: c.name,
    kind: CompletionItemKind.Module,
    detail: c.dir || '(workspace root)',
    textEdit: { range: replaceRange(pos, m[1]!.length), newText: c.name },
  }));
}

export function completion(session: Session, crates: CrateIndex, role: DocRole, text: string, pos: Position): CompletionItem[] {
  const lineStart = offsetOfLine(text, pos.line);
  const prefix = text.slice(lineStart, lineStart + pos.character);
  switch (role.role) {
    case 'catalog':
      return catalogCompletion(session, crates, pos, prefix);
    case 'status':
      return statusDocCompletion(session, pos, prefix);
    case 'tracking': {
      const m = TRACKING_STATUS.exec(prefix);
      return m ? statusItems(session, pos, m[2]!, m[1] === '`') : [];
    }
    case 'config':
      return configCompletion(crates, pos, prefix);
  }
}

function offsetOfLine(text: string, line0: number): number {
  let offset = 0;
  for (let i = 0; i < line0; i++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset;
}
