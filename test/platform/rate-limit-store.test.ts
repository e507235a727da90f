import net from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/server-process.js';
import { checkRateLimitStore } from '../../src/cli/doctor-checks.js';
import { loadConfig } from '../../src/platform/config.js';
import { openRateLimitStore } from '../../src/platform/rate-limit-store.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/** The Redis the shared rate-limit tests count in (database 15, away from anything else); CI starts one. */
export const TEST_REDIS_URL = process.env.WENYUAN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

/** Whether Redis answers; with WENYUAN_TEST_REQUIRE_REDIS=1 (CI) a missing one fails instead of skipping. */
export async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    if (process.env.WENYUAN_TEST_REQUIRE_REDIS === '1') throw new Error(`Redis is required for tests (WENYUAN_TEST_REQUIRE_REDIS=1) but ${TEST_REDIS_URL} is unreachable: ${String(error)}`);
    return false;
  } finally {
    probe.disconnect();
  }
}

const haveRedis = await redisAvailable();
if (!haveRedis) console.warn(`rate-limit-store.test.ts: shared-count tests skipped, no Redis at ${TEST_REDIS_URL}`);

// Counts live in Redis for a minute: each run uses addresses no earlier run used.
const net10 = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe('rate limits in a shared store', () => {
  const contexts: TestContext[] = [];
  afterEach(async () => {
    for (const ctx of contexts.splice(0)) await ctx.close();
  });

  it.skipIf(!haveRedis)('two servers count one visitor together, for the global, the search and the IIIF limits, each apart', async () => {
    const limits = { redisUrl: TEST_REDIS_URL, rateLimitPerMinute: 4, searchRateLimitPerMinute: 3, searchRateLimitPerIpPerMinute: 3, iiifRateLimitPerMinute: 2 };
    const a = await createTestContext('sqlite', limits);
    contexts.push(a);
    const b = await createTestContext('sqlite', limits);
    contexts.push(b);
    const servers = [a.server, b.server];

    const visitor = `${net10()}.1`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await servers[i % 2]!.inject({ method: 'GET', url: '/api/instance', remoteAddress: visitor })).statusCode);
    // In memory each server would have let 4 through (8 in all); together they let 4.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(await a.app.metrics.registry.getSingleMetricAsString('wenyuan_rate_limit_store_up')).toMatch(/wenyuan_rate_limit_store_up\{[^}]*\} 1/);
    const refused = await b.server.inject({ method: 'GET', url: '/api/instance', remoteAddress: visitor });
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited', key: 'rate_limited.requests' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Searches have their own count (per account and per address), shared the same way.
    const searcher = `${net10()}.2`;
    const searches: number[] = [];
    for (let i = 0; i < 4; i++) searches.push((await servers[i % 2]!.inject({ method: 'GET', url: `/api/works?q=x${i}`, remoteAddress: searcher })).statusCode);
    expect(searches).toEqual([200, 200, 200, 429]);

    // The IIIF mount counts in a space of its own: the API's refusals above do not spend it.
    const iiif = [];
    for (let i = 0; i < 3; i++) iiif.push((await servers[i % 2]!.inject({ method: 'GET', url: '/iiif/3/nothing/info.json', remoteAddress: visitor })).statusCode);
    expect(iiif[0]).not.toBe(429);
    expect(iiif[1]).not.toBe(429);
    expect(iiif[2]).toBe(429);
  });

  it('Redis refusing connections: requests pass at once (fail open) and one warning is logged', async () => {
    const closedPort = await freePort();
    const ctx = await createTestContext('sqlite', { redisUrl: `redis://127.0.0.1:${closedPort}`, rateLimitPerMinute: 2 });
    contexts.push(ctx);
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await ctx.server.inject({ method: 'GET', url: '/api/instance', remoteAddress: '10.250.0.1' })).statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await ctx.app.metrics.registry.getSingleMetricAsString('wenyuan_rate_limit_store_up')).toMatch(/wenyuan_rate_limit_store_up\{[^}]*\} 0/);

    const warnings: string[] = [];
    const store = openRateLimitStore(`redis://127.0.0.1:${closedPort}`, { logger: { warn: (_o, m) => warnings.push(m ?? ''), info: () => undefined } });
    await store.connect();
    await new Promise((r) => setTimeout(r, 700)); // a few reconnect attempts
    await store.close();
    expect(store.up()).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unreachable/);
  });

  it('Redis accepting connections but never answering: the server starts and requests pass within the timeouts', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const ctx = await createTestContext('sqlite', { redisUrl: `redis://127.0.0.1:${port}`, rateLimitPerMinute: 1 });
      contexts.push(ctx);
      const started = Date.now();
      for (let i = 0; i < 3; i++) expect((await ctx.server.inject({ method: 'GET', url: '/api/instance', remoteAddress: '10.250.0.2' })).statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('wenyuan doctor: the rate-limit store', () => {
  const config = (redisUrl: string) => loadConfig({ dataDir: '/tmp/wenyuan-doctor-unused', redisUrl }, {});
  it('says where limits are counted, and warns (not fails) when Redis does not answer', async () => {
    expect(await checkRateLimitStore(config(''))).toMatchObject({ level: 'ok', detail: { en: expect.stringMatching(/each process/) } });
    const away = await checkRateLimitStore(config(`redis://127.0.0.1:${await freePort()}`));
    expect(away).toMatchObject({ level: 'warn', fix: { en: expect.stringMatching(/WENYUAN_REDIS_URL/) } });
    if (haveRedis) expect(await checkRateLimitStore(config(TEST_REDIS_URL))).toMatchObject({ level: 'ok', detail: { en: expect.stringMatching(/shared/) } });
  });

  it('refuses a WENYUAN_REDIS_URL that is not a redis:// URL, naming the variable', () => {
    expect(() => loadConfig({ dataDir: '/tmp/x' }, { WENYUAN_REDIS_URL: 'localhost:6379' })).toThrow(/WENYUAN_REDIS_URL/);
  });
});

