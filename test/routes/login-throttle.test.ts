import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/test-app.js';

describe('sign-in throttling', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.identity.createUser({ username: 'ada', password: 'right password 1', role: 'curator' });
  });
  afterAll(async () => ctx.close());

  const login = (password: string) => ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ada', password } });

  it('answers 429 with Retry-After after ten wrong passwords, even for the right one', async () => {
    for (let i = 0; i < 10; i++) expect((await login(`wrong ${i}`)).statusCode).toBe(401);
    const blocked = await login('right password 1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});
