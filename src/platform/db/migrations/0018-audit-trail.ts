import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Govern's hash-chained audit trail. `audit_records`: one row per security-relevant action, each
 * holding the hash of the one before it, so an edited, removed or reordered row breaks the chain.
 * `audit_state`: the head (last seq and hash), one row every append locks first, so appends from
 * several processes queue behind each other and never fork the chain. `audit_anchors`: which head
 * was registered in the transparency log as which registration (the proof a rewritten chain fails).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('audit_records')
    .addColumn('seq', bigint, (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    // Canonical JSON (sorted keys): the exact text the hash covers.
    .addColumn('details', 'text', (c) => c.notNull())
    // HMAC pseudonym of the client address, or '' (never the address itself).
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_records_action_seq').on('audit_records').columns(['action', 'seq']).execute();
  await db.schema.createIndex('audit_records_actor_seq').on('audit_records').columns(['actor', 'seq']).execute();
  await db.schema.createIndex('audit_records_at').on('audit_records').column('at').execute();
  await db.schema
    .createTable('audit_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', bigint, (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The genesis head: seq 0 and 64 zeros, the `prev_hash` of record 1.
  await sql`INSERT INTO audit_state (id, seq, hash, updated_at) VALUES (1, 0, ${'0'.repeat(64)}, ${new Date(0).toISOString()})`.execute(db);
  await db.schema
    .createTable('audit_anchors')
    .addColumn('seq', bigint, (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('document_sha256', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
