import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

const until = async (what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe.each(await testDialects())('the registry sequencer has one active writer across processes (%s)', (dialect) => {
  let ctx: TestContext;
  let other: App;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // A second process of the same deployment: same database, same data directory.
    other = await createApp(ctx.app.config);
  });
  afterAll(async () => {
    await other?.close();
    await ctx?.close();
  });

  it('lets one sequencer lead; the other takes over when it stops, and when it dies', async () => {
    const a = ctx.app.sequencer;
    const b = other.sequencer;
    await ctx.app.startBackground();
    await until('a to lead', () => a.isLeader);
    await other.startBackground();
    // b runs every 500 ms and is refused while a's lease holds.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect((await ctx.app.registryRepository.sequencerLease())?.holder).toBe(a.holder);

    // A registration made through the standing-by process is sequenced by the leader.
    const admin = await ctx.userWithRole('admin');
    await ctx.app.audit.record({ actor: admin.id, action: 'settings.change', target: { type: 'setting', id: 'lease-test' } });
    const registrationId = await other.auditAnchorer.anchorNow();
    expect(registrationId).toBeTruthy();
    await until('the registration to be sequenced', async () => (await other.registry.health()).pending === 0);

    // A clean stop gives the lease up: b leads at its next run.
    await a.stop();
    await until('b to take over after a stopped', () => b.isLeader);
    expect((await ctx.app.registryRepository.sequencerLease())?.holder).toBe(b.holder);

    // b dies without a word (its lease is left behind, as after kill -9): a restarted a waits for the lease to run out, then leads.
    await b.stop();
    await ctx.app.database.db.updateTable('registry_state').set({ sequencer_holder: 'dead-host:1:ffff', sequencer_lease_until: new Date(Date.now() + 1500).toISOString() }).execute();
    a.start();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(a.isLeader).toBe(false);
    await until('a to lead once the dead holder lease ran out', () => a.isLeader, 5000);
  });
});
