import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, type TestUser } from './route-helpers.js';

/**
 * A work's events tell its whole story: not only creation and edits, but its registrations in the
 * transparency log and every copy issued of it (who made it, for whom); and the history names only
 * the fields a save really changed.
 */
interface EventJson {
  type: string;
  actorId: string | null;
  actorUsername: string | null;
  at: string;
  detail: Record<string, unknown>;
}

describe.each(await testDialects())('work events (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let workId: string;

  const events = async (headers: Record<string, string>) => {
    const response = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/events`, headers });
    expect(response.statusCode).toBe(200);
    return (response.json() as { items: EventJson[] }).items;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
    const body = multipart([{ name: 'file', filename: 'mural.png', contentType: 'image/png', data: await photoBytes(91, 320, 240) }]);
    const upload = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(upload.statusCode).toBe(200);
    workId = (upload.json() as { items: { workId: string }[] }).items[0]!.workId;
    ctx.app.sequencer.start();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('lists registrations and issued copies beside creation, newest first', async () => {
    const registration = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/registrations`, headers: owner.headers, payload: { wait: true } });
    expect(registration.statusCode).toBe(201);
    const registrationId = (registration.json() as { registrationId: string }).registrationId;
    const licensed = await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/licensed-copies`, headers: owner.headers, payload: { licensee: 'Dunhuang Games Ltd', reference: 'LIC-7' } });
    expect(licensed.statusCode).toBe(200);

    const items = await events(owner.headers);
    expect(items.map((e) => e.type)).toEqual(['copy_issued', 'registered', 'created']);
    expect(items[0]).toMatchObject({ actorId: owner.id, actorUsername: owner.username, detail: { purpose: 'licence', recipient: 'Dunhuang Games Ltd', reference: 'LIC-7' } });
    expect(items[1]).toMatchObject({ actorId: owner.id, detail: { registrationId, index: expect.any(Number) } });
    const times = items.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('a receipt (and its certificate) rests on its own checkpoint, and tells a later one apart', async () => {
    const registrations = (await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/registrations`, headers: owner.headers })).json() as { items: { registrationId: string }[] };
    const id = registrations.items[0]!.registrationId;
    const before = (await ctx.server.inject({ method: 'GET', url: `/api/registry/registrations/${id}`, headers: owner.headers })).json() as { receipt: { treeSize: number; proof: string }; later?: unknown };
    // Another work registered later grows the log.
    const body = multipart([{ name: 'file', filename: 'other.png', contentType: 'image/png', data: await photoBytes(92, 320, 240) }]);
    const other = (await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload })).json() as { items: { workId: string }[] };
    expect((await ctx.server.inject({ method: 'POST', url: `/api/works/${other.items[0]!.workId}/registrations`, headers: owner.headers, payload: { wait: true } })).statusCode).toBe(201);

    const after = (await ctx.server.inject({ method: 'GET', url: `/api/registry/registrations/${id}`, headers: owner.headers })).json() as { receipt: { treeSize: number; proof: string }; later: { treeSize: number; rootHashHex: string; consistencyBundle: string } | null };
    expect(after.receipt).toEqual(before.receipt);
    expect(after.later).toMatchObject({ treeSize: before.receipt.treeSize + 1, rootHashHex: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const bundle = await ctx.server.inject({ method: 'GET', url: after.later!.consistencyBundle });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.json()).toMatchObject({ from: before.receipt.treeSize });
  });

  it('tells reviewers that copies were issued, but not to whom (only managers see recipients)', async () => {
    const reviewer = await makeUser(ctx, 'reviewer', 'reviewer');
    const reader = await makeUser(ctx, 'licensee', 'reader');
    const published = (await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}`, headers: owner.headers })).json() as { version: number };
    expect((await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers, payload: { expectedVersion: published.version, visibility: 'public' } })).statusCode).toBe(200);
    expect((await ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/watermarked-copies`, headers: reader.headers, payload: { reference: 'thesis' } })).statusCode).toBe(200);
    // GET …/watermarked-copies refuses reviewers; the events must not tell them the same thing.
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/watermarked-copies`, headers: reviewer.headers })).statusCode).toBe(403);

    const copies = (await events(reviewer.headers)).filter((e) => e.type === 'copy_issued');
    expect(copies).toHaveLength(2);
    for (const copy of copies) {
      expect(copy.detail).not.toHaveProperty('recipient');
      expect(copy.detail).not.toHaveProperty('reference');
      expect(copy.actorId).not.toBe(reader.id);
    }
    const managed = (await events(owner.headers)).filter((e) => e.type === 'copy_issued');
    expect(managed[0]).toMatchObject({ actorId: reader.id, detail: { purpose: 'download', reference: 'thesis' } });
  });

  it('keeps events from people who may not manage the work', async () => {
    const stranger = await makeUser(ctx, 'creator', 'stranger');
    const response = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/events`, headers: stranger.headers });
    expect([403, 404]).toContain(response.statusCode);
  });

  it('a save that re-sends the same record in another order and changes nothing', async () => {
    const work = (await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}`, headers: owner.headers })).json() as { version: number; metadata: Record<string, unknown> };
    const edited = await ctx.server.inject({
      method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers,
      payload: { expectedVersion: work.version, metadata: { ...work.metadata, medium: { en: 'ink on silk' } } },
    });
    expect(edited.statusCode).toBe(200);
    const saved = (edited.json() as { metadata: Record<string, unknown> }).metadata;
    const reversed = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).reverse());
    const reordered = { ...reversed(saved), title: reversed(saved.title as Record<string, unknown>) };
    const version = (edited.json() as { version: number }).version;
    const again = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers, payload: { expectedVersion: version, metadata: reordered } });
    expect(again.statusCode).toBe(200);
    expect((again.json() as { version: number }).version).toBe(version);
    const history = (await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/versions`, headers: owner.headers })).json() as { items: { changedFields: string[] }[] };
    expect(history.items[0]!.changedFields).toEqual(['medium']);
  });
});
