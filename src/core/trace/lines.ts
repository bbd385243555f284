/** Splits streamed text into lines without ever holding more than a chunk and one partial line. */
import { InputError } from '../problems';

export type LineSink = (text: string, lineNo: number) => void;

/**
 * The longest line held: just under V8's limit on a string's length (2^29 - 24 characters), past
 * which joining the line's pieces would throw a RangeError. A longer line (a trace padded with
 * NULs, a file that is no trace) is an InputError at its line number instead.
 */
export const MAX_LINE_CHARS = 2 ** 29 - 1024;

export interface LineSplitterOptions {
  /** Longest line accepted (default MAX_LINE_CHARS). */
  maxLineChars?: number;
  /** File named in the error for an over-long line. */
  source?: string;
}

export class LineSplitter {
  /** Pieces of a line that spans chunks; joined once its end arrives (never re-joined per chunk). */
  private pending: string[] = [];
  private pendingLength = 0;
  private lineNo = 0;
  private started = false;
  private readonly maxLine: number;

  constructor(
    private readonly sink: LineSink,
    private readonly options: LineSplitterOptions = {},
  ) {
    this.maxLine = options.maxLineChars ?? MAX_LINE_CHARS;
  }

  private tooLong(): InputError {
    const line = this.lineNo + 1;
    return new InputError(
      `line ${line} is longer than ${this.maxLine.toLocaleString('en-US')} characters (no line break); this is not a trace line (a file padded with NUL bytes, or no trace at all)`,
      { file: this.options.source ?? '<input>', line },
      'trace/line-too-long',
    );
  }

  private hold(piece: string): void {
    this.pendingLength += piece.length;
    if (this.pendingLength > this.maxLine) throw this.tooLong();
    this.pending.push(piece);
  }

  get lines(): number {
    return this.lineNo;
  }

  push(chunk: string): void {
    if (chunk.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let from = 0;
    let nl = chunk.indexOf('\n');
    if (nl < 0) {
      this.hold(chunk);
      return;
    }
    if (this.pending.length > 0) {
      this.hold(chunk.slice(0, nl));
      const line = this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
      this.emit(line, 0, line.length);
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    while (nl >= 0) {
      if (nl - from > this.maxLine) throw this.tooLong();
      this.emit(chunk, from, nl);
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    if (from < chunk.length) this.hold(chunk.slice(from));
  }

  /** Flushes a last line that has no newline. */
  end(): void {
    if (this.pending.length === 0) return;
    const line = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    this.emit(line, 0, line.length);
  }

  private emit(s: string, a: number, b: number): void {
    this.lineNo++;
    if (b > a && s.charCodeAt(b - 1) === 13) b--;
    this.sink(a === 0 && b === s.length ? s : s.slice(a, b), this.lineNo);
  }
}

/** True for a line that holds only whitespace. */
export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

const CARGO_STATUS =
  /^\s*(Compiling|Checking|Finished|Running|Fresh|Blocking|Updating|Downloading|Downloaded|Locking|Adding|Removing|Documenting|Doc-tests|Packaging|Packaged|Verifying|Archiving|Installing|Installed|Replacing|Removed|Unpacking|Waiting|Building|Executable|Summary|Starting|Cleaning|Vendoring|Migrating)\b/;
const CARGO_DIAGNOSTIC =
  /^\s*(warning|error|note|help)(\[\w+\])?:|^\s*-->|^\s*\d*\s*\|(\s|$)|^\s*=\s|^test result:|^running \d+ tests?$|^test \S.* \.\.\. |^\s*thread '.*' panicked at|^note: run with `RUST_BACKTRACE/;

/** Lines cargo prints around a program's own output (`Compiling`, `Finished`, diagnostics, test harness). */
export function isCargoLine(line: string): boolean {
  return CARGO_STATUS.test(line) || CARGO_DIAGNOSTIC.test(line);
}

/**
 * Lines around a trace that are known not to be part of it: cargo's, and the `$ command` line a
 * capture starts with (written by `milestone-scope ab`, as a shell would echo it).
 */
export function isForeignLine(line: string, lineNo: number): boolean {
  return (lineNo === 1 && line.startsWith('$ ')) || isCargoLine(line);
}
