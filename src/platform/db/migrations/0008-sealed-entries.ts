import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The openings of sealed registry entries (entry v2 of works that are not public): the salt and the
 * values the entry commits to, keyed by registration. Never in the log; receipts carry them, and a
 * work that becomes public reveals them through its receipts.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('registry_openings')
    .addColumn('registration_id', 'text', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('terms_sha256', 'text')
    .addColumn('fingerprints', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
