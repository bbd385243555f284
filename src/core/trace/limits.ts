/** How big a trace may be before it is refused, and the errors of a refused or cancelled parse. */
import { InputError } from '../problems';

/** Sizes of traces are given in MB of 1,048,576 bytes (what file managers call MiB). */
export const MB = 1024 * 1024;

/**
 * The default limit. A 500 MB tracing-forest trace holds about 4.5 million spans; reading it and
 * laying out its chart took 1.6 GB of memory at the peak (bench/traceBig.bench.ts), so 1 GB takes
 * about 3 GB.
 */
export const DEFAULT_MAX_TRACE_MB = 1024;

/** Bytes of a limit given in MB; 0 (or any value that is not a positive number) means no limit. */
export function limitBytes(maxMB: number | undefined): number {
  return maxMB !== undefined && Number.isFinite(maxMB) && maxMB > 0 ? Math.floor(maxMB * MB) : Infinity;
}

/** `1,234 MB`, `12.5 MB` (one decimal below 100 MB), `36,745 bytes` below 0.1 MB. */
export function formatMB(bytes: number): string {
  const mb = bytes / MB;
  if (mb < 0.1) return `${bytes.toLocaleString('en-US')} bytes`;
  const digits = mb >= 100 || Number.isInteger(mb) ? 0 : 1;
  return `${mb.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} MB`;
}

/** A trace over the size limit: raised before any of it is read (or as soon as a stream passes it). */
export class TraceTooLargeError extends InputError {
  constructor(
    readonly source: string,
    /** The file's size, or the bytes read when a stream passed the limit. */
    readonly bytes: number,
    readonly limit: number,
    /** How to raise the limit, e.g. the setting or the option to change. */
    readonly hint?: string,
    /** True when the size is known exactly (from the file system), false for a stream cut short. */
    readonly exact = true,
  ) {
    super(
      (exact
        ? `${source} is ${formatMB(bytes)}, over the ${formatMB(limit)} limit for trace files`
        : `${source} grew past the ${formatMB(limit)} limit for trace files (${formatMB(bytes)} read)`) + (hint ? `; ${hint}.` : '.'),
      undefined,
      'trace/too-large',
    );
    this.name = 'TraceTooLargeError';
  }
}

/**
 * A parse stopped by its AbortSignal. Named `AbortError` like the platform's own, and kept apart
 * from InputError: the input was fine, the reader gave up.
 */
export class TraceCancelledError extends Error {
  constructor(reason?: unknown) {
    const detail = reason instanceof Error && reason.name !== 'AbortError' ? reason.message : typeof reason === 'string' ? reason : '';
    super(detail ? `The trace parse was cancelled: ${detail}` : 'The trace parse was cancelled.', { cause: reason });
    this.name = 'AbortError';
  }
}

/** True for a TraceCancelledError (also one that crossed a worker boundary as a plain object). */
export function isCancelled(err: unknown): boolean {
  return err instanceof TraceCancelledError || (err instanceof Error && err.name === 'AbortError');
}
