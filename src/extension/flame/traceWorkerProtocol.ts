/**
 * Messages between the extension host and the trace worker (src/extension/flame/traceWorker.ts), and
 * errors in a form that survives the thread boundary. No `vscode` here: the worker imports it.
 */
import type { FlameDocument } from '../../core/flame/data';
import type { PhaseMark } from '../../core/flame/phases';
import type { FlameJob, FlameLoadProgress, FlameLoadResult } from '../../core/flame/load';
import { InputError, type SourceLocation } from '../../core/problems';
import { TraceCancelledError, TraceTooLargeError } from '../../core/trace/limits';

/** The worker's `workerData`. */
export interface WorkerRequest {
  job: FlameJob;
  /** Per file; Infinity for no limit. */
  maxBytes: number;
  limitHint?: string;
  /** Post the first part of a one-trace document as soon as it is ready (see buildFlameDocument). */
  parts?: boolean;
}

export type WorkerMessage =
  | { type: 'progress'; progress: FlameLoadProgress }
  /** The first part of the document, and when the worker's phases so far ended. */
  | { type: 'first'; doc: FlameDocument; marks: PhaseMark[] }
  | { type: 'done'; result: FlameLoadResult }
  | { type: 'error'; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  location?: SourceLocation;
  tooLarge?: { source: string; bytes: number; limit: number; hint?: string; exact: boolean };
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof TraceTooLargeError) {
    return {
      name: err.name,
      message: err.message,
      code: err.code,
      tooLarge: { source: err.source, bytes: err.bytes, limit: err.limit, hint: err.hint, exact: err.exact },
    };
  }
  if (err instanceof InputError) return { name: err.name, message: err.message, code: err.code, location: err.location };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** The error as the worker threw it: same class (for the known ones), message, code and location. */
export function reviveError(e: SerializedError): Error {
  if (e.tooLarge) {
    const t = e.tooLarge;
    return new TraceTooLargeError(t.source, t.bytes, t.limit, t.hint, t.exact);
  }
  if (e.name === 'AbortError') return new TraceCancelledError();
  if (e.code !== undefined) {
    // InputError prefixes the location to its message; the message already has it.
    const err = new InputError(e.message, undefined, e.code);
    if (e.location) Object.defineProperty(err, 'location', { value: e.location, enumerable: true });
    return err;
  }
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
