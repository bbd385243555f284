/** Byte-exact reading of markdown table rows, so edits can replace one cell and nothing else. */

/** A cell's content between its pipes, padding included. */
export interface CellSpan {
  /** Offset of the first character after the opening pipe (or of the row's first character). */
  offset: number;
  /** Offset of the closing pipe (or of the line end). */
  end: number;
  /** The raw text between the pipes, padding included. */
  raw: string;
}

export interface RowLayout {
  line: number;
  /** Offsets of the line (without its end-of-line). */
  start: number;
  end: number;
  cells: CellSpan[];
  leadingPipe: boolean;
  trailingPipe: boolean;
  indent: string;
}

/** Splits a table row on unescaped pipes (GFM: pipes in code spans split too unless escaped). */
export function splitRow(text: string, start: number, end: number, line: number): RowLayout {
  const pipes: number[] = [];
  for (let i = start; i < end; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '|') pipes.push(i);
  }
  const lineText = text.slice(start, end);
  const indent = /^[ \t]*/.exec(lineText)![0];
  const firstContent = start + indent.length;
  const leadingPipe = pipes[0] === firstContent;
  const trimmedEnd = start + lineText.replace(/[ \t]+$/, '').length;
  const trailingPipe = pipes.length > (leadingPipe ? 1 : 0) && pipes[pipes.length - 1] === trimmedEnd - 1;
  const bounds = [leadingPipe ? pipes[0]! : firstContent - 1, ...pipes.slice(leadingPipe ? 1 : 0, trailingPipe ? -1 : undefined)];
  const cells: CellSpan[] = [];
  for (let k = 0; k < bounds.length; k++) {
    const from = bounds[k]! + 1;
    const to = k + 1 < bounds.length ? bounds[k + 1]! : trailingPipe ? pipes[pipes.length - 1]! : trimmedEnd;
    cells.push({ offset: from, end: to, raw: text.slice(from, to) });
  }
  return { line, start, end, cells, leadingPipe, trailingPipe, indent };
}

/** The columns the status document understands. */
export type StatusColumn = 'milestone' | 'status' | 'owner' | 'started' | 'date' | 'completed' | 'notes' | 'base';

const HEADERS: Array<[RegExp, StatusColumn]> = [
  [/^(milestones?|milestone ?(id|#|no\.?|number)|ms|m|id|#|no\.?|number)$/, 'milestone'],
  [/^(status|state|progress|stage)$/, 'status'],
  [/^(owners?|assignee|assigned( to)?|who|by|lead|engineer|driver|claimed by)$/, 'owner'],
  [/^(started|start|start(ed)? (date|on|at)|date started|since|begun)$/, 'started'],
  [/^(date|updated|last updated|last update)$/, 'date'],
  [/^(completed|complete(d)? (on|at|date)|finished|done|end( date)?|completion( date)?)$/, 'completed'],
  [/^(notes?|comments?|remarks?|details?|reason|blocker|blocked by|description|summary)$/, 'notes'],
  [/^(base( commit| sha| rev(ision)?)?|commit|sha)$/, 'base'],
];

export function classifyHeader(raw: string): StatusColumn | undefined {
  const t = raw.replace(/[`*_]/g, '').trim().toLowerCase().replace(/\s+/g, ' ').replace(/:$/, '');
  return HEADERS.find(([re]) => re.test(t))?.[1];
}

/** Escapes text for a table cell. */
export function escapeCell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');
}

/**
 * New raw text for a cell: the value with the cell's own padding. In a column-aligned table the
 * cell keeps its width when the value fits.
 */
export function formatCell(old: string, value: string, aligned: boolean): string {
  const hasContent = old.trim() !== '';
  const lead = hasContent ? /^\s*/.exec(old)![0] : old.length === 0 ? '' : ' ';
  const trail = hasContent ? /\s*$/.exec(old)![0] : old.length === 0 ? '' : ' ';
  if (value === '') return old.length === 0 ? '' : aligned ? ' '.repeat(old.length) : ' ';
  const core = lead + escapeCell(value);
  if (aligned && core.length + Math.min(trail.length, 1) <= old.length) return core.padEnd(old.length);
  return core + trail;
}
