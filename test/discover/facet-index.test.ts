import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Actor } from '../../src/govern/roles.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

const anonymous: Actor = { kind: 'anonymous' };

describe.each(await testDialects())('facet counts (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: Actor;
  let other: App;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const user = await ctx.app.identity.createUser({ username: 'facets', password: 'facet password', role: 'curator' });
    curator = { kind: 'user', id: user.id, username: user.username, role: user.role };
    const make = (title: string, industry: '02' | '03', heritage: 'tangible' | 'intangible', year: number, visibility: 'public' | 'private' = 'public') =>
      ctx.app.works.create(curator, { metadata: { title: { en: title }, classification: { industry, heritage }, date: { earliest: year, latest: year } }, visibility });
    await make('a', '02', 'tangible', 1400);
    await make('b', '02', 'intangible', 1500);
    await make('c', '03', 'tangible', 1600);
    await make('d', '03', 'tangible', 1700);
    await make('hidden', '03', 'intangible', 1800, 'private');
    // A second process on the same database (another API node, or the CLI importing meanwhile).
    other = await createApp(ctx.app.config);
  });
  afterAll(async () => {
    await other.close();
    await ctx.close();
  });

  const counts = async (actor: Actor, filters: Record<string, string[]> = {}, years: { yearFrom?: number; yearTo?: number } = {}) => {
    const page = await ctx.app.catalogue.search(actor, { filters, ...years, pageSize: 1 });
    return { total: page.total, industry: page.facets.industry, heritage: page.facets.heritage };
  };

  it('counts each facet with the other facets’ filters applied, never its own', async () => {
    expect(await counts(anonymous, { industry: ['03'] })).toEqual({
      total: 2,
      // industry ignores its own filter, so "02" is offered as an alternative with its full count.
      industry: [
        { value: '02', count: 2 },
        { value: '03', count: 2 },
      ],
      heritage: [{ value: 'tangible', count: 2 }],
    });
    expect(await counts(anonymous, { industry: ['03'], heritage: ['intangible'] })).toEqual({
      total: 0,
      industry: [{ value: '02', count: 1 }],
      heritage: [{ value: 'tangible', count: 2 }],
    });
  });

  it('applies years and access before counting, and staff see private works', async () => {
    expect((await counts(anonymous, {}, { yearFrom: 1550, yearTo: 1900 })).total).toBe(2);
    expect((await counts(curator, {}, { yearFrom: 1550, yearTo: 1900 })).total).toBe(3);
    expect((await counts(anonymous)).heritage).toEqual([
      { value: 'tangible', count: 3 },
      { value: 'intangible', count: 1 },
    ]);
  });

  it('sees a change made by another process on its very next count', async () => {
    expect((await counts(anonymous)).total).toBe(4);
    const hidden = (await other.catalogue.search(curator, { q: 'hidden' })).items[0]!;
    await other.works.update(curator, hidden.id, { expectedVersion: 1, visibility: 'public' });
    expect((await counts(anonymous)).total).toBe(5);
    expect((await counts(anonymous)).industry).toEqual([
      { value: '03', count: 3 },
      { value: '02', count: 2 },
    ]);
    await other.works.update(curator, hidden.id, { expectedVersion: 2, visibility: 'private' });
    expect((await counts(anonymous)).total).toBe(4);
  });
});
