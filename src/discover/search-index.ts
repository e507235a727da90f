import { sql, type Kysely, type Transaction } from 'kysely';
import type { WorkIndexer } from '../archive/work.service.js';
import { facetColumns, searchableFields } from '../archive/work-facets.js';
import { parseStoredMetadata, type WorkMetadata } from '../archive/metadata.schema.js';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { facetTokens } from './search-facet-tokens.js';
import { pinyinTokens } from './search-pinyin.js';
import { stemEnglish } from './search-stem.js';
import { foldText, indexTokens } from './search-text.js';

/**
 * Bump when indexTokens() changes what it emits: instances then rebuild their index
 * (see `needsRebuild` and the discover.reindex job) instead of silently missing matches.
 */
export const SEARCH_TOKENS_VERSION = '4';
const VERSION_KEY = 'search_tokens_version';

/** A work's tokens by weight class, highest first (FTS5 columns; PostgreSQL weights A–D). */
export interface FieldTokens {
  title: string[];
  creator: string[];
  inscription: string[];
  other: string[];
}

/**
 * The tokens of each field. Pinyin goes one class below the characters it reads (a title's pinyin
 * weighs as a creator's name): a reading is a guess (heteronyms, homophones: `shan` is 山, 扇 and
 * 善), so a word matched as written ranks above the same syllables matched by sound. The record's
 * facet values go with the rest as tokens of their own (search-facet-tokens.ts), for searches within a facet.
 */
export function fieldTokens(metadata: WorkMetadata): FieldTokens {
  const fields = searchableFields(metadata);
  // Stemmed like Latin words, or a query word with a stem (lanting → lant) would score English matches twice and pinyin once.
  const pinyin = (text: string) => [...new Set(pinyinTokens(foldText(text.slice(0, 20_000))).flatMap((t) => [t, stemEnglish(t)]))];
  return {
    title: indexTokens(fields.title),
    creator: [...indexTokens(fields.creator), ...pinyin(fields.title)],
    inscription: [...indexTokens(fields.inscription), ...pinyin(fields.creator)],
    other: [...indexTokens(fields.other), ...pinyin(fields.place), ...facetTokens(facetColumns(metadata))],
  };
}

/**
 * Whether the stored index was written by this tokenizer version. Until a rebuild after an upgrade
 * ends, some documents lack what this version adds (the facet tokens): narrowing by them would miss works.
 */
export async function searchTokensCurrent(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', VERSION_KEY).executeTakeFirst();
  return row?.value === SEARCH_TOKENS_VERSION;
}

/** Latin terms typo tolerance may offer as neighbours (PostgreSQL's vocabulary; FTS5 keeps its own). */
const VOCABULARY_TERM = /^[a-z]{5,24}$/;

/** Writes a work's search tokens: FTS5 on SQLite, a weighted tsvector on PostgreSQL. */
export class SearchIndex implements WorkIndexer {
  constructor(private readonly database: Database) {}

  async indexWork(trx: Transaction<DB>, work: { seq: number; metadata: WorkMetadata }): Promise<void> {
    const tokens = fieldTokens(work.metadata);
    const [title, creator, inscription, other] = [tokens.title, tokens.creator, tokens.inscription, tokens.other].map((t) => t.join(' ')) as [string, string, string, string];
    if (this.database.dialect === 'postgres') {
      const columns = { title_tokens: title, creator_tokens: creator, inscription_tokens: inscription, tokens: other };
      await trx
        .insertInto('search_documents')
        .values({ work_seq: work.seq, ...columns })
        .onConflict((oc) => oc.column('work_seq').doUpdateSet(columns))
        .execute();
      // Sorted, so two works indexed at once insert shared new terms in one order (no deadlock).
      const terms = [...new Set([...tokens.title, ...tokens.creator, ...tokens.inscription, ...tokens.other].filter((t) => VOCABULARY_TERM.test(t)))].sort();
      if (terms.length > 0) await sql`INSERT INTO search_terms (term) SELECT unnest(${terms}::text[]) ON CONFLICT DO NOTHING`.execute(trx);
    } else {
      await sql`DELETE FROM search_fts WHERE rowid = ${work.seq}`.execute(trx);
      await sql`INSERT INTO search_fts (rowid, title, creator, inscription, body) VALUES (${work.seq}, ${title}, ${creator}, ${inscription}, ${other})`.execute(trx);
    }
  }

  /** Removes deleted works from the index (an erased person's, through the archive's work removers), in the deleting transaction. */
  async removeWorks(trx: Transaction<DB>, seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    if (this.database.dialect === 'postgres') await trx.deleteFrom('search_documents').where('work_seq', 'in', seqs).execute();
    else await sql`DELETE FROM search_fts WHERE rowid IN (${sql.join(seqs)})`.execute(trx);
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
