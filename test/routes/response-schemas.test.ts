import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userSchema } from '../../src/govern/identity.contract.js';
import type { Api } from '../../src/platform/http/api.js';
import { buildServer, type Server } from '../../src/platform/http/server.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, type TestUser } from './route-helpers.js';

/**
 * Every answer passes its route's response schema on the way out: a value that breaks it is refused
 * as a 500 `internal` that carries none of the value, and the log names the route and the fields;
 * fields the schema does not name are dropped rather than sent.
 */

describe.each(await testDialects())('response schemas (%s)', (dialect) => {
  let ctx: TestContext;
  let server: Server;
  let admin: TestUser;
  const logLines: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    // The application's routes plus one that answers with more than its schema names.
    const leaky = (api: Api) => {
      api.get('/test/leaky-user', { schema: { response: { 200: userSchema } } }, async () => ({
        ...(await ctx.app.identity.getUser(admin.id)),
        passwordHash: '$argon2id$secret-hash',
      }));
    };
    const logger = { level: 'error', stream };
    server = await buildServer({ ...ctx.app.http, routes: [...ctx.app.http.routes, leaky] }, { logger, webRoot: null });
    await server.ready();
    admin = await makeUser(ctx, 'admin');
  });

  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  it('refuses an answer that breaks its schema with a 500 internal that leaks nothing', async () => {
    // A row the code never writes (a role the server does not know), as a bad migration or hand edit would leave.
    const odd = await makeUser(ctx, 'curator', 'odd-one');
    await ctx.app.database.db.updateTable('users').set({ role: 'emperor' }).where('id', '=', odd.id).execute();
    logLines.length = 0;

    const res = await server.inject({ method: 'GET', url: '/api/users', headers: admin.headers });

    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', key: 'internal', message: 'internal error; the server log has the details' } });
    for (const secret of [odd.username, admin.username, 'emperor', odd.id]) expect(res.body).not.toContain(secret);

    const logged = logLines.map((line) => JSON.parse(line) as { reqId?: string; route?: string; issues?: { path: string; message: string }[]; msg: string }).find((line) => line.route);
    expect(logged?.route).toBe('GET /api/users');
    expect(typeof logged?.reqId).toBe('string');
    expect(logged?.msg).toContain(`(request ${logged?.reqId})`);
    expect(logged?.issues?.some((issue) => /^items\.\d+\.role$/.test(issue.path))).toBe(true);
    expect(logged?.msg).toContain('does not match its schema');

    await ctx.app.database.db.updateTable('users').set({ role: 'curator' }).where('id', '=', odd.id).execute();
    expect((await server.inject({ method: 'GET', url: '/api/users', headers: admin.headers })).statusCode).toBe(200);
  });

  it('drops fields the schema does not name instead of sending them', async () => {
    const res = await server.inject({ method: 'GET', url: '/api/test/leaky-user' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: admin.id, username: admin.username, role: 'admin' });
    expect(res.body).not.toContain('passwordHash');
    expect(res.body).not.toContain('secret-hash');
  });

  it('declares a response for every API route: a named JSON schema or a media type, and the error body', () => {
    const document = server.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      if (path.startsWith('/api/test/')) continue;
      for (const [method, { responses }] of Object.entries(operations)) {
        // A redirect is the success of a base URI (IIIF's /iiif/3/{identifier} → info.json).
        const success = Object.entries(responses).filter(([status]) => /^(2\d\d|303)$/.test(status));
        // 204 No Content has no body to describe (RFC 9110 §15.3.5).
        if (success.length === 0 || success.some(([status, response]) => status !== '204' && !Object.values(response.content ?? {}).some((media) => media.schema))) missing.push(`${method.toUpperCase()} ${path}: success`);
        for (const status of ['4XX', '5XX']) {
          if (JSON.stringify(responses[status]?.content?.['application/json']?.schema) !== JSON.stringify({ $ref: '#/components/schemas/ErrorBody' })) missing.push(`${method.toUpperCase()} ${path}: ${status}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
