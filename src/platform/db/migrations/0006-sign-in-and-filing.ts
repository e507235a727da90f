import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Sign-in throttling kept in the database (so every API node and every restart sees the same
 * counts), collections a curator opens to contributions from creators, and no API token of a
 * disabled account left usable for the day it is enabled again.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? 'double precision' : 'real';

  // One row per throttled key: an (account, client) pair, a client, or an account, each hashed
  // (what was typed as a username stays out of the database). `failures` decays with time from
  // `failed_at`; `ticket_at` is when a pair may pass the gate of an account under attack.
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', real, (c) => c.notNull())
    .addColumn('failed_at', 'text', (c) => c.notNull())
    .addColumn('ticket_at', 'text')
    // When the row says nothing any more (failures forgotten, ticket lapsed): deleted after that.
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_throttle_expires').on('login_throttle').column('expires_at').execute();

  await db.schema.alterTable('collections').addColumn('open_to_contributions', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // Accounts disabled before this version kept their tokens; revoke them now, as disabling does from now on.
  const now = new Date().toISOString();
  await sql`UPDATE api_tokens SET revoked_at = ${now} WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE disabled = 1)`.execute(db);
  await sql`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE disabled = 1)`.execute(db);
}
