import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /**
   * Runs `fn` so that its commits are on disk before they return, even against a power cut:
   * registry acknowledgements and signed checkpoints. PostgreSQL commits are durable already;
   * SQLite switches to synchronous=FULL for the duration. `fn` must use the Kysely it is given.
   */
  durable<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Reads the dialect and target out of a database URL: `sqlite:<path>`, a `.db` path, or `postgres://…`. */
export function parseDatabaseUrl(url: string): { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; connectionString: string } {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', connectionString: url };
  if (url.startsWith('sqlite://')) return { dialect: 'sqlite', file: url.slice('sqlite://'.length) };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', file: url.slice('sqlite:'.length) };
  if (url === ':memory:' || /\.(db|sqlite3?)$/.test(url)) return { dialect: 'sqlite', file: url };
  throw new Error(`Unsupported database URL "${url}": use sqlite:<file> or postgres://user@host/db`);
}

/** Opens a Kysely instance for the URL; SQLite gets WAL, foreign keys and a busy timeout. */
export function openDatabase(url: string): Database {
  const target = parseDatabaseUrl(url);
  if (target.dialect === 'sqlite') {
    if (target.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true });
    const sqlite = new SqliteDatabase(target.file);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a crash of the process loses nothing; a power cut may lose the last
    // commits. Writes that are promises to the outside world use durable() below.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    // A 64 MiB page cache and up to 1 GiB of memory-mapped reads: catalogue scans and proof tiles stay in memory.
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('mmap_size = 1073741824');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
    // The pragma can only change outside a transaction, so the single connection is held for the
    // whole call: no other transaction can start in between, and the setting is restored before
    // anyone else uses the connection.
    const durable = <T,>(fn: (scoped: Kysely<DB>) => Promise<T>): Promise<T> =>
      db.connection().execute(async (scoped) => {
        await sql`PRAGMA synchronous = FULL`.execute(scoped);
        try {
          return await fn(scoped);
        } finally {
          await sql`PRAGMA synchronous = NORMAL`.execute(scoped);
        }
      });
    return { db, dialect: 'sqlite', durable, close: () => db.destroy() };
  }
  // Bigint counts come back as strings by default; they fit in a double for our sizes.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const pool = new pg.Pool({ connectionString: target.connectionString, max: 10 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', durable: (fn) => fn(db), close: () => db.destroy() };
}
