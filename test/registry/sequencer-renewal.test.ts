import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrySequencer } from '../../src/registry/sequencer.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { entryText } from './registry-helpers.js';

/**
 * Under a steady stream of registrations one drain of the pending queue never ends. The leader must
 * renew its lease between batches: left to run out, a second process would take the lease and lead
 * while the first still sequences (and in a fleet, a dead leader's successor could be one of them).
 */
describe.each(await testDialects())('the sequencer keeps its lease through a long drain (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('renews between batches, so the standing-by sequencer never leads while the leader works', async () => {
    const options = { intervalMs: 100, leaseMs: 2000 };
    const leader = new RegistrySequencer(ctx.app.registryRepository, ctx.app.registry, options);
    const standby = new RegistrySequencer(ctx.app.registryRepository, ctx.app.registry, options);
    leader.start();
    const until = Date.now() + 2000;
    while (!leader.isLeader && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(leader.isLeader).toBe(true);
    standby.start();

    // Registrations keep coming for twice the lease, faster than batches drain them.
    let n = 0;
    const end = Date.now() + 2 * options.leaseMs;
    let standbyLed = false;
    while (Date.now() < end) {
      await ctx.app.registryRepository.insertPendingMany(
        Array.from({ length: 40 }, () => {
          n++;
          return { id: `renewal-${n}`, entry: entryText(n), work_id: null, user_id: null, created_at: new Date().toISOString() };
        }),
      );
      standbyLed ||= standby.isLeader;
    }
    expect(standbyLed).toBe(false);
    expect((await ctx.app.registryRepository.sequencerLease())?.holder).toBe(leader.holder);

    await leader.stop();
    await standby.stop();
    // Whatever the stop left pending is sequenced, all of it once.
    await ctx.app.registry.sequencePending();
    const entries = await ctx.app.database.db.selectFrom('registry_entries').select('registration_id').execute();
    expect(entries).toHaveLength(n);
    expect(new Set(entries.map((e) => e.registration_id)).size).toBe(n);
  });
});
