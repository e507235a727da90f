import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Tiled pyramids of large images, made for the IIIF image service so no request decodes a
 * full-size original. A pyramid is a file on local disk (libvips reads its tiles by seeking),
 * rebuilt by its job when missing or corrupt; its sha256 is kept to tell. Two variants per image:
 * `original` (what its managers, and everyone when the master is offered, zoom into) and `public`
 * (the same carrying the public watermark, for visitors when public copies are marked).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('iiif_pyramids')
    .addColumn('source_sha256', 'text', (c) => c.notNull())
    .addColumn('variant', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('levels', 'text', (c) => c.notNull())
    .addColumn('tile_size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iiif_pyramids_pk', ['source_sha256', 'variant'])
    .execute();
}
