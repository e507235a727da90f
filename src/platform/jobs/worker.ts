import { hostname } from 'node:os';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { JobQueue, JobRow } from './job-queue.js';

export interface JobContext {
  job: JobRow;
  signal: AbortSignal;
}

export type JobHandler = (payload: unknown, context: JobContext) => Promise<void>;

/** A failure that retrying cannot fix (corrupt input): the job goes straight to dead. */
export class PermanentJobError extends Error {}

/** Error codes of outages (a store, the database, a full disk): the job is not at fault, so they use up no attempt. */
const OUTAGE_CODES = new Set(['blob_store_unavailable', 'database_unavailable', 'storage_full']);

function isOutage(error: unknown): boolean {
  return (error instanceof AppError && OUTAGE_CODES.has(error.code)) || isDatabaseUnavailable(error);
}

export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions {
  concurrency: number;
  leaseMs?: number;
  pollMs?: number;
  logger?: WorkerLogger;
}

/**
 * Polls the job queue and runs handlers. Handlers must be idempotent: a job whose worker died
 * is claimed again once its lease expires.
 */
export class Worker {
  readonly id = `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  private readonly handlers = new Map<string, JobHandler>();
  private running = false;
  private readonly active = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly queue: JobQueue,
    private readonly options: WorkerOptions,
  ) {}

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  get kinds(): string[] {
    return [...this.handlers.keys()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Nudges an idle worker to look for work now (after an enqueue in the same process). */
  poke(): void {
    this.wake?.();
  }

  /** Stops claiming and waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
    await Promise.allSettled([...this.active]);
  }

  /** Runs until no due job (of `kinds`, default all registered) is left: CLI commands and tests. */
  async drain(kinds: string[] = this.kinds): Promise<number> {
    const runnable = kinds.filter((k) => this.handlers.has(k));
    if (runnable.length === 0) return 0;
    let done = 0;
    for (;;) {
      const job = await this.queue.claim(this.id, this.leaseMs, runnable);
      if (!job) return done;
      await this.execute(job);
      done++;
    }
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.active.size >= this.options.concurrency) {
        await Promise.race(this.active);
        continue;
      }
      let job: JobRow | null = null;
      try {
        job = await this.queue.claim(this.id, this.leaseMs, this.kinds);
      } catch (error) {
        this.options.logger?.error({ err: error }, 'job claim failed');
      }
      if (!job) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs ?? 1000);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
        continue;
      }
      const task = this.execute(job).finally(() => this.active.delete(task));
      this.active.add(task);
    }
  }

  private async execute(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const heartbeat = setInterval(() => {
      this.queue.heartbeat(job.id, this.id, this.leaseMs).catch(() => undefined);
    }, this.leaseMs / 3);
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind "${job.kind}"`);
      await handler(JSON.parse(job.payload), { job, signal: this.abort.signal });
      await this.queue.complete(job.id, this.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      try {
        const status = await this.queue.fail(job, this.id, message, { permanent: error instanceof PermanentJobError, outage: isOutage(error) });
        this.options.logger?.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, status, error: message }, 'job failed');
      } catch (recordError) {
        // The database itself is out of reach: the job stays claimed until its lease runs out,
        // then it is claimed again. Throwing here would stop this worker's loop for good.
        this.options.logger?.error({ jobId: job.id, kind: job.kind, error: message, err: recordError }, 'job failed and its failure could not be recorded');
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}
