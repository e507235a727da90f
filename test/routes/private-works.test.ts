import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, login, makeUser, multipart, pngBytes, TEST_PASSWORD, uploadImage, type TestUser } from './route-helpers.js';

/**
 * A private work owned by creator A must not reach anonymous visitors, licensees or creator B by
 * any path (lists, search, facets, year ranges, collections, detail, files, derivatives, history),
 * while staff and A see it; and the sign-in machinery (CSRF, revoked tokens, disabled users,
 * login errors, the last admin) holds.
 */

const PRIVATE_TITLE = { en: 'Zyzzogeton Secret Scroll', 'zh-Hans': '秘藏鹦鹉图' };
const PRIVATE_METADATA = {
  title: PRIVATE_TITLE,
  creators: [{ name: { en: 'Qwertyuiop Hidden', 'zh-Hans': '隐名氏' } }],
  date: { earliest: 1701, latest: 1702, display: { 'zh-Hans': '清 康熙四十年' } },
  medium: { en: 'Secretium ink on silk' },
  institution: { en: 'Hidden House Museum' },
  rights: { uri: 'https://creativecommons.org/publicdomain/zero/1.0/' },
  classification: { industry: '09', heritage: 'creative' },
};
const CONTROL_METADATA = {
  title: { en: 'Open Control Scroll' },
  date: { earliest: 1650, latest: 1650 },
  medium: { en: 'Ink on paper' },
  institution: { en: 'Open Museum' },
  rights: { uri: 'http://rightsstatements.org/vocab/NoC-US/1.0/' },
  classification: { industry: '08', heritage: 'tangible' },
};
/** Shaped like a real id, but no work has it. */
const MISSING_ID = '01zzzzzzzzzzzzzzzzzzzzzzzz';
const MISSING_SHA = 'f'.repeat(64);

type WorkJson = { id: string; version: number; visibility: string; files: { sha256: string; url: string; derivatives: Record<string, { url: string }> }[] };

