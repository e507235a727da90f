import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Passkeys (WebAuthn): each account's registered credentials with the public key and signature
 * counter, and the single-use challenges of their ceremonies (hashed; kept a while after use so a
 * reused one is told apart from one that never existed).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('user_passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // base64url, as the browser names it; unique across accounts (a passwordless sign-in looks it up).
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    // The COSE public key, base64url.
    .addColumn('public_key', 'text', (c) => c.notNull())
    // The authenticator's signature counter: a value not above the stored one means a cloned key.
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    // Comma-separated hints (usb, nfc, internal, hybrid…) handed back to the browser.
    .addColumn('transports', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('user_passkeys_user').on('user_passkeys').column('user_id').execute();

  await db.schema
    .createTable('passkey_challenges')
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    // register | second_step | passwordless
    .addColumn('purpose', 'text', (c) => c.notNull())
    // The account the ceremony is for; null for a passwordless sign-in (the passkey names it).
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    // The password step's challenge a second-step ceremony completes (its hash).
    .addColumn('mfa_challenge_hash', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
}
