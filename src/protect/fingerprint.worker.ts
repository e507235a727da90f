/** Worker-thread entry of the fingerprint pool (fingerprint-pool.ts): fingerprints files off the main thread. */
import { parentPort } from 'node:worker_threads';
import { decodeBudget } from '../media/decode-budget.js';
import { fingerprintImage } from './fingerprint.js';
import { toThreadError, type FromThread, type ToThread } from './fingerprint-pool.js';

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

port.on('message', (message: ToThread) => {
  if (message.kind === 'granted') {
    granted.get(message.grant)?.();
    granted.delete(message.grant);
    return;
  }
  const { id, task } = message;
  fingerprintImage(task.file, { maxPixels: task.maxPixels, name: task.name ?? null }).then(
    (result) => send({ kind: 'done', id, result }),
    (error: unknown) => send({ kind: 'failed', id, error: toThreadError(error) }),
  );
});