describe.each(await testDialects())('private works (%s)', (dialect) => {
  let ctx: TestContext;
  let creatorA: TestUser;
  let creatorB: TestUser;
  let licensee: TestUser;
  let admin: TestUser;
  let curator: TestUser;
  let reviewer: TestUser;
  let collectionId: string;
  let priv: { id: string; sha256: string; version: number; thumbnail: string; display: string; original: string };
  let control: { id: string };
  let outsiders: [string, Record<string, string>][];
  let insiders: [string, Record<string, string>][];

  const get = (url: string, headers: Record<string, string> = {}) => ctx.server.inject({ method: 'GET', url, headers });

  async function setVisibility(visibility: 'public' | 'private'): Promise<void> {
    const res = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${priv.id}`, headers: creatorA.headers, payload: { expectedVersion: priv.version, visibility } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as WorkJson;
    expect(body.visibility).toBe(visibility);
    priv.version = body.version;
  }

  /** What a reader who may not see the work gets for `url`, with the id replaced by one that does not exist. */
  async function expectSameAsMissing(url: string, headers: Record<string, string>, label: string, method: 'GET' | 'HEAD' = 'GET'): Promise<void> {
    const res = await ctx.server.inject({ method, url, headers });
    const missingUrl = url.replace(priv.id, MISSING_ID);
    const missing = await ctx.server.inject({ method, url: missingUrl, headers });
    expect(res.statusCode, `${label} ${url}: ${res.body}`).toBe(404);
    expect(missing.statusCode, `${label} ${missingUrl}`).toBe(404);
    if (method === 'GET') expect(res.body.replaceAll(priv.id, MISSING_ID), label).toBe(missing.body);
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    creatorA = await makeUser(ctx, 'creator', 'creator-a');
    creatorB = await makeUser(ctx, 'creator', 'creator-b');
    licensee = await makeUser(ctx, 'licensee');
    admin = await makeUser(ctx, 'admin');
    curator = await makeUser(ctx, 'curator');
    reviewer = await makeUser(ctx, 'reviewer');
    outsiders = [
      ['anonymous', {}],
      ['licensee', licensee.headers],
      ['creator B', creatorB.headers],
    ];
    insiders = [
      ['admin', admin.headers],
      ['curator', curator.headers],
      ['reviewer', reviewer.headers],
      ['creator A (owner)', creatorA.headers],
    ];

    const collection = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Open shelf' }, visibility: 'public', openToContributions: true } });
    expect(collection.statusCode, collection.body).toBe(201);
    collectionId = (collection.json() as { id: string }).id;

    const upload = await uploadImage(ctx, creatorA.headers, 11, { collectionId });
    const described = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${upload.workId}`, headers: creatorA.headers, payload: { expectedVersion: 1, metadata: PRIVATE_METADATA } });
    expect(described.statusCode, described.body).toBe(200);
    const controlUpload = await uploadImage(ctx, creatorA.headers, 12, { visibility: 'public', collectionId });
    const controlDescribed = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${controlUpload.workId}`, headers: creatorA.headers, payload: { expectedVersion: 1, metadata: CONTROL_METADATA } });
    expect(controlDescribed.statusCode, controlDescribed.body).toBe(200);
    control = { id: controlUpload.workId };
    // Make the display derivatives too.
    await ctx.app.worker.drain();

    const detail = (await get(`/api/works/${upload.workId}`, creatorA.headers)).json() as WorkJson;
    expect(detail.visibility).toBe('private');
    const file = detail.files[0]!;
    expect(Object.keys(file.derivatives).sort()).toEqual(['display', 'thumbnail']);
    priv = { id: upload.workId, sha256: upload.sha256, version: detail.version, original: file.url, thumbnail: file.derivatives.thumbnail!.url, display: file.derivatives.display!.url };
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const LIST_QUERIES = [
    '',
    'pageSize=100',
    'q=Zyzzogeton',
    'q=zyzzo',
    'q=Zyzzogeton%20Secret%20Scroll',
    `q=${encodeURIComponent('秘藏鹦鹉图')}`,
    `q=${encodeURIComponent('秘藏鸚鵡圖')}`,
    `q=${encodeURIComponent('隐名氏')}`,
    'q=Qwertyuiop',
    'industry=09',
    'heritage=creative',
    `medium=${encodeURIComponent(JSON.stringify({ en: 'Secretium ink on silk' }))}`,
    `institution=${encodeURIComponent(JSON.stringify({ en: 'Hidden House Museum' }))}`,
    `rights=${encodeURIComponent('https://creativecommons.org/publicdomain/zero/1.0/')}`,
    'yearFrom=1701&yearTo=1702',
    'yearFrom=1700',
    'yearTo=1701',
    'visibility=private',
    'type=image',
    'sort=title',
    'sort=date',
    'mine=true',
    'industry=09|08',
    'q=scroll',
  ];
  /** Queries that only the private work matches. */
  const ONLY_PRIVATE = new Set(LIST_QUERIES.filter((q) => !['', 'pageSize=100', 'yearTo=1701', 'type=image', 'sort=title', 'sort=date', 'mine=true', 'industry=09|08', 'q=scroll'].includes(q)));

  it('is in the lists, searches and facets of staff and its owner', async () => {
    for (const [who, headers] of insiders) {
      for (const query of ['q=Zyzzogeton', `q=${encodeURIComponent('秘藏鸚鵡圖')}`, 'industry=09', 'yearFrom=1701&yearTo=1702']) {
        const page = await browse(ctx, query, headers);
        expect(page.items.map((i) => i.id), `${who} ${query}`).toEqual([priv.id]);
        expect(page.total).toBe(1);
      }
      const all = await browse(ctx, 'pageSize=100', headers);
      expect(all.facets.industry).toContainEqual({ value: '09', count: 1 });
      expect(all.facets.visibility).toContainEqual({ value: 'private', count: 1 });
      expect((await get(`/api/works/${priv.id}`, headers)).statusCode, who).toBe(200);
      for (const url of [priv.original, priv.thumbnail, priv.display]) {
        const res = await get(url, headers);
        expect(res.statusCode, `${who} ${url}`).toBe(200);
        expect(res.headers['cache-control'], `${who} ${url}`).toBe('private, no-store');
      }
    }
  });

  it('never appears in the lists or searches of anonymous visitors, licensees or other creators', async () => {
    for (const [who, headers] of outsiders) {
      for (const query of LIST_QUERIES) {
        const page = await browse(ctx, query, headers);
        expect(page.items.map((i) => i.id), `${who} ?${query}`).not.toContain(priv.id);
        if (ONLY_PRIVATE.has(query)) expect(page.total, `${who} ?${query}`).toBe(0);
      }
      // Nor among the works related to the public one beside it.
      const related = await get(`/api/works/${control.id}/related`, headers);
      expect(related.statusCode, who).toBe(200);
      expect(related.body, `${who} related`).not.toContain(priv.id);
      // Paging through everything never reaches it either.
      const everything = await browse(ctx, 'pageSize=1&page=1', headers);
      for (let page = 2; page <= everything.total; page++) {
        expect((await browse(ctx, `pageSize=1&page=${page}`, headers)).items.map((i) => i.id)).not.toContain(priv.id);
      }
    }
  });

  it('is not counted in facets for those who may not see it', async () => {
    for (const [who, headers] of outsiders) {
      for (const query of ['', 'industry=08', 'heritage=tangible', 'yearFrom=1600&yearTo=1800', 'q=scroll']) {
        const page = await browse(ctx, query, headers);
        const values = (facet: string) => (page.facets[facet] ?? []).map((f) => f.value);
        expect(values('industry'), `${who} ?${query}`).not.toContain('09');
        expect(values('heritage'), `${who} ?${query}`).not.toContain('creative');
        expect(values('medium').join(), `${who} ?${query}`).not.toContain('Secretium');
        expect(values('institution').join(), `${who} ?${query}`).not.toContain('Hidden House');
        expect(values('rights'), `${who} ?${query}`).not.toContain('https://creativecommons.org/publicdomain/zero/1.0/');
        expect(values('visibility'), `${who} ?${query}`).not.toContain('private');
        // Every count adds up to at most what the reader can list.
        for (const [facet, counts] of Object.entries(page.facets)) {
          if (facet === 'industry' && query.startsWith('industry=')) continue;
          if (facet === 'heritage' && query.startsWith('heritage=')) continue;
          expect((counts ?? []).reduce((n, c) => n + c.count, 0), `${who} ?${query} ${facet}`).toBeLessThanOrEqual(page.total);
        }
      }
      const typeCounts = (await browse(ctx, '', headers)).facets.type ?? [];
      expect(typeCounts, who).toContainEqual({ value: 'image', count: 1 });
    }
    // Anonymous visitors get no visibility facet at all.
    expect((await browse(ctx, '')).facets.visibility).toBeUndefined();
  });

  it('answers its detail, files and derivatives exactly as if it did not exist', async () => {
    for (const [who, headers] of outsiders) {
      await expectSameAsMissing(`/api/works/${priv.id}`, headers, who);
      await expectSameAsMissing(`/api/works/${priv.id}/related`, headers, who);
      for (const url of [priv.original, priv.thumbnail, priv.display]) {
        await expectSameAsMissing(url, headers, who);
        await expectSameAsMissing(url, headers, who, 'HEAD');
      }
      // A sha256 that is not one of its files is no different.
      await expectSameAsMissing(`/api/works/${priv.id}/files/${MISSING_SHA}`, headers, who);
    }
  });

  it('is unreachable through every IIIF route, and listed in no IIIF collection', async () => {
    const image = `/iiif/3/${priv.id}~${priv.sha256.slice(0, 16)}`;
    for (const [who, headers] of outsiders) {
      for (const url of [image, `${image}/info.json`, `${image}/full/max/0/default.jpg`, `${image}/0,0,16,16/16,/90/gray.png`, `/iiif/3/manifests/${priv.id}`, `/iiif/3/manifests/${priv.id}/annotations/1`]) {
        await expectSameAsMissing(url, headers, who);
      }
      for (const url of ['/iiif/3/collections/all', '/iiif/3/collections/all/page/1', `/iiif/3/collections/${collectionId}`]) {
        const res = await get(url, headers);
        expect(res.statusCode, `${who} ${url}`).toBe(200);
        expect(res.body, `${who} ${url}`).not.toContain(priv.id);
        expect(res.body, `${who} ${url}`).not.toContain('Zyzzogeton');
      }
    }
    for (const [who, headers] of insiders) {
      expect((await get(`${image}/info.json`, headers)).statusCode, who).toBe(200);
      const manifest = await get(`/iiif/3/manifests/${priv.id}`, headers);
      expect(manifest.statusCode, who).toBe(200);
      expect(manifest.headers['cache-control'], who).toBe('private, no-store');
    }
  });

  it('keeps its history and editing routes closed: 401 anonymous, 404 to signed-in outsiders', async () => {
    for (const suffix of ['/versions', '/versions/1', '/events']) {
      expect((await get(`/api/works/${priv.id}${suffix}`)).statusCode, suffix).toBe(401);
      for (const [who, headers] of outsiders.slice(1)) await expectSameAsMissing(`/api/works/${priv.id}${suffix}`, headers, who);
    }
    for (const [who, headers] of outsiders.slice(1)) {
      const patch = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${priv.id}`, headers, payload: { expectedVersion: priv.version, visibility: 'public' } });
      expect(patch.statusCode, `${who} PATCH`).toBe(404);
      const restore = await ctx.server.inject({ method: 'POST', url: `/api/works/${priv.id}/restore`, headers, payload: { version: 1, expectedVersion: priv.version } });
      expect(restore.statusCode, `${who} restore`).toBe(404);
      const body = multipart([{ name: 'file', filename: 'sneak.png', contentType: 'image/png', data: await pngBytes(99) }]);
      const attach = await ctx.server.inject({ method: 'POST', url: `/api/works/${priv.id}/files`, headers: { ...headers, ...body.headers }, payload: body.payload });
      expect(attach.statusCode, `${who} attach`).toBe(404);
    }
    // Nothing changed.
    const detail = (await get(`/api/works/${priv.id}`, creatorA.headers)).json() as WorkJson;
    expect(detail.visibility).toBe('private');
    expect(detail.version).toBe(priv.version);
    expect(detail.files).toHaveLength(1);
  });

  it('an identical upload by creator B does not reveal the private work; B gets a work of their own', async () => {
    const body = multipart([{ name: 'file', filename: 'same-bytes.png', contentType: 'image/png', data: await pngBytes(11) }]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creatorB.headers, ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(priv.id);
    const item = (res.json() as { items: { status: string; workId: string; sha256: string }[] }).items[0]!;
    expect(item).toMatchObject({ status: 'imported', sha256: priv.sha256 });
    const own = (await get(`/api/works/${item.workId}`, creatorB.headers)).json() as WorkJson & { ownerId: string };
    expect(own.ownerId).toBe(creatorB.id);
    // B's copy serves B; A's private work is still hidden from B.
    expect((await get(own.files[0]!.url, creatorB.headers)).statusCode).toBe(200);
    await expectSameAsMissing(`/api/works/${priv.id}`, creatorB.headers, 'creator B');
    // Uploading it again is recognised as B's own.
    const again = multipart([{ name: 'file', filename: 'same-bytes.png', contentType: 'image/png', data: await pngBytes(11) }]);
    const repeat = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...creatorB.headers, ...again.headers }, payload: again.payload });
    expect((repeat.json() as { items: { status: string; workId: string }[] }).items[0]).toMatchObject({ status: 'unchanged', workId: item.workId });
  });

  it('becomes visible to everyone when made public, and hidden again (thumbnail too) when made private', async () => {
    await setVisibility('public');
    for (const [who, headers] of outsiders) {
      expect((await get(`/api/works/${priv.id}`, headers)).statusCode, who).toBe(200);
      expect((await browse(ctx, 'q=Zyzzogeton', headers)).items.map((i) => i.id), who).toEqual([priv.id]);
      expect((await browse(ctx, '', headers)).facets.industry, who).toContainEqual({ value: '09', count: 1 });
      for (const url of [priv.original, priv.thumbnail, priv.display]) expect((await get(url, headers)).statusCode, `${who} ${url}`).toBe(200);
    }
    const listed = (await browse(ctx, 'q=Zyzzogeton')).items[0]!;
    expect(listed.thumbnail?.url).toBe(priv.thumbnail);

    await setVisibility('private');
    for (const [who, headers] of outsiders) {
      await expectSameAsMissing(`/api/works/${priv.id}`, headers, who);
      for (const url of [priv.original, priv.thumbnail, priv.display]) await expectSameAsMissing(url, headers, who);
      expect((await browse(ctx, 'q=Zyzzogeton', headers)).total, who).toBe(0);
      expect((await browse(ctx, '', headers)).facets.industry?.map((f) => f.value), who).not.toContain('09');
    }
    // The history records both flips.
    const versions = (await get(`/api/works/${priv.id}/versions`, creatorA.headers)).json() as { items: { version: number; changedFields: string[]; visibility: string }[] };
    expect(versions.items.slice(0, 2).map((v) => [v.visibility, v.changedFields])).toEqual([
      ['private', ['visibility']],
      ['public', ['visibility']],
    ]);
  });

  it('the control work stays public throughout', async () => {
    expect((await get(`/api/works/${control.id}`)).statusCode).toBe(200);
    expect((await browse(ctx, `collection=${collectionId}`)).items.map((i) => i.id)).toEqual([control.id]);
    expect((await browse(ctx, `collection=${collectionId}`, creatorA.headers)).items.map((i) => i.id).sort()).toEqual([control.id, priv.id].sort());
  });

  it('never reaches outsiders through the home page or an exhibition, and cannot be published in one', async () => {
    const write = (method: 'POST' | 'PUT', url: string, payload: unknown) => ctx.server.inject({ method, url, headers: curator.headers, payload: payload as string });
    // Staff may hold it in a draft; publishing that, or featuring the work on the home page, is refused.
    const draftInput = { slug: `private-shelf-${dialect}`, title: { en: 'Shelf' }, sections: [{ id: 's1', media: { workId: priv.id }, links: [priv.id, control.id] }] };
    const draft = await write('POST', '/api/exhibitions', draftInput);
    expect(draft.statusCode, draft.body).toBe(201);
    const publish = await write('PUT', `/api/exhibitions/${(draft.json() as { id: string }).id}`, { ...draftInput, status: 'published', version: 1 });
    expect(publish.statusCode, publish.body).toBe(422);
    expect((await write('PUT', '/api/showcase/home/settings', { featuredWorkIds: [priv.id] })).statusCode).toBe(422);
    const shown = await write('POST', '/api/exhibitions', { slug: `open-shelf-${dialect}`, title: { en: 'Open shelf' }, status: 'published', cover: { workId: control.id }, sections: [{ id: 's1', media: { workId: control.id }, links: [control.id] }] });
    expect(shown.statusCode, shown.body).toBe(201);

    for (const [who, headers] of outsiders) {
      for (const url of ['/api/showcase/home', '/api/showcase/home?seed=private', '/api/exhibitions', `/api/exhibitions/open-shelf-${dialect}`, `/iiif/3/exhibitions/open-shelf-${dialect}`]) {
        const res = await get(url, headers);
        expect(res.statusCode, `${who} ${url}`).toBe(200);
        for (const secret of [priv.id, priv.sha256, 'Zyzzogeton', '秘藏鹦鹉图', 'private-shelf']) expect(res.body, `${who} ${url}`).not.toContain(secret);
      }
      for (const url of [`/api/exhibitions/private-shelf-${dialect}`, `/iiif/3/exhibitions/private-shelf-${dialect}`]) expect((await get(url, headers)).statusCode, `${who} ${url}`).toBe(404);
    }
  });

  it('refuses a state-changing request with a session cookie but no CSRF header (403)', async () => {
    const cookie = await login(ctx, creatorA.username);
    const me = (await get('/api/auth/me', { cookie })).json() as { user: { id: string } | null };
    expect(me.user?.id).toBe(creatorA.id);

    const withoutHeader = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${priv.id}`, headers: { cookie }, payload: { expectedVersion: priv.version, visibility: 'public' } });
    expect(withoutHeader.statusCode).toBe(403);
    expect((withoutHeader.json() as { error: { code: string } }).error.code).toBe('forbidden');
    const wrongValue = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${priv.id}`, headers: { cookie, 'x-wenyuan-csrf': 'yes' }, payload: { expectedVersion: priv.version, visibility: 'public' } });
    expect(wrongValue.statusCode).toBe(403);
    const logoutWithoutHeader = await ctx.server.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(logoutWithoutHeader.statusCode).toBe(403);
    expect((await get(`/api/works/${priv.id}`, creatorA.headers)).json()).toMatchObject({ visibility: 'private', version: priv.version });

    // With the header the same request goes through (a no-op edit keeps the version).
    const withHeader = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${priv.id}`, headers: { cookie, 'x-wenyuan-csrf': '1' }, payload: { expectedVersion: priv.version, note: 'nothing' } });
    expect(withHeader.statusCode, withHeader.body).toBe(200);
    expect((withHeader.json() as WorkJson).version).toBe(priv.version);

    // Logging out ends the session.
    expect((await ctx.server.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-wenyuan-csrf': '1' } })).statusCode).toBe(200);
    expect(((await get('/api/auth/me', { cookie })).json() as { user: unknown }).user).toBeNull();
    expect((await get(`/api/works/${priv.id}`, { cookie })).statusCode).toBe(404);
  });

  it('refuses a revoked API token with 401', async () => {
    const created = await ctx.server.inject({ method: 'POST', url: '/api/auth/tokens', headers: creatorA.headers, payload: { name: 'laptop' } });
    expect(created.statusCode).toBe(200);
    const { id, token } = created.json() as { id: string; token: string };
    const bearer = { authorization: `Bearer ${token}` };
    expect((await get(`/api/works/${priv.id}`, bearer)).statusCode).toBe(200);

    // Another user cannot revoke it.
    expect((await ctx.server.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: creatorB.headers })).statusCode).toBe(404);
    expect((await get(`/api/works/${priv.id}`, bearer)).statusCode).toBe(200);

    expect((await ctx.server.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: creatorA.headers })).statusCode).toBe(200);
    for (const url of [`/api/works/${priv.id}`, '/api/works', '/api/auth/me']) {
      const res = await get(url, bearer);
      expect(res.statusCode, url).toBe(401);
      expect((res.json() as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
    const tokens = (await get('/api/auth/tokens', creatorA.headers)).json() as { items: { id: string; revoked: boolean }[] };
    expect(tokens.items.find((t) => t.id === id)?.revoked).toBe(true);
    expect(JSON.stringify(tokens)).not.toContain(token);
  });

  it('refuses a disabled user on the next request (token and session)', async () => {
    const user = await makeUser(ctx, 'creator', 'soon-disabled');
    const cookie = await login(ctx, user.username);
    expect((await get('/api/works?mine=true', user.headers)).statusCode).toBe(200);

    const disabled = await ctx.server.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: admin.headers, payload: { disabled: true } });
    expect(disabled.statusCode).toBe(200);
    expect((disabled.json() as { disabled: boolean }).disabled).toBe(true);

    expect((await get('/api/works', user.headers)).statusCode).toBe(401);
    expect(((await get('/api/auth/me', { cookie })).json() as { user: unknown }).user).toBeNull();
    const viaCookie = await ctx.server.inject({ method: 'POST', url: '/api/works', headers: { cookie, 'x-wenyuan-csrf': '1' }, payload: { metadata: { title: { en: 'x' } } } });
    expect(viaCookie.statusCode).toBe(401);
    const relogin = await ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } });
    expect(relogin.statusCode).toBe(401);
    expect(relogin.cookies.find((c) => c.name === 'wy_session' && c.value)).toBeUndefined();
  });

  it('gives the same 401 for a wrong password, an unknown user and a disabled user', async () => {
    const attempt = (username: string, password: string) => ctx.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    const wrongPassword = await attempt(creatorA.username, 'not the password at all');
    const unknownUser = await attempt('nobody-by-this-name', 'not the password at all');
    const disabledUser = await makeUser(ctx, 'licensee', 'disabled-login');
    expect((await ctx.server.inject({ method: 'PATCH', url: `/api/users/${disabledUser.id}`, headers: admin.headers, payload: { disabled: true } })).statusCode).toBe(200);
    const disabled = await attempt(disabledUser.username, TEST_PASSWORD);
    for (const res of [wrongPassword, unknownUser, disabled]) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(wrongPassword.body);
    }
    expect((wrongPassword.json() as { error: { code: string } }).error.code).toBe('bad_credentials');
    expect(wrongPassword.body).not.toContain(creatorA.username);
  });
});

describe.each(await testDialects())('the last admin (%s)', (dialect) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('cannot be demoted or disabled (409), by themselves or through another admin leaving', async () => {
    const first = await makeUser(ctx, 'admin', 'first-admin');
    const patch = (as: TestUser, id: string, payload: Record<string, unknown>) => ctx.server.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: as.headers, payload });

    for (const change of [{ role: 'curator' }, { disabled: true }, { role: 'licensee', disabled: true }]) {
      const res = await patch(first, first.id, change);
      expect(res.statusCode, JSON.stringify(change)).toBe(409);
      expect((res.json() as { error: { code: string } }).error.code).toBe('conflict');
    }
    // Harmless changes still work.
    expect((await patch(first, first.id, { displayName: 'First' })).statusCode).toBe(200);
    expect((await patch(first, first.id, { role: 'admin' })).statusCode).toBe(200);

    // With a second admin, the first may step down; then the second is the last.
    const second = await makeUser(ctx, 'admin', 'second-admin');
    expect((await patch(second, first.id, { role: 'curator' })).statusCode).toBe(200);
    expect((await patch(second, second.id, { role: 'curator' })).statusCode).toBe(409);
    expect((await patch(second, second.id, { disabled: true })).statusCode).toBe(409);

    // A disabled admin does not count as the spare.
    const third = await makeUser(ctx, 'admin', 'third-admin');
    expect((await patch(second, third.id, { disabled: true })).statusCode).toBe(200);
    expect((await patch(second, second.id, { role: 'curator' })).statusCode).toBe(409);

    const users = (await ctx.server.inject({ method: 'GET', url: '/api/users', headers: second.headers })).json() as { items: { id: string; role: string; disabled: boolean }[] };
    expect(users.items.filter((u) => u.role === 'admin' && !u.disabled).map((u) => u.id)).toEqual([second.id]);
  });
});
