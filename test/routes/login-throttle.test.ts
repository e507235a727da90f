import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGovernModule } from '../../src/govern/govern.module.js';
import { SIGN_IN_RULES } from '../../src/govern/login-throttle.js';
import { LoginThrottleRepository } from '../../src/govern/login-throttle.repository.js';
import { SignInThrottle } from '../../src/govern/login-throttle.service.js';
import { AppError } from '../../src/platform/errors.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

const RIGHT = 'right password 1';

/**
 * Sign-in throttling over HTTP, on both databases: a guesser waits, and only the guesser — the
 * account's owner from elsewhere and other people behind the guesser's address still get in.
 */
describe.each(await testDialects())('sign-in throttling (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const username of ['ada', 'bob', 'cleo', 'dora']) await ctx.app.identity.createUser({ username, password: RIGHT, role: 'curator' });
  });
  afterAll(async () => ctx?.close());

  const login = (username: string, password: string, ip: string) =>
    ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });

  it('throttles (account, address) with a growing wait; the right password from another address, and other users behind the same address, get in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login('ada', `wrong ${i}`, '10.1.1.1')).statusCode);
    // Five free mistakes and a sixth, then waits (the old code let all ten through and then locked the name).
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.slice(6).every((s) => s === 429)).toBe(true);

    const blocked = await login('ada', RIGHT, '10.1.1.1');
    expect(blocked.statusCode).toBe(429);
    const error = blocked.json().error as { code: string; key: string; params: { retryAfterSeconds: number } };
    expect(error).toMatchObject({ code: 'rate_limited', key: 'auth.rate_limited' });
    expect(error.params.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBe(error.params.retryAfterSeconds);

    // The owner, from home: straight in (the old code answered 429 here).
    expect((await login('ada', RIGHT, '10.2.2.2')).statusCode).toBe(200);
    // A colleague behind the guesser's address: straight in.
    expect((await login('bob', RIGHT, '10.1.1.1')).statusCode).toBe(200);
    // A colleague's typo from there is an ordinary wrong password, not a wait.
    expect((await login('cleo', 'typo', '10.1.1.1')).statusCode).toBe(401);
  });

  it('never shuts the owner out: under attack from many addresses, a new address waits a few seconds and then gets in', async () => {
    let attacker = 0;
    const hammer = async (n: number) => {
      for (let i = 0; i < n; i++) await login('dora', `guess ${attacker}`, `172.16.${attacker >> 8}.${attacker++ & 255}`);
    };
    await hammer(24);
    const first = await login('dora', RIGHT, '192.0.2.50');
    expect(first.statusCode).toBe(429);
    const wait = Number(first.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
    // The attack goes on meanwhile from fresh addresses; the owner comes back when told and gets in.
    await hammer(10);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 50));
    await hammer(5);
    expect((await login('dora', RIGHT, '192.0.2.50')).statusCode).toBe(200);
  });

  it('bounds password spraying: one address guessing across many accounts waits once past a looser allowance', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_RULES.client.free + 3; i++) statuses.push((await login(`sprayed${i}`, 'Summer2026!', '10.5.5.5')).statusCode);
    expect(statuses.slice(0, SIGN_IN_RULES.client.free + 1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another address is not held up.
    expect((await login('cleo', RIGHT, '10.6.6.6')).statusCode).toBe(200);
  });

  it('counts parallel guesses before checking them: a burst of 30 gets no more guesses than one at a time', async () => {
    await ctx.app.identity.createUser({ username: 'eve', password: RIGHT, role: 'creator' });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login('eve', `parallel ${i}`, '10.9.9.9')));
    const guessed = results.filter((r) => r.statusCode === 401).length;
    expect(guessed).toBeLessThanOrEqual(6);
    expect(results.filter((r) => r.statusCode === 429).length).toBe(30 - guessed);
  });

  it('keeps its counts in the database: another API node sharing it throttles the same guesser', async () => {
    for (let i = 0; i < 8; i++) await login('bob', `wrong ${i}`, '10.3.3.3');
    const otherNode = createGovernModule({ database: ctx.app.database, config: { sessionTtlHours: 1, secureCookies: false } }).services.identity;
    const refused = await otherNode.login('bob', RIGHT, { ip: '10.3.3.3' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('rate_limited');
    await expect(otherNode.login('bob', RIGHT, { ip: '10.4.4.4' })).resolves.toMatchObject({ user: { username: 'bob' } });
  });

  it('grows no table for an attacker rotating names and addresses: rows go once they say nothing, refusals leave none', async () => {
    const repo = new LoginThrottleRepository(ctx.app.database);
    let now = Date.parse('2030-01-01T00:00:00Z'); // later than every row the tests above left, so the first prune takes them
    const throttle = new SignInThrottle(repo, SIGN_IN_RULES, () => now);
    const isWrong = (error: unknown) => error instanceof AppError && error.code === 'bad_credentials';
    const wrong = () => Promise.reject(new AppError('bad_credentials', 'wrong username or password', { key: 'auth.bad_credentials' }));
    for (let i = 0; i < 300; i++) {
      now += 10;
      await throttle.guard(`ghost${i}`, `198.18.${i >> 8}.${i & 255}`, wrong, isWrong).catch(() => undefined);
    }
    expect(await repo.count()).toBe(900); // one (name, address) pair, one address and one name each
    // Refused attempts add nothing: one address spraying past its allowance.
    for (let i = 0; i < 200; i++) {
      now += 10;
      await throttle.guard(`spray${i}`, '198.19.0.1', wrong, isWrong).catch(() => undefined);
    }
    const afterSpray = await repo.count();
    expect(afterSpray).toBeLessThan(900 + 3 * (SIGN_IN_RULES.client.free + 10));
    // An hour later every one of those rows has leaked away, and the next sign-in deletes them.
    now += 3_600_000;
    await throttle.guard('someone', '192.0.2.99', wrong, isWrong).catch(() => undefined);
    expect(await repo.count()).toBe(3);
  });
});
