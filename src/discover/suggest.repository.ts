import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';

/** A work as the suggestion index reads it. */
export interface SuggestRow {
  seq: number;
  id: string;
  visibility: string;
  /** The work's metadata as JSON: on PostgreSQL only the fields suggestions read (title, creators, place). */
  metadata: string;
}

/** The only SQL behind search-as-you-type: the catalogue's version, what changed since, and every work in batches. */
export class SuggestRepository {
  constructor(private readonly database: Database) {}

  /** The catalogue's version: every write to works takes the next one (works.change_version). */
  async version(): Promise<number> {
    const row = await this.database.db.selectFrom('catalogue_state').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.version);
  }

  /** Works written after `version` (their visibility now), oldest change first, at most `limit`. */
  async changedSince(version: number, limit: number): Promise<{ seq: number; visibility: string; changeVersion: number }[]> {
    const rows = await this.database.db
      .selectFrom('works')
      .select(['seq', 'visibility', 'change_version'])
      .where('change_version', '>', version)
      .orderBy('change_version')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), visibility: r.visibility, changeVersion: Number(r.change_version) }));
  }

  /**
   * Works deleted after `version` (work_tombstones), by version then seq, at most `limit`; `after`
   * continues a page within one version (one erasure's deletions share it).
   */
  async deletedSince(version: number, after: number | null, limit: number): Promise<{ seq: number; changeVersion: number }[]> {
    const rows = await this.database.db
      .selectFrom('work_tombstones')
      .select(['seq', 'change_version'])
      .where((eb) => (after === null ? eb('change_version', '>', version) : eb.or([eb('change_version', '>', version), eb.and([eb('change_version', '=', version), eb('seq', '>', after)])])))
      .orderBy('change_version')
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), changeVersion: Number(r.change_version) }));
  }

  /** Works after `afterSeq` with their metadata, by seq, at most `limit` (read off the event loop). */
  async batch(afterSeq: number, limit: number): Promise<SuggestRow[]> {
    const rows = await this.database.read
      .selectFrom('works')
      .innerJoin('work_metadata', 'work_metadata.work_id', 'works.id')
      .select(['works.seq', 'works.id', 'works.visibility'])
      // A build reads every work; at a million the descriptions, notes and annotations it does not need
      // were most of what crossed the wire and the threads. SQLite (a small instance) reads it whole.
      .select(
        this.database.dialect === 'postgres'
          ? sql<string>`(SELECT jsonb_build_object('title', m -> 'title', 'creators', coalesce(m -> 'creators', '[]'::jsonb), 'place', m -> 'place')::text FROM (SELECT work_metadata.metadata::jsonb AS m) AS parsed)`.as('metadata')
          : sql<string>`work_metadata.metadata`.as('metadata'),
      )
      .where('works.seq', '>', afterSeq)
      .orderBy('works.seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), id: r.id, visibility: r.visibility, metadata: r.metadata }));
  }
}
