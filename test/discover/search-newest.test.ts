import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWork, makeUser, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * A text search listed newest first (asked for, or a relevance search too broad to rank) is read on
 * SQLite by walking the text index backwards from the newest match and stopping at the page, not by
 * gathering every match first. Whatever the path, each page must hold exactly the works the text and
 * the filters select and the visitor may see, newest first, with no work twice or missing across
 * pages: this compares every page with the same selection listed by date.
 */
const dialects = await testDialects();

describe.each(dialects)('a text search listed newest first (%s)', (dialect) => {
  let ctx: TestContext;
  const creators: TestUser[] = [];
  let curator: TestUser;
  /** Work ids in creation order: newest first is this order reversed. */
  const created: string[] = [];

  let seed = 5;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { rateLimitPerMinute: 0, searchRateLimitPerMinute: 0, searchRateLimitPerIpPerMinute: 0 });
    creators.push(await makeUser(ctx, 'creator'), await makeUser(ctx, 'creator'));
    curator = await makeUser(ctx, 'curator');
    for (let i = 0; i < 60; i++) {
      const industry = pick(['01', '02', null]);
      const year = Math.floor(900 + rand() * 800);
      const metadata = {
        title: { en: `${pick(['crane', 'pine', 'lotus'])} ${pick(['scroll', 'album', 'mountain river'])} ${i}`, 'zh-Hans': pick(['山水', '花鸟']) + i },
        date: { display: { en: 'dated' }, earliest: year, latest: year },
        ...(industry ? { classification: { industry } } : {}),
      };
      created.push((await createWork(ctx, pick(creators).headers, metadata, { visibility: rand() < 0.7 ? 'public' : 'private' })).id);
    }
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /** Every id a catalogue URL lists, page by page, and the total each page reports. */
  const listed = async (params: string, headers: Record<string, string>, pageSize: number): Promise<{ ids: string[]; totals: number[] }> => {
    const ids: string[] = [];
    const totals: number[] = [];
    for (let page = 1; page < 50; page++) {
      const res = await ctx.server.inject({ method: 'GET', url: `/api/works?${params}&pageSize=${pageSize}&page=${page}`, headers });
      expect(res.statusCode, params).toBe(200);
      const body = res.json() as { items: { id: string }[]; total: number; sortedBy: string };
      totals.push(body.total);
      ids.push(...body.items.map((item) => item.id));
      if (body.items.length < pageSize) break;
    }
    return { ids, totals };
  };

  it('lists exactly what the text, the filters and the access rule select, newest first, page after page', async () => {
    const visitors: [string, Record<string, string>][] = [
      ['anonymous', {}],
      ['a creator', creators[0]!.headers],
      ['another creator', creators[1]!.headers],
      ['a curator', curator.headers],
    ];
    const queries = ['crane', 'pine scroll', 'mountain riv', '山水'];
    const filters = ['', '&industry=01', '&yearFrom=1100&yearTo=1400', '&industry=02&yearFrom=1000'];
    let nonEmpty = 0;
    for (const [who, headers] of visitors) {
      for (const q of queries) {
        for (const filter of filters) {
          const params = `q=${encodeURIComponent(q)}${filter}`;
          const reference = await listed(`${params}&sort=date`, headers, 100);
          const expected = [...reference.ids].sort((a, b) => created.indexOf(b) - created.indexOf(a));
          const newest = await listed(`${params}&sort=newest`, headers, 7);
          expect(newest.ids, `${who}: ${params}`).toEqual(expected);
          expect(new Set(newest.totals), `${who}: ${params}`).toEqual(new Set([expected.length]));
          if (expected.length > 0) nonEmpty++;
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(visitors.length * queries.length * filters.length * 0.6);
  });

  it('never lists a private work to a visitor who may not see it', async () => {
    let seen = 0;
    for (const word of ['crane', 'pine', 'lotus']) {
      const page = (await ctx.server.inject({ method: 'GET', url: `/api/works?q=${word}&sort=newest&pageSize=100` })).json() as { items: { id: string }[] };
      seen += page.items.length;
      for (const item of page.items) {
        const work = (await ctx.server.inject({ method: 'GET', url: `/api/works/${item.id}`, headers: curator.headers })).json() as { visibility: string };
        expect(work.visibility, item.id).toBe('public');
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});
