import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import yauzl from 'yauzl';
import type { TestContext } from '../support/test-app.js';

/** Every entry of a zip, by name. */
export async function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The tables of the database (both dialects). */
async function tableNames(ctx: TestContext): Promise<string[]> {
  const db = ctx.app.database.db;
  if (ctx.app.database.dialect === 'sqlite') {
    const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    return rows.rows.map((r) => r.name);
  }
  const rows = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** Where `needle` occurs (case-insensitive) in any row of any table: `table: row excerpt`. */
export async function findInDatabase(ctx: TestContext, needle: string): Promise<string[]> {
  const lower = needle.toLowerCase();
  const hits: string[] = [];
  for (const table of await tableNames(ctx)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(ctx.app.database.db);
    for (const row of rows.rows) {
      const text = JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'bigint' ? String(v) : v));
      if (text.toLowerCase().includes(lower)) hits.push(`${table}: ${text.slice(0, 200)}`);
    }
  }
  return hits;
}

/** Files under the data directory whose bytes contain `needle` (blobs, exports, keys…; the SQLite files themselves are read as tables). */
export function findInFiles(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle);
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/\.db(-wal|-shm|-journal)?$/.test(entry.name) && fs.readFileSync(full).includes(bytes)) hits.push(full);
    }
  };
  walk(dir);
  return hits;
}
