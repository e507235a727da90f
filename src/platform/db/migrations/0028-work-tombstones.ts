import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * One row per deleted work (archive's privacy erasure), with the catalogue version its deletion
 * took: readers that follow `works.change_version` (discover's facet index, suggestions) never see
 * a deleted row, so they read these to drop it. Seqs are never reused (autoincrement, bigserial).
 * Old rows may go once every process has read past them: left to the privacy retention job.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  await db.schema
    .createTable('work_tombstones')
    .addColumn('seq', pg ? 'bigint' : 'integer', (c) => c.primaryKey())
    .addColumn('change_version', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('work_tombstones_change_version').on('work_tombstones').column('change_version').execute();
}
