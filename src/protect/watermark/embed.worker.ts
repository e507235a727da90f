/** Worker-thread entry of the embedding pool (embed-pool.ts): marks pixels off the main thread. */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../platform/errors.js';
import { embedWatermark, type EmbedOptions, type RawImage } from './embed.js';

interface Task { id: number; pixels: RawImage; options: EmbedOptions }

parentPort!.on('message', (task: Task) => {
  const pixels = { ...task.pixels, data: Buffer.from(task.pixels.data.buffer, task.pixels.data.byteOffset, task.pixels.data.byteLength) };
  embedWatermark(pixels, task.options).then(
    (result) => parentPort!.postMessage({ id: task.id, result }),
    (error: unknown) => parentPort!.postMessage({
      id: task.id,
      error: error instanceof AppError
        ? { app: true, code: error.code, message: error.message, key: error.key, params: error.params }
        : { app: false, message: error instanceof Error ? error.message : String(error) },
    }),
  );
});
