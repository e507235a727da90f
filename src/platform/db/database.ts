import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Dialect as KyselyDialect } from 'kysely';
import pg from 'pg';
import { queryTimeout, readPoolDialect, SqliteReadPool } from './read-pool.js';
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
  /**
   * For heavy reads (search, ranking, facet loads) that must not run on the event loop: SQLite's
   * read pool of worker threads, PostgreSQL's own pool with a statement time limit. Reads only, no
   * transactions; it sees every write committed before the read starts.
   */
  read: Kysely<DB>;
  /** The first column of a possibly huge read (100,000 ids; non-negative integers are the fast case) as numbers, without a row object each. */
  readInts(query: CompiledQuery): Promise<ArrayLike<number>>;
  /** How busy each connection pool is now (`write`, `read`): for the metrics. */
  pools(): PoolUse[];
  close(): Promise<void>;
}

/** One pool's connections (or SQLite read threads): in use, in all, and callers waiting for one. */
export interface PoolUse {
  pool: 'write' | 'read';
  busy: number;
  size: number;
  waiting: number;
}

/** A pg pool's use. */
function pgUse(pool: 'write' | 'read', p: pg.Pool, max: number): PoolUse {
  return { pool, busy: p.totalCount - p.idleCount, size: max, waiting: p.waitingCount };
}

/** SQLite's one writing connection: no pool to measure, so it reports as one connection. */
const SQLITE_WRITER: PoolUse = { pool: 'write', busy: 0, size: 1, waiting: 0 };

export interface DatabaseOptions {
  /** SQLite: worker threads for `read` (0 = reads on the main connection). PostgreSQL: connections of the read pool. */
  readWorkers?: number;
  /** Longest a `read` query may run before it is stopped (milliseconds). */
  readTimeoutMs?: number;
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
export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  const readWorkers = options.readWorkers ?? 0;
  const readTimeoutMs = options.readTimeoutMs ?? 10_000;
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
    const db = new Kysely<DB>({ dialect: new ImmediateTransactionsSqliteDialect({ database: withStatementCache(sqlite) }) });
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
    // An in-memory database cannot be opened by a second connection: its reads stay on the main one.
    if (readWorkers === 0 || target.file === ':memory:') {
      const readInts = async (query: CompiledQuery) => (await db.executeQuery<Record<string, unknown>>(query)).rows.map((row) => Number(Object.values(row)[0]));
      return { db, dialect: 'sqlite', durable, read: db, readInts, pools: () => [SQLITE_WRITER], close: () => db.destroy() };
    }
    const pool = new SqliteReadPool({ file: path.resolve(target.file), size: readWorkers, timeoutMs: readTimeoutMs });
    const read = new Kysely<DB>({ dialect: readPoolDialect(pool) });
    return {
      db,
      dialect: 'sqlite',
      durable,
      read,
      readInts: (query) => pool.ints(query.sql, query.parameters),
      pools: () => [SQLITE_WRITER, { pool: 'read', ...pool.use() }],
      close: async () => {
        await read.destroy();
        await db.destroy();
      },
    };
  }
  // Bigint counts come back as strings by default; they fit in a double for our sizes.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  // A server that stops answering (a silent network cut) fails a request in seconds, not when TCP gives up.
  const connectionLimits = { connectionTimeoutMillis: 10_000, keepAlive: true };
  const pool = new pg.Pool({ connectionString: target.connectionString, max: 10, ...connectionLimits });
  pool.on('error', () => undefined);
  keepCheckedOutErrorsQuiet(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  if (readWorkers === 0) {
    const readInts = async (query: CompiledQuery) => (await db.executeQuery<Record<string, unknown>>(query)).rows.map((row) => Number(Object.values(row)[0]));
    return { db, dialect: 'postgres', durable: (fn) => fn(db), read: db, readInts, pools: () => [pgUse('write', pool, 10)], close: () => db.destroy() };
  }
  // Heavy reads get their own connections, so a crowd of searches cannot take the connections that
  // sign-in and uploads need, and the server stops any of them that runs past the limit.
  // work_mem: a text search's bitmap of 100,000 matches stays exact (at the default 4 MB it turns
  // lossy and every row of its pages is checked again — measured 2× slower at a million works).
  // No parallel workers: a catalogue page runs its rows and its counts at once, beside other visitors'
  // pages, each statement bounded by its indexes and samples; letting each also start two helper
  // processes made six processes fight for the cores (at a million works, a search within a facet and
  // years: p95 236 → 145 ms, nothing slower). The pool's size is the read parallelism.
  const readPool = new pg.Pool({ connectionString: target.connectionString, max: readWorkers, statement_timeout: readTimeoutMs, query_timeout: readTimeoutMs + 1000, options: '-c work_mem=32MB -c max_parallel_workers_per_gather=0', ...connectionLimits });
  // An idle connection the server closed (a restart, a dropped database) is discarded by the pool;
  // without a listener the error event would end the process.
  readPool.on('error', () => undefined);
  keepCheckedOutErrorsQuiet(readPool);
  const read = new Kysely<DB>({ dialect: withReadTimeouts(new PostgresDialect({ pool: readPool }), readTimeoutMs) });
  const readInts = async (query: CompiledQuery) => {
    try {
      const result = await readPool.query({ text: query.sql, values: query.parameters as unknown[], rowMode: 'array' });
      return Float64Array.from(result.rows as unknown[][], (row) => Number(row[0]));
    } catch (error) {
      throw asReadTimeout(error, readTimeoutMs);
    }
  };
  return {
    db,
    dialect: 'postgres',
    durable: (fn) => fn(db),
    read,
    readInts,
    pools: () => [pgUse('write', pool, 10), pgUse('read', readPool, readWorkers)],
    close: async () => {
      await read.destroy();
      await db.destroy();
    },
  };
}

