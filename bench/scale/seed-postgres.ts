// Seeds a large synthetic catalogue into an empty PostgreSQL database fast: multi-row INSERTs in large
// transactions, two batches in flight (one generating in JS while PostgreSQL writes the other). Every
// derived column comes from the app's own code (facetColumns, fieldTokens), as a save would write it.
import { sql, type Insertable } from 'kysely';
import type { App } from '../../src/app.js';
import { facetColumns } from '../../src/archive/work-facets.js';
import { fieldTokens } from '../../src/discover/search-index.js';
import type { WorksTable } from '../../src/platform/db/schema.js';
import { newId } from '../../src/platform/ids.js';
import { syntheticMetadata } from '../seed-catalogue.js';

/** Rows per transaction, and per INSERT statement (PostgreSQL takes at most 65,535 parameters). */
const BATCH = 5_000;
const ROWS_PER_STATEMENT = 1_000;
/** search_terms holds the Latin words typo tolerance may offer (same rule as SearchIndex). */
const VOCABULARY_TERM = /^[a-z]{5,24}$/;

export interface SeedPlan {
  count: number;
  /** Owners of the works, in turn. */
  ownerIds: string[];
  /** Collections works are filed in (works i % (collections + extra) beyond the list stay unfiled). */
  collectionIds: string[];
  unfiledShare: number;
  publicShare: number;
  onProgress?: (done: number) => void;
  /** Called once the dropped indexes are built again. */
  onIndexes?: (count: number, seconds: number) => void;
}

type Prepared = { works: Omit<Insertable<WorksTable>, 'change_version'>[]; metadata: string[]; tokens: string[][] };

/** Inserts `plan.count` works with their metadata and search documents; returns the seconds it took. */
export async function seedPostgres(app: App, plan: SeedPlan): Promise<number> {
  if (app.database.dialect !== 'postgres') throw new Error('seedPostgres needs a PostgreSQL database');
  const db = app.database.db;
  const { onIndexes } = plan;
  const started = performance.now();
  const terms = new Set<string>();
  // Newest last: created_at spreads over the past, a second apart, so "newest" ordering is meaningful.
  const origin = Date.now() - plan.count * 1000;
  const filedSlots = Math.round(plan.collectionIds.length / (1 - plan.unfiledShare));

  const prepare = (from: number, to: number): Prepared => {
    const out: Prepared = { works: [], metadata: [], tokens: [] };
    for (let i = from; i < to; i++) {
      const metadata = syntheticMetadata(i);
      const at = new Date(origin + i * 1000).toISOString();
      // Hash-spread, not i % 10, so visibility does not line up with owners or collections.
      const spread = ((i * 2_654_435_761) >>> 0) / 2 ** 32;
      out.works.push({
        id: newId(),
        source_key: null,
        collection_id: plan.collectionIds[i % filedSlots] ?? null,
        owner_id: plan.ownerIds[i % plan.ownerIds.length]!,
        visibility: spread < plan.publicShare ? 'public' : 'private',
        work_type: 'record',
        version: 1,
        ...facetColumns(metadata),
        primary_file_sha256: null,
        created_at: at,
        updated_at: at,
      });
      out.metadata.push(JSON.stringify(metadata));
      const t = fieldTokens(metadata);
      out.tokens.push([t.title, t.creator, t.inscription, t.other].map((x) => x.join(' ')));
      for (const term of [...t.title, ...t.creator, ...t.inscription, ...t.other]) if (VOCABULARY_TERM.test(term)) terms.add(term);
    }
    return out;
  };

  // Bulk-load practice: secondary indexes are dropped now and built again from their own definitions at
  // the end (one sort each instead of a million insertions; the GIN index on search text most of all).
  // Constraint indexes and the facet-count triggers stay.
  const indexes = (
    await sql<{ name: string; def: string }>`
      SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename IN ('works', 'work_metadata', 'search_documents')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`.execute(db)
  ).rows;
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);

  const write = async (batch: Prepared): Promise<void> => {
    // One block of change versions per batch (taken outside the transaction, so batches do not queue on its row lock).
    const top = await db.updateTable('catalogue_state').set((eb) => ({ version: eb('version', '+', batch.works.length) })).where('id', '=', 1).returning('version').executeTakeFirstOrThrow();
    const first = Number(top.version) - batch.works.length + 1;
    await db.transaction().execute(async (trx) => {
      // A lost seed batch on a crash costs nothing here; waiting for each commit's flush costs time.
      await sql`SET LOCAL synchronous_commit = off`.execute(trx);
      for (let from = 0; from < batch.works.length; from += ROWS_PER_STATEMENT) {
        const rows = batch.works.slice(from, from + ROWS_PER_STATEMENT).map((w, k) => ({ ...w, change_version: first + from + k }));
        const inserted = await trx.insertInto('works').values(rows).returning(['id', 'seq']).execute();
        const seqOf = new Map(inserted.map((r) => [r.id, Number(r.seq)]));
        await trx.insertInto('work_metadata').values(rows.map((w, k) => ({ work_id: w.id, metadata: batch.metadata[from + k]! }))).execute();
        await trx
          .insertInto('search_documents')
          .values(rows.map((w, k) => {
            const [title, creator, inscription, other] = batch.tokens[from + k]! as [string, string, string, string];
            return { work_seq: seqOf.get(w.id)!, title_tokens: title, creator_tokens: creator, inscription_tokens: inscription, tokens: other };
          }))
          .execute();
      }
    });
  };

  // Batches are generated in order (the generator is deterministic); at most two are being written.
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let failure: unknown = null;
  for (let from = 0; from < plan.count; from += BATCH) {
    while (inFlight.size >= 2) await Promise.race(inFlight);
    if (failure) throw failure;
    const batch = prepare(from, Math.min(plan.count, from + BATCH));
    const p: Promise<void> = write(batch).then(
      () => {
        done += batch.works.length;
        plan.onProgress?.(done);
      },
      (error: unknown) => {
        failure = error;
      },
    ).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;

  const vocabulary = [...terms].sort();
  for (let from = 0; from < vocabulary.length; from += 10_000) {
    await sql`INSERT INTO search_terms (term) SELECT unnest(${vocabulary.slice(from, from + 10_000)}::text[]) ON CONFLICT DO NOTHING`.execute(db);
  }
  const indexStart = performance.now();
  await db.connection().execute(async (conn) => {
    await sql`SET maintenance_work_mem = '1GB'`.execute(conn);
    for (const index of indexes) await sql.raw(index.def).execute(conn);
  });
  onIndexes?.(indexes.length, (performance.now() - indexStart) / 1000);
  // VACUUM as well as ANALYZE: otherwise autovacuum would start on the fresh million rows in the middle of a measurement.
  await sql`VACUUM (ANALYZE)`.execute(db);
  return (performance.now() - started) / 1000;
}
