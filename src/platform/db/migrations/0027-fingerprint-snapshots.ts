import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Snapshots of the fingerprint index (src/protect/fingerprint-snapshot.ts): a process loads the
 * newest one and reads only the fingerprints changed since, instead of every row. The bytes are
 * kept in parts of about a mebibyte, so both databases stream them and a reader never holds more.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  await db.schema
    .createTable('fingerprint_snapshots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('format', 'integer', (c) => c.notNull())
    .addColumn('covers_version', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('codes', 'integer', (c) => c.notNull())
    .addColumn('images', 'integer', (c) => c.notNull())
    .addColumn('bytes', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('parts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Written before their snapshot row, so a half-written snapshot is never seen; no foreign key for that reason.
  await db.schema
    .createTable('fingerprint_snapshot_parts')
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('fingerprint_snapshot_parts_pk', ['snapshot_id', 'part'])
    .execute();
}
