import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { DB, JobsTable } from '../db/schema.js';
import type { Selectable } from 'kysely';

export type JobRow = Selectable<JobsTable>;
export type JobStatus = 'queued' | 'running' | 'done' | 'dead';

export interface EnqueueOptions {
  /** At most one queued-or-running job per key; a second enqueue with the same key is a no-op. */
  dedupeKey?: string;
  maxAttempts?: number;
  runAt?: Date;
}

type Executor = Kysely<DB> | Transaction<DB>;

/** Backoff before attempt n+1: 2^n seconds, capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Longest wait between tries of a job that failed because of an outage. */
export const OUTAGE_MAX_DELAY_MS = 60_000;

/**
 * Durable job queue in the application database. Jobs are enqueued inside the caller's
 * transaction, so data and the work that follows from it commit or vanish together.
 */
export class JobQueue {
  constructor(private readonly database: Database) {}

  /** Which of `dedupeKeys` a queued or running job holds. */
  async liveDedupeKeys(executor: Executor, dedupeKeys: readonly string[]): Promise<Set<string>> {
    if (dedupeKeys.length === 0) return new Set();
    const rows = await executor.selectFrom('jobs').select('dedupe_key').where('dedupe_key', 'in', [...dedupeKeys]).where('status', 'in', ['queued', 'running']).execute();
    return new Set(rows.map((r) => r.dedupe_key!));
  }

  /** Adds a job using `executor` (pass the surrounding transaction). */
  async enqueue(executor: Executor, kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    const now = new Date().toISOString();
    const row = {
      kind,
      payload: JSON.stringify(payload),
      status: 'queued',
      dedupe_key: options.dedupeKey ?? null,
      attempts: 0,
      max_attempts: options.maxAttempts ?? 5,
      run_at: (options.runAt ?? new Date()).toISOString(),
      created_at: now,
      updated_at: now,
    };
    if (options.dedupeKey && (await this.liveDedupeKeys(executor, [options.dedupeKey])).size > 0) return;
    // The check above misses a twin enqueued by a concurrent, not yet committed transaction;
    // the partial unique index catches it, and the enqueue stays a no-op instead of failing.
    await executor.insertInto('jobs').values(row).onConflict((oc) => oc.doNothing()).execute();
  }

  /**
   * Claims the next due job (or one whose lease expired because its worker died) for `workerId`.
   * PostgreSQL uses FOR UPDATE SKIP LOCKED so many workers never take the same job.
   */
  async claim(workerId: string, leaseMs: number, kinds?: string[]): Promise<JobRow | null> {
    const now = new Date();
    const nowIso = now.toISOString();
    const lease = new Date(now.getTime() + leaseMs).toISOString();
    const kindFilter = kinds && kinds.length > 0 ? sql`AND kind IN (${sql.join(kinds)})` : sql``;
    const lock = this.database.dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
    // A job whose worker died on its last allowed attempt (crash, out of memory) is not tried again.
    await sql`
      UPDATE jobs SET status = 'dead', finished_at = ${nowIso}, updated_at = ${nowIso}, locked_by = NULL, lease_expires_at = NULL,
        last_error = 'the worker stopped (crash or kill) during every allowed attempt'
      WHERE status = 'running' AND lease_expires_at < ${nowIso} AND attempts >= max_attempts`.execute(this.database.db);
    const result = await sql<JobRow>`
      UPDATE jobs SET status = 'running', locked_by = ${workerId}, lease_expires_at = ${lease},
        attempts = attempts + 1, updated_at = ${nowIso}
      WHERE id = (
        SELECT id FROM jobs
        WHERE ((status = 'queued' AND run_at <= ${nowIso}) OR (status = 'running' AND lease_expires_at < ${nowIso}))
        ${kindFilter}
        ORDER BY run_at, id
        LIMIT 1
        ${lock}
      )
      RETURNING *`.execute(this.database.db);
    return result.rows[0] ?? null;
  }

