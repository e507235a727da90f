import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/** The value of one sample line of a Prometheus text page (`name{labels} value`), or null. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && line !== name && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

describe.each(await testDialects())('operability: probes, metrics and request ids (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('answers /healthz and /readyz with what was checked', async () => {
    const health = await ctx.server.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await ctx.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: [{ name: 'database', ok: true }, { name: 'blob store', ok: true }] });
  });

  it('reports requests by route pattern (never the raw URL), the job queue, pools and the log', async () => {
    const { headers } = await ctx.userWithRole('curator');
    await ctx.server.inject({ method: 'GET', url: '/api/works?q=anything-unique-xyz', headers });
    await ctx.server.inject({ method: 'GET', url: '/api/works/does-not-exist', headers });
    await ctx.app.jobs.enqueue(ctx.app.database.db, 'test.metrics-probe', {}, { runAt: new Date(Date.now() - 60_000) });
    const res = await ctx.server.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(sample(text, 'wenyuan_http_request_duration_seconds_count', { method: 'GET', route: '/api/works', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wenyuan_http_request_duration_seconds_count', { route: '/api/works/:id', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('anything-unique-xyz');
    expect(text).not.toContain('does-not-exist');
    expect(sample(text, 'wenyuan_jobs', { kind: 'test.metrics-probe', status: 'queued' })).toBe(1);
    expect(sample(text, 'wenyuan_jobs_oldest_due_seconds', { kind: 'test.metrics-probe' })).toBeGreaterThanOrEqual(59);
    expect(sample(text, 'wenyuan_db_pool_connections', { pool: 'write', state: 'size' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wenyuan_registry_entries', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'wenyuan_process_resident_memory_bytes', {})).toBeGreaterThan(0);
    // The blob store's calls are timed (the readiness probe asked it whether a blob exists).
    expect(sample(text, 'wenyuan_blob_store_duration_seconds_count', { op: 'has', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('refuses /metrics through a proxy without the token', async () => {
    const res = await ctx.server.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'forbidden', key: 'forbidden.metrics' } });
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await ctx.server.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-7f3a.42' } });
    expect(given.headers['x-request-id']).toBe('lb-7f3a.42');
    const hostile = await ctx.server.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await ctx.server.inject({ method: 'GET', url: '/api/health' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics behind a token', async () => {
  const [dialect] = await testDialects();
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect!, { metricsToken: 's3cret-scrape-token' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('answers only the bearer of the configured token, wherever it connects from', async () => {
    expect((await ctx.server.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(403);
    expect((await ctx.server.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-of-same-len' } })).statusCode).toBe(403);
    const ok = await ctx.server.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer s3cret-scrape-token', 'x-forwarded-for': '203.0.113.9' } });
    expect(ok.statusCode).toBe(200);
  });
});
