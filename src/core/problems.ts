/** A finding about a user's document or input, always with a location. */
export type Severity = 'error' | 'warning' | 'information';

export interface SourceLocation {
  /** Workspace-relative path (forward slashes) of the file the problem is in. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface Problem extends SourceLocation {
  severity: Severity;
  /** Stable machine-readable code, e.g. `catalog/unknown-line`. */
  code: string;
  message: string;
}

export function problem(severity: Severity, code: string, message: string, at: SourceLocation): Problem {
  return { severity, code, message, ...at };
}

/** An error that carries a location; thrown for input that cannot be used at all. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
    readonly code = 'input/invalid',
  ) {
    super(location ? `${location.file}:${location.line}: ${message}` : message);
    this.name = 'InputError';
  }
}
