/**
 * Worker thread entry (bundled to dist/traceWorker.js): reads the trace file(s) of a flame chart and
 * builds its document off the extension host's thread, posting progress as the bytes come in. The
 * result's typed arrays are transferred, not copied. The host stops a cancelled read by
 * terminating the thread, which also closes the file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FlameDocument } from '../../core/flame/data';
import type { PhaseMark } from '../../core/flame/phases';
import { documentBuffers, loadFlameDocument, type FlameLoadProgress } from '../../core/flame/load';
import { serializeError, type WorkerMessage, type WorkerRequest } from './traceWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('traceWorker.js runs as a worker thread');
const request = workerData as WorkerRequest;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** One message per percent (and per phase): enough for a progress bar, cheap for the host. */
let lastPercent = -1;
let lastPhase: FlameLoadProgress['phase'] | undefined;
function onProgress(progress: FlameLoadProgress): void {
  const percent = progress.totalBytes > 0 ? Math.floor((100 * progress.bytes) / progress.totalBytes) : 100;
  if (percent === lastPercent && progress.phase === lastPhase) return;
  lastPercent = percent;
  lastPhase = progress.phase;
  post({ type: 'progress', progress });
}

// The first part of a big document goes at once: the chart draws it while the rest is built.
const onFirst = request.parts
  ? (doc: FlameDocument, marks: PhaseMark[]) => post({ type: 'first', doc, marks }, documentBuffers(doc))
  : undefined;

loadFlameDocument(request.job, { onProgress, onFirst, maxBytes: request.maxBytes, limitHint: request.limitHint }).then(
  (result) => post({ type: 'done', result }, documentBuffers(result.doc)),
  (err: unknown) => post({ type: 'error', error: serializeError(err) }),
);
