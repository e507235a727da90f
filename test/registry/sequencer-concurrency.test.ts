import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Actor } from '../../src/govern/roles.js';
import type { SequenceResult } from '../../src/registry/transparency-log.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, uploadImage } from '../routes/route-helpers.js';
import { entryText, inspectLog } from './registry-helpers.js';

/**
 * Several sequencers on one log: two Wenyuan instances on the same PostgreSQL database (as two
 * worker processes would be), each running several sequencing loops while registrations keep
 * arriving. The state-row lock must let exactly one extend each tree size: no two checkpoints of
 * one size, no fork, every registration sequenced exactly once.
 */
const dialects = await testDialects();

let serial = 0;
const pendingRow = (n: number) => ({ id: `conc-${++serial}-${n}`, entry: entryText(n), work_id: null, user_id: null, created_at: new Date(Date.UTC(2026, 0, 1) + serial).toISOString() });

describe.skipIf(!dialects.includes('postgres'))('concurrent sequencers (postgres)', () => {
  let ctx: TestContext;
  let second: App;

  beforeAll(async () => {
    ctx = await createTestContext('postgres');
    // Same database and same data directory (so the same log key), as two nodes of one deployment.
    second = await createApp(ctx.app.config);
  });

  afterAll(async () => {
    await second?.close();
    await ctx?.close();
  });

  it('never sign two checkpoints of one size, nor fork, with two instances sequencing at once', async () => {
    expect(await second.registry.log.verifierKey()).toBe(await ctx.app.registry.log.verifierKey());
    const initial = 2000;
    await ctx.app.registryRepository.insertPendingMany(Array.from({ length: initial }, (_, n) => pendingRow(n)));

    const results: (SequenceResult & { by: App })[] = [];
    const errors: unknown[] = [];
    let arriving = true;
    const loop = async (app: App, batch: number) => {
      for (;;) {
        try {
          const result = await app.registry.log.sequence(batch);
          if (result.sequenced > 0) results.push({ ...result, by: app });
          else if (!arriving) return;
        } catch (error) {
          errors.push(error);
          return;
        }
      }
    };
    // Registrations keep arriving while the sequencers run.
    const arrivals = (async () => {
      for (let chunk = 0; chunk < 10; chunk++) {
        await second.registryRepository.insertPendingMany(Array.from({ length: 50 }, (_, n) => pendingRow(initial + chunk * 50 + n)));
        await new Promise((r) => setTimeout(r, 5));
      }
      arriving = false;
    })();
    await Promise.all([arrivals, loop(ctx.app, 37), loop(ctx.app, 101), loop(ctx.app, 256), loop(second, 50), loop(second, 64), loop(second, 300)]);
    // A loop may have seen an empty queue just before the last arrivals committed: finish them.
    await loop(second, 4096);
    expect(errors).toEqual([]);

    const total = initial + 500;
    // Each successful batch extended the tree to a size no other batch reached.
    const sizes = results.map((r) => r.treeSize);
    expect(new Set(sizes).size).toBe(sizes.length);
    expect(results.reduce((n, r) => n + r.sequenced, 0)).toBe(total);
    expect(results.length).toBeGreaterThan(10);
    // Both instances really took part.
    expect(results.filter((r) => r.by === ctx.app).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.by === second).length).toBeGreaterThan(0);

    const log = await inspectLog(ctx.app);
    expect(log.entries).toBe(total);
    expect(log.pendingIds).toEqual([]);
    expect(new Set(log.sequencedIds).size).toBe(total);
    expect(log.checkpoints).toEqual([...sizes].sort((a, b) => a - b));
  }, 60_000);

  it('wakes a waiting registrant whichever instance sequences its registration', async () => {
    second.sequencer.start();
    try {
      const owner = await makeUser(ctx, 'creator');
      const work = await uploadImage(ctx, owner.headers, 4242, { visibility: 'public' });
      const actor: Actor = { kind: 'user', id: owner.id, username: 'x', role: 'creator' };
      // Registered through the first instance (whose sequencer is not running): the second one sequences it.
      const status = await ctx.app.registry.register(actor, work.workId, { waitMs: 5000 });
      expect(status.status).toBe('sequenced');
    } finally {
      await second.sequencer.stop();
    }
  });
});

describe.each(dialects)('durable registry writes while another transaction is open, one process (%s)', (dialect) => {
  let ctx: TestContext;

  // A fresh instance per test: the bug below leaves the database handle in a changed state.
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });

  afterEach(async () => {
    await ctx?.close();
  });

  /** Runs `during` while an ordinary transaction (an upload, an edit, a job claim) is open. */
  async function whileAnotherTransactionIsOpen<T>(during: () => Promise<T>): Promise<PromiseSettledResult<T>> {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let begun!: () => void;
    const open = new Promise<void>((r) => (begun = r));
    const other = ctx.app.database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('works').select('id').execute();
      begun();
      await gate;
    });
    await open;
    const settled = Promise.allSettled([during()]);
    setTimeout(release, 20);
    await other;
    return (await settled)[0];
  }

  const outcome = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? String(r.reason) : 'ok');

  // durable() holds the single SQLite connection while it switches synchronous=FULL, so it waits
  // for a transaction that is open elsewhere instead of failing inside it.
  const waitsForOpenTransaction = it;

  waitsForOpenTransaction('accepts a registration', async () => {
    const result = await whileAnotherTransactionIsOpen(() => ctx.app.registryRepository.insertPending(pendingRow(1)));
    expect(outcome(result)).toBe('ok');
  });

  waitsForOpenTransaction('sequences a batch', async () => {
    await ctx.app.registryRepository.insertPending(pendingRow(2));
    const result = await whileAnotherTransactionIsOpen(() => ctx.app.registry.log.sequence());
    expect(outcome(result)).toBe('ok');
  });

  // KNOWN BUG (SQLite), same function: when the pragma throws, the nesting counter has already been
  // incremented and is never decremented, so every later durable() in the process skips the switch
  // to synchronous=FULL — durability is silently lost until restart.
  waitsForOpenTransaction('still commits durably afterwards', async () => {
    await whileAnotherTransactionIsOpen(() => ctx.app.registryRepository.insertPending(pendingRow(3)));
    if (dialect !== 'sqlite') return;
    const level = await ctx.app.database.durable(async (db) => (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]?.synchronous);
    expect(level).toBe(2); // FULL inside durable()
    const after = (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(ctx.app.database.db)).rows[0]?.synchronous;
    expect(after).toBe(1); // NORMAL again for everything else
  });
});
