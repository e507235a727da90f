/**
 * Protect's heavy arithmetic off the main thread. Watermark embedding (mask, folds, FFTs, two passes
 * over every pixel) and fingerprinting (PDQ's box filters and DCT, ISCC's normalising) are
 * JavaScript: on the main thread they held it for 100–300 ms an image, which the HTTP server and
 * the rest of the pipeline waited behind. One pool of worker threads (one per core by default) runs
 * both kinds of task, so background jobs use every core and requests keep being answered.
 *
 * Decodes inside a thread still ask the process's one decode budget, held here on the main thread,
 * by message: libvips' memory is the whole process's, so the budget must stay one.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../platform/threads.js';
import { decodeBudget as processBudget, type DecodeBudget } from '../media/decode-budget.js';
import { AppError } from '../platform/errors.js';
import type { ImageFingerprint } from './fingerprint.js';
import type { EmbedOptions, EmbedResult, RawImage } from './watermark/embed.js';

export interface FingerprintTask {
  file: string;
  maxPixels: number;
  name?: string | null;
}

/** The work a thread does, by kind. */
export type PoolTask = { kind: 'fingerprint'; task: FingerprintTask } | { kind: 'embed'; pixels: RawImage; options: EmbedOptions };
type ResultOf<T extends PoolTask['kind']> = T extends 'fingerprint' ? ImageFingerprint : EmbedResult;

/** An error crossing the thread boundary: AppErrors keep their code, key, parameters and details. */
export interface ThreadError { app: boolean; code?: string; message: string; key?: string; params?: Record<string, unknown>; details?: unknown }

/** Messages between the pool and its threads. */
export type ToThread = { kind: 'task'; id: number; work: PoolTask } | { kind: 'granted'; grant: number };
export type FromThread =
  | { kind: 'done'; id: number; result: ImageFingerprint | EmbedResult }
  | { kind: 'failed'; id: number; error: ThreadError }
  | { kind: 'acquire'; grant: number; bytes: number }
  | { kind: 'release'; grant: number };

interface Pending { resolve: (r: ImageFingerprint | EmbedResult) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; busy: Set<number>; grants: Map<number, () => void>; gone: boolean }

const entry = new URL(`./protect.worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/**
 * Young-generation size of each thread (MiB). Embedding allocates frames of floats per image; V8's
 * default nursery is collected so often that collection took a fifth of a thread's time.
 */
const YOUNG_GENERATION_MB = 96;
/**
 * Initial old generation of each thread (MiB): with V8's small default, the frames' wrappers surviving
 * into the old generation started a mark-compact about once an image (225 for 181 images); at 64 the
 * bench's whole pipeline ran 11, for ~20 % less CPU and ~45 MiB more peak RSS (bench/RESULTS.md, session 18).
 */
const INITIAL_OLD_GENERATION_MB = 64;

/** Serialises an error for postMessage. */
export function toThreadError(error: unknown): ThreadError {
  if (error instanceof AppError) return { app: true, code: error.code, message: error.message, key: error.key, params: error.params, details: error.details };
  return { app: false, message: error instanceof Error ? error.message : String(error) };
}

function fromThreadError(error: ThreadError): Error {
  if (!error.app) return new Error(error.message);
  return new AppError(error.code!, error.message, { key: error.key, params: error.params, ...(error.details !== undefined ? { details: error.details } : {}) } as ConstructorParameters<typeof AppError>[2]);
}

/** A fixed set of worker threads taking embeddings and fingerprints in turn (the least busy first). */
export class ProtectPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly size: number = Math.max(1, os.availableParallelism()),
    private readonly budget: DecodeBudget = processBudget,
  ) {}

  /** `fingerprintImage(file, { maxPixels, name })` in a worker thread: the same result, bit for bit. */
  fingerprint(task: FingerprintTask): Promise<ImageFingerprint> {
    return this.run({ kind: 'fingerprint', task });
  }

  /**
   * `embedWatermark(pixels, options)` in a worker thread; the caller's pixels are copied, not changed
   * — unless `handOver`: then their memory moves to the thread and back (no copy of a large frame),
   * and the caller must not touch `pixels` again.
   */
  async embed(pixels: RawImage, options: EmbedOptions, handOver = false): Promise<EmbedResult> {
    // Only a buffer that owns its whole memory moves (a pooled small Buffer shares it with others).
    const owns = pixels.data.byteOffset === 0 && pixels.data.buffer.byteLength === pixels.data.byteLength;
    const result = await this.run({ kind: 'embed', pixels, options }, handOver && owns ? [pixels.data.buffer as ArrayBuffer] : []);
    // Structured cloning turns the Buffer into a plain Uint8Array.
    return { ...result, data: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength) };
  }

  /** Threads running now (tests). */
  get threads(): number {
    return this.slots.length;
  }

  /** Stops the threads (tests, shutdown); tasks still running fail and their budget is given back. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private run<T extends PoolTask>(work: T, transfer: ArrayBuffer[] = []): Promise<ResultOf<T['kind']>> {
    const slot = this.slot();
    const id = this.nextId++;
    slot.busy.add(id);
    // A thread at work keeps the process alive (a CLI awaiting it must not exit); an idle one does not.
    slot.worker.ref();
    return new Promise<ResultOf<T['kind']>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      slot.worker.postMessage({ kind: 'task', id, work } satisfies ToThread, transfer);
    }).finally(() => {
      slot.busy.delete(id);
      if (slot.busy.size === 0) slot.worker.unref();
    });
  }

  private slot(): Slot {
    if (this.slots.length < this.size && this.slots.every((s) => s.busy.size > 0)) this.slots.push(this.spawn());
    return this.slots.reduce((a, b) => (b.busy.size < a.busy.size ? b : a));
  }

  private spawn(): Slot {
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    const worker = startThread(entry, { resourceLimits, initialOldGenerationMb: INITIAL_OLD_GENERATION_MB });
    worker.unref();
    const slot: Slot = { worker, busy: new Set(), grants: new Map(), gone: false };
    worker.on('message', (message: FromThread) => this.receive(slot, message));
    // A thread that dies (out of memory, a native crash) fails what it held; the next call spawns another.
    worker.on('error', (error) => this.drop(slot, error));
    worker.on('exit', (code) => this.drop(slot, new Error(`protect thread stopped (exit ${code})`)));
    return slot;
  }

  private receive(slot: Slot, message: FromThread): void {
    switch (message.kind) {
      case 'acquire':
        void this.budget.acquire(message.bytes).then((release) => {
          // Granted after the thread died: nobody will use or return it.
          if (slot.gone) return release();
          slot.grants.set(message.grant, release);
          slot.worker.postMessage({ kind: 'granted', grant: message.grant } satisfies ToThread);
        });
        return;
      case 'release':
        slot.grants.get(message.grant)?.();
        slot.grants.delete(message.grant);
        return;
      case 'done':
      case 'failed': {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (message.kind === 'done') waiting.resolve(message.result);
        else waiting.reject(fromThreadError(message.error));
      }
    }
  }

  private drop(slot: Slot, error: Error): void {
    if (slot.gone) return;
    slot.gone = true;
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    // Budget a dead thread held would otherwise be lost for good, starving every later decode.
    for (const release of slot.grants.values()) release();
    slot.grants.clear();
    for (const id of slot.busy) {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      waiting?.reject(error);
    }
  }
}

/** The process's pool: threads start on first use, one per core at most, and never hold the process open. */
export const protectPool = new ProtectPool();
