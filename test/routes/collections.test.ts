import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, createWork, makeUser, multipart, pngBytes, type TestUser } from './route-helpers.js';

/**
 * Nested collections: a tree that cannot loop, browsing a collection includes the works of the
 * collections nested below it, and a private collection is hidden from those who may not see it.
 */

interface CollectionJson {
  id: string;
  parentId: string | null;
  name: Record<string, string>;
  visibility: string;
}
interface ErrorJson {
  error: { code: string; message: string };
}

describe.each(await testDialects())('collections (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  let creator: TestUser;
  let licensee: TestUser;
  let parent: CollectionJson;
  let child: CollectionJson;
  let grandchild: CollectionJson;
  let sibling: CollectionJson;
  let hidden: CollectionJson;
  const works: Record<'parent' | 'child' | 'grandchild' | 'sibling' | 'loose' | 'hidden', string> = {} as never;

  async function createCollection(headers: Record<string, string>, body: Record<string, unknown>): Promise<CollectionJson> {
    const res = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as CollectionJson;
  }
  const patchCollection = (id: string, payload: Record<string, unknown>, headers = curator.headers) =>
    ctx.server.inject({ method: 'PATCH', url: `/api/collections/${id}`, headers, payload });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    licensee = await makeUser(ctx, 'licensee');
    parent = await createCollection(curator.headers, { name: { 'zh-Hans': '宋画', en: 'Song painting' }, visibility: 'public' });
    child = await createCollection(curator.headers, { name: { en: 'Northern Song' }, parentId: parent.id, visibility: 'public' });
    grandchild = await createCollection(curator.headers, { name: { en: 'Fan Kuan and followers' }, parentId: child.id, visibility: 'public' });
    sibling = await createCollection(curator.headers, { name: { en: 'Ming ceramics' }, visibility: 'public' });
    hidden = await createCollection(curator.headers, { name: { en: 'Acquisitions under review' }, description: { en: 'Not yet catalogued' } });

    const make = async (title: string, collectionId: string | null) =>
      (await createWork(ctx, curator.headers, { title: { en: title } }, { visibility: 'public', collectionId })).id;
    works.parent = await make('In the parent', parent.id);
    works.child = await make('In the child', child.id);
    works.grandchild = await make('In the grandchild', grandchild.id);
    works.sibling = await make('In the sibling', sibling.id);
    works.loose = await make('In no collection', null);
    works.hidden = await make('Public work in a private collection', hidden.id);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('creates collections nested under a parent, private by default', async () => {
    expect(child.parentId).toBe(parent.id);
    expect(grandchild.parentId).toBe(child.id);
    expect(hidden.visibility).toBe('private');
    const fetched = (await ctx.server.inject({ method: 'GET', url: `/api/collections/${grandchild.id}` })).json() as CollectionJson;
    expect(fetched).toMatchObject({ id: grandchild.id, parentId: child.id, name: { en: 'Fan Kuan and followers' } });
  });

  it('refuses a parent that does not exist (404) and names that are not language maps (400)', async () => {
    const orphan = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Orphan' }, parentId: 'no-such-collection' } });
    expect(orphan.statusCode).toBe(404);
    for (const name of [{}, { en: '' }, { 'not a tag!': 'x' }]) {
      const res = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name } });
      expect(res.statusCode, `${JSON.stringify(name)}: ${res.body}`).toBe(400);
      expect((res.json() as ErrorJson).error.message).toContain('name');
    }
    const renamed = await patchCollection(parent.id, { name: {} });
    expect(renamed.statusCode, renamed.body).toBe(400);
    const described = await patchCollection(parent.id, { description: { en: '   ' } });
    expect(described.statusCode, described.body).toBe(400);
  });

  it('cannot nest a collection into itself or into one of its descendants (400)', async () => {
    for (const [what, id, parentId] of [
      ['itself', parent.id, parent.id],
      ['its child', parent.id, child.id],
      ['its grandchild', parent.id, grandchild.id],
      ['its own child (child into grandchild)', child.id, grandchild.id],
    ] as const) {
      const res = await patchCollection(id, { parentId });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expect((res.json() as ErrorJson).error.code).toBe('invalid_input');
    }
    // The tree is unchanged.
    const all = (await ctx.server.inject({ method: 'GET', url: '/api/collections', headers: curator.headers })).json() as { items: CollectionJson[] };
    const parentOf = new Map(all.items.map((c) => [c.id, c.parentId]));
    expect(parentOf.get(parent.id)).toBeNull();
    expect(parentOf.get(child.id)).toBe(parent.id);
    expect(parentOf.get(grandchild.id)).toBe(child.id);
    // A parent that does not exist is 404.
    expect((await patchCollection(child.id, { parentId: 'no-such-collection' })).statusCode).toBe(404);
  });

  it('browsing a collection includes the works of every collection nested below it', async () => {
    const ids = async (collectionId: string) => (await browse(ctx, `collection=${collectionId}&pageSize=100`)).items.map((i) => i.id).sort();
    expect(await ids(parent.id)).toEqual([works.parent, works.child, works.grandchild].sort());
    expect(await ids(child.id)).toEqual([works.child, works.grandchild].sort());
    expect(await ids(grandchild.id)).toEqual([works.grandchild]);
    expect(await ids(sibling.id)).toEqual([works.sibling]);
    expect((await browse(ctx, `collection=${parent.id}`)).total).toBe(3);
    // Other filters still apply inside a collection.
    expect((await browse(ctx, `collection=${parent.id}&q=grandchild`)).items.map((i) => i.id)).toEqual([works.grandchild]);
  });

  it('moving a sub-collection moves its works with it', async () => {
    const moved = await patchCollection(grandchild.id, { parentId: sibling.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as CollectionJson).parentId).toBe(sibling.id);
    expect((await browse(ctx, `collection=${parent.id}&pageSize=100`)).items.map((i) => i.id).sort()).toEqual([works.parent, works.child].sort());
    expect((await browse(ctx, `collection=${sibling.id}&pageSize=100`)).items.map((i) => i.id).sort()).toEqual([works.sibling, works.grandchild].sort());
    // Back where it was; and now sibling may not be nested under grandchild's old parent chain either way round.
    expect((await patchCollection(grandchild.id, { parentId: child.id })).statusCode).toBe(200);
    expect((await patchCollection(sibling.id, { parentId: grandchild.id })).statusCode).toBe(200);
    expect((await patchCollection(parent.id, { parentId: sibling.id })).statusCode).toBe(400);
    expect((await browse(ctx, `collection=${parent.id}&pageSize=100`)).total).toBe(4);
    // Detach again: parentId null makes it a top-level collection.
    const detached = await patchCollection(sibling.id, { parentId: null });
    expect(detached.statusCode).toBe(200);
    expect((detached.json() as CollectionJson).parentId).toBeNull();
    expect((await browse(ctx, `collection=${parent.id}&pageSize=100`)).total).toBe(3);
  });

  it('hides a private collection from anonymous visitors, licensees and creators', async () => {
    for (const [who, headers] of [
      ['anonymous', {}],
      ['licensee', licensee.headers],
      ['creator', creator.headers],
    ] as const) {
      const list = (await ctx.server.inject({ method: 'GET', url: '/api/collections', headers })).json() as { items: CollectionJson[] };
      expect(list.items.map((c) => c.id), who).not.toContain(hidden.id);
      expect(list.items.map((c) => c.id), who).toContain(parent.id);
      const direct = await ctx.server.inject({ method: 'GET', url: `/api/collections/${hidden.id}`, headers });
      const missing = await ctx.server.inject({ method: 'GET', url: '/api/collections/01zzzzzzzzzzzzzzzzzzzzzzzz', headers });
      expect(direct.statusCode, who).toBe(404);
      expect(direct.body.replaceAll(hidden.id, '01zzzzzzzzzzzzzzzzzzzzzzzz'), who).toBe(missing.body);
      const browsing = await ctx.server.inject({ method: 'GET', url: `/api/works?collection=${hidden.id}`, headers });
      expect(browsing.statusCode, who).toBe(404);
    }
    // Works keep their own visibility: a public work in a private collection is still listed.
    expect((await browse(ctx, 'q=private%20collection')).items.map((i) => i.id)).toEqual([works.hidden]);
    // Staff see the collection and browse it.
    const staffList = (await ctx.server.inject({ method: 'GET', url: '/api/collections', headers: curator.headers })).json() as { items: CollectionJson[] };
    expect(staffList.items.map((c) => c.id)).toContain(hidden.id);
    expect((await browse(ctx, `collection=${hidden.id}`, curator.headers)).items.map((i) => i.id)).toEqual([works.hidden]);
  });

  it('a private collection nested in a public one stays hidden, and making it public shows it', async () => {
    const nested = await createCollection(curator.headers, { name: { en: 'Drafts' }, parentId: parent.id });
    expect((await ctx.server.inject({ method: 'GET', url: `/api/collections/${nested.id}` })).statusCode).toBe(404);
    const published = await patchCollection(nested.id, { visibility: 'public' });
    expect(published.statusCode).toBe(200);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/collections/${nested.id}` })).statusCode).toBe(200);
    expect((await patchCollection(nested.id, { visibility: 'private' })).statusCode).toBe(200);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/collections/${nested.id}` })).statusCode).toBe(404);
  });

  it('a work cannot be put into a collection that does not exist, or that its creator cannot see (404, not 500)', async () => {
    const unknown = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: creator.headers, payload: { metadata: { title: { en: 'x' } }, collectionId: 'no-such-collection' } });
    expect(unknown.statusCode, unknown.body).toBe(404);
    const intoHidden = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: creator.headers, payload: { metadata: { title: { en: 'x' } }, collectionId: hidden.id } });
    expect(intoHidden.statusCode, intoHidden.body).toBe(404);

    const own = await createWork(ctx, creator.headers, { title: { en: 'Creator work' } });
    const moved = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${own.id}`, headers: creator.headers, payload: { expectedVersion: 1, collectionId: 'no-such-collection' } });
    expect(moved.statusCode, moved.body).toBe(404);
    // A curated public collection takes a creator's work only once a curator opens it to contributions.
    const intoCurated = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${own.id}`, headers: creator.headers, payload: { expectedVersion: 1, collectionId: sibling.id } });
    expect(intoCurated.statusCode, intoCurated.body).toBe(403);
    expect((await patchCollection(sibling.id, { openToContributions: true })).statusCode).toBe(200);
    const intoPublic = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${own.id}`, headers: creator.headers, payload: { expectedVersion: 1, collectionId: sibling.id } });
    expect(intoPublic.statusCode, intoPublic.body).toBe(200);
    expect(intoPublic.json()).toMatchObject({ collectionId: sibling.id, version: 2 });
    const out = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${own.id}`, headers: creator.headers, payload: { expectedVersion: 2, collectionId: null } });
    expect(out.json()).toMatchObject({ collectionId: null, version: 3 });

    const body = multipart([{ name: 'collectionId', value: 'no-such-collection' }, { name: 'file', filename: 'a.png', contentType: 'image/png', data: await pngBytes(5) }]);
    const upload = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creator.headers, ...body.headers }, payload: body.payload });
    expect(upload.statusCode, upload.body).toBe(404);
  });
});
