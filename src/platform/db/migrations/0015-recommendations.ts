import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Recommendations learn only from people who said yes. Consent is a row of its own; signals are kept
 * per event (what, when) so withdrawing consent can erase them all at once. Curators' picks are the
 * non-personalised mode's first source. The learnt model is one blob, written by a background job and
 * read by every server process when its build time changes.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  await db.schema
    .createTable('recommendation_consents')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('consented_at', 'text', (c) => c.notNull())
    .execute();

  const signals = db.schema.createTable('recommendation_signals');
  await (pg ? signals.addColumn('id', 'bigserial', (c) => c.primaryKey()) : signals.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('weight', 'real', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recommendation_signals_user').on('recommendation_signals').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('recommendation_picks')
    .addColumn('work_id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('pinned_by', 'text')
    .addColumn('pinned_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('recommendation_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('built_at', 'text', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
}
