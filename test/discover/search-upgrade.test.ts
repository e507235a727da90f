import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { up } from '../../src/platform/db/migrations/0014-search-fields.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, createWork, makeUser } from '../routes/route-helpers.js';

/**
 * The upgrade to 0014 on an instance with works indexed the old way (title and body only): after
 * the migration the index asks to be rebuilt, and the rebuild brings field boosts and pinyin.
 */
describe.each(await testDialects())('upgrading the search index to weighted fields (%s)', (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  it('rebuilds the index after the migration, and then finds works by pinyin', async () => {
    const curator = await makeUser(ctx, 'curator');
    const work = await createWork(ctx, curator.headers, { title: { 'zh-Hant': '早春圖' }, creators: [{ name: { 'zh-Hant': '郭熙' }, role: 'artist' }] }, { visibility: 'public' });
    const db = ctx.app.database.db;
    // Back to the schema before 0014, its index built by tokenizer version 2.
    if (dialect === 'postgres') {
      await sql`DROP TABLE search_terms`.execute(db);
      await sql`ALTER TABLE search_documents DROP COLUMN tsv`.execute(db);
      await sql`ALTER TABLE search_documents DROP COLUMN creator_tokens`.execute(db);
      await sql`ALTER TABLE search_documents DROP COLUMN inscription_tokens`.execute(db);
      await sql`ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_tokens), 'A') || setweight(to_tsvector('simple', tokens), 'D')) STORED`.execute(db);
      await sql`CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv)`.execute(db);
      await sql`UPDATE search_documents SET title_tokens = '早 春 图 早春 春图', tokens = '郭 熙 郭熙'`.execute(db);
    } else {
      await sql`DROP TABLE search_vocab`.execute(db);
      await sql`DROP TABLE search_fts`.execute(db);
      await sql`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
    }
    await db.updateTable('settings').set({ value: '2' }).where('key', '=', 'search_tokens_version').execute();
    await up(db as unknown as Kysely<unknown>, ctx.app.database.dialect);

    expect(await ctx.app.searchIndex.needsRebuild()).toBe(true);
    // PostgreSQL keeps the old tokens searchable until the rebuild; SQLite's contentless index starts empty.
    expect((await browse(ctx, `q=${encodeURIComponent('早春')}`)).total).toBe(dialect === 'postgres' ? 1 : 0);
    expect(await ctx.app.searchIndex.rebuild()).toBe(1);
    expect(await ctx.app.searchIndex.needsRebuild()).toBe(false);
    // Signed in: anonymous answers are cached for a while, and the rebuild does not change the catalogue.
    for (const q of ['早春', 'zaochun', 'zct', 'guoxi']) expect((await browse(ctx, `q=${encodeURIComponent(q)}`, curator.headers)).items.map((i) => i.id), q).toEqual([work.id]);
  });
});
