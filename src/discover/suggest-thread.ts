import type { Worker } from 'node:worker_threads';
import { startThread } from '../platform/threads.js';
import type { Suggestion } from './suggest-index.js';
import type { SuggestRow } from './suggest.repository.js';

const entry = new URL(`./suggest.worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/** What the main thread tells the index's thread; `id`s are answered, the rest are not. */
export type SuggestThreadRequest =
  | { type: 'begin'; maxTitles: number }
  | { type: 'rows'; id: number; rows: SuggestRow[] }
  | { type: 'end'; id: number }
  | { type: 'visibility'; changes: [number, boolean][] }
  | { type: 'suggest'; id: number; typed: string; limit: number; staff: boolean };

export type SuggestThreadReply = { id: number; ok: true; size?: number; suggestions?: Suggestion[] } | { id: number; ok: false; error: string };

type Answered = Extract<SuggestThreadRequest, { id: number }>;
type Pending = { resolve: (reply: Extract<SuggestThreadReply, { ok: true }>) => void; reject: (error: Error) => void };

/**
 * The main thread's handle on the suggestion index's thread (`suggest.worker.ts`): started on first
 * use, messages in order, answers matched by id. If the thread dies, what was asked fails, and the
 * next message starts a fresh thread with no index (`generation` tells the service to build again).
 */
export class SuggestThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Bumped each time a thread starts: an index belongs to the generation that built it. */
  generation = 0;

  /** Whether a thread is running (a new one starts, with no index, on the next message). */
  get alive(): boolean {
    return this.worker !== null;
  }

  /** Sends a message that gets no answer. */
  send(request: Exclude<SuggestThreadRequest, { id: number }>): void {
    this.thread().postMessage(request);
  }

  /** Sends a message and waits for its answer. */
  call(request: DistributiveOmit<Answered, 'id'>): Promise<Extract<SuggestThreadReply, { ok: true }>> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startThread(entry);
    // The thread never keeps the process alive; the app closes it on the way out.
    worker.unref();
    worker.on('message', (reply: SuggestThreadReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`suggestion thread stopped (exit ${code})`)));
    this.worker = worker;
    this.generation++;
    return worker;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
