import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { up } from '../../src/platform/db/migrations/0009-registration-requests.js';
import { auditLog } from '../../src/registry/audit.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, uploadImage, type TestUser } from '../routes/route-helpers.js';

/**
 * The upgrade to 0009 on a log that already has registrations — among them a work registered twice
 * by a batch run again after a kill, and one still pending: 0009 makes their requests (so the work is
 * not registered a third time), the first sequencing after it numbers the old checkpoints and seals
 * the pending one, and the log then audits clean.
 */
describe.each(await testDialects())('upgrading a registry to registration requests and the checkpoint history (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
  });
  afterEach(async () => ctx.close());

  it('finds earlier registrations by their key, adopts the old checkpoints once, and audits clean', async () => {
    const a = await uploadImage(ctx, owner.headers, 71, { visibility: 'public' });
    const b = await uploadImage(ctx, owner.headers, 72, { visibility: 'public' });
    const actor = { kind: 'user' as const, id: owner.id, username: owner.username, role: 'creator' as const };
    const first = await ctx.app.registry.register(actor, a.workId, { waitMs: 5000 });
    const twice = await ctx.app.registry.register(actor, a.workId, { again: true, waitMs: 5000 });
    await ctx.app.registry.sequencePending();
    const pending = await ctx.app.registry.register(actor, b.workId);
    expect(pending.status).toBe('pending');

    // Back to the database as it was before 0009 (and no history marker yet).
    const db = ctx.app.database.db;
    await sql`DROP TABLE registry_requests`.execute(db);
    await sql`DROP TABLE registry_rejected`.execute(db);
    await sql`DROP INDEX registry_checkpoints_seq`.execute(db);
    await sql`ALTER TABLE registry_checkpoints DROP COLUMN seq`.execute(db);
    await sql`ALTER TABLE registry_checkpoints DROP COLUMN history`.execute(db);
    fs.rmSync(path.join(ctx.app.config.dataDir, 'keys', 'registry-history.json'));
    await up(db as unknown as Kysely<unknown>, ctx.app.database.dialect);

    const requests = await db.selectFrom('registry_requests').select(['registration_id', 'generation', 'seal', 'work_id']).orderBy('created_at').execute();
    expect(requests.map((r) => [r.registration_id, r.generation, r.seal])).toEqual([
      [first.registrationId, 0, null],
      [twice.registrationId, 1, null],
      [pending.registrationId, 0, null],
    ]);
    // Before the history begins the audit does not count unsealed requests as problems.
    expect((await auditLog(ctx.app.registryRepository, await ctx.app.registry.log.verifierKey(), undefined, { historySince: ctx.app.registry.log.historySince() })).problems).toEqual([]);

    // The pending registration is sealed and sequenced, not refused.
    await ctx.app.registry.sequencePending();
    expect((await ctx.app.registry.status(pending.registrationId)).status).toBe('sequenced');
    expect((await ctx.app.registry.health()).rejected).toBe(0);
    const checkpoints = await db.selectFrom('registry_checkpoints').select(['seq']).orderBy('size').execute();
    expect(checkpoints.map((c) => Number(c.seq))).toEqual(checkpoints.map((_, i) => i + 1));

    // The work registered twice before the upgrade is not registered a third time.
    const repeated = await ctx.app.registry.register(actor, a.workId);
    expect(repeated).toMatchObject({ existing: true, registrationId: twice.registrationId });
    const report = await auditLog(ctx.app.registryRepository, await ctx.app.registry.log.verifierKey(), undefined, { historySince: ctx.app.registry.log.historySince() });
    expect(report).toMatchObject({ ok: true, entries: 3, problems: [] });
    expect(report.history).toMatchObject({ historySince: 2, legacyEntries: 2 });
  });
});
