/**
 * Runs one flame chart load in a worker thread (src/extension/flame/traceWorker.ts): the extension host
 * only receives progress messages and, at the end, the document's transferred arrays. No `vscode`
 * here, so the benchmark and the unit tests drive the same code.
 */
import { Worker } from 'node:worker_threads';
import type { FlameDocument } from '../../core/flame/data';
import type { PhaseMark } from '../../core/flame/phases';
import type { FlameLoadProgress, FlameLoadResult } from '../../core/flame/load';
import { TraceCancelledError } from '../../core/trace/limits';
import { reviveError, type WorkerMessage, type WorkerRequest } from './traceWorkerProtocol';

export interface FlameWorkerTask {
  /** The document, or the worker's error (InputError, TraceTooLargeError, TraceCancelledError after cancel()). */
  readonly result: Promise<FlameLoadResult>;
  /** Resolves with the exit code once the thread has stopped (after the result, or after cancel()). */
  readonly exited: Promise<number>;
  readonly threadId: number;
  /**
   * Stops the thread at once, wherever it is (reading, parsing, laying out); its open file is
   * closed with it. `result` rejects with a TraceCancelledError. Resolves when the thread is gone.
   */
  cancel(): Promise<void>;
}

/** Inputs given as bytes go over by transfer; a view on a shared or larger buffer is copied first. */
function transferables(request: WorkerRequest): ArrayBuffer[] {
  const job = request.job;
  const inputs = job.kind === 'trace' ? [job.trace] : job.kind === 'compare' ? [job.baseline, job.after] : [...job.baseline, ...job.after];
  const out: ArrayBuffer[] = [];
  for (const input of inputs) {
    const b = input.bytes;
    if (!b) continue;
    if (!(b.buffer instanceof ArrayBuffer) || b.byteOffset !== 0 || b.byteLength !== b.buffer.byteLength) input.bytes = b.slice();
    out.push(input.bytes!.buffer as ArrayBuffer);
  }
  return out;
}

export function startFlameWorker(
  script: string,
  request: WorkerRequest,
  onProgress?: (p: FlameLoadProgress) => void,
  onFirst?: (doc: FlameDocument, marks: PhaseMark[]) => void,
): FlameWorkerTask {
  const worker = new Worker(script, { workerData: request, transferList: transferables(request) });
  let settled = false;
  let resolve!: (r: FlameLoadResult) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<FlameLoadResult>((res, rej) => {
    resolve = (r) => {
      settled = true;
      res(r);
    };
    reject = (e) => {
      settled = true;
      rej(e);
    };
  });
  // Callers that only cancel must not see an unhandled rejection.
  result.catch(() => undefined);
  const exited = new Promise<number>((res) => worker.once('exit', res));

  worker.on('message', (m: WorkerMessage) => {
    if (settled) return;
    switch (m.type) {
      case 'progress':
        onProgress?.(m.progress);
        return;
      case 'first':
        onFirst?.(m.doc, m.marks);
        return;
      case 'done':
        resolve(m.result);
        void worker.terminate();
        return;
      case 'error':
        reject(reviveError(m.error));
        void worker.terminate();
        return;
    }
  });
  worker.on('error', (err: Error & { code?: string }) => {
    if (settled) return;
    reject(
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new Error('Reading the trace ran out of memory; it holds too many spans to chart. Lower the size limit, or chart a shorter run.')
        : err,
    );
  });
  worker.once('exit', (code) => {
    if (!settled) reject(new Error(`The trace reader stopped unexpectedly (exit code ${code}).`));
  });

  return {
    result,
    exited,
    threadId: worker.threadId,
    async cancel() {
      if (!settled) reject(new TraceCancelledError('cancelled by the user'));
      await worker.terminate();
      await exited;
    },
  };
}
