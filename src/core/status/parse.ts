import type { List, Nodes, Table } from 'mdast';
import { normaliseMilestoneId } from '../catalog/model';
import { lineSpans, parseMarkdown, type LineSpan } from '../markdown';
import { problem, type Problem } from '../problems';
import type { ListLayout, Span, StatusDocument, StatusEntry, TableLayout } from './model';
import { cleanDate, cleanOwner, detectStatusStyle, normaliseStatus, stripMarkup } from './statuses';
import { classifyHeader, splitRow, type StatusColumn } from './table';

/** Reads a milestone id from a cell: `2`, `M2`, `Milestone 2`, `[M2](milestone-2.md)`, `2 — title`. */
export function milestoneIdFromCell(raw: string): string | undefined {
  const t = stripMarkup(raw).replace(/^\[|\]$/g, '');
  const m = /^(?:milestone\s*|m\s*)?#?\s*(\d+[A-Za-z]?|[A-Za-z]\d*)(?![\w])/i.exec(t);
  return m ? normaliseMilestoneId(m[1]!) : undefined;
}

/** Parses STATUS.md: a table with any column order and the usual header names, or a list. */
export function parseStatus(text: string, file: string, exists = true): StatusDocument {
  const problems: Problem[] = [];
  const lines = lineSpans(text);
  const tree = parseMarkdown(text);
  const tables: Table[] = [];
  const lists: List[] = [];
  const walk = (n: Nodes) => {
    if (n.type === 'table') tables.push(n);
    else if (n.type === 'list') lists.push(n);
    else if ('children' in n) (n.children as Nodes[]).forEach(walk);
  };
  walk(tree);

  const before = problems.length;
  for (const t of tables) {
    const layout = readTable(text, lines, t, file, problems);
    if (layout) {
      // A milestone table without a status column only matters when no other table qualifies.
      problems.splice(before, problems.length - before, ...problems.slice(before).filter((p) => p.code !== 'status/no-status-column'));
      const entries = dedupe(
        layout.rows.flatMap((r) => (r.entry ? [r.entry] : [])),
        file,
        problems,
      );
      return finish({ file, exists, form: 'table', entries, problems, text, layout });
    }
  }
  const list = readList(text, lines, lists, file, problems);
  if (list)
    return finish({
      file,
      exists,
      form: 'list',
      entries: dedupe(
        list.items.map((i) => i.entry),
        file,
        problems,
      ),
      problems,
      text,
      layout: list,
    });
  if (exists && text.trim() !== '' && !problems.some((p) => p.severity === 'error')) {
    problems.push(
      problem('warning', 'status/no-table', 'no status table (| Milestone | Status | Owner | ... |) or milestone list was found', {
        file,
        line: 1,
      }),
    );
  }
  return finish({ file, exists, form: 'none', entries: [], problems, text, layout: undefined });
}

function finish(doc: Omit<StatusDocument, 'style'>): StatusDocument {
  return { ...doc, style: detectStatusStyle(doc.entries.map((e) => e.rawStatus)) };
}

function dedupe(entries: StatusEntry[], file: string, problems: Problem[]): StatusEntry[] {
  const seen = new Map<string, StatusEntry>();
  for (const e of entries) {
    const first = seen.get(e.id);
    if (first)
      problems.push(
        problem('warning', 'status/duplicate', `milestone ${e.id} has a second row (first at line ${first.line}); the first one counts`, {
          file,
          line: e.line,
        }),
      );
    else seen.set(e.id, e);
  }
  return [...seen.values()];
}

function readTable(text: string, lines: LineSpan[], t: Table, file: string, problems: Problem[]): TableLayout | undefined {
  const first = t.position?.start.line;
  const last = t.position?.end.line;
  if (!first || !last) return undefined;
  const row = (n: number) => splitRow(text, lines[n - 1]!.start, lines[n - 1]!.end, n);
  const header = row(first);
  const columns = header.cells.map((c) => classifyHeader(c.raw));
  if (!columns.includes('milestone')) return undefined;
  if (!columns.includes('status')) {
    problems.push(problem('error', 'status/no-status-column', 'the milestone table has no Status column', { file, line: first }));
    return undefined;
  }
  const col = (name: StatusColumn) => {
    const i = columns.indexOf(name);
    return i >= 0 ? i : undefined;
  };
  const rows: TableLayout['rows'] = [];
  for (let n = first + 2; n <= last; n++) {
    const r = row(n);
    const cell = (name: StatusColumn) => {
      const i = col(name);
      return i === undefined ? undefined : r.cells[i]?.raw;
    };
    const idRaw = cell('milestone') ?? '';
    const id = milestoneIdFromCell(idRaw);
    if (!id) {
      if (r.cells.some((c) => c.raw.trim() !== '')) {
        problems.push(
          problem('warning', 'status/bad-milestone', `row's milestone cell "${idRaw.trim()}" is not a milestone id`, { file, line: n }),
        );
      }
      rows.push({ entry: undefined, row: r });
      continue;
    }
    if (r.cells.length < header.cells.length) {
      problems.push(
        problem('information', 'status/short-row', `row has ${r.cells.length} cells, the header ${header.cells.length}`, { file, line: n }),
      );
    }
    const entry = entryFrom(id, n, cell, file, problems);
    if (entry.started && cell('started') === undefined && col('date') !== undefined)
      entry.dateColumn = stripMarkup(header.cells[col('date')!]!.raw);
    rows.push({ entry, row: r });
  }
  const aligned =
    rows.length > 0 &&
    header.cells.every((h, i) => rows.every(({ row }) => row.cells[i] === undefined || row.cells[i]!.raw.length === h.raw.length));
  return { kind: 'table', header, delimiterLine: first + 1, columns, rows, aligned };
}

