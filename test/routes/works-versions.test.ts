import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, type TestUser } from './route-helpers.js';

/**
 * Describing works through the API: create with bilingual metadata, validation that names the bad
 * field, optimistic locking, the version history, restore, events, who may edit, and that text is
 * returned verbatim (never interpreted) in JSON.
 */

const ORIGINAL = {
  title: { 'zh-Hans': '谿山行旅图', 'zh-Hant': '谿山行旅圖', en: 'Travelers among Mountains and Streams' },
  creators: [{ name: { 'zh-Hans': '范宽', en: 'Fan Kuan' }, role: 'artist', lifeDates: 'active c. 990–1030' }],
  date: { display: { 'zh-Hans': '北宋', en: 'Northern Song' }, earliest: 990, latest: 1030 },
  medium: { 'zh-Hans': '绢本水墨', en: 'Ink on silk' },
  dimensions: { en: '206.3 × 103.3 cm' },
  subjects: [{ en: 'landscape', 'zh-Hans': '山水' }],
  inscriptions: [{ kind: 'signature', text: { 'zh-Hant': '范寬' } }],
  institution: { en: 'National Palace Museum, Taipei', 'zh-Hant': '國立故宮博物院' },
  inventoryNumber: '故畫00082600000',
  rights: { uri: 'http://rightsstatements.org/vocab/InC/1.0/' },
  classification: { industry: '02', heritage: 'tangible' },
  sourceUrl: 'https://digitalarchive.npm.gov.tw/Painting/Content?pid=1195&Dept=P',
};

interface WorkJson {
  id: string;
  version: number;
  visibility: string;
  ownerId: string;
  canEdit: boolean;
  metadata: Record<string, unknown> & { title: Record<string, string> };
}
interface ErrorJson {
  error: { code: string; key: string; message: string; details?: { field: string; key: string }[] };
}

