import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Strong sign-in: TOTP secrets (sealed with a key outside the database), hashed recovery codes,
 * the short-lived challenges between password and second factor, and what a person needs to
 * recognise their own sessions (when last seen, from which browser and address).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('user_totp')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // AES-256-GCM with the keystore's sealing key: a database backup alone does not give the codes away.
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    // Null while enrolment waits for its first code.
    .addColumn('confirmed_at', 'text')
    // The last time step accepted: a code of that step or earlier is a replay.
    .addColumn('last_step', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();

  await db.schema
    .createTable('mfa_challenges')
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('ip', 'text').execute();
}