function entryFrom(
  id: string,
  line: number,
  cell: (c: StatusColumn) => string | undefined,
  file: string,
  problems: Problem[],
): StatusEntry {
  const rawStatus = (cell('status') ?? '').trim();
  const { status, detail } = statusWithDetail(rawStatus);
  if (status === undefined) {
    problems.push(
      problem('warning', 'status/unknown-status', `status "${rawStatus}" is not one of not_started, in_progress, blocked, completed`, {
        file,
        line,
      }),
    );
  }
  const entry: StatusEntry = { id, line, status, rawStatus };
  // A pipe in a table cell is written `\|` (see escapeCell); the owner is the name without the escape.
  const owner = cleanOwner((cell('owner') ?? '').replace(/\\\|/g, '|'));
  const started = cleanDate(cell('started') ?? cell('date') ?? '');
  const completed = cleanDate(cell('completed') ?? '');
  const notes = stripMarkup(cell('notes') ?? '') || detail;
  const base = stripMarkup(cell('base') ?? '');
  if (owner) entry.owner = owner;
  if (started) entry.started = started;
  if (completed) entry.completed = completed;
  if (notes) entry.notes = notes;
  if (base) entry.base = base;
  return entry;
}

/** `blocked (waiting on M3)` / `blocked: waiting on M3` -> blocked + detail. */
function statusWithDetail(raw: string): { status: ReturnType<typeof normaliseStatus>; detail?: string } {
  const direct = normaliseStatus(raw);
  if (direct) return { status: direct };
  const m = /^(.+?)\s*(?:\((.*)\)|[:—–]\s*(.*)|\s-\s(.*))$/.exec(raw);
  if (m) {
    const status = normaliseStatus(m[1]!);
    if (status) return { status, detail: (m[2] ?? m[3] ?? m[4] ?? '').trim() || undefined };
  }
  return { status: undefined };
}

const LIST_ITEM =
  /^(\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?)((?:\*\*|__)?(?:milestone\s*|m)#?(\d+[A-Za-z]?)(?:\*\*|__)?)\s*(?:[:|—–]|\s-\s)\s*(.*)$/i;

/** The list form: `- Milestone 0: completed (alice, 2026-10-02)` or `- M1 — in_progress — @bob — 2026-11-20`. */
function readList(text: string, lines: LineSpan[], lists: List[], file: string, problems: Problem[]): ListLayout | undefined {
  const items: ListLayout['items'] = [];
  for (const list of lists) {
    for (const li of list.children) {
      const n = li.position?.start.line;
      if (!n) continue;
      const span = lines[n - 1]!;
      const lineText = text.slice(span.start, span.end);
      const m = LIST_ITEM.exec(lineText);
      if (!m) continue;
      const restStart = span.start + lineText.length - m[4]!.length;
      items.push(listEntry(m, n, span, restStart, file, problems));
    }
  }
  return items.length > 0 ? { kind: 'list', items } : undefined;
}

function listEntry(
  m: RegExpExecArray,
  line: number,
  span: LineSpan,
  restStart: number,
  file: string,
  problems: Problem[],
): ListLayout['items'][number] {
  const rest = m[4]!;
  const spans: ListLayout['items'][number]['spans'] = {};
  const stop = /\s*(?:\(|,|;|\s[—–|]\s|\s-\s|$)/.exec(rest)!;
  const statusText = rest.slice(0, stop.index);
  spans.status = { offset: restStart, end: restStart + statusText.length };
  const status = normaliseStatus(statusText);
  if (status === undefined) {
    problems.push(
      problem('warning', 'status/unknown-status', `status "${statusText}" is not one of not_started, in_progress, blocked, completed`, {
        file,
        line,
      }),
    );
  }
  const entry: StatusEntry = { id: normaliseMilestoneId(m[3]!), line, status, rawStatus: statusText };
  const tail = rest.slice(stop.index);
  const tailStart = restStart + stop.index;
  const find = (re: RegExp, group = 1): (Span & { value: string }) | undefined => {
    const x = re.exec(tail);
    if (!x) return undefined;
    const value = x[group]!;
    const offset = tailStart + x.index + x[0].lastIndexOf(value);
    return { offset, end: offset + value.length, value };
  };
  const date = find(/(?:started|since|start)?\s*:?\s*(\d{4}-\d{2}-\d{2})/i);
  const owner =
    find(/(?:owner|by|assignee|claimed by)\s*:?\s*(@?[\w.-]+)/i) ??
    find(/(?:^|[\s(,—–|])(@[\w.-]+)/) ??
    find(/\(\s*([A-Za-z][\w.-]*)\s*(?:,|\))/);
  const reason = /(?:reason|blocked by|waiting on|because)\s*:?\s*([^);]+)/i.exec(tail);
  if (date) {
    entry.started = date.value;
    spans.started = date;
  }
  if (owner && !/^\d/.test(owner.value)) {
    entry.owner = owner.value;
    spans.owner = owner;
  }
  if (reason) entry.notes = reason[0].trim();
  return { entry, line, start: span.start, end: span.end, spans, prefix: m[1]!, idText: m[2]! };
}
