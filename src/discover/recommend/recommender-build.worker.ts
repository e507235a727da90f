/** Worker-thread entry: builds a recommender model off the main thread and hands back its bytes. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildModel, serializeModel, type ModelInput } from './recommender-model.js';

const bytes = serializeModel(buildModel(workerData as ModelInput));
parentPort!.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
