import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Discover's reuse flags, written by license. `collection_reuse_flags`: what the works of a collection
 * inherit (the nearest public licence of the collection or its ancestors, and whether any offers one),
 * so a work filed or moved there later has them at once. `work_reuse_flags`: the whole answer for works
 * with terms of their own (a licence or offer on the work, heritage rules). Other works take the flags
 * of their rights URI, mapped in memory. A cleared row stays (active 0) so the facet index, reading
 * rows newer than its version, sees the clearing too.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('work_reuse_flags')
    .addColumn('work_seq', bigint, (c) => c.primaryKey())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('free_to_reuse', 'integer', (c) => c.notNull())
    .addColumn('licensable', 'integer', (c) => c.notNull())
    .addColumn('ai_training', 'integer', (c) => c.notNull())
    // Taken from catalogue_state in the writing transaction, as works.change_version is.
    .addColumn('change_version', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('work_reuse_flags_change_version').on('work_reuse_flags').column('change_version').execute();
  await db.schema
    .createTable('collection_reuse_flags')
    .addColumn('collection_id', 'text', (c) => c.primaryKey())
    .addColumn('active', 'integer', (c) => c.notNull())
    // 1: a public licence (its own or an ancestor's) replaces the works' rights URIs.
    .addColumn('has_licence', 'integer', (c) => c.notNull())
    .addColumn('free_to_reuse', 'integer', (c) => c.notNull())
    .addColumn('ai_training', 'integer', (c) => c.notNull())
    .addColumn('licensable', 'integer', (c) => c.notNull())
    .addColumn('change_version', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('collection_reuse_flags_change_version').on('collection_reuse_flags').column('change_version').execute();
}
