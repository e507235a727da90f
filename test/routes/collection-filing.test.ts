import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportService } from '../../src/archive/import/import.service.js';
import type { Actor } from '../../src/govern/roles.js';
import { AppError } from '../../src/platform/errors.js';
import { image, tempDir, writeTree } from '../import/import-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { createWork, makeUser, multipart, pngBytes, type TestUser } from './route-helpers.js';

/**
 * Who may file works into a collection: admins and curators anywhere; a creator only into a
 * collection they own or one a curator opened to contributions — by every path that sets a
 * work's collection (create, edit, restore, upload, import), enforced by the service.
 */

interface CollectionJson {
  id: string;
  openToContributions: boolean;
}
interface ErrorJson {
  error: { code: string; key: string; params: Record<string, unknown> };
}

describe.each(await testDialects())('filing works into collections (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let curator: TestUser;
  let creator: TestUser;
  let curated: CollectionJson; // public, curated: closed to creators
  let community: CollectionJson; // public, open to contributions
  let intake: CollectionJson; // private, open to contributions
  let hidden: CollectionJson; // private, closed

  const newCollection = async (body: Record<string, unknown>, headers = curator.headers): Promise<CollectionJson> => {
    const res = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as CollectionJson;
  };
  const patchWork = (id: string, payload: Record<string, unknown>, headers = creator.headers) => ctx.server.inject({ method: 'PATCH', url: `/api/works/${id}`, headers, payload });
  const expectRefused = (res: { statusCode: number; body: string; json: () => unknown }, id: string) => {
    expect(res.statusCode, res.body).toBe(403);
    expect((res.json() as ErrorJson).error).toMatchObject({ code: 'forbidden', key: 'collection.filing_forbidden', params: { id } });
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    curated = await newCollection({ name: { en: 'Song painting' }, visibility: 'public' });
    community = await newCollection({ name: { en: 'Community photographs' }, visibility: 'public', openToContributions: true });
    intake = await newCollection({ name: { en: 'Submissions 2026' }, openToContributions: true });
    hidden = await newCollection({ name: { en: 'Acquisitions under review' } });
  });
  afterAll(async () => ctx?.close());

  it('a creator cannot put their work into a curated public collection (the old code let them)', async () => {
    const own = await createWork(ctx, creator.headers, { title: { en: 'My photograph' } });
    expectRefused(await patchWork(own.id, { expectedVersion: own.version, collectionId: curated.id }), curated.id);
    // Nothing changed: still version 1, in no collection.
    const after = (await ctx.server.inject({ method: 'GET', url: `/api/works/${own.id}`, headers: creator.headers })).json() as { version: number; collectionId: string | null };
    expect(after).toMatchObject({ version: 1, collectionId: null });
    // Nor at creation.
    expectRefused(await ctx.server.inject({ method: 'POST', url: '/api/works', headers: creator.headers, payload: { metadata: { title: { en: 'x' } }, collectionId: curated.id } }), curated.id);
    // A private collection they cannot see stays unknown (404, not 403).
    expect((await patchWork(own.id, { expectedVersion: 1, collectionId: hidden.id })).statusCode).toBe(404);
  });

  it('files into collections open to contributions, public or private, and sees the private open one listed', async () => {
    const own = await createWork(ctx, creator.headers, { title: { en: 'For the community' } });
    const intoCommunity = await patchWork(own.id, { expectedVersion: 1, collectionId: community.id });
    expect(intoCommunity.statusCode, intoCommunity.body).toBe(200);
    const intoIntake = await patchWork(own.id, { expectedVersion: 2, collectionId: intake.id });
    expect(intoIntake.statusCode, intoIntake.body).toBe(200);
    const listed = ((await ctx.server.inject({ method: 'GET', url: '/api/collections', headers: creator.headers })).json() as { items: CollectionJson[] }).items;
    expect(listed.map((c) => c.id)).toEqual(expect.arrayContaining([curated.id, community.id, intake.id]));
    expect(listed.map((c) => c.id)).not.toContain(hidden.id);
    expect(listed.find((c) => c.id === intake.id)?.openToContributions).toBe(true);
    // Anonymous visitors still do not see the private intake collection.
    const anonymous = ((await ctx.server.inject({ method: 'GET', url: '/api/collections' })).json() as { items: CollectionJson[] }).items;
    expect(anonymous.map((c) => c.id)).not.toContain(intake.id);
  });

  it('a curator closing a collection stops further filing; the creator may still edit and take out what is in it', async () => {
    const open = await newCollection({ name: { en: 'Open for a while' }, visibility: 'public', openToContributions: true });
    const own = await createWork(ctx, creator.headers, { title: { en: 'Early submission' } }, { collectionId: open.id });
    const closed = await ctx.server.inject({ method: 'PATCH', url: `/api/collections/${open.id}`, headers: curator.headers, payload: { openToContributions: false } });
    expect(closed.json()).toMatchObject({ openToContributions: false });
    // Its own edits leave the collection as it is, so they need no filing right.
    expect((await patchWork(own.id, { expectedVersion: 1, metadata: { title: { en: 'Early submission, retitled' } } })).statusCode).toBe(200);
    expect((await patchWork(own.id, { expectedVersion: 2, collectionId: null })).statusCode).toBe(200);
    expectRefused(await patchWork(own.id, { expectedVersion: 3, collectionId: open.id }), open.id);
    // Restoring the version that was in it is filing it again.
    expectRefused(await ctx.server.inject({ method: 'POST', url: `/api/works/${own.id}/restore`, headers: creator.headers, payload: { version: 1, expectedVersion: 3 } }), open.id);
    // Creators cannot open it themselves.
    expect((await ctx.server.inject({ method: 'PATCH', url: `/api/collections/${open.id}`, headers: creator.headers, payload: { openToContributions: true } })).statusCode).toBe(403);
  });

  it('staff file anywhere, and a collection’s owner files into it whatever their role now', async () => {
    const staffWork = await createWork(ctx, curator.headers, { title: { en: 'Fan Kuan, Travellers' } }, { collectionId: curated.id });
    expect(staffWork.collectionId).toBe(curated.id);
    const adminWork = await createWork(ctx, admin.headers, { title: { en: 'Acquisition' } }, { collectionId: hidden.id });
    expect(adminWork.collectionId).toBe(hidden.id);
    // A former curator, now a creator, keeps filing into the collection they made.
    const former = await makeUser(ctx, 'curator');
    const theirs = await newCollection({ name: { en: 'Their own' }, visibility: 'public' }, former.headers);
    const demoted = await ctx.server.inject({ method: 'PATCH', url: `/api/users/${former.id}`, headers: admin.headers, payload: { role: 'creator' } });
    expect(demoted.statusCode, demoted.body).toBe(200);
    const created = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: former.headers, payload: { metadata: { title: { en: 'Mine' } }, collectionId: theirs.id } });
    expect(created.statusCode, created.body).toBe(201);
    expectRefused(await ctx.server.inject({ method: 'POST', url: '/api/works', headers: former.headers, payload: { metadata: { title: { en: 'Not theirs' } }, collectionId: curated.id } }), curated.id);
  });

  it('an upload into a closed collection is refused before any file is stored', async () => {
    const body = multipart([{ name: 'collectionId', value: curated.id }, { name: 'file', filename: 'a.png', contentType: 'image/png', data: await pngBytes(71) }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...body.headers }, payload: body.payload });
    expectRefused(res, curated.id);
    const open = multipart([{ name: 'collectionId', value: community.id }, { name: 'file', filename: 'b.png', contentType: 'image/png', data: await pngBytes(72) }]);
    const ok = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...open.headers }, payload: open.payload });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as { imported: number }).imported).toBe(1);
  });

  it('the service refuses it too, so an import (or any caller) cannot get round the route', async () => {
    const actor: Actor = { kind: 'user', id: creator.id, username: creator.username, role: 'creator' };
    const refused = await ctx.app.works.create(actor, { metadata: { title: { en: 'direct' } }, collectionId: curated.id }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).key).toBe('collection.filing_forbidden');

    const folder = tempDir('wenyuan-filing-');
    writeTree(folder, { 'one.png': await image(301), 'two.png': await image(302) });
    const importer = new ImportService({ ingest: ctx.app.ingest, works: ctx.app.works, repo: ctx.app.workRepository, limits: ctx.app.config });
    const report = await importer.run(actor, { folder, collectionId: curated.id });
    expect(report.imported).toBe(0);
    expect(report.items.map((i) => i.status)).toEqual(['failed', 'failed']);
    expect(report.items[0]!.reason).toMatch(/curators/);
    const into = await importer.run(actor, { folder, collectionId: community.id });
    expect(into.imported).toBe(2);
  });
});
