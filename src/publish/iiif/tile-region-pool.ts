import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../../platform/threads.js';
import { lockOwner, releaseLockOf } from './decoded-tiles.js';
import type { ImageRequest } from './image-api.js';
import type { PyramidInfo } from './pyramid.js';
import { allocateRenderMemory, type RenderMemory } from './tile-region.js';
import type { TileRegionAnswer, TileRegionMessage } from './tile-region.worker.js';

/** Pyramids named to a thread, beyond which it is told to forget them all (a long-running server meets many). */
const KNOWN_PER_THREAD = 1024;

interface Thread {
  worker: Worker;
  /** Keys of the pyramids this thread has been told the file and description of. */
  known: Set<string>;
  pending: Map<number, { resolve: (jpeg: Buffer) => void; reject: (error: Error) => void }>;
}

/**
 * Threads that render unaligned regions of pyramids (`tile-region.ts`), one per core: the render is
 * synchronous CPU work that would otherwise hold the event loop. The threads share one memory of
 * decoded tiles (`decoded-tiles.ts`), so a request goes to the least busy thread. Threads start on
 * first use and do not keep the process alive; one that dies fails its requests (the caller falls
 * back to sharp) and is started again on the next.
 */
export class TileRegionPool {
  private readonly threads: (Thread | null)[];
  private nextId = 1;
  /** Made when the first thread starts: decoded tiles and the threads' work areas. */
  private memory: RenderMemory | null = null;
  /** Where the search for the least busy thread starts: turns, so equal loads share the work. */
  private turn = 0;

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

  /**
   * The JPEG for `request` (one `tileRegionApplies` to: its region and size are what is sent) from
   * the pyramid `file` (known as `key`); rejects when the thread cannot render it.
   */
  render(key: string, file: string, info: PyramidInfo, request: ImageRequest): Promise<Buffer> {
    const index = this.leastBusy();
    let thread: Thread;
    try {
      thread = this.threads[index] ??= this.start(index);
    } catch (error) {
      return Promise.reject(error as Error); // no memory or thread for it: the caller renders with sharp
    }
    if (!thread.known.has(key)) {
      if (thread.known.size >= KNOWN_PER_THREAD) {
        thread.known.clear();
        thread.worker.postMessage({ type: 'forget-all-known' } satisfies TileRegionMessage);
      }
      thread.known.add(key);
      thread.worker.postMessage({ type: 'know', key, file, info } satisfies TileRegionMessage);
    }
    const id = this.nextId++;
    const { region, size } = request;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ type: 'render', id, key, region: [region.x, region.y, region.width, region.height, size.width, size.height] } satisfies TileRegionMessage);
    });
  }

  /** Drops what the threads keep of a pyramid (rebuilt, or found broken). */
  forget(key: string): void {
    for (const thread of this.threads) {
      thread?.known.delete(key);
      thread?.worker.postMessage({ type: 'forget', key } satisfies TileRegionMessage);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread?.worker.terminate()));
    this.threads.fill(null);
  }

  private leastBusy(): number {
    const n = this.threads.length;
    const load = (i: number) => this.threads[i]?.pending.size ?? 0;
    this.turn = (this.turn + 1) % n;
    let least = this.turn;
    for (let k = 1; k < n; k++) {
      const i = (this.turn + k) % n;
      if (load(i) < load(least)) least = i;
    }
    return least;
  }

  private start(index: number): Thread {
    const worker = startThread(new URL(`./tile-region.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url), {
      workerData: { memory: (this.memory ??= allocateRenderMemory(this.decodedTileBytes, this.threads.length)), area: index, idleCloseMs: this.idleCloseMs },
      // Tiles and answers live outside the JavaScript heap; a small young generation is plenty.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    worker.unref();
    const thread: Thread = { worker, known: new Set(), pending: new Map() };
    worker.on('message', (answer: TileRegionAnswer) => {
      const task = thread.pending.get(answer.id);
      if (!task) return;
      thread.pending.delete(answer.id);
      if (thread.pending.size === 0) worker.unref();
      if ('jpeg' in answer) task.resolve(Buffer.from(answer.jpeg.buffer, answer.jpeg.byteOffset, answer.jpeg.byteLength));
      else task.reject(new Error(answer.error));
    });
    const owner = lockOwner(worker.threadId);
    const fail = (error: Error) => {
      // A thread stopped inside the shared tiles' lock (killed, out of memory) would hold up the others.
      if (this.memory) releaseLockOf(this.memory.tiles, owner);
      if (this.threads[index] === thread) this.threads[index] = null;
      for (const task of thread.pending.values()) task.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the render thread stopped (exit ${code})`)));
    return thread;
  }
}
