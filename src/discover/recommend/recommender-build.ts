import { startThread } from '../../platform/threads.js';
import type { ModelInput } from './recommender-model.js';

const entry = new URL(`./recommender-build.worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/**
 * Builds a model in a worker thread: at 100,000 works the neighbour search is seconds of pure
 * arithmetic, which on the main thread would hold every request behind it.
 */
export function buildModelOffThread(input: ModelInput): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = startThread(entry, { workerData: input });
    let settled = false;
    worker.once('message', (bytes: Uint8Array) => {
      settled = true;
      resolve(bytes);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`recommender build thread stopped (exit ${code})`));
    });
  });
}
