import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/govern/roles.js';
import type { RegistrationStatus } from '../../src/registry/registry.service.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, uploadImage, type TestUser } from '../routes/route-helpers.js';
import { inspectLog, sha256Hex } from './registry-helpers.js';

/**
 * Issue 10, item 7 over HTTP: a registration request is idempotent by (work, file, registrant, role,
 * terms) — repeated, or sent many times at once, it makes one registration and answers with it —
 * unless `again` asks for one more; the work page learns whether the user registered the file.
 */
describe.each(await testDialects())('idempotent registration (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let curator: TestUser;
  let admin: TestUser;
  let other: TestUser;
  let work: { workId: string; sha256: string };
  let privateWork: { workId: string; sha256: string };

  const register = (who: TestUser | null, workId: string, payload: Record<string, unknown> = {}) =>
    ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/registrations`, headers: who?.headers ?? {}, payload });
  const entriesOf = async (workId: string) => (await ctx.app.database.db.selectFrom('registry_entries').select('registration_id').where('work_id', '=', workId).execute()).length;
  const pendingOf = async (workId: string) => (await ctx.app.database.db.selectFrom('registry_pending').select('id').where('work_id', '=', workId).execute()).length;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.app.sequencer.start();
    [owner, curator, admin, other] = await Promise.all([makeUser(ctx, 'creator', 'owner'), makeUser(ctx, 'curator'), makeUser(ctx, 'admin'), makeUser(ctx, 'creator', 'other')]);
    work = await uploadImage(ctx, owner.headers, 501, { visibility: 'public' });
    privateWork = await uploadImage(ctx, owner.headers, 502, { visibility: 'private' });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('answers a repeated request with the registration made before (200, existing), not a new entry', async () => {
    const first = await register(owner, work.workId);
    expect(first.statusCode, first.body).toBe(201);
    const made = first.json() as RegistrationStatus;
    const again = await register(owner, work.workId);
    expect(again.statusCode, again.body).toBe(200);
    const repeated = again.json() as RegistrationStatus;
    expect(repeated).toMatchObject({ status: 'sequenced', existing: true, registrationId: made.registrationId });
    if (repeated.status === 'sequenced' && made.status === 'sequenced') expect(repeated.receipt.entry).toBe(made.receipt.entry);
    expect(await entriesOf(work.workId)).toBe(1);
  });

  it('makes one registration from many identical requests sent at once', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => register(owner, privateWork.workId, { wait: false })));
    for (const a of answers) expect([200, 201, 202], a.body).toContain(a.statusCode);
    const ids = new Set(answers.map((a) => (a.json() as RegistrationStatus).registrationId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !(a.json() as RegistrationStatus).existing)).toHaveLength(1);
    await ctx.app.registry.sequencePending();
    expect(await entriesOf(privateWork.workId)).toBe(1);
    expect(await pendingOf(privateWork.workId)).toBe(0);
  });

  it('registers once more each time it is asked (`again`), and then answers with the newest', async () => {
    const once = await register(owner, work.workId, { again: true });
    expect(once.statusCode, once.body).toBe(201);
    expect(await entriesOf(work.workId)).toBe(2);
    const twice = await register(owner, work.workId, { again: true });
    expect(twice.statusCode).toBe(201);
    expect(await entriesOf(work.workId)).toBe(3);
    // Without `again` the newest is the answer.
    const plain = await register(owner, work.workId);
    expect(plain.statusCode).toBe(200);
    expect((plain.json() as RegistrationStatus).registrationId).toBe((twice.json() as RegistrationStatus).registrationId);
    expect(await entriesOf(work.workId)).toBe(3);
  });

  it('answers an `again` that names its generation with the registration that generation made, however often it is asked', async () => {
    const piece = await uploadImage(ctx, owner.headers, 503, { visibility: 'public' });
    const actor = { kind: 'user' as const, id: owner.id, username: owner.username, role: 'creator' as const };
    const registry = ctx.app.registry;
    expect(await registry.nextGeneration(actor, piece.workId)).toBe(0);
    const first = await registry.register(actor, piece.workId, { againGeneration: 0 });
    expect(first.existing).toBeUndefined();
    expect(await registry.nextGeneration(actor, piece.workId)).toBe(1);
    // Asked again (a batch run again after a kill), generation 1 is made once: many asks at once, one registration.
    const answers = await Promise.all(Array.from({ length: 8 }, () => registry.register(actor, piece.workId, { againGeneration: 1 })));
    expect(new Set(answers.map((a) => a.registrationId)).size).toBe(1);
    expect(answers.filter((a) => !a.existing)).toHaveLength(1);
    expect(answers[0]!.registrationId).not.toBe(first.registrationId);
    const repeated = await registry.register(actor, piece.workId, { againGeneration: 1 });
    expect(repeated).toMatchObject({ existing: true, registrationId: answers[0]!.registrationId });
    // An earlier generation answers with its own registration, not the newest.
    expect(await registry.register(actor, piece.workId, { againGeneration: 0 })).toMatchObject({ existing: true, registrationId: first.registrationId });
    // A generation ahead of the next one is refused: it would leave a gap.
    await expect(registry.register(actor, piece.workId, { againGeneration: 3 })).rejects.toMatchObject({ code: 'invalid_input', key: 'registry.generation_invalid', params: { generation: 3, next: 2 } });
    // The generation counts per request: another role starts at 0.
    expect(await registry.nextGeneration(actor, piece.workId, { role: 'right-holder' })).toBe(0);
    await registry.sequencePending();
    expect(await entriesOf(piece.workId)).toBe(2);
    expect(await pendingOf(piece.workId)).toBe(0);
    // The web's `again` still registers one more, after the named generations.
    const web = await register(owner, piece.workId, { again: true });
    expect(web.statusCode, web.body).toBe(201);
    expect(await registry.nextGeneration(actor, piece.workId)).toBe(3);
    expect(await entriesOf(piece.workId)).toBe(3);
  });

  it('asks who may register before telling the next generation', async () => {
    const asActor = (u: TestUser, role: 'creator' | 'curator' = 'creator') => ({ kind: 'user' as const, id: u.id, username: u.username, role });
    await expect(ctx.app.registry.nextGeneration(ANONYMOUS, work.workId)).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(ctx.app.registry.nextGeneration(asActor(other), privateWork.workId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(ctx.app.registry.nextGeneration(asActor(other), work.workId)).rejects.toMatchObject({ key: 'registry.register_forbidden' });
    expect(await ctx.app.registry.nextGeneration(asActor(curator, 'curator'), work.workId)).toBe(0);
  });

  it('treats another role, other terms or another registrant as another registration', async () => {
    const before = await entriesOf(work.workId);
    expect((await register(owner, work.workId, { role: 'right-holder' })).statusCode).toBe(201);
    expect((await register(owner, work.workId, { role: 'right-holder', termsSha256: sha256Hex('CC BY 4.0') })).statusCode).toBe(201);
    expect((await register(curator, work.workId, { role: 'institution' })).statusCode).toBe(201);
    expect((await register(admin, work.workId)).statusCode).toBe(201);
    for (const [who, payload] of [[owner, { role: 'right-holder' }], [owner, { role: 'right-holder', termsSha256: sha256Hex('CC BY 4.0') }], [curator, { role: 'institution' }], [admin, {}]] as const) {
      expect((await register(who, work.workId, payload)).statusCode).toBe(200);
    }
    expect(await entriesOf(work.workId)).toBe(before + 4);
  });

  it('tells the signed-in user whether they registered the work’s current file (401 → 404 → 200)', async () => {
    const mine = (who: TestUser | null, workId: string) => ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/registrations/mine`, headers: who?.headers ?? {} });
    expect((await mine(null, work.workId)).statusCode).toBe(401);
    expect((await mine(other, privateWork.workId)).statusCode).toBe(404);
    const own = await mine(owner, work.workId);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ roles: ['author', 'right-holder'] });
    expect((own.json() as { registrationIds: string[] }).registrationIds.length).toBe(5);
    expect((await mine(other, work.workId)).json()).toEqual({ roles: [], registrationIds: [] });
    expect((await mine(curator, work.workId)).json()).toMatchObject({ roles: ['institution'] });
  });

  it('says to administrators whether a witness would see a rollback (401 → 403 → 200)', async () => {
    const health = (who: TestUser | null) => ctx.server.inject({ method: 'GET', url: '/api/registry/health', headers: who?.headers ?? {} });
    expect((await health(null)).statusCode).toBe(401);
    expect((await health(owner)).statusCode).toBe(403);
    const res = await health(admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ witnesses: 0, quorum: 0, rollbackDetectable: false, rejected: 0 });
    expect((await health(curator)).statusCode).toBe(200);
  });

  it('leaves a log that audits clean', async () => {
    const log = await inspectLog(ctx.app);
    expect(log.pendingIds).toEqual([]);
  });
});
