import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWork, makeUser, titled, type TestUser } from '../routes/route-helpers.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

/**
 * The catalogue's reuse filters (issue 14) over HTTP on a real database: `rights_use=free|licensable|ai`
 * follows a work's rights URI, the public licences and offers license holds for it or its collection,
 * and never shows a private work to a visitor.
 */
const CONTEXT = 'http://www.w3.org/ns/odrl.jsonld';
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';
const BY_NC = 'https://creativecommons.org/licenses/by-nc/4.0/';
const IN_COPYRIGHT = 'http://rightsstatements.org/vocab/InC/1.0/';

interface Page {
  items: { id: string }[];
  total: number;
  rightsUse?: { value: string; count: number }[];
}

describe.each(await testDialects())('catalogue reuse filters (%s)', (dialect) => {
  let ctx: TestContext;
  let curator: TestUser;
  const ids: Record<string, string> = {};

  const list = async (query: string, who: TestUser | null = null): Promise<Page> => {
    const res = await ctx.server.inject({ method: 'GET', url: `/api/works?pageSize=100&${query}`, headers: who?.headers ?? {} });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };
  const idsOf = async (query: string, who: TestUser | null = null) => (await list(query, who)).items.map((i) => i.id).sort();
  const sorted = (...keys: string[]) => keys.map((k) => ids[k]!).sort();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    curator = await makeUser(ctx, 'curator');
    const collection = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Open prints' }, visibility: 'public' } });
    expect(collection.statusCode, collection.body).toBe(201);
    const collectionId = (collection.json() as { id: string }).id;
    const make = async (key: string, rights: string | null, options: { visibility?: 'public' | 'private'; collectionId?: string } = {}) => {
      ids[key] = (await createWork(ctx, curator.headers, titled(key, undefined, rights ? { rights: { uri: rights } } : {}), { visibility: options.visibility ?? 'public', ...(options.collectionId ? { collectionId: options.collectionId } : {}) })).id;
    };
    await make('cc0', CC0);
    await make('byNc', BY_NC);
    await make('inCopyright', IN_COPYRIGHT);
    await make('offered', IN_COPYRIGHT);
    await make('privateCc0', CC0, { visibility: 'private' });
    await make('inCollection', IN_COPYRIGHT, { collectionId });
    ids.collection = collectionId;
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('takes the flags of a rights URI: CC0 is free and allows AI training; CC BY-NC is free but not for AI', async () => {
    expect(await idsOf('rights_use=free')).toEqual(sorted('cc0', 'byNc'));
    expect(await idsOf('rights_use=ai')).toEqual(sorted('cc0'));
    expect(await idsOf('rights_use=free|ai')).toEqual(sorted('cc0'));
    expect(await idsOf('rights_use=licensable')).toEqual([]);
    const counts = (await list('')).rightsUse;
    expect(counts).toEqual([
      { value: 'free', count: 2 },
      { value: 'licensable', count: 0 },
      { value: 'ai', count: 1 },
    ]);
    expect((await ctx.server.inject({ method: 'GET', url: '/api/works?rights_use=gratis' })).statusCode).toBe(400);
  });

  it('never counts a private work for a visitor; staff see it', async () => {
    expect(await idsOf('rights_use=ai')).not.toContain(ids.privateCc0);
    expect(await idsOf('rights_use=ai', curator)).toEqual(sorted('cc0', 'privateCc0'));
    expect((await list('rights_use=ai')).total).toBe(1);
  });

  it('makes a work with an offer licensable, and not once the offer is withdrawn', async () => {
    const offer = await ctx.server.inject({
      method: 'POST',
      url: '/api/offers',
      headers: curator.headers,
      payload: { target: { type: 'work', id: ids.offered }, title: { en: 'Print licence' }, odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'reproduce', duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '100.00', unit: 'CNY' }] }] }] } },
    });
    expect(offer.statusCode, offer.body).toBe(201);
    expect(await idsOf('rights_use=licensable')).toEqual(sorted('offered'));
    expect((await list('rights_use=licensable')).total).toBe(1);
    // The work's terms page says the same.
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${ids.offered}/terms` })).json()).toMatchObject({ licensable: true, freeToReuse: false });
    const withdrawn = await ctx.server.inject({ method: 'DELETE', url: `/api/offers/${(offer.json() as { id: string }).id}`, headers: curator.headers });
    expect(withdrawn.statusCode, withdrawn.body).toBe(204);
    expect(await idsOf('rights_use=licensable')).toEqual([]);
    expect((await list('rights_use=licensable')).total).toBe(0);
  });

  it("gives a collection's public licence to the works in it, and takes it back when removed", async () => {
    const set = await ctx.server.inject({ method: 'PUT', url: `/api/terms/collection/${ids.collection}/public-licence`, headers: curator.headers, payload: { rightsUri: CC0 } });
    expect(set.statusCode, set.body).toBe(200);
    expect(await idsOf('rights_use=ai')).toEqual(sorted('cc0', 'inCollection'));
    expect(await idsOf('rights_use=free&collection=' + ids.collection)).toEqual(sorted('inCollection'));
    // A work filed there later inherits the licence at once, over its own rights URI.
    ids.filedLater = (await createWork(ctx, curator.headers, titled('filedLater', undefined, { rights: { uri: IN_COPYRIGHT } }), { visibility: 'public', collectionId: ids.collection })).id;
    expect(await idsOf('rights_use=ai')).toEqual(sorted('cc0', 'inCollection', 'filedLater'));
    expect((await list('rights_use=ai')).total).toBe(3);
    // An offer on the collection makes its works licensable; one of their own keeps its own answer too.
    const offer = await ctx.server.inject({
      method: 'POST',
      url: '/api/offers',
      headers: curator.headers,
      payload: { target: { type: 'collection', id: ids.collection }, title: { en: 'Collection licence' }, odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'reproduce' }] } },
    });
    expect(offer.statusCode, offer.body).toBe(201);
    expect(await idsOf('rights_use=licensable|ai')).toEqual(sorted('inCollection', 'filedLater'));
    expect((await list('rights_use=licensable')).rightsUse).toEqual([
      { value: 'free', count: 2 },
      { value: 'licensable', count: 2 },
      { value: 'ai', count: 2 },
    ]);
    expect((await ctx.server.inject({ method: 'DELETE', url: `/api/offers/${(offer.json() as { id: string }).id}`, headers: curator.headers })).statusCode).toBe(204);
    // A work with an offer of its own keeps the licence it inherits, and follows when it is removed.
    const own = await ctx.server.inject({ method: 'POST', url: '/api/offers', headers: curator.headers, payload: { target: { type: 'work', id: ids.inCollection }, title: { en: 'Own' }, odrl: { '@context': CONTEXT, '@type': 'Offer', permission: [{ action: 'reproduce' }] } } });
    expect(own.statusCode, own.body).toBe(201);
    expect(await idsOf('rights_use=licensable|ai')).toEqual(sorted('inCollection'));
    const removed = await ctx.server.inject({ method: 'PUT', url: `/api/terms/collection/${ids.collection}/public-licence`, headers: curator.headers, payload: { odrl: null } });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await idsOf('rights_use=ai')).toEqual(sorted('cc0'));
    expect(await idsOf('rights_use=licensable')).toEqual(sorted('inCollection'));
  });

  it("follows an archive edit of a work's rights URI", async () => {
    const work = await ctx.server.inject({ method: 'GET', url: `/api/works/${ids.inCopyright}`, headers: curator.headers });
    const { version, metadata } = work.json() as { version: number; metadata: Record<string, unknown> };
    const saved = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${ids.inCopyright}`, headers: curator.headers, payload: { expectedVersion: version, metadata: { ...metadata, rights: { uri: BY_NC } } } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await idsOf('rights_use=free')).toEqual(sorted('cc0', 'byNc', 'inCopyright'));
  });
});
