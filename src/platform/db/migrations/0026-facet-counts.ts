import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Facet counts kept by PostgreSQL itself, for catalogues too large for every API process to hold
 * every work's facet columns in memory (discover's `facet-counts-sql.ts`; SQLite keeps the
 * in-memory index and gets nothing here).
 *
 * `facet_counts` holds, per facet value and public/non-public, how many works have it; writers never
 * touch it. Statement-level triggers on `works` append the net change of each statement to
 * `facet_count_deltas` in the writing transaction (insert-only: concurrent writers never wait on a
 * hot counter row), and readers fold deltas into counts now and then. A reader summing both tables
 * in one snapshot sees exactly the committed works.
 *
 * The facets are the catalogue's (discover's facets.ts; a migration cannot import a feature), plus
 * `*` (every work) and `~reuse` (collection and rights URI together: what decides a work's reuse
 * bits when it has no terms of its own).
 */
const FACET_VALUES = [
  `('*', '*')`,
  `('industry', t.industry)`,
  `('heritage', t.heritage)`,
  `('period', t.period)`,
  `('medium', t.medium_facet)`,
  `('institution', t.institution_facet)`,
  `('rights', t.rights_uri)`,
  `('type', t.work_type)`,
  `('visibility', t.visibility)`,
  `('place', t.place_key)`,
  `('~reuse', coalesce(t.collection_id, '') || chr(1) || coalesce(t.rights_uri, ''))`,
].join(', ');

/** Every (facet, value, is_public, n) row a set of works contributes, with sign `n`. */
function expand(table: string, n: number): string {
  return `SELECT f.facet, f.value, CASE WHEN t.visibility = 'public' THEN 1 ELSE 0 END AS is_public, ${n} AS n
    FROM ${table} AS t CROSS JOIN LATERAL (VALUES ${FACET_VALUES}) AS f(facet, value) WHERE f.value IS NOT NULL`;
}

function deltaFunction(name: string, parts: string[]): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO facet_count_deltas (facet, value, is_public, n)
  SELECT facet, value, is_public, sum(n) FROM (${parts.join(' UNION ALL ')}) AS d
  GROUP BY facet, value, is_public HAVING sum(n) <> 0;
  RETURN NULL;
END $$`;
}

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await db.schema
    .createTable('facet_counts')
    .addColumn('facet', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('is_public', 'smallint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('facet_counts_pk', ['facet', 'value', 'is_public'])
    .execute();
  await db.schema
    .createTable('facet_count_deltas')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('facet', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('is_public', 'smallint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  await sql.raw(`INSERT INTO facet_counts (facet, value, is_public, n) SELECT facet, value, is_public, sum(n) FROM (${expand('works', 1)}) AS d GROUP BY facet, value, is_public`).execute(db);

  await sql.raw(deltaFunction('facet_counts_on_insert', [expand('new_rows', 1)])).execute(db);
  await sql.raw(deltaFunction('facet_counts_on_update', [expand('old_rows', -1), expand('new_rows', 1)])).execute(db);
  await sql.raw(deltaFunction('facet_counts_on_delete', [expand('old_rows', -1)])).execute(db);
  await sql.raw(`CREATE FUNCTION facet_counts_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM facet_count_deltas;
  DELETE FROM facet_counts;
  RETURN NULL;
END $$`).execute(db);
  // A trigger with transition tables serves one event, hence three.
  await sql.raw(`CREATE TRIGGER works_facet_counts_insert AFTER INSERT ON works REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facet_counts_on_insert()`).execute(db);
  await sql.raw(`CREATE TRIGGER works_facet_counts_update AFTER UPDATE ON works REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facet_counts_on_update()`).execute(db);
  await sql.raw(`CREATE TRIGGER works_facet_counts_delete AFTER DELETE ON works REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION facet_counts_on_delete()`).execute(db);
  await sql.raw(`CREATE TRIGGER works_facet_counts_truncate AFTER TRUNCATE ON works FOR EACH STATEMENT EXECUTE FUNCTION facet_counts_on_truncate()`).execute(db);

  // A fixed 1-in-32 sample of works with every column a catalogue condition reads, so an estimate
  // of a broad selection's counts is an index-only scan of 3 % of the catalogue.
  await sql.raw(`CREATE INDEX works_facet_sample ON works (seq) INCLUDE (visibility, owner_id, collection_id, earliest_year, latest_year, industry, heritage, period, medium_facet, institution_facet, rights_uri, work_type, place_key) WHERE seq % 32 = 0`).execute(db);
  // And the sample's own text index, so a broad search's estimate reads 3 % of the matches.
  await sql.raw(`CREATE INDEX search_documents_tsv_sample ON search_documents USING gin (tsv) WHERE work_seq % 32 = 0`).execute(db);
}
