/**
 * Panics in test and example output become diagnostics, so a failing assertion shows in Problems at
 * its line like a compiler error. Rust 1.73 and later print `thread 'name' panicked at
 * src/x.rs:12:5:` with the message on the following lines; earlier releases print
 * `thread 'name' panicked at 'message', src/x.rs:12:5`. Paths are as rustc saw them: relative to
 * the workspace root for workspace members.
 */
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { CargoDiagnostic } from './messages';

// Rust 1.88 and later add the thread id: `thread 'name' (28145) panicked at`.
const HEADER = /^thread '([^']*)'(?: \(\d+\))? panicked at (.+?):(\d+):(\d+):\s*$/;
const LEGACY = /^thread '([^']*)'(?: \(\d+\))? panicked at '(.*)', (.+?):(\d+):(\d+)\s*$/;
/** Lines that end a panic message: the harness's and the runtime's own. */
const MESSAGE_END =
  /^(?:note: run with `RUST_BACKTRACE|stack backtrace:|---- |failures:|test result:|error: test failed|thread '[^']*'(?: \(\d+\))? panicked at )/;
/** Longest message kept; the rest is in the output. */
const MAX_MESSAGE_LINES = 20;

interface Pending {
  thread: string;
  file: string;
  line: number;
  column: number;
  message: string[];
}

export class PanicScanner {
  private pending: Pending | undefined;

  constructor(
    private readonly workspaceRoot: string,
    private readonly emit: (diagnostic: CargoDiagnostic) => void,
  ) {}

  push(raw: string): void {
    const line = stripVTControlCharacters(raw).replace(/\r$/, '');
    if (this.pending) {
      if (line.trim() === '' || MESSAGE_END.test(line) || this.pending.message.length >= MAX_MESSAGE_LINES) this.flush();
      else {
        this.pending.message.push(line);
        return;
      }
    }
    const legacy = LEGACY.exec(line);
    if (legacy) {
      this.pending = { thread: legacy[1], message: [legacy[2]], file: legacy[3], line: Number(legacy[4]), column: Number(legacy[5]) };
      this.flush();
      return;
    }
    const header = HEADER.exec(line);
    if (header) this.pending = { thread: header[1], file: header[2], line: Number(header[3]), column: Number(header[4]), message: [] };
  }

  /** Reports a panic whose message ran to the end of the output. */
  end(): void {
    this.flush();
  }

  private flush(): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    const text = p.message.join('\n').trim() || 'explicit panic';
    const file = path.resolve(this.workspaceRoot, p.file);
    this.emit({
      severity: 'error',
      message: `thread '${p.thread}' panicked: ${text}`,
      code: 'panic',
      location:
        p.line >= 1 ? { file, line: p.line, column: Math.max(1, p.column), endLine: p.line, endColumn: Math.max(1, p.column) } : undefined,
      related: [],
      rendered: `thread '${p.thread}' panicked at ${p.file}:${p.line}:${p.column}:\n${text}\n`,
      packageId: undefined,
    });
  }
}
