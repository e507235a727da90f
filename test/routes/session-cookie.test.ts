import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/test-app.js';

// The session cookie as browsers get it. @fastify/cookie and light-my-request run on cookie 1.x here
// (package.json "overrides": cookie 2 wants Node 22), so its attributes are pinned down by a test.
describe.each([false, true])('session cookie (secure cookies: %s)', (secureCookies) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('sqlite', { secureCookies });
    await ctx.app.identity.createUser({ username: 'ada', password: 'right password 1', role: 'curator' });
  });
  afterAll(async () => ctx.close());

  const me = async (options: { headers?: Record<string, string>; cookies?: Record<string, string> }) =>
    (await ctx.server.inject({ method: 'GET', url: '/api/auth/me', ...options })).json() as { user: { username: string } | null };

  it('is set HttpOnly, SameSite=Lax, for the whole site, expiring, Secure when asked; read back; cleared at sign-out', async () => {
    const signIn = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ada', password: 'right password 1' } });
    expect(signIn.statusCode).toBe(200);
    const header = String(signIn.headers['set-cookie']);
    const match = /^wy_session=([^;]+); (.*)$/.exec(header);
    expect(match, header).not.toBeNull();
    const [, token, attributes] = match!;
    const parts = attributes!.split('; ');
    expect(parts).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax']));
    expect(parts.includes('Secure')).toBe(secureCookies);
    const expires = parts.find((part) => part.startsWith('Expires='));
    expect(Date.parse(expires!.slice('Expires='.length))).toBeGreaterThan(Date.now());

    // Parsed from a raw Cookie header (@fastify/cookie) and from inject's cookies option (light-my-request).
    expect((await me({ headers: { cookie: `other=1; wy_session=${token}` } })).user?.username).toBe('ada');
    expect((await me({ cookies: { wy_session: token! } })).user?.username).toBe('ada');

    const signOut = await ctx.server.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `wy_session=${token}`, 'x-wenyuan-csrf': '1' } });
    expect(signOut.statusCode).toBe(200);
    const cleared = String(signOut.headers['set-cookie']);
    expect(cleared).toMatch(/^wy_session=; /);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT|Max-Age=0/);
    expect((await me({ headers: { cookie: `wy_session=${token}` } })).user).toBeNull();
  });
});
