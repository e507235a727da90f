import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totpAt } from '../../src/govern/totp.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

describe.each(await testDialects())('wenyuan user reset-two-factor (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('lets a sole administrator who lost their authenticator back in: factors removed, sessions ended, audited', async () => {
    const admin = await ctx.app.identity.createUser({ username: 'only-admin', password: 'correct horse battery', role: 'admin' });
    // A session opened before the phone was lost (signed in, then enrolled).
    const session = await ctx.app.identity.login('only-admin', 'correct horse battery');
    if (!('token' in session)) throw new Error('expected a session before enrolment');
    const { secret } = await ctx.app.twoFactor.startEnrolment(admin.id, 'only-admin');
    await ctx.app.twoFactor.confirmEnrolment(admin.id, totpAt(base32Decode(secret), Date.now()));
    expect((await ctx.app.twoFactor.status(admin.id)).enabled).toBe(true);
    expect(await ctx.app.identity.actorForSession(session.token)).not.toBeNull();

    const run = await runCli(['user', 'reset-two-factor', 'only-admin'], ctx);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/reset/);
    expect((await ctx.app.twoFactor.status(admin.id)).enabled).toBe(false);
    expect(await ctx.app.identity.actorForSession(session.token)).toBeNull();
    await ctx.app.audit.flush();
    const records = await ctx.app.audit.list({ action: 'auth.two_factor_reset' }, 5);
    expect(records.items.some((r) => r.targetId === admin.id && r.actor === 'system')).toBe(true);

    const unknown = await runCli(['user', 'reset-two-factor', 'nobody-here'], ctx);
    expect(unknown.code).not.toBe(0);
  });
});
