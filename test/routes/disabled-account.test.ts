import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, TEST_PASSWORD, type TestUser } from './route-helpers.js';

/**
 * Disabling an account ends its access for good: its API tokens are revoked and its sessions end,
 * and enabling the account again gives back the account — not the credentials it had (a token
 * copied into a script by someone who left must not start working again when the account is reused).
 */
describe.each(await testDialects())('disabling an account (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
  });
  afterAll(async () => ctx?.close());

  const me = async (headers: Record<string, string>) => {
    const res = await ctx.server.inject({ method: 'GET', url: '/api/auth/me', headers });
    return { status: res.statusCode, user: res.statusCode === 200 ? (res.json() as { user: { username: string } | null }).user : null };
  };
  const setDisabled = async (id: string, disabled: boolean) => {
    const res = await ctx.server.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: admin.headers, payload: { disabled } });
    expect(res.statusCode, res.body).toBe(200);
  };

  it('revokes its API tokens and sessions, and re-enabling does not revive them', async () => {
    const user = await makeUser(ctx, 'creator');
    const second = await ctx.app.identity.createApiToken(user.id, 'backup script');
    const signIn = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
    expect(signIn.statusCode).toBe(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    expect((await me(user.headers)).user?.username).toBe(user.username);
    expect((await me({ cookie })).user?.username).toBe(user.username);

    await setDisabled(user.id, true);
    expect((await me(user.headers)).status).toBe(401);
    expect((await me({ authorization: `Bearer ${second.token}` })).status).toBe(401);
    expect((await me({ cookie })).user).toBeNull();

    await setDisabled(user.id, false);
    // The old credentials stay dead (the old code let both tokens work again here).
    expect((await me(user.headers)).status).toBe(401);
    expect((await me({ authorization: `Bearer ${second.token}` })).status).toBe(401);
    expect((await me({ cookie })).user).toBeNull();
    // The person signs in again and makes new tokens; the old ones are listed as revoked.
    const again = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
    expect(again.statusCode).toBe(200);
    const fresh = await ctx.app.identity.createApiToken(user.id, 'new script');
    expect((await me({ authorization: `Bearer ${fresh.token}` })).user?.username).toBe(user.username);
    const tokens = await ctx.app.identity.listApiTokens(user.id);
    expect(tokens.filter((t) => t.revoked).map((t) => t.name).sort()).toEqual(['backup script', 'test']);
  });

  it('a sign-in racing with the disable gets no session that outlives it', async () => {
    const user = await makeUser(ctx, 'creator');
    // The password check takes tens of milliseconds; disabling lands before, during or after it.
    for (let delay = 0; delay <= 60; delay += 6) {
      const signIn = ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD }, remoteAddress: `10.77.0.${delay}` });
      await new Promise((resolve) => setTimeout(resolve, delay));
      await ctx.app.identity.updateUser(user.id, { disabled: true });
      const answered = await signIn;
      await ctx.app.identity.updateUser(user.id, { disabled: false });
      if (answered.statusCode === 200) {
        const cookie = String(answered.headers['set-cookie']).split(';')[0]!;
        expect((await me({ cookie })).user, `disabled ${delay} ms into the sign-in`).toBeNull();
      } else {
        expect(answered.statusCode).toBe(401);
      }
    }
  });

  it('leaves other accounts’ tokens alone', async () => {
    const kept = await makeUser(ctx, 'creator');
    const gone = await makeUser(ctx, 'creator');
    await setDisabled(gone.id, true);
    expect((await me(kept.headers)).user?.username).toBe(kept.username);
  });
});
