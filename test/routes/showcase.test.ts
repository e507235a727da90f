import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problems, validateManifest } from '../fixtures/iiif/presentation-validator.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, TEST_PUBLIC_URL, type TestContext } from '../support/test-app.js';
import { wavBytes } from '../support/wav.js';
import { makeUser, multipart, uploadImage, type TestUser } from './route-helpers.js';

/**
 * Exhibitions and the home page through the HTTP API on a real database: who may compose them,
 * what visitors see of drafts, schedules and works that turn private, the rules of publishing, the
 * IIIF export, and the home page's defaults, settings and daily discovery draw.
 */

interface ShowcaseWorkJson { id: string; title: Record<string, string>; visibility: string; image: { sha256: string; width: number | null; height: number | null; thumbnail: { url: string } | null; displayUrl: string | null; iiifService: string | null } | null; media: { kind: string; url: string; mediaType: string } | null }
interface MediaJson { workId: string; file: string | null; region: unknown; caption: Record<string, string> | null; work: ShowcaseWorkJson | null }
interface ExhibitionJson {
  id: string;
  slug: string;
  version: number;
  status: string;
  publishAt: string | null;
  cover: MediaJson | null;
  sections: { id: string; heading: Record<string, string> | null; body: Record<string, string> | null; media: MediaJson | null; links: ShowcaseWorkJson[] }[];
  problems: { sectionId: string | null; workId: string; reason: string }[];
  canEdit: boolean;
  manifest: string;
}
interface HomeJson {
  featuredWorks: ShowcaseWorkJson[];
  featuredCollections: { id: string; workCount: number; cover: ShowcaseWorkJson | null }[];
  exhibitions: { slug: string }[];
  discovery: ShowcaseWorkJson[];
  categories: Record<'industry' | 'heritage' | 'period', { value: string; count: number }[]>;
  publicWorks: number;
  firstRun: { works: number; publicWorks: number; institutionNamed: boolean; hasLogo: boolean } | null;
  heroTitle: Record<string, string> | null;
}
type ErrorJson = { error: { code: string; key: string; params: Record<string, string | number> } };

const SECRET_TITLE = 'Zyzzogeton Turned Private';

