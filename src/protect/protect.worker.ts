/** Worker-thread entry of protect's pool (protect-pool.ts): fingerprints files and marks pixels off the main thread. */
import { parentPort } from 'node:worker_threads';
import { decodeBudget } from '../media/decode-budget.js';
import { fingerprintImage } from './fingerprint.js';
import { toThreadError, type FromThread, type PoolTask, type ToThread } from './protect-pool.js';
import { embedWatermark } from './watermark/embed.js';

const port = parentPort!;
const send = (message: FromThread) => port.postMessage(message);
const granted = new Map<number, () => void>();
let nextGrant = 1;

// Every decode in this thread waits for room in the main thread's budget, the process's only one.
decodeBudget.delegateTo((bytes) => new Promise((resolve) => {
  const grant = nextGrant++;
  let released = false;
  granted.set(grant, () => resolve(() => {
    if (released) return;
    released = true;
    send({ kind: 'release', grant });
  }));
  send({ kind: 'acquire', grant, bytes });
}));

function perform(work: PoolTask) {
  if (work.kind === 'fingerprint') return fingerprintImage(work.task.file, { maxPixels: work.task.maxPixels, name: work.task.name ?? null });
  // Cloned across the boundary as a Uint8Array: the embedder marks a Buffer in place.
  const { data } = work.pixels;
  return embedWatermark({ ...work.pixels, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }, work.options);
}

port.on('message', (message: ToThread) => {
  if (message.kind === 'granted') {
    granted.get(message.grant)?.();
    granted.delete(message.grant);
    return;
  }
  const { id, work } = message;
  perform(work).then(
    // Marked raw pixels go back without a copy (the frame may be hundreds of megabytes).
    (result) => port.postMessage({ kind: 'done', id, result } satisfies FromThread, 'data' in result && work.kind === 'embed' && work.options.format === 'raw' ? [result.data.buffer as ArrayBuffer] : []),
    (error: unknown) => send({ kind: 'failed', id, error: toThreadError(error) }),
  );
});
