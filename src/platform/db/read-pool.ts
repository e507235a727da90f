import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { AppError } from '../errors.js';

/**
 * Heavy reads of a SQLite database on worker threads.
 *
 * better-sqlite3 is synchronous: a catalogue search that ranks 100,000 matches runs for tens of
 * milliseconds on whatever thread calls it, and fifty of them at once froze every request of the
 * server (sign-in, uploads, health). Each worker here holds its own read-only connection (WAL lets
 * readers run beside the writer and see every committed write), so the event loop only posts a
 * query and receives rows. A query that runs past its time limit has its worker terminated (the
 * only way to stop better-sqlite3 mid-statement) and replaced, so no single query holds a thread.
 */

// The worker's source: plain JavaScript, evaluated, so it runs the same under tsx, vitest and the
// compiled build. It receives better-sqlite3's resolved path because an eval'd worker has no module
// location of its own to resolve packages from.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 10000');
db.pragma('cache_size = -32768');
db.pragma('mmap_size = 1073741824');
db.pragma('query_only = ON');
const statements = new Map();
const prepare = (sql) => {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (statements.size > 500) statements.clear();
    statements.set(sql, stmt);
  }
  return stmt;
};
const bind = (params) => params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p));
// A huge column of ids (a search's 300,000 matches) comes back as one comma-joined string parsed
// here: a JavaScript value per row cost more than finding the rows (109 against 79 ms for 340,000).
// Anything but non-negative integers in the string falls back to a value per row.
const parseInts = (text) => {
  if (text === null || text === undefined || text === '') return new Float64Array(0);
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) count++;
  const out = new Float64Array(count);
  let value = 0, k = 0, digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44) {
      if (digits === 0) return null;
      out[k++] = value; value = 0; digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 15) {
      value = value * 10 + (c - 48); digits++;
    } else return null;
  }
  if (digits === 0) return null;
  out[k] = value;
  return out;
};
const intsOf = (stmt, sql, params) => {
  const column = stmt.columns()[0].name.replace(/"/g, '""');
  const joined = prepare('SELECT group_concat("' + column + '") FROM (' + sql + ')').pluck().get(...bind(params));
  const parsed = parseInts(joined);
  if (parsed) return parsed;
  let values;
  stmt.pluck(true);
  try { values = stmt.all(...bind(params)); } finally { stmt.pluck(false); }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  return out;
};
parentPort.on('message', ({ id, sql, params, mode }) => {
  try {
    const stmt = prepare(sql);
    if (!stmt.reader) throw new Error('the read pool runs only statements that return rows');
    if (mode === 'ints') {
      const out = intsOf(stmt, sql, params);
      parentPort.postMessage({ id, ints: out }, [out.buffer]);
    } else {
      parentPort.postMessage({ id, rows: stmt.all(...bind(params)) });
    }
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message || error), code: error && error.code } });
  }
});
parentPort.postMessage({ ready: true });
`;

export interface ReadPoolOptions {
  file: string;
  /** Worker threads, each with one connection. */
  size: number;
  /** A query running longer than this is stopped and answered with a `busy` error. */
  timeoutMs: number;
}

interface Task {
  id: number;
  sql: string;
  params: readonly unknown[];
  mode: 'rows' | 'ints';
  resolve: (value: { rows?: Record<string, unknown>[]; ints?: Float64Array }) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The thread has opened the database: a query's time limit runs from here, not from a loaded machine's thread start. */
  ready: boolean;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

/** Thrown when a read ran out of time; the catalogue turns it into a 503 with Retry-After. */
export function queryTimeout(timeoutMs: number): AppError<'busy.query_timeout'> {
  return new AppError('busy', `the query ran longer than ${timeoutMs} ms and was stopped; narrow the search or try again`, { key: 'busy.query_timeout', params: { seconds: Math.ceil(timeoutMs / 1000) } });
}

export class SqliteReadPool {
  private readonly slots: (Slot | null)[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  /** Counters for tests and the doctor: queries run, stopped by the time limit, workers replaced. */
  readonly stats = { queries: 0, timeouts: 0, restarts: 0 };

  constructor(private readonly options: ReadPoolOptions) {
    this.slots = Array.from({ length: options.size }, () => null);
  }

  /** Every row of a SELECT. */
  async rows(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.submit(sql, params, 'rows');
    return (result.rows ?? []).map(asBuffers);
  }

  /** The first column of every row as numbers, moved (not copied) from the worker: for result sets of 100,000 ids. */
  async ints(sql: string, params: readonly unknown[]): Promise<Float64Array> {
    return (await this.submit(sql, params, 'ints')).ints ?? new Float64Array(0);
  }

  /** Threads busy with a query, threads in all, and queries waiting for one (the metrics' pool use). */
  use(): { busy: number; size: number; waiting: number } {
    return { busy: this.slots.filter((slot) => slot?.task).length, size: this.slots.length, waiting: this.queue.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the read pool is closed'));
    await Promise.all(
      this.slots.map(async (slot) => {
        if (!slot) return;
        if (slot.timer) clearTimeout(slot.timer);
        slot.task?.reject(new Error('the read pool is closed'));
        await slot.worker.terminate();
      }),
    );
  }

  private submit(sql: string, params: readonly unknown[], mode: Task['mode']): Promise<{ rows?: Record<string, unknown>[]; ints?: Float64Array }> {
    if (this.closed) return Promise.reject(new Error('the read pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, sql, params, mode, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (let i = 0; i < this.slots.length && this.queue.length > 0; i++) {
      const slot = (this.slots[i] ??= this.spawn(i));
      if (slot.task) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      // A worker with a query in hand keeps the process alive until the answer arrives.
      slot.worker.ref();
      if (slot.ready) this.startTimer(slot, i);
      slot.worker.postMessage({ id: task.id, sql: task.sql, params: task.params, mode: task.mode });
    }
  }

  private spawn(index: number): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.options.file, driverPath: this.driverPath } });
    // Idle workers must not keep the process alive (a CLI command ends when its work does).
    worker.unref();
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    worker.on('message', (message: { ready?: true; id: number; rows?: Record<string, unknown>[]; ints?: Float64Array; error?: { message: string; code?: string } }) => {
      if (message.ready) {
        slot.ready = true;
        if (slot.task && this.slots[index] === slot) this.startTimer(slot, index);
        return;
      }
      const task = slot.task;
      if (!task || task.id !== message.id) return;
      this.finish(slot);
      this.stats.queries++;
      if (message.error) task.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else task.resolve(message);
      this.dispatch();
    });
    worker.on('error', (error) => {
      // A worker that died (it could not open the file, or ran out of memory) fails its query and is replaced.
      const task = slot.task;
      this.finish(slot);
      if (this.slots[index] === slot) this.slots[index] = null;
      task?.reject(error);
      if (!this.closed) this.dispatch();
    });
    return slot;
  }

  private startTimer(slot: Slot, index: number): void {
    slot.timer = setTimeout(() => this.stop(index), this.options.timeoutMs);
  }

  private finish(slot: Slot): void {
    slot.worker.unref();
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
  }

  /** Terminates a worker whose query ran out of time; the next query gets a new one. */
  private stop(index: number): void {
    const slot = this.slots[index];
    if (!slot?.task) return;
    const task = slot.task;
    this.finish(slot);
    this.slots[index] = null;
    this.stats.timeouts++;
    this.stats.restarts++;
    void slot.worker.terminate();
    task.reject(queryTimeout(this.options.timeoutMs));
    this.dispatch();
  }
}

/** Blob columns arrive as Uint8Array after the thread hop; the rest of the code expects Buffers. */
function asBuffers(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return row;
}

/** A Kysely dialect whose queries run on the read pool: SQLite's compiler, no transactions, no writes. */
export function readPoolDialect(pool: SqliteReadPool): Dialect {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      return { rows: (await pool.rows(compiled.sql, compiled.parameters)) as R[] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('the read pool does not stream');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => {
      throw new Error('the read pool is read-only: run transactions on the main connection');
    },
    commitTransaction: async () => undefined,
    rollbackTransaction: async () => undefined,
    releaseConnection: async () => undefined,
    destroy: () => pool.close(),
  };
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => driver,
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}
