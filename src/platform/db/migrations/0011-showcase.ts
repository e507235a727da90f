import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The showcase: online exhibitions (bilingual Markdown sections that each show a region of a work)
 * and the curated home page. Language maps, the cover and the ordered sections are JSON text, as
 * everywhere else; `publish_at` is an ISO-8601 UTC string, so text order is time order and the
 * public list (published, visible from `publish_at`, newest first) reads one index.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('exhibitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subtitle', 'text')
    .addColumn('summary', 'text')
    .addColumn('cover', 'text')
    .addColumn('sections', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('publish_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exhibitions_status_publish_at').on('exhibitions').columns(['status', 'publish_at']).execute();

  await db.schema
    .createTable('showcase_home')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();
}
