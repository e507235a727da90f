import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { base32Decode, totpAt } from '../../src/govern/totp.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

const PASSWORD = 'right password 1';
const CSRF = { 'x-wenyuan-csrf': '1' };

/**
 * Strong sign-in over HTTP on both databases: TOTP enrolment, the two-step sign-in with its precise
 * refusals (forged, replayed, expired, reused), recovery codes, throttling, one's sessions, and the
 * instance rule that makes staff enrol.
 */
describe.each(await testDialects())('strong sign-in (%s)', (dialect) => {
  let ctx: TestContext;
  let ipCounter = 0;
  // Time moves in whole 30-second steps where a test needs a fresh code.
  let offsetMs = 0;
  const now = () => realNow() + offsetMs;
  const realNow = Date.now.bind(Date);
  const advance = (steps: number) => {
    offsetMs += steps * 30_000;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    vi.spyOn(Date, 'now').mockImplementation(() => now());
  });
  afterEach(() => advance(2));
  afterAll(async () => {
    vi.restoreAllMocks();
    await ctx?.close();
  });

  const freshIp = () => `198.51.100.${++ipCounter}`;
  const login = (username: string, password = PASSWORD, ip = freshIp()) =>
    ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip, headers: { 'user-agent': 'TestBrowser/1.0' } });
  const loginMfa = (payload: Record<string, string>, ip = freshIp()) => ctx.server.inject({ method: 'POST', url: '/api/auth/login/mfa', payload, remoteAddress: ip });
  const cookieOf = (response: { headers: Record<string, unknown> }): string => /wy_session=([^;]+)/.exec(String(response.headers['set-cookie']))![1]!;
  const as = (cookie: string) => ({ cookie: `wy_session=${cookie}`, ...CSRF });
  const errorKey = (response: { json: () => unknown }) => (response.json() as { error: { key: string } }).error.key;

  async function newUser(role: 'admin' | 'curator' | 'licensee' = 'curator'): Promise<{ username: string; id: string }> {
    const username = `u${Math.random().toString(36).slice(2, 9)}`;
    const user = await ctx.app.identity.createUser({ username, password: PASSWORD, role });
    return { username, id: user.id };
  }

  /** Enrols TOTP for a fresh user; returns the secret, the recovery codes and a session cookie. */
  async function enrolled(role: 'admin' | 'curator' | 'licensee' = 'curator') {
    const user = await newUser(role);
    const cookie = cookieOf(await login(user.username));
    const start = await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp', headers: as(cookie) });
    expect(start.statusCode).toBe(200);
    const { secret, uri } = start.json() as { secret: string; uri: string };
    expect(uri).toContain(`secret=${secret}`);
    const key = base32Decode(secret);
    const confirm = await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp/confirm', headers: as(cookie), payload: { code: totpAt(key, now()) } });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json() as { recoveryCodes: string[] };
    advance(1);
    return { ...user, key, recoveryCodes, cookie };
  }

  it('enrols: pending until a right code, 10 recovery codes once, secret not stored in plain text', async () => {
    const user = await newUser();
    const cookie = cookieOf(await login(user.username));
    const start = await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp', headers: as(cookie) });
    const { secret } = start.json() as { secret: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const status = await ctx.server.inject({ method: 'GET', url: '/api/account/mfa', headers: as(cookie) });
    expect(status.json()).toEqual({ enabled: false, pending: true, recoveryCodesLeft: 0, required: false, hasPasskey: false });
    const stored = await ctx.app.database.db.selectFrom('user_totp').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain(secret);

    const wrong = await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp/confirm', headers: as(cookie), payload: { code: '000000' } });
    expect(wrong.statusCode).toBe(401);
    expect(errorKey(wrong)).toBe('auth.mfa_code_invalid');
    const right = await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp/confirm', headers: as(cookie), payload: { code: totpAt(base32Decode(secret), now()) } });
    const codes = (right.json() as { recoveryCodes: string[] }).recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const again = await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp', headers: as(cookie) });
    expect(again.statusCode).toBe(409);
    expect(errorKey(again)).toBe('auth.mfa_already_enabled');
    expect((await ctx.server.inject({ method: 'GET', url: '/api/account/mfa', headers: as(cookie) })).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
  });

  it('signs in in two steps; no session before the code; forged and replayed codes are refused precisely', async () => {
    const user = await enrolled();
    const first = await login(user.username);
    expect(first.statusCode).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    const { mfaRequired, challenge } = first.json() as { mfaRequired: boolean; challenge: string };
    expect(mfaRequired).toBe(true);

    const forged = await loginMfa({ challenge, code: '123456' });
    expect(forged.statusCode).toBe(401);
    expect(errorKey(forged)).toBe('auth.mfa_code_invalid');

    const code = totpAt(user.key, now());
    const ok = await loginMfa({ challenge, code });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as { user: { username: string } }).user.username).toBe(user.username);
    const me = await ctx.server.inject({ method: 'GET', url: '/api/auth/me', headers: as(cookieOf(ok)) });
    expect((me.json() as { user: { id: string } }).user.id).toBe(user.id);

    // The same code on a new challenge: replayed. The used challenge: gone.
    const second = (await login(user.username)).json() as { challenge: string };
    const replay = await loginMfa({ challenge: second.challenge, code });
    expect(errorKey(replay)).toBe('auth.mfa_replayed');
    const reuse = await loginMfa({ challenge, code: totpAt(user.key, now() + 30_000) });
    expect(errorKey(reuse)).toBe('auth.mfa_challenge_invalid');
  });

  it('refuses an expired challenge', async () => {
    const user = await enrolled();
    const { challenge } = (await login(user.username)).json() as { challenge: string };
    advance(11); // 5.5 minutes
    const late = await loginMfa({ challenge, code: totpAt(user.key, now()) });
    expect(late.statusCode).toBe(401);
    expect(errorKey(late)).toBe('auth.mfa_challenge_invalid');
  });

  it('takes a recovery code once', async () => {
    const user = await enrolled();
    const recovery = user.recoveryCodes[3]!;
    const { challenge } = (await login(user.username)).json() as { challenge: string };
    expect((await loginMfa({ challenge, recoveryCode: recovery.toUpperCase() })).statusCode).toBe(200);
    const next = (await login(user.username)).json() as { challenge: string };
    const burnt = await loginMfa({ challenge: next.challenge, recoveryCode: recovery });
    expect(burnt.statusCode).toBe(401);
    expect(errorKey(burnt)).toBe('auth.recovery_code_invalid');
  });

  it('throttles wrong codes per account like wrong passwords, with Retry-After', async () => {
    const user = await enrolled();
    const ip = freshIp();
    const { challenge } = (await login(user.username, PASSWORD, ip)).json() as { challenge: string };
    const statuses: number[] = [];
    let last = null as null | Awaited<ReturnType<typeof loginMfa>>;
    for (let i = 0; i < 9; i++) {
      last = await loginMfa({ challenge, code: String(100000 + i) }, ip);
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 6).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // The right password again does not reset the count of wrong codes.
    const again = (await login(user.username, PASSWORD, ip)).json() as { challenge: string };
    expect((await loginMfa({ challenge: again.challenge, code: '999999' }, ip)).statusCode).toBe(429);
  });

  it('turns two-factor off only with a code or the password', async () => {
    const user = await enrolled();
    const none = await ctx.server.inject({ method: 'DELETE', url: '/api/account/mfa/totp', headers: as(user.cookie), payload: {} });
    expect(errorKey(none)).toBe('auth.mfa_proof_required');
    const wrong = await ctx.server.inject({ method: 'DELETE', url: '/api/account/mfa/totp', headers: as(user.cookie), payload: { password: 'nope nope nope' } });
    expect(errorKey(wrong)).toBe('auth.current_password_wrong');
    const ok = await ctx.server.inject({ method: 'DELETE', url: '/api/account/mfa/totp', headers: as(user.cookie), payload: { code: totpAt(user.key, now()) } });
    expect(ok.statusCode).toBe(200);
    expect((await login(user.username)).json()).toHaveProperty('user');
  });

  it('lists my sessions, marks this one, revokes another; a password change ends all others', async () => {
    const user = await newUser();
    const a = cookieOf(await login(user.username));
    const b = cookieOf(await login(user.username));
    const c = cookieOf(await login(user.username));
    const list = await ctx.server.inject({ method: 'GET', url: '/api/account/sessions', headers: as(a) });
    const items = (list.json() as { items: { id: string; current: boolean; userAgent: string; ip: string }[] }).items;
    expect(items).toHaveLength(3);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(items[0]!.userAgent).toBe('TestBrowser/1.0');
    expect(items.every((s) => !s.id.startsWith('wys'))).toBe(true);

    const other = items.find((s) => !s.current)!;
    expect((await ctx.server.inject({ method: 'DELETE', url: `/api/account/sessions/${other.id}`, headers: as(a) })).statusCode).toBe(200);
    expect((await ctx.server.inject({ method: 'DELETE', url: `/api/account/sessions/${other.id}`, headers: as(a) })).statusCode).toBe(404);
    const stranger = await newUser();
    const strangerCookie = cookieOf(await login(stranger.username));
    const mine = (await ctx.server.inject({ method: 'GET', url: '/api/account/sessions', headers: as(a) })).json() as { items: { id: string; current: boolean }[] };
    const notTheirs = await ctx.server.inject({ method: 'DELETE', url: `/api/account/sessions/${mine.items.find((s) => s.current)!.id}`, headers: as(strangerCookie) });
    expect(notTheirs.statusCode).toBe(404);

    const change = await ctx.server.inject({ method: 'POST', url: '/api/auth/password', headers: as(a), payload: { current: PASSWORD, next: 'a new password 2' } });
    expect(change.statusCode).toBe(200);
    const who = async (cookie: string) => ((await ctx.server.inject({ method: 'GET', url: '/api/auth/me', headers: as(cookie) })).json() as { user: unknown }).user;
    expect(await who(a)).not.toBeNull();
    expect(await who(b)).toBeNull();
    expect(await who(c)).toBeNull();
  });

  it('when the instance requires two-factor of admins, an admin without it can only enrol; API tokens keep working', async () => {
    const admin = await ctx.userWithRole('admin');
    const setPolicy = (roles: string[]) => ctx.server.inject({ method: 'PUT', url: '/api/security/two-factor-policy', headers: admin.headers, payload: { roles } });
    const bad = await setPolicy(['viewer']);
    expect(bad.statusCode).toBe(400);
    expect((await setPolicy(['admin'])).json()).toEqual({ roles: ['admin'] });
    try {
      const newcomer = await newUser('admin');
      const cookie = cookieOf(await login(newcomer.username));
      const users = await ctx.server.inject({ method: 'GET', url: '/api/users', headers: as(cookie) });
      expect(users.statusCode).toBe(403);
      expect(errorKey(users)).toBe('auth.mfa_enrolment_required');
      expect((await ctx.server.inject({ method: 'GET', url: '/api/account/mfa', headers: as(cookie) })).json()).toMatchObject({ enabled: false, required: true });
      // A curator is not covered by this rule.
      const curator = await newUser('curator');
      const curatorCookie = cookieOf(await login(curator.username));
      expect((await ctx.server.inject({ method: 'GET', url: '/api/auth/tokens', headers: as(curatorCookie) })).statusCode).toBe(200);
      // Enrolling lifts the limit on the same session.
      const { secret } = (await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp', headers: as(cookie) })).json() as { secret: string };
      await ctx.server.inject({ method: 'POST', url: '/api/account/mfa/totp/confirm', headers: as(cookie), payload: { code: totpAt(base32Decode(secret), now()) } });
      expect((await ctx.server.inject({ method: 'GET', url: '/api/users', headers: as(cookie) })).statusCode).toBe(200);
      // The policy's admin used a token: unaffected.
      expect((await ctx.server.inject({ method: 'GET', url: '/api/users', headers: admin.headers })).statusCode).toBe(200);
    } finally {
      await setPolicy([]);
    }
  });
});
