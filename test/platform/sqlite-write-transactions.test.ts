import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/database.js';

const WRITER = new URL('./fixtures/sqlite-writer.worker.mjs', import.meta.url);

// A fleet on SQLite: two processes write one file. A transaction that read before another process
// committed used to fail at its first write with SQLITE_BUSY (a 500 in the fleet test), since a
// deferred transaction cannot upgrade a stale snapshot and the busy timeout does not apply.
describe('SQLite write transactions beside another writer', () => {
  let dir: string;
  let database: Database | undefined;
  let other: Worker | undefined;

  afterEach(async () => {
    await other?.terminate();
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-sqlite-tx-'));
    const file = path.join(dir, 'wenyuan.db');
    database = openDatabase(`sqlite:${file}`);
    await sql`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(database.db);
    other = new Worker(WRITER, { workerData: { file } });
    await once(other, 'online');
    return { db: database.db, other };
  }

  const run = (worker: Worker, statement: string) => {
    const answer = once(worker, 'message').then(([code]) => code as string | null);
    worker.postMessage(statement);
    return answer;
  };

  it('a transaction that read first still writes after the other connection asked to write meanwhile', async () => {
    const { db, other } = await open();
    let theirs: Promise<string | null> | undefined;
    await db.transaction().execute(async (trx) => {
      const before = await sql<{ c: number }>`SELECT count(*) AS c FROM notes`.execute(trx);
      expect(before.rows[0]!.c).toBe(0);
      theirs = run(other, "INSERT INTO notes (body) VALUES ('theirs')");
      // Long enough for the other connection to commit, were it not made to wait for this one.
      await delay(300);
      await sql`INSERT INTO notes (body) VALUES ('ours')`.execute(trx);
    });
    expect(await theirs).toBeNull();
    const rows = await sql<{ body: string }>`SELECT body FROM notes ORDER BY id`.execute(db);
    // Ours committed first: the other writer waited for the lock the transaction took at its start.
    expect(rows.rows.map((r) => r.body)).toEqual(['ours', 'theirs']);
  });

  it('many interleaved read-then-write transactions from both sides all commit', async () => {
    const { db, other } = await open();
    const ours = Array.from({ length: 20 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        const n = (await sql<{ c: number }>`SELECT count(*) AS c FROM notes`.execute(trx)).rows[0]!.c;
        await delay(5);
        await sql`INSERT INTO notes (body) VALUES (${`ours ${i} after ${n}`})`.execute(trx);
      }),
    );
    const theirs: (string | null)[] = [];
    for (let i = 0; i < 20; i++) theirs.push(await run(other, `INSERT INTO notes (body) VALUES ('theirs ${i}')`));
    await Promise.all(ours);
    expect(theirs.every((code) => code === null)).toBe(true);
    const count = await sql<{ c: number }>`SELECT count(*) AS c FROM notes`.execute(db);
    expect(count.rows[0]!.c).toBe(40);
  });
});
