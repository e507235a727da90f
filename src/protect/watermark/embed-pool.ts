/**
 * Embedding off the main thread. The mark's arithmetic (mask, folds, FFTs, two passes over every
 * pixel) is JavaScript: on the main thread it holds one core and stalls the HTTP server while
 * it runs. A small pool of worker threads (one per core by default) marks decoded pixels instead,
 * so background jobs use every core and requests keep being answered.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../platform/errors.js';
import type { EmbedOptions, EmbedResult, RawImage } from './embed.js';

type Reply = { id: number; result: EmbedResult } | { id: number; error: { app: boolean; code?: string; message: string; key?: string; params?: Record<string, unknown> } };
interface Pending { resolve: (r: EmbedResult) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; busy: Set<number> }

const entry = new URL(`./embed.worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/** A fixed set of worker threads taking embeddings in turn (the least busy first). */
export class EmbedPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly size: number = Math.max(1, os.availableParallelism())) {}

  /** Marks decoded pixels in a worker thread; the caller's buffer is copied, not changed. */
  embed(pixels: RawImage, options: EmbedOptions): Promise<EmbedResult> {
    const slot = this.slot();
    const id = this.nextId++;
    slot.busy.add(id);
    // A thread at work keeps the process alive (a CLI awaiting it must not exit); an idle one does not.
    slot.worker.ref();
    return new Promise<EmbedResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, pixels, options });
    }).finally(() => {
      slot.busy.delete(id);
      if (slot.busy.size === 0) slot.worker.unref();
    });
  }

  /** Stops the threads (tests, shutdown); embeddings still running fail. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private slot(): Slot {
    if (this.slots.length < this.size && this.slots.every((s) => s.busy.size > 0)) this.slots.push(this.spawn());
    return this.slots.reduce((a, b) => (b.busy.size < a.busy.size ? b : a));
  }

  private spawn(): Slot {
    // Sources run as TypeScript (tests, benchmarks): the thread registers tsx before loading its entry.
    const worker = entry.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true })
      : new Worker(entry);
    worker.unref();
    const slot: Slot = { worker, busy: new Set() };
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ('result' in reply) waiting.resolve({ ...reply.result, data: Buffer.from(reply.result.data.buffer, reply.result.data.byteOffset, reply.result.data.byteLength) });
      else if (reply.error.app) waiting.reject(new AppError(reply.error.code!, reply.error.message, { key: reply.error.key, params: reply.error.params } as ConstructorParameters<typeof AppError>[2]));
      else waiting.reject(new Error(reply.error.message));
    });
    // A thread that dies (out of memory, a native crash) fails what it held; the next call spawns another.
    worker.on('error', (error) => this.drop(slot, error));
    worker.on('exit', (code) => this.drop(slot, new Error(`embedding thread stopped (exit ${code})`)));
    return slot;
  }

  private drop(slot: Slot, error: Error): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    for (const id of slot.busy) {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      waiting?.reject(error);
    }
  }
}

/** The process's pool: threads start on first use, one per core at most, and never hold the process open. */
export const embedPool = new EmbedPool();
