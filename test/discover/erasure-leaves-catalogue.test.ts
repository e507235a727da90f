import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, createWork, makeUser, type TestUser } from '../routes/route-helpers.js';

/**
 * A person erased with their works deleted leaves the catalogue at once in a running process: the
 * in-memory facet counts and visitors' suggestions follow the deletions (work_tombstones), not only
 * the works' changes, without a restart or a rebuild.
 */
describe.each(await testDialects())('erasure leaves the catalogue (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;

  const suggest = async (q: string) => {
    const res = await ctx.server.inject({ method: 'GET', url: `/api/search/suggest?q=${encodeURIComponent(q)}&limit=10` });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: { label: string }[] }).items.map((i) => i.label);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
  });
  afterAll(async () => ctx?.close());

  it('drops the deleted works from totals, facet counts and suggestions', async () => {
    expect((await ctx.server.inject({ method: 'PUT', url: '/api/privacy/settings', headers: admin.headers, payload: { erasureWorks: 'delete' } })).statusCode).toBe(200);
    const owner = await makeUser(ctx, 'creator', 'erased');
    const other = await makeUser(ctx, 'creator', 'stays');
    for (const title of ['Xanthic erasure study', 'Xanthic erasure sketch']) await createWork(ctx, owner.headers, { title: { en: title } }, { visibility: 'public' });
    await createWork(ctx, other.headers, { title: { en: 'Xanthic survivor' } }, { visibility: 'public' });
    await ctx.app.suggestions.refresh();
    const before = await browse(ctx, '');
    expect(await suggest('xanthic')).toHaveLength(3);

    await ctx.app.erasure.request(owner.id, admin.id);
    await ctx.app.erasure.run(owner.id);
    const after = await browse(ctx, '');
    expect(after.total).toBe(before.total - 2);
    const typeCount = (page: typeof before) => (page.facets.type ?? []).reduce((sum, f) => sum + f.count, 0);
    if (before.facets.type) expect(typeCount(after)).toBe(typeCount(before) - 2);
    // At once, before the labels are rebuilt.
    expect(await suggest('xanthic')).toEqual(['Xanthic survivor']);
  });
});
