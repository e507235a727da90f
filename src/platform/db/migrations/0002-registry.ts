import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** The transparency log: pending registrations, sequenced entries, hash tiles, checkpoints, keys. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const bigint = pg ? 'bigint' : 'integer';
  const bytes = pg ? 'bytea' : 'blob';

  // One row: the sequenced tree size and root. Sequencers lock it, so only one extends the tree.
  await db.schema
    .createTable('registry_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', bigint, (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('registrant_keys')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('key_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Accepted but not yet in the tree; the sequencer moves rows from here into registry_entries.
  await db.schema
    .createTable('registry_pending')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('work_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_pending_order').on('registry_pending').columns(['created_at', 'id']).execute();

  // Sequenced entries. work_id and user_id link to the database only; the entry holds no names.
  await db.schema
    .createTable('registry_entries')
    .addColumn('idx', bigint, (c) => c.primaryKey())
    .addColumn('registration_id', 'text', (c) => c.notNull().unique())
    .addColumn('leaf_hash', 'text', (c) => c.notNull())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('work_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('sequenced_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_entries_leaf').on('registry_entries').column('leaf_hash').execute();
  await db.schema.createIndex('registry_entries_work').on('registry_entries').column('work_id').execute();

  // C2SP tlog-tiles: level-L tile N holds up to 256 hashes of Merkle level 8L; width < 256 = partial.
  await db.schema
    .createTable('registry_tiles')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', bigint, (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('hashes', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_tiles_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('registry_checkpoints')
    .addColumn('size', bigint, (c) => c.primaryKey())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  const now = new Date().toISOString();
  // RFC 6962: the root of the empty tree is SHA-256 of the empty string.
  await sql`INSERT INTO registry_state (id, size, root_hash, updated_at) VALUES (1, 0, '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', ${now})`.execute(db);
}
