/** Splits streamed text into lines without ever holding more than a chunk and one partial line. */

export type LineSink = (text: string, lineNo: number) => void;

export class LineSplitter {
  /** Pieces of a line that spans chunks; joined once its end arrives (never re-joined per chunk). */
  private pending: string[] = [];
  private lineNo = 0;
  private started = false;

  constructor(private readonly sink: LineSink) {}

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
      this.pending.push(chunk);
      return;
    }
    if (this.pending.length > 0) {
      this.pending.push(chunk.slice(0, nl));
      const line = this.pending.join('');
      this.pending = [];
      this.emit(line, 0, line.length);
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    while (nl >= 0) {
      this.emit(chunk, from, nl);
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    if (from < chunk.length) this.pending.push(chunk.slice(from));
  }

  /** Flushes a last line that has no newline. */
  end(): void {
    if (this.pending.length === 0) return;
    const line = this.pending.join('');
    this.pending = [];
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
const CARGO_DIAGNOSTIC = /^\s*(warning|error|note|help)(\[\w+\])?:|^\s*-->|^\s*\d*\s*\|(\s|$)|^\s*=\s|^test result:|^running \d+ tests?$|^test \S.* \.\.\. |^\s*thread '.*' panicked at|^note: run with `RUST_BACKTRACE/;

/** Lines cargo prints around a program's own output (`Compiling`, `Finished`, diagnostics, test harness). */
export function isCargoLine(line: string): boolean {
  return CARGO_STATUS.test(line) || CARGO_DIAGNOSTIC.test(line);
}
