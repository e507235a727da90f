import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** Rights protection: perceptual fingerprints of stored images and the watermarked copies handed out. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const bigint = pg ? 'bigint' : 'integer';
  const bytes = pg ? 'bytea' : 'blob';

  // One row per stored image (by content hash): its PDQ codes (the whole image and central
  // crops), quality and ISCC codes, or why it has none (too small, flat, corrupt, not an image).
  await db.schema
    .createTable('fingerprints')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull()) // ok | low_quality | unsupported
    .addColumn('reason', 'text')
    .addColumn('pdq', bytes)
    // PDQ of central crops, 32 bytes each, in the order of crop_fractions (per side, e.g. 0.05,0.1).
    .addColumn('pdq_crops', bytes)
    .addColumn('crop_fractions', 'text')
    // Images with transparency: the whole image then the same crops, flattened onto black.
    .addColumn('pdq_on_black', bytes)
    .addColumn('pdq_quality', 'integer')
    .addColumn('iscc', 'text') // JSON: { content, data, instance, iscc }
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('pages', 'integer')
    // Taken from protect_state in the writing transaction, so it grows in commit order: in-memory
    // indexes follow the table by reading rows above the version they hold (see fingerprint-index).
    .addColumn('change_version', bigint, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fingerprints_change_version').on('fingerprints').column('change_version').execute();
  await db.schema.createTable('protect_state').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('version', bigint, (c) => c.notNull()).execute();
  await sql`INSERT INTO protect_state (id, version) VALUES (1, 0)`.execute(db);

  // Every watermarked copy that left the archive: the watermark payload is this row's serial, so a
  // decoded leak names the work, the file and the person or licence it was made for.
  let copies = db.schema.createTable('watermark_copies');
  copies = pg
    ? copies.addColumn('serial', 'bigserial', (c) => c.primaryKey())
    : copies.addColumn('serial', 'integer', (c) => c.primaryKey().autoIncrement());
  await copies
    .addColumn('work_id', 'text', (c) => c.notNull().references('works.id').onDelete('cascade'))
    .addColumn('source_sha256', 'text', (c) => c.notNull())
    .addColumn('output_sha256', 'text')
    .addColumn('recipient_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('purpose', 'text', (c) => c.notNull()) // download | licence | public
    .addColumn('reference', 'text') // e.g. the licence or order id
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('watermark_copies_work').on('watermark_copies').column('work_id').execute();
  await db.schema.createIndex('watermark_copies_recipient').on('watermark_copies').column('recipient_id').execute();

  // Saved scans: the exact JSON bundle whose sha256 is registered in the transparency log, so the
  // report cannot be back-dated; the suspect image is kept in the blob store under its hash.
  await db.schema
    .createTable('evidence_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('suspect_sha256', 'text', (c) => c.notNull())
    .addColumn('bundle', 'text', (c) => c.notNull())
    .addColumn('bundle_sha256', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'text')
    .execute();
  await db.schema.createIndex('evidence_reports_created_by').on('evidence_reports').columns(['created_by', 'created_at']).execute();
}
