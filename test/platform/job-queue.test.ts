import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { JobQueue, retryDelayMs, type JobRow } from '../../src/platform/jobs/job-queue.js';
import { PermanentJobError, Worker } from '../../src/platform/jobs/worker.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/databases.js';
import { waitForConnectionsToClose } from '../support/settle-connections.js';

const dialects = await testDialects();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dialects)('JobQueue on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  let queue: JobQueue;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    database = openDatabase(testDb.url);
    await migrateToLatest(database);
    queue = new JobQueue(database);
  });
  afterAll(async () => {
    await database.close();
    await waitForConnectionsToClose(testDb.url);
    await testDb.drop();
  });
  beforeEach(async () => {
    await database.db.deleteFrom('jobs').execute();
  });

  const jobs = () => database.db.selectFrom('jobs').selectAll().orderBy('id').execute();
  const job = async (id: number) => database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** Makes a queued job due now (instead of waiting out its backoff). */
  const makeDue = (id: number) =>
    database.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1).toISOString() }).where('id', '=', id).execute();

  it('a job enqueued in a transaction that rolls back never exists', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await queue.enqueue(trx, 'test.rollback', { a: 1 });
        // Visible inside the transaction…
        const inside = await trx.selectFrom('jobs').select('id').execute();
        expect(inside).toHaveLength(1);
        throw new Error('abort the transaction');
      }),
    ).rejects.toThrow('abort the transaction');
    expect(await jobs()).toEqual([]);
    expect(await queue.claim('w1', 60_000)).toBeNull();
  });

  it('a job enqueued in a committed transaction is claimable with its payload', async () => {
    await database.db.transaction().execute((trx) => queue.enqueue(trx, 'test.commit', { sha256: 'abc', n: 3 }));
    const claimed = await queue.claim('w1', 60_000);
    expect(claimed).not.toBeNull();
    expect(claimed!.kind).toBe('test.commit');
    expect(JSON.parse(claimed!.payload)).toEqual({ sha256: 'abc', n: 3 });
    expect(claimed!.status).toBe('running');
    expect(claimed!.locked_by).toBe('w1');
    expect(claimed!.attempts).toBe(1);
  });

  it('a dedupe key allows one live job; a finished job does not block a new one', async () => {
    await queue.enqueue(database.db, 'test.dedupe', { v: 1 }, { dedupeKey: 'k1' });
    await queue.enqueue(database.db, 'test.dedupe', { v: 2 }, { dedupeKey: 'k1' });
    await queue.enqueue(database.db, 'test.dedupe', { v: 3 }, { dedupeKey: 'k2' });
    expect((await jobs()).map((j) => JSON.parse(j.payload).v)).toEqual([1, 3]);

    // Still deduplicated while running.
    const running = (await queue.claim('w1', 60_000, ['test.dedupe']))!;
    expect(JSON.parse(running.payload).v).toBe(1);
    await queue.enqueue(database.db, 'test.dedupe', { v: 4 }, { dedupeKey: 'k1' });
    expect(await jobs()).toHaveLength(2);

    await queue.complete(running.id, 'w1');
    await queue.enqueue(database.db, 'test.dedupe', { v: 5 }, { dedupeKey: 'k1' });
    const all = await jobs();
    expect(all.map((j) => [JSON.parse(j.payload).v, j.status])).toEqual([
      [1, 'done'],
      [3, 'queued'],
      [5, 'queued'],
    ]);
  });

  it('concurrent transactions enqueuing the same dedupe key all succeed and leave one job', async () => {
    // Each transaction checks for a live twin, finds none (the others have not committed yet)
    // and inserts; the losers must be no-ops, not unique-violation errors that abort the
    // caller's transaction (and with it, e.g., the work being created).
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        database.db.transaction().execute(async (trx) => {
          await queue.enqueue(trx, 'test.dedupe-race', { i }, { dedupeKey: 'same-image' });
          await sleep(50);
          return i;
        }),
      ),
    );
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(await jobs()).toHaveLength(1);
  });

  it('claims due jobs in run_at order, skips future ones, and filters by kind', async () => {
    const now = Date.now();
    await queue.enqueue(database.db, 'test.order', { n: 'later' }, { runAt: new Date(now - 1_000) });
    await queue.enqueue(database.db, 'test.order', { n: 'future' }, { runAt: new Date(now + 60_000) });
    await queue.enqueue(database.db, 'test.order', { n: 'earliest' }, { runAt: new Date(now - 10_000) });
    await queue.enqueue(database.db, 'test.other', { n: 'other-kind' }, { runAt: new Date(now - 20_000) });

    const names: string[] = [];
    for (;;) {
      const claimed = await queue.claim('w1', 60_000, ['test.order']);
      if (!claimed) break;
      names.push(JSON.parse(claimed.payload).n);
    }
    expect(names).toEqual(['earliest', 'later']);
    const other = await queue.claim('w1', 60_000);
    expect(JSON.parse(other!.payload).n).toBe('other-kind');
    expect(await queue.claim('w1', 60_000)).toBeNull();
    expect(await queue.pending()).toBe(4); // three running + one future queued
    expect(await queue.pending(['test.other'])).toBe(1);
  });

  it('a failure requeues the job with a backoff run_at in the future and counts the attempt', async () => {
    await queue.enqueue(database.db, 'test.fail', {}, { maxAttempts: 3 });
    const first = (await queue.claim('w1', 60_000))!;
    const before = Date.now();
    expect(await queue.fail(first, 'w1', 'disk full')).toBe('queued');
    const row = await job(first.id);
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBe('disk full');
    expect(row.locked_by).toBeNull();
    expect(row.lease_expires_at).toBeNull();
    const delay = Date.parse(row.run_at) - before;
    expect(delay).toBeGreaterThanOrEqual(retryDelayMs(1) - 50);
    expect(delay).toBeLessThanOrEqual(retryDelayMs(1) + 1_000);
    // Not claimable until the backoff has passed.
    expect(await queue.claim('w1', 60_000)).toBeNull();

    await makeDue(first.id);
    const second = (await queue.claim('w2', 60_000))!;
    expect(second.id).toBe(first.id);
    expect(second.attempts).toBe(2);
    const before2 = Date.now();
    expect(await queue.fail(second, 'w2', 'disk still full')).toBe('queued');
    // The backoff grows with the attempts.
    expect(Date.parse((await job(first.id)).run_at) - before2).toBeGreaterThanOrEqual(retryDelayMs(2) - 50);
    expect(retryDelayMs(2)).toBeGreaterThan(retryDelayMs(1));
  });

  it('after max_attempts failures the job is dead and no longer claimed', async () => {
    await queue.enqueue(database.db, 'test.dead', {}, { maxAttempts: 2 });
    const a = (await queue.claim('w1', 60_000))!;
    expect(await queue.fail(a, 'w1', 'first')).toBe('queued');
    await makeDue(a.id);
    const b = (await queue.claim('w1', 60_000))!;
    expect(await queue.fail(b, 'w1', 'second')).toBe('dead');
    const row = await job(a.id);
    expect(row).toMatchObject({ status: 'dead', attempts: 2, last_error: 'second' });
    expect(row.finished_at).not.toBeNull();
    await makeDue(a.id);
    expect(await queue.claim('w1', 60_000)).toBeNull();
    expect((await queue.counts()).dead).toBe(1);
    expect(await queue.pending()).toBe(0);
  });

  it('a worker sends a PermanentJobError straight to dead; other errors are retried', async () => {
    const worker = new Worker(queue, { concurrency: 1, leaseMs: 5_000 });
    worker.register('test.permanent', async () => {
      throw new PermanentJobError('file is corrupt');
    });
    worker.register('test.transient', async () => {
      throw new Error('network down');
    });
    await queue.enqueue(database.db, 'test.permanent', {}, { maxAttempts: 5 });
    await queue.enqueue(database.db, 'test.transient', {}, { maxAttempts: 5 });
    expect(await worker.drain()).toBe(2);
    const [permanent, transient] = await jobs();
    expect(permanent).toMatchObject({ status: 'dead', attempts: 1, last_error: 'file is corrupt' });
    expect(transient).toMatchObject({ status: 'queued', attempts: 1, last_error: 'network down' });
  });

  it('a worker only claims the kinds it has handlers for', async () => {
    const worker = new Worker(queue, { concurrency: 1 });
    worker.register('test.known', async () => undefined);
    await queue.enqueue(database.db, 'test.unknown', {});
    expect(await worker.drain()).toBe(0);
    expect((await jobs())[0]!.status).toBe('queued');
  });

  it('retry() puts a dead job back with fresh attempts; it refuses jobs that are not dead', async () => {
    await queue.enqueue(database.db, 'test.retry', {}, { maxAttempts: 1 });
    const a = (await queue.claim('w1', 60_000))!;
    expect(await queue.retry(a.id)).toBe('not_found'); // running
    expect(await queue.fail(a, 'w1', 'broken')).toBe('dead');
    expect(await queue.retry(a.id)).toBe('queued');
    const row = await job(a.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 0, finished_at: null });
    expect(Date.parse(row.run_at)).toBeLessThanOrEqual(Date.now());
    const again = (await queue.claim('w2', 60_000))!;
    expect(again.id).toBe(a.id);
    expect(again.attempts).toBe(1);
    await queue.complete(again.id, 'w2');
    expect((await job(a.id)).status).toBe('done');
    expect(await queue.retry(a.id)).toBe('not_found'); // done
    expect(await queue.retry(999_999)).toBe('not_found'); // missing
  });

  it('retry() refuses a dead job when a live job with the same dedupe key already exists', async () => {
    await queue.enqueue(database.db, 'test.dedupe-retry', {}, { dedupeKey: 'same-work', maxAttempts: 1 });
    const first = (await queue.claim('w1', 60_000))!;
    expect(await queue.fail(first, 'w1', 'broken')).toBe('dead');
    await queue.enqueue(database.db, 'test.dedupe-retry', {}, { dedupeKey: 'same-work' });
    expect(await queue.retry(first.id)).toBe('duplicate');
    expect((await job(first.id)).status).toBe('dead');
  });

  it('a job whose worker died on its last allowed attempt goes dead instead of being claimed again', async () => {
    await queue.enqueue(database.db, 'test.crashy', {}, { maxAttempts: 2 });
    expect((await queue.claim('w1', 1))!.attempts).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    const second = (await queue.claim('w2', 1))!;
    expect(second.attempts).toBe(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(await queue.claim('w3', 60_000)).toBeNull();
    const row = await job(second.id);
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(2);
    expect(row.last_error).toMatch(/worker stopped/);
  });

  it('a job whose worker died is claimed again by another worker once its lease expires', async () => {
    await queue.enqueue(database.db, 'test.lease', { x: 1 });
    const dying = (await queue.claim('dead-worker', 300))!;
    expect(dying.locked_by).toBe('dead-worker');
    // Lease still valid: nobody else gets it.
    expect(await queue.claim('rescuer', 60_000)).toBeNull();
    await sleep(400);
    const rescued = (await queue.claim('rescuer', 60_000))!;
    expect(rescued).not.toBeNull();
    expect(rescued.id).toBe(dying.id);
    expect(rescued.locked_by).toBe('rescuer');
    expect(rescued.attempts).toBe(2);

    // The dead worker waking up late must not be able to complete or fail the rescued job.
    await queue.complete(dying.id, 'dead-worker');
    expect((await job(dying.id)).status).toBe('running');
    await queue.fail(dying, 'dead-worker', 'late failure');
    expect(await job(dying.id)).toMatchObject({ status: 'running', locked_by: 'rescuer', last_error: null });

    await queue.complete(rescued.id, 'rescuer');
    expect((await job(dying.id)).status).toBe('done');
  });

  it('heartbeat keeps a long job from being taken over', async () => {
    await queue.enqueue(database.db, 'test.heartbeat', {});
    const held = (await queue.claim('w1', 300))!;
    for (let i = 0; i < 4; i++) {
      await sleep(120);
      await queue.heartbeat(held.id, 'w1', 300);
    }
    // 480 ms after the claim: without heartbeats the lease would have expired.
    expect(await queue.claim('w2', 60_000)).toBeNull();
  });

  it('a Worker with a short lease rescues a job left running by a dead worker and runs it', async () => {
    await queue.enqueue(database.db, 'test.rescue', { n: 7 });
    await queue.claim('crashed', 200);
    const seen: unknown[] = [];
    const worker = new Worker(queue, { concurrency: 1, leaseMs: 200 });
    worker.register('test.rescue', async (payload) => {
      seen.push(payload);
    });
    expect(await worker.drain()).toBe(0);
    await sleep(300);
    expect(await worker.drain()).toBe(1);
    expect(seen).toEqual([{ n: 7 }]);
    expect((await jobs())[0]!.status).toBe('done');
  });

  it('concurrent claims never hand the same job to two workers', async () => {
    for (let i = 0; i < 10; i++) await queue.enqueue(database.db, 'test.race', { i });
    const claims = await Promise.all(Array.from({ length: 20 }, (_, n) => queue.claim(`w${n}`, 60_000)));
    const got = claims.filter((c): c is JobRow => c !== null);
    const ids = got.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Whatever was skipped while locked is still there for a later claim, exactly once.
    for (;;) {
      const late = await queue.claim('late', 60_000);
      if (!late) break;
      ids.push(late.id);
    }
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    const rows = await jobs();
    expect(rows.every((r) => r.status === 'running' && r.attempts === 1)).toBe(true);
    // Each row is locked by the worker that got it back from claim().
    for (const c of got) expect(rows.find((r) => r.id === c.id)!.locked_by).toBe(c.locked_by);
  });
});
