import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../../platform/threads.js';
import type { ImageRequest } from './image-api.js';
import type { PyramidInfo } from './pyramid.js';
import type { TileRegionAnswer, TileRegionMessage } from './tile-region.worker.js';

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (jpeg: Buffer) => void; reject: (error: Error) => void }>;
}

/**
 * Threads that render unaligned regions of pyramids (`tile-region.ts`), one per core: the render is
 * synchronous CPU work that would otherwise hold the event loop. A request goes to the thread that
 * rendered its pyramid's neighbourhood before (by level and tile), where those tiles are decoded
 * already, unless that thread is much busier than another. Threads start on first use and do not
 * keep the process alive; one that dies fails its requests (the caller falls back to sharp) and
 * is started again on the next.
 */
export class TileRegionPool {
  private readonly threads: (Thread | null)[];
  private nextId = 1;

  /**
   * `decodedTileBytes`: decoded tiles kept by all threads together (`WENYUAN_IIIF_DECODED_TILES_MB`);
   * `idleCloseMs`: a pyramid's file no request has read for this long is closed (a rebuilt pyramid's
   * deleted file would otherwise hold its disk space).
   */
  constructor(
    private readonly decodedTileBytes: number,
    size = Math.max(1, Math.min(4, os.availableParallelism())),
    private readonly idleCloseMs = 5 * 60_000,
  ) {
    this.threads = Array.from({ length: size }, () => null);
  }

  /** Starts the threads now (a viewer asking for info.json is about to ask for regions): starting one takes 50–300 ms. */
  warm(): void {
    for (let i = 0; i < this.threads.length; i++) this.threads[i] ??= this.start(i);
  }

  /** The JPEG for `request` from the pyramid `file` (known as `key`); rejects when the thread cannot render it. */
  render(key: string, file: string, info: PyramidInfo, request: ImageRequest): Promise<Buffer> {
    const index = this.threadFor(key, info, request);
    const thread = (this.threads[index] ??= this.start(index));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ type: 'render', id, key, file, info, request } satisfies TileRegionMessage);
    });
  }

  /** Drops what the threads keep of a pyramid (rebuilt, or found broken). */
  forget(key: string): void {
    for (const thread of this.threads) thread?.worker.postMessage({ type: 'forget', key } satisfies TileRegionMessage);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread?.worker.terminate()));
    this.threads.fill(null);
  }

  private threadFor(key: string, info: PyramidInfo, request: ImageRequest): number {
    const n = this.threads.length;
    // The neighbourhood: the region's first tile at the level of its size, in 4 × 4-tile blocks.
    const scale = Math.max(1, Math.floor(Math.min(request.region.width / request.size.width, request.region.height / request.size.height)));
    const block = info.tileSize * 4 * scale;
    let h = 0x811c9dc5;
    for (const part of [key, String(scale), String(Math.floor(request.region.x / block)), String(Math.floor(request.region.y / block))]) {
      for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
    }
    const preferred = (h >>> 0) % n;
    const load = (i: number) => this.threads[i]?.pending.size ?? 0;
    let least = preferred;
    for (let i = 0; i < n; i++) if (load(i) < load(least)) least = i;
    return load(preferred) > load(least) + 2 ? least : preferred;
  }

  private start(index: number): Thread {
    const worker = startThread(new URL(`./tile-region.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url), {
      workerData: { decodedTileBytes: Math.floor(this.decodedTileBytes / this.threads.length), idleCloseMs: this.idleCloseMs },
      // Tiles and answers live outside the JavaScript heap; a small young generation is plenty.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (answer: TileRegionAnswer) => {
      const task = thread.pending.get(answer.id);
      if (!task) return;
      thread.pending.delete(answer.id);
      if (thread.pending.size === 0) worker.unref();
      if ('jpeg' in answer) task.resolve(Buffer.from(answer.jpeg.buffer, answer.jpeg.byteOffset, answer.jpeg.byteLength));
      else task.reject(new Error(answer.error));
    });
    const fail = (error: Error) => {
      if (this.threads[index] === thread) this.threads[index] = null;
      for (const task of thread.pending.values()) task.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the render thread stopped (exit ${code})`)));
    return thread;
  }
}