describe.each(await testDialects())('showcase (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: TestUser;
  let curator: TestUser;
  let creator: TestUser;
  let reviewer: TestUser;
  let licensee: TestUser;
  /** Works uploaded by the curator: a and b are made public after the first-run test; p stays private. */
  const works: Record<'a' | 'b' | 'p', { workId: string; sha256: string }> = {} as never;
  /** Ten more public works for the discovery draw. */
  const many: string[] = [];
  let slugSeed = 0;

  const get = (url: string, headers: Record<string, string> = {}) => ctx.server.inject({ method: 'GET', url, headers });
  const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
    ctx.server.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const slug = () => `story-${++slugSeed}-${dialect}`;

  async function setVisibility(workId: string, visibility: 'public' | 'private'): Promise<void> {
    const current = (await get(`/api/works/${workId}`, curator.headers)).json() as { version: number };
    const res = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: curator.headers, payload: { expectedVersion: current.version, visibility } });
    expect(res.statusCode, res.body).toBe(200);
  }

  /** An exhibition input showing work a (with a region), then b, linking both. */
  function story(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      slug: slug(),
      title: { en: 'Blue and green', 'zh-Hans': '青绿' },
      summary: { en: 'Landscapes in mineral colours.' },
      cover: { workId: works.a.workId },
      sections: [
        { id: 'opening', heading: { en: 'Opening', 'zh-Hans': '开篇' }, body: { en: 'The **first** mountain.', 'zh-Hans': '第一座山。' }, media: { workId: works.a.workId, region: { x: 4, y: 2, width: 20, height: 10 }, caption: { en: 'Detail' } }, links: [works.b.workId] },
        { id: 'second', heading: { en: 'Second' }, body: { en: '<script>alert(1)</script> stays text.' }, media: { workId: works.b.workId, file: works.b.sha256 }, links: [] },
        { id: 'words', body: { en: 'Only words here.' } },
      ],
      ...overrides,
    };
  }

  async function create(body: Record<string, unknown>, headers = curator.headers): Promise<ExhibitionJson> {
    const res = await send('POST', '/api/exhibitions', headers, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as ExhibitionJson;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    admin = await makeUser(ctx, 'admin');
    curator = await makeUser(ctx, 'curator');
    creator = await makeUser(ctx, 'creator');
    reviewer = await makeUser(ctx, 'reviewer');
    licensee = await makeUser(ctx, 'licensee');
    works.a = await uploadImage(ctx, curator.headers, 101);
    works.b = await uploadImage(ctx, curator.headers, 102);
    works.p = await uploadImage(ctx, curator.headers, 103);
    const b = (await get(`/api/works/${works.b.workId}`, curator.headers)).json() as { version: number };
    const titled = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${works.b.workId}`, headers: curator.headers, payload: { expectedVersion: b.version, metadata: { title: { en: SECRET_TITLE } } } });
    expect(titled.statusCode, titled.body).toBe(200);
    await ctx.app.worker.drain();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('tells staff what is left to do while nothing is public, and visitors nothing', async () => {
    const staff = (await get('/api/showcase/home', curator.headers)).json() as HomeJson;
    expect(staff.publicWorks).toBe(0);
    expect(staff.firstRun).toEqual({ works: 3, publicWorks: 0, institutionNamed: true, hasLogo: false });
    const visitor = await get('/api/showcase/home');
    expect(visitor.statusCode, visitor.body).toBe(200);
    const home = visitor.json() as HomeJson;
    expect(home.firstRun).toBeNull();
    expect(home.featuredWorks).toEqual([]);
    expect(home.discovery).toEqual([]);
    expect(((await get('/api/showcase/home', creator.headers)).json() as HomeJson).firstRun).toBeNull();

    await setVisibility(works.a.workId, 'public');
    await setVisibility(works.b.workId, 'public');
    for (let i = 0; i < 10; i++) many.push((await uploadImage(ctx, curator.headers, 200 + i, { visibility: 'public' })).workId);
    await ctx.app.worker.drain();
    const after = (await get('/api/showcase/home', curator.headers)).json() as HomeJson;
    expect(after.firstRun).toBeNull();
    expect(after.publicWorks).toBe(12);
  });

  it('lets admins and curators compose exhibitions, and nobody else', async () => {
    const body = story();
    expect((await send('POST', '/api/exhibitions', {}, { slug: 'BAD SLUG' })).statusCode).toBe(401);
    expect((await send('POST', '/api/exhibitions', {}, body)).statusCode).toBe(401);
    for (const who of [creator, reviewer, licensee]) {
      const res = await send('POST', '/api/exhibitions', who.headers, body);
      expect(res.statusCode, res.body).toBe(403);
    }
    expect((await send('POST', '/api/exhibitions', curator.headers, { ...body, slug: 'BAD SLUG' })).statusCode).toBe(400);
    const made = await create(body);
    expect(made).toMatchObject({ slug: body.slug, status: 'draft', publishAt: null, version: 1, canEdit: true, problems: [] });
    expect(made.manifest).toBe(`${TEST_PUBLIC_URL}/iiif/3/exhibitions/${String(body.slug)}`);
    const adminMade = await create(story(), admin.headers);
    expect(adminMade.canEdit).toBe(true);
    for (const who of [creator, licensee]) {
      expect((await send('PUT', `/api/exhibitions/${made.id}`, who.headers, { ...body, version: 1 })).statusCode).toBe(403);
      expect((await send('DELETE', `/api/exhibitions/${made.id}`, who.headers)).statusCode).toBe(403);
    }
    expect((await send('DELETE', `/api/exhibitions/${made.id}`, {})).statusCode).toBe(401);
  });

  it('reads, updates with the version, refuses a stale one, and deletes', async () => {
    const body = story();
    const made = await create(body);
    const section = made.sections[0]!;
    expect(section.media?.work?.id).toBe(works.a.workId);
    expect(section.media?.region).toEqual({ x: 4, y: 2, width: 20, height: 10 });
    expect(section.media?.work?.image).toMatchObject({ sha256: works.a.sha256, width: 48, height: 32 });
    expect(section.media?.work?.image?.thumbnail?.url).toBe(`/api/works/${works.a.workId}/files/${works.a.sha256}/thumbnail`);
    expect(section.media?.work?.image?.displayUrl).toBe(`/api/works/${works.a.workId}/files/${works.a.sha256}/display`);
    expect(section.media?.work?.image?.iiifService).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/iiif/3/${works.a.workId}~`));
    expect(section.links.map((w) => w.id)).toEqual([works.b.workId]);
    // The thumbnail and the IIIF service the card names really answer.
    expect((await get(section.media!.work!.image!.thumbnail!.url)).statusCode).toBe(200);
    expect((await get(`${section.media!.work!.image!.iiifService!.slice(TEST_PUBLIC_URL.length)}/info.json`)).statusCode).toBe(200);
    // Markdown is stored as written; the client renders it without HTML.
    expect(made.sections[1]!.body).toEqual({ en: '<script>alert(1)</script> stays text.' });

    const updated = await send('PUT', `/api/exhibitions/${made.id}`, curator.headers, { ...body, title: { en: 'Renamed' }, version: 1 });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ version: 2, title: { en: 'Renamed' } });
    const stale = await send('PUT', `/api/exhibitions/${made.id}`, curator.headers, { ...body, title: { en: 'Lost' }, version: 1 });
    expect(stale.statusCode).toBe(409);
    expect((stale.json() as ErrorJson).error).toMatchObject({ code: 'version_conflict', key: 'showcase.exhibition_changed', params: { id: made.id, expected: 1 } });
    expect(((await get(`/api/exhibitions/${String(body.slug)}`, curator.headers)).json() as { title: unknown }).title).toEqual({ en: 'Renamed' });

    const deleted = await send('DELETE', `/api/exhibitions/${made.id}`, curator.headers);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const gone = await get(`/api/exhibitions/${String(body.slug)}`, curator.headers);
    expect(gone.statusCode).toBe(404);
    expect((gone.json() as ErrorJson).error.key).toBe('showcase.exhibition_not_found');
    expect((await send('DELETE', `/api/exhibitions/${made.id}`, curator.headers)).statusCode).toBe(404);
  });

  it('refuses a slug another exhibition has, on create and on rename', async () => {
    const first = story();
    await create(first);
    const again = await send('POST', '/api/exhibitions', curator.headers, story({ slug: first.slug }));
    expect(again.statusCode).toBe(409);
    expect((again.json() as ErrorJson).error).toMatchObject({ code: 'conflict', key: 'showcase.slug_taken', params: { slug: first.slug } });
    const second = await create(story());
    const rename = await send('PUT', `/api/exhibitions/${second.id}`, curator.headers, { ...story({ slug: first.slug }), version: 1 });
    expect(rename.statusCode).toBe(409);
    expect((rename.json() as ErrorJson).error.key).toBe('showcase.slug_taken');
  });

  it('refuses to publish a private work, but a draft may hold one (listed as a problem)', async () => {
    const withPrivate = story({ sections: [{ id: 'hidden', body: { en: 'A private work.' }, media: { workId: works.p.workId }, links: [] }] });
    const refused = await send('POST', '/api/exhibitions', curator.headers, { ...withPrivate, status: 'published' });
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as ErrorJson).error).toMatchObject({ code: 'invalid_reference', key: 'showcase.private_work', params: { workId: works.p.workId, sectionId: 'hidden', place: 'section' } });
    const privateLink = await send('POST', '/api/exhibitions', curator.headers, story({ status: 'published', sections: [{ id: 'see-also', links: [works.a.workId, works.p.workId] }] }));
    expect(privateLink.statusCode).toBe(422);
    expect((privateLink.json() as ErrorJson).error.params).toMatchObject({ workId: works.p.workId, sectionId: 'see-also' });
    const privateCover = await send('POST', '/api/exhibitions', curator.headers, story({ status: 'published', cover: { workId: works.p.workId } }));
    expect((privateCover.json() as ErrorJson).error.params).toMatchObject({ workId: works.p.workId, place: 'cover' });

    const draft = await create(withPrivate);
    expect(draft.problems).toEqual([{ sectionId: 'hidden', workId: works.p.workId, reason: 'private' }]);
    const publish = await send('PUT', `/api/exhibitions/${draft.id}`, curator.headers, { ...withPrivate, status: 'published', version: 1 });
    expect(publish.statusCode).toBe(422);
    expect((publish.json() as ErrorJson).error.key).toBe('showcase.private_work');
  });

  it('refuses unknown works, files a work does not have, and regions outside the image', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ workId: '01zzzzzzzzzzzzzzzzzzzzzzzz' }, 'showcase.unknown_work'],
      [{ workId: works.a.workId, file: works.b.sha256 }, 'showcase.unknown_file'],
      [{ workId: works.a.workId, region: { x: 40, y: 0, width: 20, height: 10 } }, 'showcase.region_outside'],
    ];
    for (const [media, key] of cases) {
      for (const status of ['draft', 'published']) {
        const res = await send('POST', '/api/exhibitions', curator.headers, story({ status, sections: [{ id: 's1', media, links: [] }] }));
        expect(res.statusCode, `${key} ${status}: ${res.body}`).toBe(422);
        expect((res.json() as ErrorJson).error.key).toBe(key);
      }
    }
    const region = await send('POST', '/api/exhibitions', curator.headers, story({ sections: [{ id: 's1', media: cases[2]![0], links: [] }] }));
    expect((region.json() as ErrorJson).error.params).toMatchObject({ width: 48, height: 32, sectionId: 's1' });
    // Bodies over the contract's limits are refused by validation.
    const long = await send('POST', '/api/exhibitions', curator.headers, story({ sections: [{ id: 's1', body: { en: 'x'.repeat(50_001) } }] }));
    expect(long.statusCode).toBe(400);
  });

  it('shows visitors published exhibitions only, from their date, newest first', async () => {
    const draft = await create(story());
    const older = await create(story({ status: 'published', publishAt: '2020-01-01T00:00:00Z' }));
    const newer = await create(story({ status: 'published' }));
    const scheduled = await create(story({ status: 'published', publishAt: '2999-01-01T00:00:00+08:00' }));
    expect(newer.publishAt).not.toBeNull();
    expect(scheduled.publishAt).toBe('2998-12-31T16:00:00.000Z');

    const visitorList = ((await get('/api/exhibitions')).json() as { items: { slug: string }[] }).items.map((e) => e.slug);
    expect(visitorList).toContain(older.slug);
    expect(visitorList).toContain(newer.slug);
    expect(visitorList.indexOf(newer.slug)).toBeLessThan(visitorList.indexOf(older.slug));
    expect(visitorList).not.toContain(draft.slug);
    expect(visitorList).not.toContain(scheduled.slug);
    // A visitor's status filter is ignored: still only what is published.
    expect(((await get('/api/exhibitions?status=draft', licensee.headers)).json() as { items: { slug: string }[] }).items.map((e) => e.slug)).not.toContain(draft.slug);

    for (const hidden of [draft, scheduled]) {
      for (const headers of [{}, creator.headers, reviewer.headers, licensee.headers]) {
        const res = await get(`/api/exhibitions/${hidden.slug}`, headers);
        expect(res.statusCode).toBe(404);
        expect((res.json() as ErrorJson).error.key).toBe('showcase.exhibition_not_found');
      }
      expect((await get(`/iiif/3/exhibitions/${hidden.slug}`)).statusCode).toBe(404);
      expect((await get(`/api/exhibitions/${hidden.slug}`, curator.headers)).statusCode).toBe(200);
    }
    const visitorView = (await get(`/api/exhibitions/${newer.slug}`)).json() as ExhibitionJson;
    expect(visitorView.canEdit).toBe(false);

    const staffDrafts = ((await get('/api/exhibitions?status=draft', curator.headers)).json() as { items: { slug: string; status: string }[] }).items;
    expect(staffDrafts.map((e) => e.slug)).toContain(draft.slug);
    expect(staffDrafts.every((e) => e.status === 'draft')).toBe(true);
    const staffAll = ((await get('/api/exhibitions', admin.headers)).json() as { items: { slug: string }[] }).items.map((e) => e.slug);
    expect(staffAll).toEqual(expect.arrayContaining([draft.slug, scheduled.slug, older.slug]));
  });

  it('exports a published exhibition as a valid IIIF manifest with its regions', async () => {
    const published = await create(story({ status: 'published' }));
    const res = await get(`/iiif/3/exhibitions/${published.slug}`, { origin: 'https://viewer.example' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['content-type']).toContain('application/ld+json');
    const manifest = res.json() as {
      id: string;
      label: Record<string, string[]>;
      summary: Record<string, string[]>;
      homepage: { id: string }[];
      items: { id: string; width: number; height: number; items: { items: { body: { service: { id: string }[] } }[] }[]; annotations?: { items: { motivation: string; target: string; body: { value: string; format: string; language?: string }[] }[] }[] }[];
      structures: { items: { id: string }[]; label: Record<string, string[]> }[];
    };
    expect(problems(validateManifest, manifest)).toEqual([]);
    expect(manifest.id).toBe(published.manifest);
    expect(manifest.label).toEqual({ 'zh-Hans': ['青绿'], en: ['Blue and green'] });
    expect(manifest.summary).toEqual({ en: ['Landscapes in mineral colours.'] });
    expect(manifest.homepage[0]!.id).toBe(`${TEST_PUBLIC_URL}/exhibitions/${published.slug}`);
    // Two sections show images; the words-only one has no canvas.
    expect(manifest.items).toHaveLength(2);
    expect(manifest.items[0]).toMatchObject({ width: 48, height: 32 });
    expect(manifest.items[0]!.items[0]!.items[0]!.body.service[0]!.id).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/iiif/3/${works.a.workId}~`));
    const comment = manifest.items[0]!.annotations![0]!.items[0]!;
    expect(comment.motivation).toBe('commenting');
    expect(comment.target).toBe(`${manifest.items[0]!.id}#xywh=4,2,20,10`);
    expect(comment.body).toEqual(expect.arrayContaining([{ type: 'TextualBody', value: '## Opening\n\nThe **first** mountain.', format: 'text/markdown', language: 'en' }]));
    expect(manifest.items[1]!.annotations![0]!.items[0]!.target).toBe(manifest.items[1]!.id);
    expect(manifest.structures.map((r) => r.items[0]!.id)).toEqual(manifest.items.map((c) => c.id));
    expect(manifest.structures[0]!.label.en).toEqual(['Opening']);
    expect((await get('/iiif/3/exhibitions/no-such-exhibition')).statusCode).toBe(404);
  });

  it('hides a work made private after publishing from visitors (and the export), and flags it for staff', async () => {
    const published = await create(story({ status: 'published' }));
    expect(published.problems).toEqual([]);
    await setVisibility(works.b.workId, 'private');
    try {
      for (const headers of [{}, licensee.headers, creator.headers]) {
        const res = await get(`/api/exhibitions/${published.slug}`, headers);
        expect(res.statusCode).toBe(200);
        const view = res.json() as ExhibitionJson;
        expect(view.sections[1]!.media).toEqual({ workId: works.b.workId, file: null, region: null, caption: null, work: null });
        expect(view.sections[0]!.links).toEqual([]);
        expect(view.problems).toEqual([]);
        expect(res.body).not.toContain(SECRET_TITLE);
        expect(res.body).not.toContain(works.b.sha256);
      }
      const manifest = await get(`/iiif/3/exhibitions/${published.slug}`);
      expect(manifest.statusCode).toBe(200);
      expect(manifest.body).not.toContain(works.b.workId);
      expect(manifest.body).not.toContain(SECRET_TITLE);
      expect((manifest.json() as { items: unknown[] }).items).toHaveLength(1);
      expect(problems(validateManifest, manifest.json())).toEqual([]);

      const staff = (await get(`/api/exhibitions/${published.slug}`, curator.headers)).json() as ExhibitionJson;
      expect(staff.problems).toEqual(
        expect.arrayContaining([
          { sectionId: 'opening', workId: works.b.workId, reason: 'private' },
          { sectionId: 'second', workId: works.b.workId, reason: 'private' },
        ]),
      );
      expect(staff.sections[1]!.media?.work?.id).toBe(works.b.workId);
      const home = await get('/api/showcase/home');
      expect(home.body).not.toContain(SECRET_TITLE);
    } finally {
      await setVisibility(works.b.workId, 'public');
    }
  });

  it('composes the home page from its settings, refusing private or unknown things', async () => {
    expect((await get('/api/showcase/home/settings')).statusCode).toBe(401);
    expect((await get('/api/showcase/home/settings', creator.headers)).statusCode).toBe(403);
    expect((await send('PUT', '/api/showcase/home/settings', reviewer.headers, { featuredWorkIds: [] })).statusCode).toBe(403);
    expect(((await get('/api/showcase/home/settings', curator.headers)).json() as Record<string, unknown>)).toEqual({ featuredWorkIds: [], featuredCollectionIds: [], featuredExhibitionIds: [] });

    const privateWork = await send('PUT', '/api/showcase/home/settings', curator.headers, { featuredWorkIds: [works.a.workId, works.p.workId] });
    expect(privateWork.statusCode).toBe(422);
    expect((privateWork.json() as ErrorJson).error).toMatchObject({ key: 'showcase.private_work', params: { workId: works.p.workId, place: 'featured' } });
    const unknownWork = await send('PUT', '/api/showcase/home/settings', curator.headers, { featuredWorkIds: ['01zzzzzzzzzzzzzzzzzzzzzzzz'] });
    expect((unknownWork.json() as ErrorJson).error.key).toBe('showcase.unknown_work');
    const privateCollection = await send('POST', '/api/collections', curator.headers, { name: { en: 'Back room' } });
    const closed = await send('PUT', '/api/showcase/home/settings', curator.headers, { featuredCollectionIds: [(privateCollection.json() as { id: string }).id] });
    expect(closed.statusCode).toBe(422);
    expect((closed.json() as ErrorJson).error.key).toBe('showcase.private_collection');
    expect(((await send('PUT', '/api/showcase/home/settings', curator.headers, { featuredCollectionIds: ['nope'] })).json() as ErrorJson).error.key).toBe('showcase.unknown_collection');
    expect(((await send('PUT', '/api/showcase/home/settings', curator.headers, { featuredExhibitionIds: ['nope'] })).json() as ErrorJson).error.key).toBe('showcase.unknown_exhibition');

    const collection = await send('POST', '/api/collections', curator.headers, { name: { en: 'Open shelf' }, visibility: 'public' });
    const collectionId = (collection.json() as { id: string }).id;
    const filed = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${many[0]}`, headers: curator.headers, payload: { expectedVersion: 1, collectionId } });
    expect(filed.statusCode, filed.body).toBe(200);
    const chosen = await create(story({ status: 'published' }));
    const settings = { heroTitle: { en: 'Welcome', 'zh-Hans': '欢迎' }, featuredWorkIds: [works.b.workId, works.a.workId], featuredCollectionIds: [collectionId], featuredExhibitionIds: [chosen.id] };
    const saved = await send('PUT', '/api/showcase/home/settings', admin.headers, settings);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(((await get('/api/showcase/home/settings', curator.headers)).json() as Record<string, unknown>)).toEqual(settings);

    const home = (await get('/api/showcase/home')).json() as HomeJson;
    expect(home.heroTitle).toEqual(settings.heroTitle);
    expect(home.featuredWorks.map((w) => w.id)).toEqual([works.b.workId, works.a.workId]);
    expect(home.featuredCollections).toEqual([expect.objectContaining({ id: collectionId, workCount: 1, cover: expect.objectContaining({ id: many[0] }) })]);
    expect(home.exhibitions.map((e) => e.slug)).toEqual([chosen.slug]);
    expect(home.publicWorks).toBe(12);
    expect(home.categories).toEqual({ industry: expect.any(Array), heritage: expect.any(Array), period: expect.any(Array) });

    // A featured work made private leaves the visitors' home page at once (the cached answer too).
    await setVisibility(works.a.workId, 'private');
    try {
      const after = (await get('/api/showcase/home')).json() as HomeJson;
      expect(after.featuredWorks.map((w) => w.id)).toEqual([works.b.workId]);
      expect(after.publicWorks).toBe(11);
    } finally {
      await setVisibility(works.a.workId, 'public');
    }
    await send('PUT', '/api/showcase/home/settings', admin.headers, { featuredWorkIds: [] });
  });

  it('draws discovery works from the public ones, the same for the same seed', async () => {
    const publicIds = new Set([works.a.workId, works.b.workId, ...many]);
    const first = (await get('/api/showcase/home?seed=alpha')).json() as HomeJson;
    expect(first.discovery.length).toBeGreaterThanOrEqual(3);
    expect(first.discovery.length).toBeLessThanOrEqual(8);
    expect(first.discovery.every((w) => publicIds.has(w.id) && w.visibility === 'public' && w.image !== null)).toBe(true);
    expect(new Set(first.discovery.map((w) => w.id)).size).toBe(first.discovery.length);
    // The same seed: the same draw, for visitors and staff alike.
    expect(((await get('/api/showcase/home?seed=alpha')).json() as HomeJson).discovery).toEqual(first.discovery);
    expect(((await get('/api/showcase/home?seed=alpha', curator.headers)).json() as HomeJson).discovery.map((w) => w.id)).toEqual(first.discovery.map((w) => w.id));
    // Other seeds draw other sets (at least one of several differs).
    const others = await Promise.all(['beta', 'gamma', 'delta', 'epsilon'].map(async (s) => ((await get(`/api/showcase/home?seed=${s}`)).json() as HomeJson).discovery.map((w) => w.id).join()));
    expect(others.some((ids) => ids !== first.discovery.map((w) => w.id).join())).toBe(true);
    // Never a private work, even for staff who may read it.
    const staff = (await get('/api/showcase/home?seed=alpha', admin.headers)).json() as HomeJson;
    expect(staff.discovery.map((w) => w.id)).not.toContain(works.p.workId);
    // With nothing chosen, the featured works are the newest public images.
    expect(first.featuredWorks.length).toBeGreaterThan(0);
    expect(first.featuredWorks.every((w) => publicIds.has(w.id))).toBe(true);
  });

  it('gives readers the audio a section shows to play, as the work page does, and nothing once the work is private', async () => {
    const upload = multipart([
      { name: 'visibility', value: 'public' },
      { name: 'file', filename: 'song.wav', contentType: 'audio/wav', data: wavBytes() },
    ]);
    const res = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...curator.headers, ...upload.headers }, payload: upload.payload });
    expect(res.statusCode, res.body).toBe(200);
    const song = (res.json() as { items: { workId: string; sha256: string }[] }).items[0]!;
    // Nothing may be downloaded, yet the page still plays it (audio has no display copy to offer instead).
    const current = (await get(`/api/works/${song.workId}`, curator.headers)).json() as { version: number };
    const policy = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${song.workId}`, headers: curator.headers, payload: { expectedVersion: current.version, downloadPolicy: 'none' } });
    expect(policy.statusCode, policy.body).toBe(200);
    await ctx.app.worker.drain();

    const published = await create(story({ status: 'published', cover: undefined, sections: [{ id: 'listen', body: { en: 'Listen.' }, media: { workId: song.workId, caption: { en: 'A song' } }, links: [] }] }));
    const workPage = (await get(`/api/works/${song.workId}`)).json() as { files: { sha256: string; url: string | null }[] };
    const view = (await get(`/api/exhibitions/${published.slug}`)).json() as ExhibitionJson;
    const media = view.sections[0]!.media!;
    expect(media.caption).toEqual({ en: 'A song' });
    expect(media.work?.media).toEqual({ kind: 'audio', url: `/api/works/${song.workId}/files/${song.sha256}`, mediaType: 'audio/wav' });
    expect(media.work?.media?.url).toBe(workPage.files[0]!.url);
    const played = await get(media.work!.media!.url, { range: 'bytes=0-3' });
    expect(played.statusCode).toBe(206);
    expect(played.body).toBe('RIFF');

    await setVisibility(song.workId, 'private');
    const hidden = await get(`/api/exhibitions/${published.slug}`);
    expect((hidden.json() as ExhibitionJson).sections[0]!.media?.work).toBeNull();
    expect(hidden.body).not.toContain(song.sha256);
  });
});

