import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { parseDatabaseUrl } from '../../platform/db/database.js';
import { explainWriteError } from './blob-copy.js';

/** What a backup records about the database, read from the very snapshot it dumped. */
export interface DatabaseFacts {
  dialect: 'sqlite' | 'postgres';
  /** Names of the migrations applied, in order. */
  migrations: string[];
  /** Rows of the main tables, to compare after a restore. */
  counts: Record<string, number>;
  /** Every blob a row refers to (originals and derivatives). */
  referencedBlobs: Set<string>;
}

export const COUNTED_TABLES = ['users', 'works', 'work_files', 'collections', 'blobs', 'derivatives', 'registry_entries', 'audit_records'] as const;
const REFERENCED_BLOBS = 'select sha256 from blobs union select sha256 from derivatives';
const MIGRATIONS = 'select name from kysely_migration order by name';

/** Refuses to back up a SQLite database that is not there (a wrong --data-dir), before anything is written. */
export function assertDatabaseExists(url: string): void {
  const target = parseDatabaseUrl(url);
  if (target.dialect === 'sqlite' && !fs.existsSync(target.file)) throw new Error(`no database at ${target.file}: check --data-dir / --database-url (WENYUAN_DATA_DIR / WENYUAN_DATABASE_URL)`);
}

/**
 * Dumps the database to `file`, consistently while the instance runs: SQLite through its online
 * backup API (a snapshot even under concurrent writes), PostgreSQL through `pg_dump` on a snapshot
 * exported from a repeatable-read transaction, in which the facts are read too — so the blob list
 * and the dump describe the same moment.
 */
export async function dumpDatabase(url: string, file: string): Promise<DatabaseFacts> {
  const target = parseDatabaseUrl(url);
  const part = `${file}.part`;
  if (target.dialect === 'sqlite') {
    const source = new SqliteDatabase(target.file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(part);
    } catch (error) {
      fs.rmSync(part, { force: true });
      throw explainWriteError(error, file);
    } finally {
      source.close();
    }
    // A self-contained file: no -wal beside it.
    const copy = new SqliteDatabase(part);
    try {
      copy.pragma('journal_mode = DELETE');
      const rows = (query: string) => copy.prepare(query).all() as Record<string, unknown>[];
      const facts = readFacts('sqlite', rows);
      copy.close();
      fs.renameSync(part, file);
      return facts;
    } catch (error) {
      if (copy.open) copy.close();
      fs.rmSync(part, { force: true });
      throw error;
    }
  }
  const { connectionString, password } = withoutPassword(target.connectionString);
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const snapshot = String((await client.query<{ s: string }>('select pg_export_snapshot() as s')).rows[0]?.s);
    try {
      await runTool('pg_dump', ['--format=custom', '--no-owner', '--no-acl', `--snapshot=${snapshot}`, '--file', part, '--dbname', connectionString], password);
    } catch (error) {
      fs.rmSync(part, { force: true });
      throw error;
    }
    const facts = await readFactsAsync('postgres', async (query) => (await client.query<Record<string, unknown>>(query)).rows);
    await client.query('COMMIT');
    fs.renameSync(part, file);
    return facts;
  } finally {
    await client.end();
  }
}

/**
 * Loads a dump into a database that must hold no tables yet: SQLite by copying the file (through a
 * temporary name), PostgreSQL with `pg_restore` in one transaction.
 */
export async function restoreDatabase(dialect: 'sqlite' | 'postgres', file: string, url: string): Promise<void> {
  const target = parseDatabaseUrl(url);
  await assertEmptyDatabase(dialect, url);
  if (target.dialect === 'sqlite') {
    fs.mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true });
    const part = `${target.file}.part`;
    try {
      fs.copyFileSync(file, part, fs.constants.COPYFILE_EXCL);
      fs.renameSync(part, target.file);
    } catch (error) {
      fs.rmSync(part, { force: true });
      throw explainWriteError(error, target.file);
    }
    return;
  }
  const { connectionString, password } = withoutPassword(target.connectionString);
  await runTool('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', '--dbname', connectionString, file], password);
}

/** Refuses a target that is of another kind than the backup's, or that holds anything already. */
export async function assertEmptyDatabase(dialect: 'sqlite' | 'postgres', url: string): Promise<void> {
  const target = parseDatabaseUrl(url);
  if (target.dialect !== dialect) throw new Error(`the backup holds a ${dialect} database but the target database is ${target.dialect}: restore into the same kind of database`);
  if (target.dialect === 'sqlite') {
    if (fs.existsSync(target.file)) throw new Error(`refusing to restore: the database file ${target.file} exists already; name a new file with --database-url`);
    return;
  }
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string | number }>("select count(*) as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')");
    const tables = Number(rows[0]?.n ?? 0);
    if (tables > 0) throw new Error(`refusing to restore: the PostgreSQL database already holds ${tables} table(s); create an empty database (createdb) and name it with --database-url`);
  } finally {
    await client.end();
  }
}

function readFacts(dialect: 'sqlite' | 'postgres', rows: (query: string) => Record<string, unknown>[]): DatabaseFacts {
  const tables = new Set(rows("select name from sqlite_master where type = 'table'").map((r) => String(r.name)));
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) if (tables.has(table)) counts[table] = Number(rows(`select count(*) as n from ${table}`)[0]?.n ?? 0);
  return {
    dialect,
    migrations: tables.has('kysely_migration') ? rows(MIGRATIONS).map((r) => String(r.name)) : [],
    counts,
    referencedBlobs: new Set(tables.has('derivatives') ? rows(REFERENCED_BLOBS).map((r) => String(r.sha256)) : []),
  };
}

async function readFactsAsync(dialect: 'postgres', rows: (query: string) => Promise<Record<string, unknown>[]>): Promise<DatabaseFacts> {
  const tables = new Set((await rows("select table_name as name from information_schema.tables where table_schema = current_schema()")).map((r) => String(r.name)));
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) if (tables.has(table)) counts[table] = Number((await rows(`select count(*) as n from ${table}`))[0]?.n ?? 0);
  return {
    dialect,
    migrations: tables.has('kysely_migration') ? (await rows(MIGRATIONS)).map((r) => String(r.name)) : [],
    counts,
    referencedBlobs: new Set(tables.has('derivatives') ? (await rows(REFERENCED_BLOBS)).map((r) => String(r.sha256)) : []),
  };
}

/** The URL without its password (which goes to the tool through PGPASSWORD, not its visible arguments). */
function withoutPassword(url: string): { connectionString: string; password: string | null } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : null;
  parsed.password = '';
  return { connectionString: parsed.toString(), password };
}

/** Runs a PostgreSQL client tool; its error output (never the password) becomes the error. */
function runTool(tool: string, args: string[], password: string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${tool} is not installed: install the PostgreSQL client tools (Debian: postgresql-client, of at least the server's major version)`) : error),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} failed (exit ${code}): ${stderr.trim()}`))));
  });
}
