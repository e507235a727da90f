/**
 * Fingerprinting off the main thread. PDQ's box filters and DCT and ISCC's normalising are
 * JavaScript: on the main thread they held it for ~100 ms an image, which the whole pipeline
 * (uploads, display copies, the HTTP server) waited behind. A small pool of worker threads (one per
 * core by default) runs `fingerprintImage` instead. The decodes inside a thread still ask the
 * process's one decode budget, held here on the main thread, by message: libvips' memory is the
 * whole process's, so the budget must stay one.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodeBudget as processBudget, type DecodeBudget } from '../media/decode-budget.js';
import { AppError } from '../platform/errors.js';
import type { ImageFingerprint } from './fingerprint.js';

export interface FingerprintTask {
  file: string;
  maxPixels: number;
  name?: string | null;
}

/** An error crossing the thread boundary: AppErrors keep their code, key and parameters. */
export interface ThreadError { app: boolean; code?: string; message: string; key?: string; params?: Record<string, unknown>; details?: unknown }

/** Messages between the pool and its threads. */
export type ToThread = { kind: 'task'; id: number; task: FingerprintTask } | { kind: 'granted'; grant: number };
export type FromThread =
  | { kind: 'done'; id: number; result: ImageFingerprint }
  | { kind: 'failed'; id: number; error: ThreadError }
  | { kind: 'acquire'; grant: number; bytes: number }
  | { kind: 'release'; grant: number };

interface Pending { resolve: (r: ImageFingerprint) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; busy: Set<number>; grants: Map<number, () => void>; gone: boolean }

const entry = new URL(`./fingerprint.worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/** Serialises an error for postMessage. */
export function toThreadError(error: unknown): ThreadError {
  if (error instanceof AppError) return { app: true, code: error.code, message: error.message, key: error.key, params: error.params, details: error.details };
  return { app: false, message: error instanceof Error ? error.message : String(error) };
}

function fromThreadError(error: ThreadError): Error {
  if (!error.app) return new Error(error.message);
  return new AppError(error.code!, error.message, { key: error.key, params: error.params, ...(error.details !== undefined ? { details: error.details } : {}) } as ConstructorParameters<typeof AppError>[2]);
}

/** A fixed set of worker threads fingerprinting image files in turn (the least busy first). */
export class FingerprintPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly size: number = Math.max(1, os.availableParallelism()),
    private readonly budget: DecodeBudget = processBudget,
  ) {}

  /** `fingerprintImage(file, { maxPixels, name })` in a worker thread: the same result, bit for bit. */
  fingerprint(task: FingerprintTask): Promise<ImageFingerprint> {
    const slot = this.slot();
    const id = this.nextId++;
    slot.busy.add(id);
    // A thread at work keeps the process alive (a CLI awaiting it must not exit); an idle one does not.
    slot.worker.ref();
    return new Promise<ImageFingerprint>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ kind: 'task', id, task } satisfies ToThread);
    }).finally(() => {
      slot.busy.delete(id);
      if (slot.busy.size === 0) slot.worker.unref();
    });
  }

  /** Threads running now (tests). */
  get threads(): number {
    return this.slots.length;
  }

  /** Stops the threads (tests, shutdown); fingerprints still running fail and their budget is given back. */
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
    const slot: Slot = { worker, busy: new Set(), grants: new Map(), gone: false };
    worker.on('message', (message: FromThread) => this.receive(slot, message));
    // A thread that dies (out of memory, a native crash) fails what it held; the next call spawns another.
    worker.on('error', (error) => this.drop(slot, error));
    worker.on('exit', (code) => this.drop(slot, new Error(`fingerprint thread stopped (exit ${code})`)));
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
export const fingerprintPool = new FingerprintPool();
