import type { Problem } from '../problems';
import type { MilestoneStatus, StatusStyle } from './statuses';
import type { RowLayout, StatusColumn } from './table';

/** A span of the document's text that an edit may replace. */
export interface Span {
  offset: number;
  end: number;
}

/** One milestone's row (or list item) in STATUS.md. */
export interface StatusEntry {
  /** Milestone id as written in the row (`0`, `M2`, `2a` -> `0`, `2`, `2a`). */
  id: string;
  /** 1-based line of the row. */
  line: number;
  /** Normalised status; undefined when the text could not be understood (see rawStatus). */
  status: MilestoneStatus | undefined;
  /** The status text as written, markup included. */
  rawStatus: string;
  owner?: string;
  /** Start date as written (`2026-11-20`), or the row's date from a Date/Updated column (see dateColumn). */
  started?: string;
  /**
   * Set when `started` was read from a column that does not say the date is a start date
   * (`Date`, `Updated`): that column's header as written, so messages can say what the date is.
   */
  dateColumn?: string;
  completed?: string;
  notes?: string;
  base?: string;
}

export interface TableLayout {
  kind: 'table';
  header: RowLayout;
  /** Line of the delimiter row (`|---|---|`). */
  delimiterLine: number;
  columns: Array<StatusColumn | undefined>;
  rows: Array<{ entry: StatusEntry | undefined; row: RowLayout }>;
  /** True when every row's cells in each column have the same width (a padded table). */
  aligned: boolean;
}

export interface ListLayout {
  kind: 'list';
  items: Array<{
    entry: StatusEntry;
    line: number;
    start: number;
    end: number;
    spans: Partial<Record<'status' | 'owner' | 'started', Span>>;
    prefix: string;
    idText: string;
  }>;
}

/** STATUS.md as parsed; `layout` holds what surgical edits need. */
export interface StatusDocument {
  /** Repository-relative path. */
  file: string;
  /** False when the file does not exist (every milestone is then not started). */
  exists: boolean;
  form: 'table' | 'list' | 'none';
  entries: StatusEntry[];
  problems: Problem[];
  /** The text that was parsed (edits are computed against it). */
  text: string;
  layout: TableLayout | ListLayout | undefined;
  style: StatusStyle;
}