describe.each(await testDialects())('works and their versions (%s)', (dialect) => {
  let ctx: TestContext;
  let creatorA: TestUser;
  let creatorB: TestUser;
  let curator: TestUser;
  let work: WorkJson;
  let v1Metadata: Record<string, unknown>;

  const post = (headers: Record<string, string>, payload: unknown) => ctx.server.inject({ method: 'POST', url: '/api/works', headers, payload: payload as Record<string, unknown> });
  const patch = (headers: Record<string, string>, id: string, payload: unknown) => ctx.server.inject({ method: 'PATCH', url: `/api/works/${id}`, headers, payload: payload as Record<string, unknown> });
  const get = (headers: Record<string, string>, url: string) => ctx.server.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    creatorA = await makeUser(ctx, 'creator', 'creator-a');
    creatorB = await makeUser(ctx, 'creator', 'creator-b');
    curator = await makeUser(ctx, 'curator');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('creates a work with bilingual metadata as version 1, private by default', async () => {
    const res = await post(creatorA.headers, { metadata: ORIGINAL });
    expect(res.statusCode, res.body).toBe(201);
    work = res.json() as WorkJson;
    expect(work.version).toBe(1);
    expect(work.visibility).toBe('private');
    expect(work.ownerId).toBe(creatorA.id);
    expect(work.canEdit).toBe(true);
    // Everything given comes back, with defaults filled in for lists left out.
    expect(work.metadata).toMatchObject(ORIGINAL);
    expect(work.metadata).toMatchObject({ notes: [] });
    v1Metadata = work.metadata;

    const fetched = (await get(creatorA.headers, `/api/works/${work.id}`)).json() as WorkJson;
    expect(fetched.metadata).toEqual(v1Metadata);
  });

  it.each([
    ['no title', { creators: [] }, 'title'],
    ['an empty title map', { title: {} }, 'title'],
    ['a blank title', { title: { en: '   ' } }, 'title.en'],
    ['a title keyed by something that is not a language tag', { title: { 'not a tag!': 'x' } }, 'title.not a tag!'],
    ['earliest after latest', { title: { en: 'x' }, date: { earliest: 1644, latest: 1368 } }, 'date'],
    ['a fractional year', { title: { en: 'x' }, date: { earliest: 1368.5 } }, 'date.earliest'],
    ['a rights URI that is not RightsStatements or Creative Commons', { title: { en: 'x' }, rights: { uri: 'https://example.com/my-licence' } }, 'rights.uri'],
    ['an unknown industry code', { title: { en: 'x' }, classification: { industry: '10' } }, 'classification.industry'],
    ['an unknown heritage type', { title: { en: 'x' }, classification: { heritage: 'virtual' } }, 'classification.heritage'],
    ['an unknown creator role', { title: { en: 'x' }, creators: [{ name: { en: 'A' }, role: 'emperor' }] }, 'creators.0.role'],
    ['a source URL that is not a URL', { title: { en: 'x' }, sourceUrl: 'not a url' }, 'sourceUrl'],
  ])('refuses %s with 400 naming the field', async (_name, metadata, field) => {
    const res = await post(creatorA.headers, { metadata });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json() as ErrorJson;
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toContain(`${field}:`);
    expect(body.error.key).toBe('invalid_input.fields');
    expect(body.error.details?.some((d) => d.field === field && d.key.startsWith('validation.')), JSON.stringify(body.error.details)).toBe(true);
  });

  it('refuses invalid metadata on edit too, leaving the work unchanged', async () => {
    const res = await patch(creatorA.headers, work.id, { expectedVersion: 1, metadata: { ...ORIGINAL, date: { earliest: 1100, latest: 1000 } } });
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorJson).error.message).toContain('date:');
    expect(((await get(creatorA.headers, `/api/works/${work.id}`)).json() as WorkJson).version).toBe(1);
  });

  it('an edit with the current expectedVersion makes version 2 and lists the changed fields', async () => {
    const metadata = { ...ORIGINAL, title: { ...ORIGINAL.title, en: 'Travellers among Mountains and Streams' }, description: { en: 'A monumental hanging scroll.' } };
    const res = await patch(creatorA.headers, work.id, { expectedVersion: 1, metadata, note: 'British spelling' });
    expect(res.statusCode, res.body).toBe(200);
    const edited = res.json() as WorkJson;
    expect(edited.version).toBe(2);
    expect(edited.metadata.title.en).toBe('Travellers among Mountains and Streams');

    const versions = (await get(creatorA.headers, `/api/works/${work.id}/versions`)).json() as { items: { version: number; changedFields: string[]; note: string | null; changedBy: string }[] };
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
    expect(versions.items[0]).toMatchObject({ version: 2, changedFields: ['description', 'title'], note: 'British spelling', changedBy: creatorA.id });
  });

  it('an edit that changes nothing does not make a version', async () => {
    const res = await patch(creatorA.headers, work.id, { expectedVersion: 2, metadata: ((await get(creatorA.headers, `/api/works/${work.id}`)).json() as WorkJson).metadata });
    expect(res.statusCode).toBe(200);
    expect((res.json() as WorkJson).version).toBe(2);
  });

  it('refuses a stale expectedVersion with 409 and keeps the newer edit', async () => {
    const res = await patch(creatorA.headers, work.id, { expectedVersion: 1, metadata: { ...ORIGINAL, title: { en: 'Lost update' } } });
    expect(res.statusCode).toBe(409);
    const body = res.json() as ErrorJson;
    expect(body.error.code).toBe('version_conflict');
    expect(body.error.message).toContain('version 2');
    const current = (await get(creatorA.headers, `/api/works/${work.id}`)).json() as WorkJson;
    expect(current.version).toBe(2);
    expect(current.metadata.title.en).toBe('Travellers among Mountains and Streams');
    // A future version is just as stale.
    expect((await patch(creatorA.headers, work.id, { expectedVersion: 5, visibility: 'public' })).statusCode).toBe(409);
  });

  it('serves an old version as it was', async () => {
    const res = await get(creatorA.headers, `/api/works/${work.id}/versions/1`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 1, metadata: v1Metadata, visibility: 'private', changedBy: creatorA.id });
    expect((await get(creatorA.headers, `/api/works/${work.id}/versions/9`)).statusCode).toBe(404);
  });

  it('restores version 1 as version 3 with version 1’s metadata', async () => {
    const stale = await ctx.server.inject({ method: 'POST', url: `/api/works/${work.id}/restore`, headers: creatorA.headers, payload: { version: 1, expectedVersion: 1 } });
    expect(stale.statusCode).toBe(409);

    const res = await ctx.server.inject({ method: 'POST', url: `/api/works/${work.id}/restore`, headers: creatorA.headers, payload: { version: 1, expectedVersion: 2 } });
    expect(res.statusCode, res.body).toBe(200);
    const restored = res.json() as WorkJson;
    expect(restored.version).toBe(3);
    expect(restored.metadata).toEqual(v1Metadata);
    const v3 = (await get(creatorA.headers, `/api/works/${work.id}/versions/3`)).json() as { metadata: unknown };
    expect(v3.metadata).toEqual(v1Metadata);
    const versions = (await get(creatorA.headers, `/api/works/${work.id}/versions`)).json() as { items: { version: number; changedFields: string[]; note: string | null }[] };
    expect(versions.items.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(versions.items[0]).toMatchObject({ changedFields: ['description', 'title'], note: 'restored version 1' });
    // The search index follows the restored text.
    const found = (await get(creatorA.headers, '/api/works?q=Travelers')).json() as { items: { id: string }[] };
    expect(found.items.map((i) => i.id)).toContain(work.id);
    // Version 2's description is gone from the index (not its title's spelling: typo tolerance finds that).
    const gone = (await get(creatorA.headers, '/api/works?q=monumental')).json() as { items: { id: string }[] };
    expect(gone.items.map((i) => i.id)).not.toContain(work.id);
  });

  it('records created and edited events, newest first', async () => {
    const res = await get(creatorA.headers, `/api/works/${work.id}/events`);
    expect(res.statusCode).toBe(200);
    const events = (res.json() as { items: { type: string; actorId: string; detail: { version?: number; fields?: string[] } }[] }).items;
    expect(events.map((e) => e.type)).toEqual(['edited', 'edited', 'created']);
    expect(events.every((e) => e.actorId === creatorA.id)).toBe(true);
    expect(events[0]!.detail).toMatchObject({ version: 3 });
    expect(events[1]!.detail).toEqual({ version: 2, fields: ['description', 'title'] });
  });

  it('a creator cannot edit, restore or read the history of another creator’s work (403); a curator can', async () => {
    const published = await patch(creatorA.headers, work.id, { expectedVersion: 3, visibility: 'public' });
    expect(published.statusCode).toBe(200);
    expect((published.json() as WorkJson).version).toBe(4);

    const asB = await patch(creatorB.headers, work.id, { expectedVersion: 4, metadata: { title: { en: 'Defaced' } } });
    expect(asB.statusCode).toBe(403);
    expect((asB.json() as ErrorJson).error.code).toBe('forbidden');
    expect((await ctx.server.inject({ method: 'POST', url: `/api/works/${work.id}/restore`, headers: creatorB.headers, payload: { version: 1, expectedVersion: 4 } })).statusCode).toBe(403);
    expect((await get(creatorB.headers, `/api/works/${work.id}/versions`)).statusCode).toBe(403);
    expect((await get(creatorB.headers, `/api/works/${work.id}/events`)).statusCode).toBe(403);
    const seenByB = (await get(creatorB.headers, `/api/works/${work.id}`)).json() as WorkJson;
    expect(seenByB.canEdit).toBe(false);
    expect(seenByB.version).toBe(4);

    const asCurator = await patch(curator.headers, work.id, { expectedVersion: 4, metadata: { ...v1Metadata, medium: { en: 'Ink and light colour on silk' } } });
    expect(asCurator.statusCode, asCurator.body).toBe(200);
    expect((asCurator.json() as WorkJson).version).toBe(5);
    const versions = (await get(curator.headers, `/api/works/${work.id}/versions`)).json() as { items: { version: number; changedBy: string; changedFields: string[] }[] };
    expect(versions.items[0]).toMatchObject({ version: 5, changedBy: curator.id, changedFields: ['medium'] });
    expect(versions.items[1]).toMatchObject({ version: 4, changedFields: ['visibility'] });
  });

  it('returns HTML and script in titles verbatim, as JSON strings', async () => {
    const hostile = {
      en: '<script>alert("x")</script><img src=x onerror=alert(1)>',
      'zh-Hans': '</script><b>粗体</b>&amp;&lt;',
    };
    const res = await post(creatorA.headers, { metadata: { title: hostile, description: { en: '{{constructor.constructor("alert(1)")()}}' } }, visibility: 'public' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const created = res.json() as WorkJson;
    expect(created.metadata.title).toEqual(hostile);
    expect(created.metadata.description).toEqual({ en: '{{constructor.constructor("alert(1)")()}}' });

    const fetched = await get({}, `/api/works/${created.id}`);
    expect(fetched.headers['content-type']).toMatch(/^application\/json/);
    expect(fetched.headers['x-content-type-options']).toBe('nosniff');
    expect((fetched.json() as WorkJson).metadata.title).toEqual(hostile);

    const listed = (await get({}, '/api/works?q=alert')).json() as { items: { id: string; title: Record<string, string> }[] };
    expect(listed.items.find((i) => i.id === created.id)?.title).toEqual(hostile);
  });

  it('keeps unicode as given: full-width, combining marks and astral CJK', async () => {
    const title = { 'zh-Hant': '𠀋𡈽 Ｗｅｎｙｕａｎ', en: 'Cafe\u0301 ﬁne' };
    const res = await post(creatorA.headers, { metadata: { title } });
    expect(res.statusCode).toBe(201);
    expect((res.json() as WorkJson).metadata.title).toEqual(title);
    const found = (await get(creatorA.headers, '/api/works?q=wenyuan')).json() as { items: { id: string }[] };
    expect(found.items.map((i) => i.id)).toContain((res.json() as WorkJson).id);
  });
});