/** PostgreSQL's "canceling statement due to statement timeout" (57014) as the same `busy` error SQLite's pool gives. */
export function asReadTimeout(error: unknown, timeoutMs: number): unknown {
  return (error as { code?: string }).code === '57014' ? queryTimeout(timeoutMs) : error;
}

/** The dialect, with statement timeouts of its queries answered as `busy` errors. */
function withReadTimeouts(dialect: KyselyDialect, timeoutMs: number): KyselyDialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => {
      const driver = dialect.createDriver();
      const unwrap = (connection: DatabaseConnection) => (connection as DatabaseConnection & { inner?: DatabaseConnection }).inner ?? connection;
      return {
        init: () => driver.init(),
        destroy: () => driver.destroy(),
        beginTransaction: (connection, settings) => driver.beginTransaction(unwrap(connection), settings),
        commitTransaction: (connection) => driver.commitTransaction(unwrap(connection)),
        rollbackTransaction: (connection) => driver.rollbackTransaction(unwrap(connection)),
        releaseConnection: (connection) => driver.releaseConnection(unwrap(connection)),
        acquireConnection: async () => {
          const inner = await driver.acquireConnection();
          const wrapped: DatabaseConnection & { inner: DatabaseConnection } = {
            inner,
            executeQuery: async (query) => {
              try {
                return await inner.executeQuery(query);
              } catch (error) {
                throw asReadTimeout(error, timeoutMs);
              }
            },
            streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
          };
          return wrapped;
        },
      };
    },
  };
}

/**
 * Kysely's SQLite transactions begin DEFERRED: they take the write lock only at their first write.
 * When another process (a fleet's second API process, the worker, a CLI) commits in between, a
 * transaction that read first cannot upgrade its stale snapshot and fails at once with SQLITE_BUSY
 * — the busy timeout does not apply. BEGIN IMMEDIATE takes the write lock at the start, waiting
 * up to the busy timeout for it, so such a transaction waits its turn instead of failing.
 */
class ImmediateTransactionsSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): SqliteDriver {
    return new (class extends SqliteDriver {
      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      }
    })(this.#config);
  }
}

/**
 * Kysely prepares every query anew; preparing is a tenth of a millisecond of the event loop each
 * time. Statements are kept by their SQL (Kysely runs each to completion synchronously, so one
 * statement is never used by two queries at once).
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabase.Database {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepare = (source: string): SqliteDatabase.Statement => {
    let statement = statements.get(source);
    if (!statement) {
      statement = sqlite.prepare(source);
      if (statements.size >= 1000) statements.delete(statements.keys().next().value!);
      statements.set(source, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get: (target, key) => {
      if (key === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, key, target);
      // Native methods must be called on the real object, not the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The pool listens for errors only on idle connections. A connection checked out between two
 * statements (inside a transaction) when the server restarts would emit an error nobody hears,
 * and that ends the process; with this listener its next statement fails instead (a 503) and
 * the pool discards it on release.
 */
function keepCheckedOutErrorsQuiet(pool: pg.Pool): void {
  pool.on('connect', (client) => void client.on('error', () => undefined));
}
