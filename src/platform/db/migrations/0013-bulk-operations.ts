import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Staff bulk operations: one job that publishes, files, sets rights or classifies many works (up
 * to 10,000), each through the ordinary edit path. The operation keeps one row per work so a
 * re-run after a crash resumes where it stopped, each work's result is reported on its own, and
 * the values a work had before are there for an undo.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('bulk_operations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    // JSON: what to do ({ type: 'visibility', visibility: 'public' }, …, or { type: 'undo', operationId }).
    .addColumn('action', 'text', (c) => c.notNull())
    // How the works were chosen: 'ids', or 'query' (the catalogue query, kept as JSON in `query`).
    .addColumn('selection', 'text', (c) => c.notNull())
    .addColumn('query', 'text')
    .addColumn('total', 'integer', (c) => c.notNull())
    // queued → running → done | failed; a done operation later undone is `undone`.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('error', 'text')
    .addColumn('undo_of', 'text')
    .addColumn('undone_by', 'text')
    .execute();
  await db.schema.createIndex('bulk_operations_actor').on('bulk_operations').columns(['actor_id', 'created_at']).execute();
  await db.schema.createIndex('bulk_operations_created').on('bulk_operations').column('created_at').execute();

  await db.schema
    .createTable('bulk_operation_items')
    .addColumn('operation_id', 'text', (c) => c.notNull().references('bulk_operations.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('work_id', 'text', (c) => c.notNull())
    // pending | done | unchanged | skipped | failed
    .addColumn('status', 'text', (c) => c.notNull())
    // JSON { key, params, message } for skipped and failed items.
    .addColumn('reason', 'text')
    // JSON: the values the action replaced (what an undo puts back).
    .addColumn('previous', 'text')
    // Undo items: the values to put back (JSON) and the version the undone operation left the work at.
    .addColumn('target', 'text')
    .addColumn('expected_version', 'integer')
    // The version this item made.
    .addColumn('version', 'integer')
    .addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('bulk_operation_items_pk', ['operation_id', 'position'])
    .execute();
  await db.schema.createIndex('bulk_operation_items_status').on('bulk_operation_items').columns(['operation_id', 'status', 'position']).execute();
}
