import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Search weighs where a word matched: title ≫ creator ≫ inscription (seals, colophons, annotations)
 * ≫ everything else, so each gets its own column (FTS5, ranked by bm25 weights) or weight class
 * (PostgreSQL setweight A–D, ranked by ts_rank). Typo tolerance needs the indexed vocabulary: FTS5
 * exposes its own (fts5vocab); PostgreSQL keeps a table of the Latin terms.
 *
 * The columns' tokens are written by the discover module's reindex job, which `init` enqueues
 * because the tokenizer version changed with this migration (a migration cannot import the
 * tokenizer: platform knows no feature). On SQLite the old contentless index cannot be carried
 * over, so text search finds nothing until that job has run; on PostgreSQL the old tokens stay
 * searchable meanwhile (title as A, the rest as D).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`ALTER TABLE search_documents DROP COLUMN tsv`.execute(db);
    await sql`ALTER TABLE search_documents ADD COLUMN creator_tokens text NOT NULL DEFAULT ''`.execute(db);
    await sql`ALTER TABLE search_documents ADD COLUMN inscription_tokens text NOT NULL DEFAULT ''`.execute(db);
    await sql`ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple', title_tokens), 'A') ||
      setweight(to_tsvector('simple', creator_tokens), 'B') ||
      setweight(to_tsvector('simple', inscription_tokens), 'C') ||
      setweight(to_tsvector('simple', tokens), 'D')
    ) STORED`.execute(db);
    await sql`CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv)`.execute(db);
    // Latin terms of 5+ letters (the only ones typo tolerance looks up), added as works are indexed and
    // never removed: a stale term only offers a neighbour that matches nothing. C collation: byte order.
    await sql`CREATE TABLE search_terms (term text COLLATE "C" PRIMARY KEY)`.execute(db);
  } else {
    await sql`DROP TABLE search_fts`.execute(db);
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(title, creator, inscription, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
    await sql`CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')`.execute(db);
  }
}
