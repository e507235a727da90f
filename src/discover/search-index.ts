import { sql, type Transaction } from 'kysely';
import type { WorkIndexer } from '../archive/work.service.js';
import { searchableText } from '../archive/work-facets.js';
import type { WorkMetadata } from '../archive/metadata.schema.js';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { indexTokens } from './search-text.js';

/** Writes a work's search tokens: FTS5 on SQLite, a tsvector column on PostgreSQL. */
export class SearchIndex implements WorkIndexer {
  constructor(private readonly database: Database) {}

  async indexWork(trx: Transaction<DB>, work: { seq: number; metadata: WorkMetadata }): Promise<void> {
    const tokens = indexTokens(searchableText(work.metadata)).join(' ');
    if (this.database.dialect === 'postgres') {
      await trx
        .insertInto('search_documents')
        .values({ work_seq: work.seq, tokens })
        .onConflict((oc) => oc.column('work_seq').doUpdateSet({ tokens }))
        .execute();
    } else {
      await sql`DELETE FROM search_fts WHERE rowid = ${work.seq}`.execute(trx);
      await sql`INSERT INTO search_fts (rowid, tokens) VALUES (${work.seq}, ${tokens})`.execute(trx);
    }
  }
}
