import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The place facet and the map: `place_key` is the most specific gazetteer place a work's place
 * text names, `geo_lat`/`geo_lon` the record's own coordinates. Existing rows are filled by the
 * archive's refacet job, which `init` enqueues while the stored gazetteer version differs from the
 * code's (a migration cannot import the gazetteer: platform knows no feature).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  await db.schema.alterTable('works').addColumn('place_key', 'text').execute();
  await db.schema.alterTable('works').addColumn('geo_lat', real).execute();
  await db.schema.alterTable('works').addColumn('geo_lon', real).execute();
  // As the other facets: (visibility, place) answers the public map's counts from the index alone.
  await db.schema.createIndex('works_place_key').on('works').columns(['place_key', 'visibility']).execute();
  await db.schema.createIndex('works_visibility_place_key').on('works').columns(['visibility', 'place_key']).execute();
}
