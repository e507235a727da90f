import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/platform/errors.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../support/databases.js';

// A SQLite read that keeps the database busy for a while: counts to n in a recursive query.
const slowCount = (n: number) => sql<{ c: number }>`WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < ${n}) SELECT count(*) AS c FROM r`;

describe.each(await testDialects())('heavy reads off the event loop (%s)', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;

  afterEach(async () => {
    await database?.close();
    await testDb?.drop();
  });

  async function open(options: { readWorkers: number; readTimeoutMs: number }) {
    testDb = await createTestDatabase(dialect);
    database = openDatabase(testDb.url, options);
    await migrateToLatest(database);
  }

  it('runs a long read while the event loop keeps turning (it froze for the whole query before)', async () => {
    await open({ readWorkers: 2, readTimeoutMs: 60_000 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const query = dialect === 'sqlite' ? slowCount(3_000_000) : sql<{ c: number }>`SELECT count(*) AS c FROM (SELECT pg_sleep(0.4)) s, generate_series(1, 10) g`;
      const rows = (await query.execute(database.read)).rows;
      expect(Number(rows[0]!.c)).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
    // A query on the event loop would have let no interval fire until it returned.
    expect(ticks).toBeGreaterThan(3);
  });

  it('stops a read that runs past the time limit with a busy error, and keeps serving reads after it', async () => {
    await open({ readWorkers: 1, readTimeoutMs: 300 });
    const endless = dialect === 'sqlite' ? slowCount(5_000_000_000) : sql<{ c: number }>`SELECT pg_sleep(30) IS NULL AS c`;
    const error = await endless.execute(database.read).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('busy');
    expect((error as AppError).key).toBe('busy.query_timeout');
    const after = await sql<{ n: number }>`SELECT 1 + 1 AS n`.execute(database.read);
    expect(Number(after.rows[0]!.n)).toBe(2);
  });

  it.skipIf(dialect !== 'sqlite')("counts a read's time limit from when its thread is ready, not from the thread's start on a loaded machine", async () => {
    // Starting a thread and opening the file takes longer than 25 ms (100–300 ms under a test run's load); the query itself far less.
    await open({ readWorkers: 1, readTimeoutMs: 25 });
    const rows = (await sql<{ n: number }>`SELECT 1 + 1 AS n`.execute(database.read)).rows;
    expect(rows[0]!.n).toBe(2);
  });

  it('sees every write committed on the main connection before the read', async () => {
    await open({ readWorkers: 2, readTimeoutMs: 10_000 });
    const now = new Date().toISOString();
    await database.db.insertInto('settings').values({ key: 'probe', value: 'one', updated_at: now }).execute();
    const first = await database.read.selectFrom('settings').select('value').where('key', '=', 'probe').executeTakeFirst();
    expect(first?.value).toBe('one');
    await database.db.updateTable('settings').set({ value: 'two' }).where('key', '=', 'probe').execute();
    const second = await database.read.selectFrom('settings').select('value').where('key', '=', 'probe').executeTakeFirst();
    expect(second?.value).toBe('two');
  });

  it('refuses writes and transactions on the read side', async () => {
    await open({ readWorkers: 1, readTimeoutMs: 10_000 });
    if (dialect === 'sqlite') {
      const now = new Date().toISOString();
      await expect(database.read.insertInto('settings').values({ key: 'x', value: 'y', updated_at: now }).execute()).rejects.toThrow();
      await expect(database.read.transaction().execute(async () => undefined)).rejects.toThrow(/read-only/);
    }
    const ints = await database.readInts(sql`SELECT 3 AS n UNION ALL SELECT 5`.compile(database.read));
    expect(Array.from(ints).sort()).toEqual([3, 5]);
  });

  it('reads a column of integers whole: many, none, negative, fractional, huge and oddly named', async () => {
    await open({ readWorkers: 1, readTimeoutMs: 10_000 });
    const series = (n: number) => sql<{ i: number }>`WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < ${n}) SELECT i * 3 AS i FROM r`;
    const many = await database.readInts(series(200_000).compile(database.read));
    expect(many.length).toBe(200_000);
    expect(Array.from(many).reduce((a, b) => a + b, 0)).toBe(3 * ((200_000 * 200_001) / 2));
    expect(Array.from(await database.readInts(sql`SELECT 1 AS n WHERE 1 = 0`.compile(database.read)))).toEqual([]);
    // Not the fast case: each is read as a value instead, and still right.
    expect(Array.from(await database.readInts(sql`SELECT -4 AS n UNION ALL SELECT 7`.compile(database.read))).sort((a, b) => a - b)).toEqual([-4, 7]);
    expect(Array.from(await database.readInts(sql`SELECT 2.5 AS n`.compile(database.read)))).toEqual([2.5]);
    expect(Array.from(await database.readInts(sql`SELECT 9007199254740991 AS "odd ""name"`.compile(database.read)))).toEqual([9_007_199_254_740_991]);
  });
});