  /** Extends the lease of a running job so a long task is not taken over. */
  async heartbeat(jobId: number, workerId: string, leaseMs: number): Promise<void> {
    await this.database.db
      .updateTable('jobs')
      .set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString() })
      .where('id', '=', jobId)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'running')
      .execute();
  }

  async complete(jobId: number, workerId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.database.db
      .updateTable('jobs')
      .set({ status: 'done', finished_at: now, updated_at: now, lease_expires_at: null, last_error: null })
      .where('id', '=', jobId)
      .where('locked_by', '=', workerId)
      .execute();
  }

  /**
   * Records a failure: requeued with backoff, or dead once attempts are used up (or `permanent`).
   * An `outage` (the blob store or database out of reach, a full disk) is not the job's fault: the
   * attempt is given back (max_attempts grows with it) and the wait is capped at OUTAGE_MAX_DELAY_MS,
   * so a long outage neither kills the job nor leaves it asleep for an hour after the outage ends.
   */
  async fail(job: JobRow, workerId: string, error: string, options: { permanent?: boolean; outage?: boolean } = {}): Promise<JobStatus> {
    const now = new Date();
    const outage = !options.permanent && options.outage === true;
    const dead = options.permanent === true || (!outage && job.attempts >= job.max_attempts);
    const delay = outage ? Math.min(OUTAGE_MAX_DELAY_MS, retryDelayMs(job.attempts)) : retryDelayMs(job.attempts);
    await this.database.db
      .updateTable('jobs')
      .set({
        status: dead ? 'dead' : 'queued',
        last_error: error.slice(0, 4000),
        ...(outage ? { max_attempts: job.max_attempts + 1 } : {}),
        run_at: new Date(now.getTime() + delay).toISOString(),
        updated_at: now.toISOString(),
        finished_at: dead ? now.toISOString() : null,
        lease_expires_at: null,
        locked_by: null,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .execute();
    return dead ? 'dead' : 'queued';
  }

  /**
   * Puts a dead job back in the queue with a fresh set of attempts (admin action). Returns
   * 'duplicate' when a live job with the same dedupe key already covers the same work.
   */
  async retry(jobId: number): Promise<'queued' | 'not_found' | 'duplicate'> {
    const now = new Date().toISOString();
    const job = await this.database.db.selectFrom('jobs').select(['id', 'dedupe_key']).where('id', '=', jobId).where('status', '=', 'dead').executeTakeFirst();
    if (!job) return 'not_found';
    if (job.dedupe_key) {
      const live = await this.database.db.selectFrom('jobs').select('id').where('dedupe_key', '=', job.dedupe_key).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      if (live) return 'duplicate';
    }
    const result = await this.database.db
      .updateTable('jobs')
      .set({ status: 'queued', attempts: 0, run_at: now, updated_at: now, finished_at: null })
      .where('id', '=', jobId)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? 'queued' : 'not_found';
  }

  async list(filter: { status?: JobStatus; limit: number; offset: number }): Promise<{ items: JobRow[]; total: number }> {
    let query = this.database.db.selectFrom('jobs');
    if (filter.status) query = query.where('status', '=', filter.status);
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const rows = await this.database.db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, dead: 0 };
    for (const row of rows) out[row.status as JobStatus] = Number(row.n);
    return out;
  }

  /**
   * Jobs not done, by kind and status, with the age of the oldest one ready to run (queued and due)
   * in seconds: what the metrics page reports as queue depth and age.
   */
  async depthByKind(now = new Date()): Promise<{ kind: string; status: 'queued' | 'running' | 'dead'; count: number; oldestDueSeconds: number }[]> {
    const rows = await this.database.db
      .selectFrom('jobs')
      .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('run_at').as('oldest')])
      .where('status', 'in', ['queued', 'running', 'dead'])
      .groupBy(['kind', 'status'])
      .execute();
    return rows.map((row) => {
      const oldest = row.oldest === null ? NaN : new Date(row.oldest as string | Date).getTime();
      const due = row.status === 'queued' && Number.isFinite(oldest) ? Math.max(0, (now.getTime() - oldest) / 1000) : 0;
      return { kind: row.kind, status: row.status as 'queued' | 'running' | 'dead', count: Number(row.n), oldestDueSeconds: due };
    });
  }

  /** Deletes finished jobs (done or dead) that finished before `cutoff` (retention: their payloads may name people's ids and files). */
  async purgeFinishedBefore(cutoff: string): Promise<number> {
    const result = await this.database.db.deleteFrom('jobs').where('status', 'in', ['done', 'dead']).where('finished_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Number of jobs still to do (queued or running). */
  async pending(kinds?: string[]): Promise<number> {
    let query = this.database.db.selectFrom('jobs').where('status', 'in', ['queued', 'running']);
    if (kinds?.length) query = query.where('kind', 'in', kinds);
    const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
