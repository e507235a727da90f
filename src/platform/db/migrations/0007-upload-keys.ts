import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * One work per (owner, content) from uploads: the key is taken in the transaction that creates the
 * work, so two identical uploads at the same instant (a double click) make one work, and the
 * second is answered with it. Works made before this migration are found by their files instead.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('upload_keys')
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('work_id', 'text', (c) => c.notNull().references('works.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('upload_keys_pk', ['owner_id', 'sha256'])
    .execute();
  await db.schema.createIndex('upload_keys_work').on('upload_keys').column('work_id').execute();
}
