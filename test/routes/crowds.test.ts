import { afterEach, describe, expect, it } from 'vitest';
import { Admission } from '../../src/platform/admission.js';
import { AppError } from '../../src/platform/errors.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * What a crowd or one hostile client must not do to the server (issue 10, items 1 and 9): flood
 * it past per-visitor limits, queue unbounded searches, page a million rows deep, or stall it with
 * one JSON body of 150,000 keys.
 */

interface ErrorJson {
  error: { code: string; key: string; params: Record<string, unknown>; details?: unknown[]; message: string };
}

describe.each(await testDialects())('crowds and hostile bodies (%s)', (dialect) => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('refuses a JSON body of 150,000 keys at once, with a short answer (it stalled the server and answered 31 MB)', async () => {
    ctx = await createTestContext(dialect);
    const creator = await ctx.userWithRole('creator');
    const title: Record<string, string> = {};
    for (let i = 0; i < 150_000; i++) title[`k${i}`] = 'x';
    const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: { ...creator.headers, 'content-type': 'application/json' }, payload: JSON.stringify({ metadata: { title, creators: [] } }) });
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(2_000);
    const body = res.json() as ErrorJson;
    expect(body.error.key).toBe('invalid_input.too_complex');
    expect(body.error.params).toMatchObject({ maxKeys: 2000 });
  });

  it('reports at most 20 problems of a body with a thousand bad values, and says how many fields', async () => {
    ctx = await createTestContext(dialect);
    const creator = await ctx.userWithRole('creator');
    const title: Record<string, string> = {};
    for (let i = 0; i < 1_500; i++) title[`not a language tag ${i} ${'x'.repeat(200)}`] = 'x';
    const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: creator.headers, payload: { metadata: { title, creators: [] } } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as ErrorJson;
    expect(body.error.key).toBe('invalid_input.fields');
    expect(body.error.details!.length).toBeLessThanOrEqual(20);
    expect(res.body.length).toBeLessThan(30_000);
  });

  it('refuses nesting deeper than the limit before validating it', async () => {
    ctx = await createTestContext(dialect);
    const creator = await ctx.userWithRole('creator');
    const deep = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: { ...creator.headers, 'content-type': 'application/json' }, payload: `{"metadata":${deep}}` });
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorJson).error.key).toBe('invalid_input.too_complex');
  });

  it('answers 429 with Retry-After past the per-visitor limit, counting each address and each account apart', async () => {
    ctx = await createTestContext(dialect, { rateLimitPerMinute: 5 });
    const ask = (remoteAddress: string, headers: Record<string, string> = {}) => ctx!.server.inject({ method: 'GET', url: '/api/collections', remoteAddress, headers });
    for (let i = 0; i < 5; i++) expect((await ask('10.1.1.1')).statusCode).toBe(200);
    const refused = await ask('10.1.1.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const body = refused.json() as ErrorJson;
    expect(body.error).toMatchObject({ code: 'rate_limited', key: 'rate_limited.requests' });
    expect(body.error.params.retryAfterSeconds).toBeGreaterThan(0);
    // Another visitor is not affected, nor a signed-in user behind the same address.
    expect((await ask('10.1.1.2')).statusCode).toBe(200);
    const user = await ctx.userWithRole('creator');
    expect((await ask('10.1.1.1', user.headers)).statusCode).toBe(200);
    // Monitoring is never limited.
    expect((await ctx.server.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.1.1.1' })).statusCode).toBe(200);
  });

  it('gives search its own, tighter limit', async () => {
    ctx = await createTestContext(dialect, { searchRateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await ctx.server.inject({ method: 'GET', url: `/api/works?q=a${i}`, remoteAddress: '10.2.2.2' })).statusCode).toBe(200);
    expect((await ctx.server.inject({ method: 'GET', url: '/api/works?q=b', remoteAddress: '10.2.2.2' })).statusCode).toBe(429);
    expect((await ctx.server.inject({ method: 'GET', url: '/api/collections', remoteAddress: '10.2.2.2' })).statusCode).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy (behind a proxy every visitor had one address)', async () => {
    ctx = await createTestContext(dialect, { rateLimitPerMinute: 2, trustedProxies: '127.0.0.1' });
    const viaProxy = (visitor: string) => ctx!.server.inject({ method: 'GET', url: '/api/collections', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': visitor } });
    for (const visitor of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.3']) expect((await viaProxy(visitor)).statusCode).toBe(200);
    expect((await viaProxy('203.0.113.1')).statusCode).toBe(429);
    // A client that is not a trusted proxy cannot pick its own address to escape the limit.
    const direct = (claimed: string) => ctx!.server.inject({ method: 'GET', url: '/api/collections', remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': claimed } });
    expect((await direct('1.1.1.1')).statusCode).toBe(200);
    expect((await direct('2.2.2.2')).statusCode).toBe(200);
    expect((await direct('3.3.3.3')).statusCode).toBe(429);
  });

  it('refuses paging past 10,000 results with a reason', async () => {
    ctx = await createTestContext(dialect);
    const res = await ctx.server.inject({ method: 'GET', url: '/api/works?page=101&pageSize=100' });
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorJson).error).toMatchObject({ key: 'catalogue.page_too_deep', params: { maxResults: 10_000 } });
    expect((await ctx.server.inject({ method: 'GET', url: '/api/works?page=100&pageSize=100' })).statusCode).toBe(200);
  });

  it('shares one search among identical anonymous requests, and never serves it after the catalogue changed', async () => {
    ctx = await createTestContext(dialect, { searchRateLimitPerMinute: 0 });
    const curator = await ctx.userWithRole('curator');
    const search = async () => (await ctx!.server.inject({ method: 'GET', url: `/api/works?q=${encodeURIComponent('溪山')}` })).json() as { total: number };
    const answers = await Promise.all(Array.from({ length: 10 }, search));
    expect(answers.every((a) => a.total === 0)).toBe(true);
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: curator.headers, payload: { metadata: { title: { 'zh-Hans': '溪山行旅图' }, creators: [] }, visibility: 'public' } });
    expect(created.statusCode, created.body).toBe(201);
    expect((await search()).total).toBe(1);
  });
});

describe('admission of heavy reads', () => {
  it('runs at most its concurrency, queues a bounded number and refuses the rest with busy', async () => {
    const admission = new Admission(1, 1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = admission.run(() => gate);
    const waiting = admission.run(async () => 'second');
    const refused = await admission.run(async () => 'third').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).key).toBe('busy.queue_full');
    release();
    await running;
    expect(await waiting).toBe('second');
    expect(await admission.run(async () => 'later')).toBe('later');
    expect(admission.stats.peakRunning).toBe(1);
  });
});
