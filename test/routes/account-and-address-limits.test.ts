import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { multipart, pngBytes } from './route-helpers.js';

/**
 * Search and upload limits count each request twice: against the account (anonymous visitors:
 * their address) and against the IP address, whoever is signed in there. A signed-in client that
 * rotates addresses still meets its account's limit; accounts sharing one address meet the
 * address's larger one; each answer past a limit is 429 with Retry-After.
 */
describe.each(await testDialects())('limits per account and per address (%s)', (dialect) => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  const refusedWithRetryAfter = (response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) => {
    expect(response.statusCode).toBe(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json()).toMatchObject({ error: { code: 'rate_limited', key: 'rate_limited.requests' } });
  };

  it('search: an account rotating addresses meets its own limit; accounts sharing an address meet the address’s', async () => {
    ctx = await createTestContext(dialect, { searchRateLimitPerMinute: 3, searchRateLimitPerIpPerMinute: 5 });
    const search = (remoteAddress: string, headers: Record<string, string> = {}) => ctx!.server.inject({ method: 'GET', url: `/api/works?q=${Math.random()}`, remoteAddress, headers });

    const rotating = await ctx.userWithRole('licensee');
    for (let i = 0; i < 3; i++) expect((await search(`10.3.0.${i + 1}`, rotating.headers)).statusCode).toBe(200);
    refusedWithRetryAfter(await search('10.3.0.99', rotating.headers));

    // A classroom behind one address: each account has its own count, under the address's larger one.
    const [b, c, d] = [await ctx.userWithRole('licensee'), await ctx.userWithRole('licensee'), await ctx.userWithRole('licensee')];
    for (let i = 0; i < 3; i++) expect((await search('10.4.0.1', b.headers)).statusCode).toBe(200);
    refusedWithRetryAfter(await search('10.4.0.1', b.headers));
    for (let i = 0; i < 2; i++) expect((await search('10.4.0.1', c.headers)).statusCode).toBe(200);
    // Five searches from the address: a third account there is refused, though its own count is untouched…
    refusedWithRetryAfter(await search('10.4.0.1', d.headers));
    // …and is served from another address.
    expect((await search('10.4.0.2', d.headers)).statusCode).toBe(200);

    // Anonymous visitors are counted by address (at the per-account figure).
    for (let i = 0; i < 3; i++) expect((await search('10.5.0.1')).statusCode).toBe(200);
    refusedWithRetryAfter(await search('10.5.0.1'));
    expect((await search('10.5.0.2')).statusCode).toBe(200);
  });

  it('upload: the same two counts, checked before the body is read', async () => {
    ctx = await createTestContext(dialect, { uploadRateLimitPerMinute: 2, uploadRateLimitPerIpPerMinute: 3 });
    const upload = async (remoteAddress: string, headers: Record<string, string>, seed: number) => {
      const body = multipart([{ name: 'files', filename: `f${seed}.png`, contentType: 'image/png', data: await pngBytes(seed) }]);
      return ctx!.server.inject({ method: 'POST', url: '/api/uploads', remoteAddress, headers: { ...headers, ...body.headers }, payload: body.payload });
    };
    const creator = await ctx.userWithRole('creator');
    expect((await upload('10.6.0.1', creator.headers, 1)).statusCode).toBe(200);
    expect((await upload('10.6.0.2', creator.headers, 2)).statusCode).toBe(200);
    const third = await upload('10.6.0.3', creator.headers, 3);
    refusedWithRetryAfter(third);
    const other = await ctx.userWithRole('creator');
    const another = await ctx.userWithRole('creator');
    expect((await upload('10.7.0.1', other.headers, 4)).statusCode).toBe(200);
    expect((await upload('10.7.0.1', other.headers, 5)).statusCode).toBe(200);
    expect((await upload('10.7.0.1', another.headers, 6)).statusCode).toBe(200);
    // Three uploads from the address: a fourth, by an account with none yet, is refused there.
    refusedWithRetryAfter(await upload('10.7.0.1', (await ctx.userWithRole('creator')).headers, 7));
    // The refused upload stored nothing.
    const works = await ctx.app.database.db.selectFrom('works').select('id').execute();
    expect(works).toHaveLength(5);
  });
});
