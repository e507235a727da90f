import { sql, type Transaction } from 'kysely';
import type { WorkIndexer } from '../archive/work.service.js';
import { searchableText, searchableTitle } from '../archive/work-facets.js';
import { parseStoredMetadata, type WorkMetadata } from '../archive/metadata.schema.js';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { indexTokens } from './search-text.js';

/**
 * Bump when indexTokens() changes what it emits: instances then rebuild their index
 * (see `needsRebuild` and the discover.reindex job) instead of silently missing matches.
 */
export const SEARCH_TOKENS_VERSION = '2';
const VERSION_KEY = 'search_tokens_version';

/** Writes a work's search tokens: FTS5 on SQLite, a weighted tsvector on PostgreSQL. */
export class SearchIndex implements WorkIndexer {
  constructor(private readonly database: Database) {}

  async indexWork(trx: Transaction<DB>, work: { seq: number; metadata: WorkMetadata }): Promise<void> {
    const title = indexTokens(searchableTitle(work.metadata)).join(' ');
    const body = indexTokens(searchableText(work.metadata)).join(' ');
    if (this.database.dialect === 'postgres') {
      await trx
        .insertInto('search_documents')
        .values({ work_seq: work.seq, title_tokens: title, tokens: body })
        .onConflict((oc) => oc.column('work_seq').doUpdateSet({ title_tokens: title, tokens: body }))
        .execute();
    } else {
      await sql`DELETE FROM search_fts WHERE rowid = ${work.seq}`.execute(trx);
      await sql`INSERT INTO search_fts (rowid, title, body) VALUES (${work.seq}, ${title}, ${body})`.execute(trx);
    }
  }

  /** True when the stored index was built by another tokenizer version (and there are works). */
  async needsRebuild(): Promise<boolean> {
    const row = await this.database.db.selectFrom('settings').select('value').where('key', '=', VERSION_KEY).executeTakeFirst();
    if (row?.value === SEARCH_TOKENS_VERSION) return false;
    const any = await this.database.db.selectFrom('works').select('seq').limit(1).executeTakeFirst();
    if (!any) await this.markCurrent();
    return any !== undefined;
  }

  /** Rewrites every work's tokens in batches; safe to run while the catalogue is in use. */
  async rebuild(onProgress?: (done: number) => void): Promise<number> {
    let done = 0;
    for (let after = 0; ; ) {
      const rows = await this.database.db
        .selectFrom('works')
        .innerJoin('work_metadata', 'work_metadata.work_id', 'works.id')
        .select(['works.seq', 'work_metadata.metadata'])
        .where('works.seq', '>', after)
        .orderBy('works.seq')
        .limit(500)
        .execute();
      if (rows.length === 0) break;
      await this.database.db.transaction().execute(async (trx) => {
        for (const row of rows) await this.indexWork(trx, { seq: Number(row.seq), metadata: parseStoredMetadata(row.metadata) });
      });
      done += rows.length;
      after = Number(rows[rows.length - 1]!.seq);
      onProgress?.(done);
    }
    await this.markCurrent();
    return done;
  }

  private async markCurrent(): Promise<void> {
    const now = new Date().toISOString();
    await this.database.db
      .insertInto('settings')
      .values({ key: VERSION_KEY, value: SEARCH_TOKENS_VERSION, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: SEARCH_TOKENS_VERSION, updated_at: now }))
      .execute();
  }
}
