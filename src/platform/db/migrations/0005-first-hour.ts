import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * What may be downloaded of a work follows its rights unless a curator overrides it for the work or
 * its collection (`master` | `display` | `none`; null inherits). Watermarked copies record who
 * issued them, so a work's events can say who gave a licensee their copy.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('works').addColumn('download_policy', 'text').execute();
  await db.schema.alterTable('collections').addColumn('download_policy', 'text').execute();
  await db.schema.alterTable('watermark_copies').addColumn('issued_by', 'text').execute();
}
