import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/govern/roles.js';
import { newId } from '../../src/platform/ids.js';
import { auditLog } from '../../src/registry/audit.js';
import { nodeCrypto } from '../../src/registry/crypto-node.js';
import { decodeEntry } from '../../src/registry/entry.js';
import type { BulkRegistration } from '../../src/registry/registry.service.js';
import { verifyReceipt } from '../../src/registry/verify-receipt.js';
import { testDialects } from '../support/databases.js';
import { runCli } from '../support/run-cli.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { insertWorks, inspectLog } from './registry-helpers.js';

/**
 * Bulk registration (`RegistryService.registerMany`, what `wenyuan register` runs): in a process that
 * holds the sequencer's lease, a batch is accepted and sequenced in one durable transaction (no
 * pending row); in one that does not — or that lost the lease after taking it — the batch is left
 * pending instead, durably, and nothing of it enters the tree from that process. Idempotency keys
 * and generations work as for one registration at a time.
 */
describe.each(await testDialects())('bulk registration (%s)', (dialect) => {
  let ctx: TestContext;
  let key: string;
  let owner: Actor & { kind: 'user' };
  let stranger: Actor & { kind: 'user' };

  const makeWorks = (count: number, visibility?: (i: number) => string) => insertWorks(ctx.app, owner.id, count, visibility);
  const ids = (results: BulkRegistration[]) => results.map((r) => ('registrationId' in r ? r.registrationId : `error: ${r.error.message}`));
  const counts = async () => {
    const db = ctx.app.database.db;
    const n = async (table: 'registry_entries' | 'registry_pending' | 'registry_requests' | 'registry_openings') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { entries: await n('registry_entries'), pending: await n('registry_pending'), requests: await n('registry_requests'), openings: await n('registry_openings') };
  };
  const releaseLease = () => ctx.app.database.db.updateTable('registry_state').set({ sequencer_holder: null, sequencer_lease_until: null }).execute();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    key = await ctx.app.registry.log.verifierKey();
    const made = await ctx.userWithRole('creator');
    owner = { kind: 'user', id: made.id, username: 'owner', role: 'creator' };
    const other = await ctx.userWithRole('creator');
    stranger = { kind: 'user', id: other.id, username: 'stranger', role: 'creator' };
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it('holding the lease, accepts and sequences in one transaction: no pending row, receipts verify (sealed ones with their opening)', async () => {
    const works = await makeWorks(300, (i) => (i % 3 === 0 ? 'private' : 'public'));
    const before = await counts();
    const results = await ctx.app.registry.registerMany(owner, works.map((w) => ({ workId: w.id })));
    expect(results.map((r) => r.workId)).toEqual(works.map((w) => w.id));
    expect(results.every((r) => 'registrationId' in r && !r.existing), JSON.stringify(results.find((r) => 'error' in r))).toBe(true);
    const after = await counts();
    expect(after.entries - before.entries).toBe(300);
    expect(after.requests - before.requests).toBe(300);
    expect(after.openings - before.openings).toBe(100);
    // Never pending: nothing was written to the pending table at all.
    expect(after.pending).toBe(0);
    // Only a process holding the lease may do that: this one took it.
    expect((await ctx.app.registryRepository.sequencerLease())?.holder).toBe(ctx.app.sequencer.holder);

    for (const i of [0, 1, 2, 299]) {
      const id = ids(results)[i]!;
      const status = await ctx.app.registry.status(id);
      expect(status.status).toBe('sequenced');
      if (status.status !== 'sequenced') continue;
      const decoded = decodeEntry(new TextEncoder().encode(status.receipt.entry));
      expect(decoded.version === 2 && decoded.workId).toBe(works[i]!.id);
      expect(Boolean(status.receipt.opening)).toBe(i % 3 === 0);
      const checked = await verifyReceipt(JSON.stringify(status.receipt), { crypto: nodeCrypto, pinnedLogKey: key, fileSha256: works[i]!.sha256 });
      expect(checked.ok, JSON.stringify(checked.checks)).toBe(true);
    }
    // The file's fingerprints went into its entry (sealed here: inside the opening).
    const first = await ctx.app.registry.status(ids(results)[0]!);
    expect(first.status === 'sequenced' && first.receipt.opening?.fingerprints).toEqual(['iscc:KEC43HJLPUSHVAZT']);
    const log = await inspectLog(ctx.app);
    expect(log.pendingIds).toEqual([]);
    expect((await auditLog(ctx.app.registryRepository, key, undefined, { historySince: ctx.app.registry.log.historySince() })).problems).toEqual([]);
  });

  it('answers a second run with the same registrations, registers once more with again (generation by generation), and agrees with single registrations', async () => {
    const works = await makeWorks(20);
    const first = await ctx.app.registry.registerMany(owner, works.map((w) => ({ workId: w.id })));
    const second = await ctx.app.registry.registerMany(owner, [...works, ...works].map((w) => ({ workId: w.id })));
    expect(second).toHaveLength(20);
    expect(ids(second)).toEqual(ids(first));
    expect(second.every((r) => 'existing' in r && r.existing)).toBe(true);
    // One at a time sees what the bulk run made.
    const single = await ctx.app.registry.register(owner, works[0]!.id);
    expect(single).toMatchObject({ registrationId: ids(first)[0], existing: true });

    // --again with the generation noted first: asked twice (a run killed and run again), one new registration each.
    const again = await ctx.app.registry.registerMany(owner, works.map((w) => ({ workId: w.id, againGeneration: 1 })), { again: true });
    const againTwice = await ctx.app.registry.registerMany(owner, works.map((w) => ({ workId: w.id, againGeneration: 1 })), { again: true });
    expect(ids(againTwice)).toEqual(ids(again));
    expect(again.every((r) => 'existing' in r && !r.existing)).toBe(true);
    expect(againTwice.every((r) => 'existing' in r && r.existing)).toBe(true);
    expect(new Set([...ids(first), ...ids(again)]).size).toBe(40);
    // A generation ahead of the next one is refused, per work.
    const gap = await ctx.app.registry.registerMany(owner, [{ workId: works[0]!.id, againGeneration: 5 }], { again: true });
    expect('error' in gap[0]! && gap[0].error.message).toMatch(/generation 5 cannot be registered/);
    const rows = await ctx.app.database.db.selectFrom('registry_requests').select(['request_key', 'generation']).where('work_id', 'in', works.map((w) => w.id)).execute();
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.generation === 1)).toHaveLength(20);
  });

  it('refuses works one by one (unknown, not the registrant’s, no file) and registers the rest', async () => {
    const works = await makeWorks(3);
    const bare = newId();
    const now = new Date().toISOString();
    await ctx.app.database.db.insertInto('works').values({ id: bare, source_key: null, collection_id: null, owner_id: owner.id, visibility: 'public', work_type: 'image', version: 1, title_sort: bare, industry: null, heritage: null, earliest_year: null, latest_year: null, period: null, medium_facet: null, institution_facet: null, rights_uri: null, place_key: null, geo_lat: null, geo_lon: null, primary_file_sha256: null, change_version: 0, download_policy: null, created_at: now, updated_at: now }).execute();
    const results = await ctx.app.registry.registerMany(owner, [{ workId: works[0]!.id }, { workId: 'no-such-work' }, { workId: bare }, { workId: works[1]!.id }]);
    expect(results.map((r) => ('error' in r ? (r.error as { code?: string }).code : 'ok'))).toEqual(['ok', 'not_found', 'invalid_input', 'ok']);
    const refused = await ctx.app.registry.registerMany(stranger, [{ workId: works[2]!.id }]);
    expect('error' in refused[0]! && (refused[0].error as { code?: string }).code).toBe('forbidden');
    expect(await ctx.app.database.db.selectFrom('registry_requests').select('registration_id').where('work_id', '=', works[2]!.id).execute()).toEqual([]);
  });

  it('leaves a batch pending (durably, nothing in the tree) when another process leads, and the leader sequences it', async () => {
    // This process gives its lease up; another one leads.
    await ctx.app.sequencer.stop();
    await ctx.app.database.db.updateTable('registry_state').set({ sequencer_holder: 'other-host:1:abcd', sequencer_lease_until: new Date(Date.now() + 60_000).toISOString() }).execute();
    const works = await makeWorks(50, (i) => (i % 2 ? 'private' : 'public'));
    const before = await counts();
    const results = await ctx.app.registry.registerMany(owner, works.map((w) => ({ workId: w.id })));
    expect(results.every((r) => 'registrationId' in r && !r.existing)).toBe(true);
    const after = await counts();
    expect(after.entries).toBe(before.entries);
    expect(after.pending - before.pending).toBe(50);
    expect(after.requests - before.requests).toBe(50);
    expect(after.openings - before.openings).toBe(25);
    expect((await ctx.app.registry.status(ids(results)[0]!)).status).toBe('pending');
    // The leader (here: the same sequencing code, as another process's sequencer runs it) takes them.
    await releaseLease();
    expect(await ctx.app.registry.sequencePending()).toBe(50);
    const status = await ctx.app.registry.status(ids(results)[1]!);
    expect(status.status).toBe('sequenced');
    if (status.status === 'sequenced') expect((await verifyReceipt(JSON.stringify(status.receipt), { crypto: nodeCrypto, pinnedLogKey: key, fileSha256: works[1]!.sha256 })).ok).toBe(true);
    expect((await inspectLog(ctx.app)).pendingIds).toEqual([]);
  });

  it('refuses the combined commit of a process that lost its lease after taking it (fencing), leaving the batch pending', async () => {
    // This process leads…
    expect(await ctx.app.sequencer.lead()).toBe(true);
    // …until its lease runs out and another process takes it over, unbeknown to this one (it renews only when half is used).
    await ctx.app.database.db.updateTable('registry_state').set({ sequencer_holder: 'new-leader:2:beef', sequencer_lease_until: new Date(Date.now() + 60_000).toISOString() }).execute();
    expect(await ctx.app.sequencer.lead()).toBe(true);
    const state = await ctx.app.registryRepository.state();
    const works = await makeWorks(10);
    const direct = await ctx.app.registry.log.sequenceAccepted([], ctx.app.sequencer.holder);
    expect(direct).toBeNull();
    const results = await ctx.app.registry.registerMany(owner, works.map((w) => ({ workId: w.id })));
    expect(results.every((r) => 'registrationId' in r)).toBe(true);
    // The tree did not grow from this process; the registrations are safe, pending, for the new leader.
    expect((await ctx.app.registryRepository.state()).size).toBe(state.size);
    const pending = new Set((await ctx.app.registryRepository.allPending()).map((p) => p.id));
    expect(ids(results).every((id) => pending.has(id))).toBe(true);
    expect((await ctx.app.registryRepository.sequencerLease())?.holder).toBe('new-leader:2:beef');
    await releaseLease();
    expect(await ctx.app.registry.sequencePending()).toBe(10);
  });

  it('leaves a log that `wenyuan registry audit` passes', async () => {
    await ctx.app.sequencer.stop();
    const run = await runCli(['registry', 'audit', '--json'], ctx);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
  });
});
