import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Consent and the rights of the person (privacy module). Consents are an append-only history (the
 * current state is the latest record per purpose); an export of a person's data and an erasure are
 * each a row that a durable job advances, with at most one running per person (partial unique index
 * for exports, the primary key for erasures), so a repeated request is refused rather than doubled.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('consent_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Kept after an erasure: an id, a purpose and a time say nothing about who the person was.
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('granted', 'integer', (c) => c.notNull())
    // The privacy notice's version the person saw when deciding (null: decided elsewhere, e.g. the recommendations page).
    .addColumn('notice_version', 'integer')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_records_user').on('consent_records').columns(['user_id', 'purpose', 'at']).execute();

  await db.schema
    .createTable('personal_exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    // queued | running | ready | downloaded | expired | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer')
    .addColumn('sha256', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('downloaded_at', 'text')
    .addColumn('expires_at', 'text')
    .execute();
  await db.schema.createIndex('personal_exports_user').on('personal_exports').columns(['user_id', 'created_at']).execute();
  // One export in progress per person: the second request fails on this index, whatever the race.
  await db.schema
    .createIndex('personal_exports_one_running')
    .on('personal_exports')
    .column('user_id')
    .unique()
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute();

  await db.schema
    .createTable('user_erasures')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    // running | done
    .addColumn('status', 'text', (c) => c.notNull())
    // `transfer` or `delete`: the instance's policy for the person's works when the erasure was asked for.
    .addColumn('works_policy', 'text', (c) => c.notNull())
    // The next step the job runs (steps are idempotent; a crash repeats at most one).
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}
