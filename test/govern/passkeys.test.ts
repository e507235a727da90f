import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDialects } from '../support/databases.js';
import { SoftAuthenticator, type CeremonyOptions } from '../support/soft-authenticator.js';
import { createTestContext, TEST_PUBLIC_URL, type TestContext } from '../support/test-app.js';

const PASSWORD = 'right password 1';
const CSRF = { 'x-wenyuan-csrf': '1' };
const RP_ID = new URL(TEST_PUBLIC_URL).hostname;

/**
 * Passkeys over HTTP on both databases, with real WebAuthn ceremonies played by a software
 * authenticator: registering, the second step and passwordless sign-in, and each refusal
 * (reused, expired or unknown challenge, another origin, another RP ID, a counter that went back,
 * no user verification) leaving nothing half done; removal under the two-factor rule; an admin's
 * reset of someone's second factors.
 */
describe.each(await testDialects())('passkeys (%s)', (dialect) => {
  let ctx: TestContext;
  let ipCounter = 0;
  let offsetMs = 0;
  const realNow = Date.now.bind(Date);

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await ctx?.close();
  });

  const freshIp = () => `203.0.113.${++ipCounter % 250}`;
  const cookieOf = (response: { headers: Record<string, unknown> }): string => /wy_session=([^;]+)/.exec(String(response.headers['set-cookie']))![1]!;
  const as = (cookie: string) => ({ cookie: `wy_session=${cookie}`, ...CSRF });
  const errorKey = (response: { json: () => unknown }) => (response.json() as { error: { key: string } }).error.key;
  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    ctx.server.inject({ method: 'POST', url, headers, remoteAddress: freshIp(), ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  const login = (username: string) => post('/api/auth/login', { username, password: PASSWORD });

  async function newUser(role: 'admin' | 'curator' | 'licensee' = 'curator') {
    const username = `p${Math.random().toString(36).slice(2, 9)}`;
    const user = await ctx.app.identity.createUser({ username, password: PASSWORD, role });
    const cookie = cookieOf(await login(username));
    return { username, id: user.id, cookie, authenticator: new SoftAuthenticator({ origin: TEST_PUBLIC_URL, rpId: RP_ID }) };
  }
  type Person = Awaited<ReturnType<typeof newUser>>;

  const registrationOptions = async (cookie: string) => {
    const response = await post('/api/account/passkeys/options', undefined, as(cookie));
    expect(response.statusCode).toBe(200);
    return (response.json() as { options: CeremonyOptions }).options;
  };

  async function withPasskey(role: 'admin' | 'curator' | 'licensee' = 'curator', person?: Person) {
    const user = person ?? (await newUser(role));
    const options = await registrationOptions(user.cookie);
    const added = await post('/api/account/passkeys', { name: 'Laptop', response: user.authenticator.create(options) }, as(user.cookie));
    expect(added.statusCode, added.body).toBe(200);
    return { ...user, passkeyId: (added.json() as { id: string }).id };
  }

  const signInOptions = async (challenge?: string) => {
    const response = await post('/api/auth/passkey/options', challenge ? { challenge } : undefined);
    expect(response.statusCode).toBe(200);
    return (response.json() as { options: CeremonyOptions }).options;
  };

  const counterOf = async (passkeyId: string) => Number((await ctx.app.database.db.selectFrom('user_passkeys').select('counter').where('id', '=', passkeyId).executeTakeFirstOrThrow()).counter);
  const sessionsOf = async (userId: string) => (await ctx.app.database.db.selectFrom('sessions').select('token_hash').where('user_id', '=', userId).execute()).length;

  it('registers a passkey (named, listed, renamed), recorded in the audit trail', async () => {
    const user = await newUser();
    const options = await registrationOptions(user.cookie);
    expect(options).toMatchObject({ rp: { id: RP_ID }, authenticatorSelection: { residentKey: 'required' } });
    const added = await post('/api/account/passkeys', { name: ' Phone ', response: user.authenticator.create(options) }, as(user.cookie));
    expect(added.statusCode).toBe(200);
    const passkey = added.json() as { id: string; name: string; lastUsedAt: string | null };
    expect(passkey).toMatchObject({ name: 'Phone', lastUsedAt: null });

    const list = await ctx.server.inject({ method: 'GET', url: '/api/account/passkeys', headers: as(user.cookie) });
    expect((list.json() as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([passkey.id]);
    const renamed = await ctx.server.inject({ method: 'PATCH', url: `/api/account/passkeys/${passkey.id}`, headers: as(user.cookie), payload: { name: 'Work phone' } });
    expect(renamed.json()).toMatchObject({ name: 'Work phone' });
    // Another person cannot rename it.
    const other = await newUser();
    const foreign = await ctx.server.inject({ method: 'PATCH', url: `/api/account/passkeys/${passkey.id}`, headers: as(other.cookie), payload: { name: 'Mine' } });
    expect(foreign.statusCode).toBe(404);

    const records = await ctx.app.audit.list({ action: 'auth.passkey_add', actor: user.id }, 10);
    expect(records.items).toHaveLength(1);
    expect(JSON.parse(records.items[0]!.details)).toEqual({ passkey: passkey.id });

    // Options listing the passkey as excluded, so the browser does not register it twice.
    const again = await registrationOptions(user.cookie);
    expect((again as { excludeCredentials?: { id: string }[] }).excludeCredentials?.map((c) => c.id)).toEqual([user.authenticator.credentials[0]!.id]);
  });

  it('refuses a reused, an expired and an unknown registration challenge, storing nothing', async () => {
    const user = await newUser();
    const options = await registrationOptions(user.cookie);
    const answer = user.authenticator.create(options);
    expect((await post('/api/account/passkeys', { name: 'One', response: answer }, as(user.cookie))).statusCode).toBe(200);
    const reused = await post('/api/account/passkeys', { name: 'Two', response: user.authenticator.create(options) }, as(user.cookie));
    expect(reused.statusCode).toBe(401);
    expect(errorKey(reused)).toBe('auth.passkey_challenge_used');

    const late = await registrationOptions(user.cookie);
    offsetMs += 6 * 60_000;
    const expired = await post('/api/account/passkeys', { name: 'Late', response: user.authenticator.create(late) }, as(user.cookie));
    expect(errorKey(expired)).toBe('auth.passkey_challenge_expired');
    const unknown = await post('/api/account/passkeys', { name: 'Made up', response: user.authenticator.create({ ...late, challenge: Buffer.from('made up').toString('base64url') }) }, as(user.cookie));
    expect(errorKey(unknown)).toBe('auth.passkey_challenge_unknown');
    // Another person's challenge is, for me, one that never existed.
    const other = await newUser();
    const theirs = await registrationOptions(other.cookie);
    expect(errorKey(await post('/api/account/passkeys', { name: 'Theirs', response: user.authenticator.create(theirs) }, as(user.cookie)))).toBe('auth.passkey_challenge_unknown');
    expect((await ctx.app.passkeys.list(user.id)).map((p) => p.name)).toEqual(['One']);
  });

  it('refuses a registration from another origin or for another RP ID', async () => {
    const user = await newUser();
    const phished = await post('/api/account/passkeys', { name: 'Phished', response: user.authenticator.create(await registrationOptions(user.cookie), { origin: 'https://museum.test.evil.example' }) }, as(user.cookie));
    expect(phished.statusCode).toBe(401);
    expect(phished.json()).toMatchObject({ error: { key: 'auth.passkey_origin_mismatch', params: { origin: 'https://museum.test.evil.example' } } });
    const otherRp = await post('/api/account/passkeys', { name: 'Other RP', response: user.authenticator.create(await registrationOptions(user.cookie), { rpId: 'evil.example' }) }, as(user.cookie));
    expect(errorKey(otherRp)).toBe('auth.passkey_rp_mismatch');
    expect(await ctx.app.passkeys.list(user.id)).toEqual([]);
  });

  it('signs in with a passkey as the second step after the password, recorded with the factor', async () => {
    const user = await withPasskey();
    const first = await login(user.username);
    const step = first.json() as { mfaRequired: boolean; challenge: string; factors: string[] };
    expect(step).toMatchObject({ mfaRequired: true, factors: ['passkey'] });
    expect(String(first.headers['set-cookie'] ?? '')).not.toContain('wy_session');

    const options = await signInOptions(step.challenge);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([user.authenticator.credentials[0]!.id]);
    const answer = user.authenticator.get(options);
    const done = await post('/api/auth/passkey', { challenge: step.challenge, response: answer });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ user: { id: user.id } });
    const me = await ctx.server.inject({ method: 'GET', url: '/api/auth/me', headers: as(cookieOf(done)) });
    expect(me.json()).toMatchObject({ user: { id: user.id } });
    const records = await ctx.app.audit.list({ action: 'auth.sign_in', actor: user.id }, 10);
    expect(records.items.map((r) => JSON.parse(r.details) as Record<string, string>)).toContainEqual({ factor: 'passkey', step: 'second' });
    expect(await counterOf(user.passkeyId)).toBe(1);

    // The same answer again: the password step is over; after a new one, the passkey's challenge is used.
    expect(errorKey(await post('/api/auth/passkey', { challenge: step.challenge, response: answer }))).toBe('auth.mfa_challenge_invalid');
    const again = (await login(user.username)).json() as { challenge: string };
    const replay = await post('/api/auth/passkey', { challenge: again.challenge, response: answer });
    expect(errorKey(replay)).toBe('auth.passkey_challenge_used');
  });

  it('refuses the second step with another account’s passkey, and a passkey challenge of another password step', async () => {
    const user = await withPasskey();
    const intruder = await withPasskey();
    const step = (await login(user.username)).json() as { challenge: string };
    const options = await signInOptions(step.challenge);
    const foreign = await post('/api/auth/passkey', { challenge: step.challenge, response: intruder.authenticator.get({ ...options, allowCredentials: [] }) });
    expect(errorKey(foreign)).toBe('auth.passkey_unknown');
    // The intruder's own password step cannot be finished with the victim's passkey challenge.
    const intruderStep = (await login(intruder.username)).json() as { challenge: string };
    const theirOptions = await signInOptions(intruderStep.challenge);
    const mixed = await post('/api/auth/passkey', { challenge: step.challenge, response: intruder.authenticator.get(theirOptions) });
    expect(errorKey(mixed)).toBe('auth.passkey_challenge_unknown');
  });

  it('signs in without a password with a discoverable passkey that verified its user', async () => {
    const user = await withPasskey('admin');
    const options = await signInOptions();
    expect(options).toMatchObject({ rpId: RP_ID, userVerification: 'required' });
    expect(options.allowCredentials ?? []).toEqual([]);
    const done = await post('/api/auth/passkey', { response: user.authenticator.get(options) });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ user: { id: user.id, role: 'admin' } });
    const records = await ctx.app.audit.list({ action: 'auth.sign_in', actor: user.id }, 10);
    expect(records.items.map((r) => JSON.parse(r.details) as Record<string, string>)).toContainEqual({ factor: 'passkey', step: 'passwordless' });

    // Without user verification a passkey alone is one factor: refused.
    const noUv = await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { uv: false }) });
    expect(errorKey(noUv)).toBe('auth.passkey_user_verification_required');
  });

  it('refuses a sign-in from another origin or for another RP ID, changing nothing', async () => {
    const user = await withPasskey();
    const before = await sessionsOf(user.id);
    const phished = await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { origin: 'https://evil.example' }) });
    expect(phished.statusCode).toBe(401);
    expect(errorKey(phished)).toBe('auth.passkey_origin_mismatch');
    const otherRp = await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { rpId: 'evil.example' }) });
    expect(errorKey(otherRp)).toBe('auth.passkey_rp_mismatch');
    // A registration answer is not a sign-in answer.
    const wrongType = await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { type: 'webauthn.create' }) });
    expect(errorKey(wrongType)).toBe('auth.passkey_invalid');
    expect(await counterOf(user.passkeyId)).toBe(0);
    expect(await sessionsOf(user.id)).toBe(before);
  });

  it('refuses a signature whose counter went back (a cloned authenticator)', async () => {
    const user = await withPasskey();
    expect((await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { counter: 5 }) })).statusCode).toBe(200);
    const before = await sessionsOf(user.id);
    const cloned = await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { counter: 3 }) });
    expect(cloned.statusCode).toBe(401);
    expect(errorKey(cloned)).toBe('auth.passkey_counter_regressed');
    const same = await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { counter: 5 }) });
    expect(errorKey(same)).toBe('auth.passkey_counter_regressed');
    expect(await counterOf(user.passkeyId)).toBe(5);
    expect(await sessionsOf(user.id)).toBe(before);
    expect((await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions(), { counter: 6 }) })).statusCode).toBe(200);
  });

  it('throttles failing passkey sign-ins from one address like wrong passwords (429 with Retry-After)', async () => {
    const user = await withPasskey();
    const attempt = async () =>
      ctx.server.inject({ method: 'POST', url: '/api/auth/passkey', remoteAddress: '198.18.0.9', payload: { response: user.authenticator.get(await signInOptions(), { origin: 'https://evil.example' }) } });
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await attempt());
    expect(answers.slice(0, 5).map((a) => a.statusCode)).toEqual([401, 401, 401, 401, 401]);
    const throttled = answers.find((a) => a.statusCode === 429);
    expect(throttled?.json()).toMatchObject({ error: { key: 'auth.rate_limited' } });
    expect(Number(throttled?.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await post('/api/auth/passkey', { response: user.authenticator.get(await signInOptions()) })).statusCode).toBe(200);
  });

  it('needs a public URL with a host name: an instance at an IP address says so precisely', async () => {
    const bare = await createTestContext(dialect, { publicUrl: 'http://127.0.0.1:8080' }, { setup: false });
    try {
      const answer = await bare.server.inject({ method: 'POST', url: '/api/auth/passkey/options' });
      expect(answer.statusCode).toBe(409);
      expect(errorKey(answer)).toBe('auth.passkey_unavailable');
    } finally {
      await bare.close();
    }
  });

  it('refuses an expired and an unknown sign-in challenge', async () => {
    const user = await withPasskey();
    const options = await signInOptions();
    offsetMs += 6 * 60_000;
    expect(errorKey(await post('/api/auth/passkey', { response: user.authenticator.get(options) }))).toBe('auth.passkey_challenge_expired');
    expect(errorKey(await post('/api/auth/passkey', { response: user.authenticator.get({ challenge: Buffer.from('nope').toString('base64url') }) }))).toBe('auth.passkey_challenge_unknown');
  });

  it('a passkey satisfies the rule requiring two-factor of admins; its last one cannot be removed while the rule holds', async () => {
    const policyAdmin = await ctx.userWithRole('admin');
    const setPolicy = (roles: string[]) => ctx.server.inject({ method: 'PUT', url: '/api/security/two-factor-policy', headers: policyAdmin.headers, payload: { roles } });
    expect((await setPolicy(['admin'])).statusCode).toBe(200);
    try {
      const admin = await newUser('admin');
      const blocked = await ctx.server.inject({ method: 'GET', url: '/api/users', headers: as(admin.cookie) });
      expect(errorKey(blocked)).toBe('auth.mfa_enrolment_required');
      // Registering a passkey is open to a session that must enrol, and lifts the limit.
      const enrolled = await withPasskey('admin', admin);
      expect((await ctx.server.inject({ method: 'GET', url: '/api/users', headers: as(admin.cookie) })).statusCode).toBe(200);

      const last = await ctx.server.inject({ method: 'DELETE', url: `/api/account/passkeys/${enrolled.passkeyId}`, headers: as(admin.cookie) });
      expect(last.statusCode).toBe(409);
      expect(errorKey(last)).toBe('auth.passkey_last_factor');
      const second = await withPasskey('admin', admin);
      const removed = await ctx.server.inject({ method: 'DELETE', url: `/api/account/passkeys/${enrolled.passkeyId}`, headers: as(admin.cookie) });
      expect(removed.statusCode).toBe(200);
      expect((await ctx.app.passkeys.list(admin.id)).map((p) => p.id)).toEqual([second.passkeyId]);
      expect((await ctx.app.audit.list({ action: 'auth.passkey_remove', actor: admin.id }, 10)).items).toHaveLength(1);
    } finally {
      await setPolicy([]);
    }
    // Without the rule, the last passkey goes, and the password alone signs in again.
    const curator = await withPasskey('curator');
    expect((await ctx.server.inject({ method: 'DELETE', url: `/api/account/passkeys/${curator.passkeyId}`, headers: as(curator.cookie) })).statusCode).toBe(200);
    expect(cookieOf(await login(curator.username))).toBeTruthy();
  });

  it('an admin resets another person’s second factors (not their own): passkeys and app gone, signed out everywhere', async () => {
    const admin = await ctx.userWithRole('admin');
    const person = await withPasskey('curator');
    await ctx.app.twoFactor.startEnrolment(person.id, person.username);
    expect(await sessionsOf(person.id)).toBeGreaterThan(0);

    const self = await post(`/api/users/${admin.id}/two-factor/reset`, undefined, admin.headers);
    expect(self.statusCode).toBe(403);
    expect(errorKey(self)).toBe('user.two_factor_reset_self');
    const missing = await post('/api/users/nobody/two-factor/reset', undefined, admin.headers);
    expect(missing.statusCode).toBe(404);

    const reset = await post(`/api/users/${person.id}/two-factor/reset`, undefined, admin.headers);
    expect(reset.statusCode).toBe(200);
    expect(await ctx.app.passkeys.list(person.id)).toEqual([]);
    expect(await ctx.app.twoFactor.status(person.id)).toMatchObject({ enabled: false, pending: false });
    expect(await sessionsOf(person.id)).toBe(0);
    expect((await ctx.server.inject({ method: 'GET', url: '/api/auth/me', headers: as(person.cookie) })).json()).toEqual({ user: null });
    expect((await ctx.app.audit.list({ action: 'auth.two_factor_reset', actor: admin.id }, 10)).items.map((r) => r.targetId)).toEqual([person.id]);
    // The password alone signs in again, so they can enrol anew.
    expect(cookieOf(await login(person.username))).toBeTruthy();
  });
});
