import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogueRepository, type CatalogueQuery } from '../../src/discover/catalogue.repository.js';
import { SAMPLE_EVERY, SqlFacetCounter } from '../../src/discover/facet-counts-sql.js';
import { FACETS, type FacetName } from '../../src/discover/facets.js';
import type { Actor } from '../../src/govern/roles.js';
import { createWork, makeUser, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * Facet counts kept by PostgreSQL (issue 16: no per-work memory in every API process) give exactly
 * what the in-memory index gives, for every kind of selection and every kind of visitor; the counts
 * the works triggers keep follow inserts, updates, deletes and truncation; broad selections are
 * estimated from the 1-in-32 sample and say so.
 */
const dialects = (await testDialects()).filter((d) => d === 'postgres');
if (dialects.length === 0) console.warn('facet-counts-sql.test.ts: skipped, no PostgreSQL (WENYUAN_TEST_POSTGRES_URL)');

const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';
const IN_COPYRIGHT = 'http://rightsstatements.org/vocab/InC/1.0/';
const BY_NC = 'https://creativecommons.org/licenses/by-nc/4.0/';
const FACET_NAMES = Object.keys(FACETS) as FacetName[];

describe.each(dialects)('facet counts in the database (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let creator: TestUser;
  let collectionIds: string[];
  let memory: CatalogueRepository;
  let database: CatalogueRepository;
  const actors: Record<string, Actor> = {};

  // A deterministic generator: the same works every run.
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    collectionIds = [];
    for (const name of ['Prints', 'Scrolls']) {
      const res = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: name }, visibility: 'public' } });
      collectionIds.push((res.json() as { id: string }).id);
    }
    for (let i = 0; i < 90; i++) {
      const start = Math.floor(600 + rand() * 1200);
      const metadata = {
        title: { en: `${pick(['qilin', 'crane', 'pine', 'river'])} ${pick(['scroll', 'album', 'vase'])} ${i}` },
        date: { display: { en: String(start) }, earliest: start, latest: start + Math.floor(rand() * 50) },
        medium: pick([{ en: 'ink on silk' }, { en: 'porcelain' }, { en: 'bronze' }]),
        institution: pick([{ en: 'Dunhuang Academy' }, { en: 'County Cultural Centre' }]),
        rights: { uri: pick([CC0, IN_COPYRIGHT, BY_NC]) },
        classification: { industry: pick(['01', '02', '03']), heritage: pick(['tangible', 'intangible']) },
      };
      const mine = rand() < 0.3;
      const collectionId = rand() < 0.5 ? pick(collectionIds) : null;
      await createWork(ctx, mine ? creator.headers : curator.headers, metadata, { visibility: rand() < 0.8 ? 'public' : 'private', ...(collectionId && !mine ? { collectionId } : {}) });
    }
    const mask = (uri: string | null) => ctx.app.reuseFlags.maskOfRights(uri);
    memory = new CatalogueRepository(ctx.app.database, mask, 'memory');
    database = new CatalogueRepository(ctx.app.database, mask, 'database');
    actors.anonymous = { kind: 'anonymous' };
    actors.curator = { kind: 'user', id: curator.id, username: curator.username, role: 'curator' };
    actors.creator = { kind: 'user', id: creator.id, username: creator.username, role: 'creator' };
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const query = (parts: Partial<CatalogueQuery>): CatalogueQuery => ({ match: null, filters: {}, sort: 'newest', limit: 5, offset: 0, facets: FACET_NAMES, facetLimit: 30, ...parts });

  const selections: [string, Partial<CatalogueQuery>][] = [
    ['nothing', {}],
    ['one facet', { filters: { industry: ['01'] } }],
    ['two facets', { filters: { industry: ['01', '02'], heritage: ['tangible'] } }],
    ['a value no work has', { filters: { heritage: ['creative'] } }],
    ['years', { yearFrom: 900, yearTo: 1300 }],
    ['a collection', { filters: { rights: [CC0, BY_NC] }, collectionIds: [] }],
    ['a text query', { match: { token: 'qilin', prefix: false } }],
    ['a text query and a facet', { match: { token: 'crane', prefix: false }, filters: { heritage: ['tangible'] } }],
    ['reuse', { rightsUse: ['free'] }],
    ['reuse for AI and a facet', { rightsUse: ['ai'], filters: { type: ['object', 'image', 'record'] } }],
  ];

  it.each(selections)('counts %s exactly as the in-memory index does, for every kind of visitor', async (name, parts) => {
    const withCollection = parts.collectionIds ? { ...parts, collectionIds: [collectionIds[0]!] } : parts;
    for (const actor of Object.values(actors)) {
      const [fromMemory, fromDatabase] = await Promise.all([memory.search(actor, query(withCollection)), database.search(actor, query(withCollection))]);
      expect(fromDatabase.approximate).toBe(false);
      if (name !== 'a value no work has' && actor.kind === 'user') expect(fromMemory.total).toBeGreaterThan(0);
      expect(fromDatabase.total).toBe(fromMemory.total);
      expect(fromDatabase.facets).toEqual(fromMemory.facets);
      expect(fromDatabase.rightsUse).toEqual(fromMemory.rightsUse);
    }
  });

  it('counts an owner filter and the owner’s own private works as the in-memory index does', async () => {
    for (const actor of Object.values(actors)) {
      const q = query({ ownerId: creator.id });
      const [fromMemory, fromDatabase] = await Promise.all([memory.search(actor, q), database.search(actor, q)]);
      expect({ total: fromDatabase.total, facets: fromDatabase.facets }).toEqual({ total: fromMemory.total, facets: fromMemory.facets });
    }
  });

  /** What the kept counts say about every work, against a GROUP BY over the works themselves. */
  async function keptCountsMatchTheWorks(): Promise<void> {
    const db = ctx.app.database.db;
    const kept = await sql<{ facet: string; value: string; is_public: number; n: string }>`
      SELECT facet, value, is_public, sum(n) AS n FROM (SELECT facet, value, is_public, n FROM facet_counts UNION ALL SELECT facet, value, is_public, n FROM facet_count_deltas) AS u
      WHERE facet NOT LIKE '~%' GROUP BY facet, value, is_public HAVING sum(n) <> 0 ORDER BY 1, 2, 3`.execute(db);
    const actual: { facet: string; value: string; is_public: number; n: string }[] = [];
    for (const [facet, column] of [['*', null], ...Object.entries(FACETS)] as [string, string | null][]) {
      const value = column ? sql.ref(column) : sql.lit('*');
      const rows = await sql<{ value: string; is_public: number; n: string }>`
        SELECT ${value} AS value, CASE WHEN visibility = 'public' THEN 1 ELSE 0 END AS is_public, count(*) AS n FROM works
        WHERE ${value} IS NOT NULL GROUP BY 1, 2`.execute(db);
      actual.push(...rows.rows.map((r) => ({ facet, value: r.value, is_public: Number(r.is_public), n: String(r.n) })));
    }
    const key = (r: { facet: string; value: string; is_public: number; n: string }) => `${r.facet}|${r.value}|${Number(r.is_public)}|${Number(r.n)}`;
    expect(kept.rows.map(key).sort()).toEqual(actual.map(key).sort());
  }

  it('keeps the counts through inserts, updates of many rows, deletes and folding', async () => {
    const db = ctx.app.database.db;
    await keptCountsMatchTheWorks();
    // Statements touching many rows at once, as a bulk operation does.
    await sql`UPDATE works SET visibility = CASE WHEN visibility = 'public' THEN 'private' ELSE 'public' END WHERE seq % 3 = 0`.execute(db);
    await sql`UPDATE works SET medium_facet = 'paper', period = NULL WHERE seq % 5 = 1`.execute(db);
    await sql`UPDATE works SET title_sort = title_sort WHERE seq % 2 = 0`.execute(db);
    await keptCountsMatchTheWorks();
    const counter = new SqlFacetCounter(ctx.app.database, () => 0);
    await counter.fold();
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM facet_count_deltas`.execute(db)).rows[0]!.n)).toBe(0);
    await keptCountsMatchTheWorks();
    // Deleted works leave the counts (their dependants go by cascade).
    await sql`DELETE FROM works WHERE seq IN (SELECT seq FROM works ORDER BY seq DESC LIMIT 3)`.execute(db);
    await keptCountsMatchTheWorks();
  });

  it('estimates a broad selection from the sample and says so', async () => {
    const db = ctx.app.database.db;
    // Every work the sample holds is public and of one industry, so the estimate is known in advance.
    const sampled = await sql<{ n: string }>`SELECT count(*) AS n FROM works WHERE visibility = 'public' AND seq % ${sql.lit(SAMPLE_EVERY)} = 0`.execute(db);
    const counter = new SqlFacetCounter(ctx.app.database, () => 0, 0);
    const counts = await counter.count({
      actor: { kind: 'anonymous' },
      facets: ['visibility'],
      facetLimit: 10,
      filters: {},
      narrowed: true,
      where: () => (eb) => eb('visibility', '=', 'public'),
      allows: () => (eb) => eb('rights_uri', 'is not', null),
    });
    const expected = Number(sampled.rows[0]!.n) * SAMPLE_EVERY;
    if (expected === 0) {
      // No public work in the sample: counted exactly instead.
      expect(counts.approximate).toBe(false);
    } else {
      expect(counts.approximate).toBe(true);
      expect(counts.total).toBe(expected);
      expect(counts.facets.visibility).toEqual([{ value: 'public', count: expected }]);
    }
  });
});
