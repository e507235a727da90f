import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, TEST_PUBLIC_URL, type TestContext } from '../support/test-app.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWork, makeUser, multipart, photoBytes, pngBytes, TEST_PASSWORD, uploadImage, type TestUser } from './route-helpers.js';

/**
 * The status ladder of every route: anonymous → 401 (even with a body that would fail validation),
 * a role that may act but sends bad input → 400, a role that may not → 403, a role that may → 2xx.
 * Public routes answer anonymous visitors. A coverage test fails when a route exists that this
 * matrix does not describe (or when the matrix names a route that no longer exists).
 */

type ActorName = 'admin' | 'curator' | 'reviewer' | 'creator' | 'otherCreator' | 'licensee';
const ACTORS: ActorName[] = ['admin', 'curator', 'reviewer', 'creator', 'otherCreator', 'licensee'];

interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  payload?: unknown;
  /** Merged over the actor's headers (e.g. multipart content type, or another user's token). */
  headers?: Record<string, string>;
}

interface Fixture {
  users: Record<ActorName, TestUser>;
  /** Public work owned by `creator`, with an image file (and its thumbnail). */
  publicWork: { id: string; sha256: string };
  /** Public collection made by `curator`. */
  collection: { id: string };
  /** A licensee the admin may rename. */
  target: TestUser;
  /** A finished fixity audit. */
  fixityRunId: string;
  /** A sequenced registration of `publicWork` (so the log has a checkpoint). */
  registrationId: string;
  /** Public work owned by `creator` whose image is large and detailed enough to fingerprint and watermark. */
  photoWork: { id: string };
  /** An evidence report made by `creator`. */
  evidenceId: string;
}

interface Case {
  /** `METHOD /api/path/:param`, as Fastify lists the route. */
  route: string;
  /** Anonymous visitors get the success status. */
  public?: boolean;
  /** Actors that may act (protected routes); every other actor must get 403. */
  allow?: ActorName[];
  /** A request that fails validation (null: the route takes no input to get wrong). */
  invalid: ((fx: Fixture) => Req | Promise<Req>) | null;
  /** A request that succeeds for an allowed actor (and is refused for a denied one). */
  valid: (fx: Fixture, who: TestUser, ctx: TestContext) => Req | Promise<Req>;
  ok: 200 | 201 | 202 | 204 | 303;
}

const LONG_ID = 'x'.repeat(65);
const EVERYONE: ActorName[] = ACTORS;
const CONTRIBUTORS: ActorName[] = ['admin', 'curator', 'creator', 'otherCreator'];
/** Editing one work: admins, curators and the owning creator (`creator` owns the fixture works). */
const WORK_EDITORS: ActorName[] = ['admin', 'curator', 'creator'];
// History is readable by the work's editors and by every staff role (reviewers audit it).
const HISTORY_READERS = [...new Set([...WORK_EDITORS, 'reviewer' as const])];

let seed = 1000;

async function freshPublicWork(ctx: TestContext, fx: Fixture): Promise<{ id: string; version: number }> {
  return createWork(ctx, fx.users.creator.headers, { title: { en: `Matrix work ${++seed}` } }, { visibility: 'public' });
}

/** An evidence report made by `who` (so each allowed actor reads one it may see). */
async function evidenceBy(ctx: TestContext, who: TestUser): Promise<string> {
  const user = await ctx.app.identity.getUser(who.id);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-matrix-')), 'suspect.png');
  fs.writeFileSync(file, await photoBytes(++seed));
  const view = await ctx.app.evidence.create({ kind: 'user', id: user.id, username: user.username, role: user.role }, file, 'suspect.png');
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return view.id;
}

/** The report `who` may read: their own (staff may read the creator's). */
async function readableEvidence(fx: Fixture, who: TestUser, ctx: TestContext): Promise<string> {
  return who === fx.users.otherCreator ? evidenceBy(ctx, who) : fx.evidenceId;
}

async function scanUpload(seedValue: number): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  return multipart([{ name: 'file', filename: 'suspect.png', contentType: 'image/png', data: await photoBytes(seedValue) }]);
}

/** A finished bulk operation that published a fresh work, made by `who` when they may (else by the admin). */
async function bulkOperationFor(ctx: TestContext, fx: Fixture, who: TestUser): Promise<string> {
  const by = who === fx.users.admin || who === fx.users.curator ? who : fx.users.admin;
  const work = await createWork(ctx, fx.users.creator.headers, { title: { en: `Bulk matrix work ${++seed}` } });
  const res = await ctx.server.inject({ method: 'POST', url: '/api/works/bulk', headers: by.headers, payload: { ids: [work.id], action: { type: 'visibility', visibility: 'public' } } });
  expect(res.statusCode, res.body).toBe(202);
  await ctx.app.worker.drain(['archive.bulk']);
  return (res.json() as { operation: { id: string } }).operation.id;
}

async function deadJobId(ctx: TestContext): Promise<number> {
  await ctx.app.jobs.enqueue(ctx.app.database.db, 'media.display', { sha256: (++seed).toString(16).padStart(64, '0') });
  await ctx.app.worker.drain();
  const { items } = await ctx.app.jobs.list({ status: 'dead', limit: 1, offset: 0 });
  if (!items[0]) throw new Error('no dead job');
  return items[0].id;
}

/** A draft exhibition made by the curator, to change or delete. */
async function freshExhibition(ctx: TestContext, fx: Fixture): Promise<{ id: string; slug: string }> {
  const res = await ctx.server.inject({ method: 'POST', url: '/api/exhibitions', headers: fx.users.curator.headers, payload: { slug: `matrix-${++seed}`, title: { en: 'Matrix exhibition' } } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; slug: string };
}

const publishedExhibitions = new WeakMap<TestContext, Promise<string>>();
/** The slug of a published exhibition showing the public work (made once per test context). */
function publishedExhibition(ctx: TestContext, fx: Fixture): Promise<string> {
  let slug = publishedExhibitions.get(ctx);
  if (!slug) {
    slug = ctx.server
      .inject({
        method: 'POST',
        url: '/api/exhibitions',
        headers: fx.users.curator.headers,
        payload: { slug: 'matrix-published', title: { en: 'Matrix' }, status: 'published', sections: [{ id: 's1', body: { en: 'Text' }, media: { workId: fx.publicWork.id, region: { x: 0, y: 0, width: 8, height: 8 } } }] },
      })
      .then((res) => {
        expect(res.statusCode, res.body).toBe(201);
        return (res.json() as { slug: string }).slug;
      });
    publishedExhibitions.set(ctx, slug);
  }
  return slug;
}

const CASES: Case[] = [
  { route: 'GET /api/health', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/health' }), ok: 200 },

  // the instance's identity (the test context is set up; its log key exists, so the origin is left out)
  { route: 'GET /api/instance', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/instance' }), ok: 200 },
  { route: 'GET /api/instance/settings', allow: ['admin'], invalid: null, valid: () => ({ method: 'GET', url: '/api/instance/settings' }), ok: 200 },
  {
    route: 'PUT /api/instance',
    allow: ['admin'],
    invalid: () => ({ method: 'PUT', url: '/api/instance', payload: { name: 'not a map' } }),
    valid: () => ({ method: 'PUT', url: '/api/instance', payload: { name: { en: `Matrix Museum ${++seed}` }, publicUrl: TEST_PUBLIC_URL } }),
    ok: 200,
  },
  {
    route: 'PUT /api/instance/logo',
    allow: ['admin'],
    invalid: () => {
      const body = multipart([{ name: 'file', filename: 'logo.png', contentType: 'image/png', data: Buffer.from('not an image') }]);
      return { method: 'PUT', url: '/api/instance/logo', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = multipart([{ name: 'file', filename: 'logo.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'PUT', url: '/api/instance/logo', headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'DELETE /api/instance/logo',
    allow: ['admin'],
    invalid: null,
    valid: async (_fx, _who, ctx) => {
      await ctx.app.instance.setLogo(await pngBytes(++seed));
      return { method: 'DELETE', url: '/api/instance/logo' };
    },
    ok: 200,
  },
  {
    route: 'GET /api/instance/logo',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/instance/logo?v=not-hex' }),
    valid: async (_fx, _who, ctx) => ({ method: 'GET', url: (await ctx.app.instance.setLogo(await pngBytes(++seed))).logoUrl! }),
    ok: 200,
  },

  // accounts
  {
    route: 'POST /api/auth/login',
    public: true,
    invalid: () => ({ method: 'POST', url: '/api/auth/login', payload: { username: '' } }),
    valid: (fx) => ({ method: 'POST', url: '/api/auth/login', payload: { username: fx.target.username, password: TEST_PASSWORD } }),
    ok: 200,
  },
  { route: 'POST /api/auth/logout', public: true, invalid: null, valid: () => ({ method: 'POST', url: '/api/auth/logout' }), ok: 200 },
  { route: 'GET /api/auth/me', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/auth/me' }), ok: 200 },
  {
    route: 'POST /api/auth/password',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: '/api/auth/password', payload: { current: 5 } }),
    valid: async (_fx, who, ctx) => {
      // A fresh user of the same role, so the fixture users keep their passwords.
      const user = await ctx.app.identity.getUser(who.id);
      const fresh = await makeUser(ctx, user.role, 'pw');
      return { method: 'POST', url: '/api/auth/password', headers: fresh.headers, payload: { current: TEST_PASSWORD, next: 'a much newer password' } };
    },
    ok: 200,
  },
  { route: 'GET /api/auth/tokens', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/auth/tokens' }), ok: 200 },
  { route: 'GET /api/uploads/usage', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/uploads/usage' }), ok: 200 },
  {
    route: 'POST /api/auth/tokens',
    allow: EVERYONE,
    invalid: () => ({ method: 'POST', url: '/api/auth/tokens', payload: { name: '' } }),
    valid: () => ({ method: 'POST', url: '/api/auth/tokens', payload: { name: 'matrix token' } }),
    ok: 200,
  },
  {
    route: 'DELETE /api/auth/tokens/:id',
    allow: EVERYONE,
    invalid: () => ({ method: 'DELETE', url: `/api/auth/tokens/${LONG_ID}` }),
    valid: async (_fx, who, ctx) => {
      const { id } = await ctx.app.identity.createApiToken(who.id, 'to revoke');
      return { method: 'DELETE', url: `/api/auth/tokens/${id}` };
    },
    ok: 200,
  },
  { route: 'GET /api/users', allow: ['admin'], invalid: null, valid: () => ({ method: 'GET', url: '/api/users' }), ok: 200 },
  {
    route: 'POST /api/users',
    allow: ['admin'],
    invalid: () => ({ method: 'POST', url: '/api/users', payload: { username: 'a', role: 'emperor' } }),
    valid: () => ({ method: 'POST', url: '/api/users', payload: { username: `made-${++seed}`, password: 'long enough password', role: 'licensee' } }),
    ok: 201,
  },
  {
    route: 'PATCH /api/users/:id',
    allow: ['admin'],
    invalid: (fx) => ({ method: 'PATCH', url: `/api/users/${fx.target.id}`, payload: { role: 'emperor' } }),
    valid: (fx) => ({ method: 'PATCH', url: `/api/users/${fx.target.id}`, payload: { displayName: `Renamed ${++seed}` } }),
    ok: 200,
  },

  // works
  {
    route: 'GET /api/works',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/works?pageSize=1000' }),
    valid: () => ({ method: 'GET', url: '/api/works?q=matrix&yearFrom=1000&yearTo=2000&industry=02|03&sort=title' }),
    ok: 200,
  },
  // the search thesaurus: read by anyone, edited by admins and curators
  { route: 'GET /api/search/synonyms', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/search/synonyms' }), ok: 200 },
  {
    route: 'PUT /api/search/synonyms',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: '/api/search/synonyms', payload: { groups: [['only one']] } }),
    valid: () => ({ method: 'PUT', url: '/api/search/synonyms', payload: { groups: [['国画', '中国画', `Chinese painting ${++seed}`]] } }),
    ok: 200,
  },
  // recommendations: the feed and "more like this" for anyone; consent for signed-in people; the curators' page for admins and curators
  { route: 'GET /api/recommendations', public: true, invalid: () => ({ method: 'GET', url: '/api/recommendations?slider=2' }), valid: () => ({ method: 'GET', url: '/api/recommendations?limit=4' }), ok: 200 },
  {
    route: 'GET /api/works/:id/recommendations',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/recommendations` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/recommendations` }),
    ok: 200,
  },
  { route: 'GET /api/recommendations/consent', allow: EVERYONE, invalid: null, valid: () => ({ method: 'GET', url: '/api/recommendations/consent' }), ok: 200 },
  {
    route: 'PUT /api/recommendations/consent',
    allow: EVERYONE,
    invalid: () => ({ method: 'PUT', url: '/api/recommendations/consent', payload: { consented: 'yes' } }),
    valid: () => ({ method: 'PUT', url: '/api/recommendations/consent', payload: { consented: true } }),
    ok: 200,
  },
  {
    route: 'POST /api/recommendations/signals',
    public: true,
    invalid: () => ({ method: 'POST', url: '/api/recommendations/signals', payload: { workId: 'x', kind: 'stare' } }),
    valid: (fx) => ({ method: 'POST', url: '/api/recommendations/signals', payload: { workId: fx.publicWork.id, kind: 'view' } }),
    ok: 200,
  },
  { route: 'GET /api/recommendations/curator', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/recommendations/curator' }), ok: 200 },
  {
    route: 'PUT /api/recommendations/picks',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: '/api/recommendations/picks', payload: { workIds: 'all' } }),
    valid: (fx) => ({ method: 'PUT', url: '/api/recommendations/picks', payload: { workIds: [fx.publicWork.id] } }),
    ok: 200,
  },
  { route: 'POST /api/recommendations/rebuild', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'POST', url: '/api/recommendations/rebuild' }), ok: 202 },
  // search-as-you-type: anyone (private works only for staff)
  { route: 'GET /api/search/suggest', public: true, invalid: () => ({ method: 'GET', url: '/api/search/suggest?q=ma&limit=0' }), valid: () => ({ method: 'GET', url: '/api/search/suggest?q=matrix&limit=5' }), ok: 200 },
  {
    route: 'GET /api/works/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}` }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/related',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/related` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/related` }),
    ok: 200,
  },
  {
    route: 'POST /api/works',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'POST', url: '/api/works', payload: { metadata: 'not an object' } }),
    valid: () => ({ method: 'POST', url: '/api/works', payload: { metadata: { title: { en: `Created ${++seed}` } } } }),
    ok: 201,
  },
  {
    route: 'PATCH /api/works/:id',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'PATCH', url: `/api/works/${fx.publicWork.id}`, payload: { expectedVersion: 0 } }),
    valid: async (fx, _who, ctx) => {
      const work = await freshPublicWork(ctx, fx);
      return { method: 'PATCH', url: `/api/works/${work.id}`, payload: { expectedVersion: 1, metadata: { title: { en: `Edited ${++seed}` } } } };
    },
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/versions',
    allow: HISTORY_READERS,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/versions` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/versions` }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/versions/:version',
    allow: HISTORY_READERS,
    invalid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/versions/abc` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/versions/1` }),
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/restore',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/restore`, payload: { version: 'one' } }),
    valid: async (fx, _who, ctx) => {
      const work = await freshPublicWork(ctx, fx);
      const patched = await ctx.server.inject({
        method: 'PATCH',
        url: `/api/works/${work.id}`,
        headers: fx.users.creator.headers,
        payload: { expectedVersion: 1, metadata: { title: { en: `Second ${++seed}` } } },
      });
      expect(patched.statusCode).toBe(200);
      return { method: 'POST', url: `/api/works/${work.id}/restore`, payload: { version: 1, expectedVersion: 2 } };
    },
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/events',
    allow: HISTORY_READERS,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/events` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/events` }),
    ok: 200,
  },

  // files
  {
    route: 'POST /api/uploads',
    allow: CONTRIBUTORS,
    invalid: async () => {
      const body = multipart([{ name: 'visibility', value: 'secret' }, { name: 'file', filename: 'a.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: '/api/uploads', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = multipart([{ name: 'file', filename: 'matrix.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: '/api/uploads', headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/files',
    allow: WORK_EDITORS,
    invalid: async () => {
      const body = multipart([{ name: 'file', filename: 'a.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: `/api/works/${LONG_ID}/files`, headers: body.headers, payload: body.payload };
    },
    valid: async (fx, _who, ctx) => {
      const work = await freshPublicWork(ctx, fx);
      const body = multipart([{ name: 'file', filename: 'extra.png', contentType: 'image/png', data: await pngBytes(++seed) }]);
      return { method: 'POST', url: `/api/works/${work.id}/files`, headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/files/:sha256',
    public: true,
    invalid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/not-a-sha` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}` }),
    ok: 200,
  },
  // IIIF (mounted at /iiif): public works are everyone's; the private-works test covers the rest.
  { route: 'OPTIONS /iiif/3/*', public: true, invalid: null, valid: (fx) => ({ method: 'OPTIONS', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/info.json`, headers: { origin: 'https://viewer.example', 'access-control-request-method': 'GET' } }), ok: 204 },
  { route: 'GET /iiif/3/:identifier', public: true, invalid: null, valid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}` }), ok: 303 },
  { route: 'GET /iiif/3/:identifier/info.json', public: true, invalid: null, valid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/info.json` }), ok: 200 },
  {
    route: 'GET /iiif/3/:identifier/:region/:size/:rotation/:qualityFormat',
    public: true,
    invalid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/full/max/0/default.gif` }),
    valid: (fx) => ({ method: 'GET', url: `/iiif/3/${fx.publicWork.id}~${fx.publicWork.sha256.slice(0, 16)}/full/!64,64/0/default.jpg` }),
    ok: 200,
  },
  { route: 'GET /iiif/3/manifests/:id', public: true, invalid: () => ({ method: 'GET', url: `/iiif/3/manifests/${LONG_ID}` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/manifests/${fx.publicWork.id}` }), ok: 200 },
  { route: 'GET /iiif/3/manifests/:id/annotations/:n', public: true, invalid: (fx) => ({ method: 'GET', url: `/iiif/3/manifests/${fx.publicWork.id}/annotations/0` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/manifests/${fx.publicWork.id}/annotations/1` }), ok: 200 },
  { route: 'GET /iiif/3/collections/all', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/iiif/3/collections/all' }), ok: 200 },
  { route: 'GET /iiif/3/collections/all/page/:page', public: true, invalid: () => ({ method: 'GET', url: '/iiif/3/collections/all/page/first' }), valid: () => ({ method: 'GET', url: '/iiif/3/collections/all/page/1' }), ok: 200 },
  { route: 'GET /iiif/3/collections/:id', public: true, invalid: () => ({ method: 'GET', url: `/iiif/3/collections/${LONG_ID}` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/collections/${fx.collection.id}` }), ok: 200 },
  { route: 'GET /iiif/3/collections/:id/page/:page', public: true, invalid: (fx) => ({ method: 'GET', url: `/iiif/3/collections/${fx.collection.id}/page/0` }), valid: (fx) => ({ method: 'GET', url: `/iiif/3/collections/${fx.collection.id}/page/1` }), ok: 200 },

  {
    route: 'GET /api/works/:id/files/:sha256/:derivative',
    public: true,
    invalid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}/huge` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}/thumbnail` }),
    ok: 200,
  },

  // collections
  { route: 'GET /api/collections', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/collections' }), ok: 200 },
  {
    route: 'GET /api/collections/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/collections/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/collections/${fx.collection.id}` }),
    ok: 200,
  },
  {
    route: 'POST /api/collections',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/collections', payload: { visibility: 'secret' } }),
    valid: () => ({ method: 'POST', url: '/api/collections', payload: { name: { en: `Matrix collection ${++seed}` } } }),
    ok: 201,
  },
  {
    route: 'PATCH /api/collections/:id',
    allow: ['admin', 'curator'],
    invalid: (fx) => ({ method: 'PATCH', url: `/api/collections/${fx.collection.id}`, payload: { visibility: 'secret' } }),
    valid: (fx) => ({ method: 'PATCH', url: `/api/collections/${fx.collection.id}`, payload: { description: { en: `Described ${++seed}` } } }),
    ok: 200,
  },
  { route: 'GET /api/browse/timeline', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/browse/timeline' }), ok: 200 },
  { route: 'GET /api/browse/places', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/browse/places' }), ok: 200 },
  { route: 'GET /api/vocabulary', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/vocabulary' }), ok: 200 },

  // admin
  {
    route: 'GET /api/admin/jobs',
    allow: ['admin'],
    invalid: () => ({ method: 'GET', url: '/api/admin/jobs?status=bogus' }),
    valid: () => ({ method: 'GET', url: '/api/admin/jobs?status=dead' }),
    ok: 200,
  },
  {
    route: 'POST /api/admin/jobs/:id/retry',
    allow: ['admin'],
    invalid: () => ({ method: 'POST', url: '/api/admin/jobs/abc/retry' }),
    valid: async (_fx, _who, ctx) => ({ method: 'POST', url: `/api/admin/jobs/${await deadJobId(ctx)}/retry` }),
    ok: 200,
  },
  { route: 'GET /api/admin/fixity', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/admin/fixity' }), ok: 200 },
  {
    route: 'GET /api/admin/fixity/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'GET', url: `/api/admin/fixity/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/admin/fixity/${fx.fixityRunId}` }),
    ok: 200,
  },
  // A full audit runs as a job: accepted, not done.
  { route: 'POST /api/admin/fixity', allow: ['admin'], invalid: null, valid: () => ({ method: 'POST', url: '/api/admin/fixity' }), ok: 202 },

  // registry: owners register their works, admins and curators for the institution (the sequencer runs, so 201 with the receipt)
  {
    route: 'POST /api/works/:id/registrations',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/registrations`, payload: { role: 'emperor' } }),
    // `again`: the fixture registered the work already, and a repeated request answers 200 with that registration.
    valid: (fx) => ({ method: 'POST', url: `/api/works/${fx.publicWork.id}/registrations`, payload: { again: true } }),
    ok: 201,
  },
  {
    route: 'GET /api/works/:id/registrations/mine',
    allow: EVERYONE,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/registrations/mine` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/registrations/mine` }),
    ok: 200,
  },
  { route: 'GET /api/registry/health', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/health' }), ok: 200 },
  {
    route: 'GET /api/works/:id/registrations',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/registrations` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.publicWork.id}/registrations` }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/registrations/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/registry/registrations/${LONG_ID}` }),
    valid: (fx) => ({ method: 'GET', url: `/api/registry/registrations/${fx.registrationId}` }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/registrations/:id/receipt.json',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/registry/registrations/${LONG_ID}/receipt.json` }),
    valid: (fx) => ({ method: 'GET', url: `/api/registry/registrations/${fx.registrationId}/receipt.json` }),
    ok: 200,
  },
  // Rights protection: scans and evidence for right holders; fingerprints follow the work's visibility.
  {
    route: 'POST /api/scans',
    allow: CONTRIBUTORS,
    invalid: () => {
      const body = multipart([{ name: 'note', value: 'no file here' }]);
      return { method: 'POST', url: '/api/scans', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = await scanUpload(++seed);
      return { method: 'POST', url: '/api/scans', headers: body.headers, payload: body.payload };
    },
    ok: 200,
  },
  {
    route: 'POST /api/evidence',
    allow: CONTRIBUTORS,
    invalid: () => {
      const body = multipart([{ name: 'note', value: 'no file here' }]);
      return { method: 'POST', url: '/api/evidence', headers: body.headers, payload: body.payload };
    },
    valid: async () => {
      const body = await scanUpload(++seed);
      return { method: 'POST', url: '/api/evidence', headers: body.headers, payload: body.payload };
    },
    ok: 201,
  },
  { route: 'GET /api/evidence', allow: CONTRIBUTORS, invalid: null, valid: () => ({ method: 'GET', url: '/api/evidence' }), ok: 200 },
  {
    route: 'GET /api/evidence/:id',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/evidence/${await readableEvidence(fx, who, ctx)}` }),
    ok: 200,
  },
  {
    route: 'GET /api/evidence/:id/bundle.json',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}/bundle.json` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/evidence/${await readableEvidence(fx, who, ctx)}/bundle.json` }),
    ok: 200,
  },
  {
    route: 'GET /api/evidence/:id/receipt.json',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}/receipt.json` }),
    valid: async (fx, who, ctx) => {
      const id = await readableEvidence(fx, who, ctx);
      await ctx.app.registry.sequencePending();
      return { method: 'GET', url: `/api/evidence/${id}/receipt.json` };
    },
    ok: 200,
  },
  {
    route: 'GET /api/evidence/:id/suspect',
    allow: CONTRIBUTORS,
    invalid: () => ({ method: 'GET', url: `/api/evidence/${LONG_ID}/suspect` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/evidence/${await readableEvidence(fx, who, ctx)}/suspect` }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/fingerprint',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/fingerprint` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.photoWork.id}/fingerprint` }),
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/watermarked-copies',
    allow: EVERYONE,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/watermarked-copies`, payload: { reference: 'x'.repeat(201) } }),
    valid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/watermarked-copies`, payload: { reference: 'matrix' } }),
    ok: 200,
  },
  {
    route: 'POST /api/works/:id/licensed-copies',
    allow: WORK_EDITORS,
    invalid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/licensed-copies`, payload: { licensee: '  ' } }),
    valid: (fx) => ({ method: 'POST', url: `/api/works/${fx.photoWork.id}/licensed-copies`, payload: { licensee: 'Matrix Studio', reference: 'L-1' } }),
    ok: 200,
  },
  {
    route: 'GET /api/works/:id/watermarked-copies',
    allow: WORK_EDITORS,
    invalid: () => ({ method: 'GET', url: `/api/works/${LONG_ID}/watermarked-copies` }),
    valid: (fx) => ({ method: 'GET', url: `/api/works/${fx.photoWork.id}/watermarked-copies` }),
    ok: 200,
  },
  // The public log: anyone may read and mirror it. Tile paths that do not parse are 404 (static-file semantics), not 400.
  { route: 'GET /api/registry/key', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/key' }), ok: 200 },
  { route: 'GET /api/registry/checkpoint', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/checkpoint' }), ok: 200 },
  { route: 'GET /api/registry/tile/*', public: true, invalid: null, valid: () => ({ method: 'GET', url: '/api/registry/tile/0/000.p/1' }), ok: 200 },
  {
    route: 'GET /api/registry/proof/inclusion',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/registry/proof/inclusion?index=-1' }),
    valid: () => ({ method: 'GET', url: '/api/registry/proof/inclusion?index=0&treeSize=1' }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/proof/consistency',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/registry/proof/consistency?from=2&to=1' }),
    valid: () => ({ method: 'GET', url: '/api/registry/proof/consistency?from=1&to=1' }),
    ok: 200,
  },
  {
    route: 'GET /api/registry/consistency-bundle',
    public: true,
    invalid: () => ({ method: 'GET', url: '/api/registry/consistency-bundle?from=0' }),
    valid: () => ({ method: 'GET', url: '/api/registry/consistency-bundle?from=1' }),
    ok: 200,
  },
  // Staff bulk operations: admins and curators; each reads and undoes its own (admins anyone's).
  {
    route: 'POST /api/works/bulk',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/works/bulk', payload: { ids: ['x'], action: { type: 'delete' } } }),
    valid: (fx) => ({ method: 'POST', url: '/api/works/bulk', payload: { ids: [fx.publicWork.id], action: { type: 'visibility', visibility: 'public' } } }),
    ok: 202,
  },
  { route: 'GET /api/bulk-operations', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/bulk-operations' }), ok: 200 },
  {
    route: 'GET /api/bulk-operations/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'GET', url: `/api/bulk-operations/${LONG_ID}` }),
    valid: async (fx, who, ctx) => ({ method: 'GET', url: `/api/bulk-operations/${await bulkOperationFor(ctx, fx, who)}` }),
    ok: 200,
  },
  {
    route: 'POST /api/bulk-operations/:id/undo',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: `/api/bulk-operations/${LONG_ID}/undo` }),
    valid: async (fx, who, ctx) => ({ method: 'POST', url: `/api/bulk-operations/${await bulkOperationFor(ctx, fx, who)}/undo` }),
    ok: 202,
  },

  // showcase: exhibitions and the home page are everyone's to read, admins' and curators' to compose
  { route: 'GET /api/exhibitions', public: true, invalid: () => ({ method: 'GET', url: '/api/exhibitions?status=bogus' }), valid: () => ({ method: 'GET', url: '/api/exhibitions' }), ok: 200 },
  {
    route: 'GET /api/exhibitions/:id',
    public: true,
    invalid: () => ({ method: 'GET', url: `/api/exhibitions/${'x'.repeat(81)}` }),
    valid: async (fx, _who, ctx) => ({ method: 'GET', url: `/api/exhibitions/${await publishedExhibition(ctx, fx)}` }),
    ok: 200,
  },
  {
    route: 'POST /api/exhibitions',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'POST', url: '/api/exhibitions', payload: { slug: 'Not A Slug', title: { en: 'x' } } }),
    valid: () => ({ method: 'POST', url: '/api/exhibitions', payload: { slug: `matrix-${++seed}`, title: { en: 'Matrix exhibition' } } }),
    ok: 201,
  },
  {
    route: 'PUT /api/exhibitions/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: `/api/exhibitions/${LONG_ID}`, payload: { slug: 'x', title: { en: 'x' }, version: 0 } }),
    valid: async (fx, _who, ctx) => {
      const made = await freshExhibition(ctx, fx);
      return { method: 'PUT', url: `/api/exhibitions/${made.id}`, payload: { slug: made.slug, title: { en: 'Renamed' }, version: 1 } };
    },
    ok: 200,
  },
  {
    route: 'DELETE /api/exhibitions/:id',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'DELETE', url: `/api/exhibitions/${LONG_ID}` }),
    valid: async (fx, _who, ctx) => ({ method: 'DELETE', url: `/api/exhibitions/${(await freshExhibition(ctx, fx)).id}` }),
    ok: 204,
  },
  { route: 'GET /api/showcase/home', public: true, invalid: () => ({ method: 'GET', url: `/api/showcase/home?seed=${'x'.repeat(65)}` }), valid: () => ({ method: 'GET', url: '/api/showcase/home?seed=matrix' }), ok: 200 },
  { route: 'GET /api/showcase/home/settings', allow: ['admin', 'curator'], invalid: null, valid: () => ({ method: 'GET', url: '/api/showcase/home/settings' }), ok: 200 },
  {
    route: 'PUT /api/showcase/home/settings',
    allow: ['admin', 'curator'],
    invalid: () => ({ method: 'PUT', url: '/api/showcase/home/settings', payload: { featuredWorkIds: 'all of them' } }),
    valid: (fx) => ({ method: 'PUT', url: '/api/showcase/home/settings', payload: { featuredWorkIds: [fx.publicWork.id] } }),
    ok: 200,
  },
  {
    route: 'GET /iiif/3/exhibitions/:slug',
    public: true,
    invalid: () => ({ method: 'GET', url: `/iiif/3/exhibitions/${'x'.repeat(81)}` }),
    valid: async (fx, _who, ctx) => ({ method: 'GET', url: `/iiif/3/exhibitions/${await publishedExhibition(ctx, fx)}` }),
    ok: 200,
  },
];

/** The OpenAPI UI and document: public, served by @fastify/swagger-ui. */
const DOCS: { route: string; url: string; ok: number }[] = [
  { route: 'GET /api/docs', url: '/api/docs', ok: 200 },
  { route: 'GET /api/docs/', url: '/api/docs/', ok: 200 },
  { route: 'GET /api/docs/static/index.html', url: '/api/docs/static/index.html', ok: 302 },
  { route: 'GET /api/docs/static/swagger-initializer.js', url: '/api/docs/static/swagger-initializer.js', ok: 200 },
  { route: 'GET /api/docs/static/*', url: '/api/docs/static/swagger-ui.css', ok: 200 },
  { route: 'GET /api/docs/json', url: '/api/docs/json', ok: 200 },
  { route: 'GET /api/docs/yaml', url: '/api/docs/yaml', ok: 200 },
];

/**
 * Reads `server.printRoutes()` back into `METHOD /full/path` strings (HEAD left out). The tree is
 * printed with common prefixes: find-my-way's flattened form (`commonPrefix: false`) prints a
 * wildcard route under a non-route node as a bare `*`, losing its path (`/api/registry/tile/*`).
 */
function routesFromTree(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const node = /^(.*?)(?: \(([^)]*)\))?$/.exec(match[2]!)!;
    stack.length = depth;
    stack.push(node[1]!);
    const path = stack.join('');
    for (const method of (node[2] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      if (method !== 'HEAD') out.push(`${method} ${path}`);
    }
  }
  return out;
}

function send(ctx: TestContext, req: Req, headers: Record<string, string> | 'anonymous') {
  const merged: Record<string, string> = { ...(headers === 'anonymous' ? {} : headers), ...req.headers };
  if (headers === 'anonymous') delete merged.authorization;
  return ctx.server.inject({
    method: req.method,
    url: req.url,
    headers: merged,
    ...(req.payload !== undefined ? { payload: req.payload as string } : {}),
  });
}

function label(c: Case, who: string, step: string, res: { statusCode: number; body: string }): string {
  return `${c.route} as ${who} (${step}) → ${res.statusCode} ${res.body.slice(0, 300)}`;
}

describe.each(await testDialects())('access matrix (%s)', (dialect) => {
  let ctx: TestContext;
  let fx: Fixture;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const users = {} as Record<ActorName, TestUser>;
    for (const actor of ACTORS) {
      const role = actor === 'otherCreator' ? 'creator' : actor;
      users[actor] = await makeUser(ctx, role, actor);
    }
    const upload = await uploadImage(ctx, users.creator.headers, 1, { visibility: 'public' });
    const publicWork = { id: upload.workId, sha256: upload.sha256 };
    // Its master is offered to everyone (its rights alone would offer visitors only the display copy).
    const opened = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${publicWork.id}`, headers: users.creator.headers, payload: { expectedVersion: 1, downloadPolicy: 'master' } });
    expect(opened.statusCode, opened.body).toBe(200);
    // Its display copy (the marked image IIIF shows visitors) is made.
    await ctx.app.worker.drain();
    ctx.app.sequencer.start();
    const registration = await ctx.server.inject({ method: 'POST', url: `/api/works/${publicWork.id}/registrations`, headers: users.creator.headers, payload: {} });
    expect(registration.statusCode, registration.body).toBe(201);
    const collection = await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: users.curator.headers, payload: { name: { en: 'Public collection' }, visibility: 'public' } });
    expect(collection.statusCode).toBe(201);
    fx = {
      users,
      publicWork,
      collection: { id: (collection.json() as { id: string }).id },
      target: await makeUser(ctx, 'licensee', 'target'),
      fixityRunId: (await ctx.app.fixity.run('manual')).id,
      registrationId: (registration.json() as { registrationId: string }).registrationId,
      photoWork: { id: '' },
      evidenceId: '',
    };
    const photo = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'photo.png', contentType: 'image/png', data: await photoBytes(7) }]);
    const photoUpload = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...users.creator.headers, ...photo.headers }, payload: photo.payload });
    fx.photoWork = { id: (photoUpload.json() as { items: { workId: string }[] }).items[0]!.workId };
    fx.evidenceId = await evidenceBy(ctx, users.creator);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('covers every route the server has, and no route it does not have', () => {
    const actual = routesFromTree(ctx.server.printRoutes());
    expect(actual.length).toBeGreaterThan(30);
    const described = new Set([...CASES.map((c) => c.route), ...DOCS.map((d) => d.route)]);
    expect(actual.filter((r) => !described.has(r)), 'routes missing from the access matrix').toEqual([]);
    expect([...described].filter((r) => !actual.includes(r)), 'matrix routes the server does not have').toEqual([]);
    expect(new Set(CASES.map((c) => c.route)).size).toBe(CASES.length);

    // The OpenAPI document lists the same API (hidden routes such as /api/health aside).
    const doc = ctx.server.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{\*\}/g, '*').replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.filter((r) => !described.has(r)), 'documented routes missing from the matrix').toEqual([]);
  });

  it.each(CASES.filter((c) => c.public).map((c) => [c.route, c] as const))('%s is public: anonymous 200, bad input 400', async (_route, c) => {
    const anonymous = await send(ctx, await c.valid(fx, fx.users.licensee, ctx), 'anonymous');
    expect(anonymous.statusCode, label(c, 'anonymous', 'valid', anonymous)).toBe(c.ok);
    if (c.invalid) {
      const bad = await send(ctx, await c.invalid(fx), 'anonymous');
      expect(bad.statusCode, label(c, 'anonymous', 'invalid', bad)).toBe(400);
      expect((bad.json() as { error: { code: string } }).error.code).toBe('invalid_input');
    }
    for (const actor of ACTORS) {
      const res = await send(ctx, await c.valid(fx, fx.users[actor], ctx), fx.users[actor].headers);
      expect(res.statusCode, label(c, actor, 'valid', res)).toBe(c.ok);
    }
  });

  it.each(CASES.filter((c) => !c.public).map((c) => [c.route, c] as const))('%s: 401 → 400 → 403 → 2xx', async (_route, c) => {
    const allow = c.allow ?? [];
    // 401 comes before validation: the invalid request (or, with no input, the valid one) still gets 401.
    const anonymousReq = c.invalid ? await c.invalid(fx) : await c.valid(fx, fx.users.admin, ctx);
    const anonymous = await send(ctx, anonymousReq, 'anonymous');
    expect(anonymous.statusCode, label(c, 'anonymous', 'invalid', anonymous)).toBe(401);
    expect((anonymous.json() as { error: { code: string } }).error.code).toBe('unauthenticated');
    const anonymousValid = await send(ctx, await c.valid(fx, fx.users.admin, ctx), 'anonymous');
    expect(anonymousValid.statusCode, label(c, 'anonymous', 'valid', anonymousValid)).toBe(401);

    for (const actor of ACTORS) {
      const who = fx.users[actor];
      if (allow.includes(actor)) {
        if (c.invalid) {
          const bad = await send(ctx, await c.invalid(fx), who.headers);
          expect(bad.statusCode, label(c, actor, 'invalid', bad)).toBe(400);
          expect((bad.json() as { error: { code: string } }).error.code).toBe('invalid_input');
        }
        const res = await send(ctx, await c.valid(fx, who, ctx), who.headers);
        expect(res.statusCode, label(c, actor, 'valid', res)).toBe(c.ok);
      } else {
        const res = await send(ctx, await c.valid(fx, who, ctx), who.headers);
        expect(res.statusCode, label(c, actor, 'denied', res)).toBe(403);
        expect((res.json() as { error: { code: string } }).error.code).toBe('forbidden');
      }
    }
  });

  it('a bearer token that is not valid is refused with 401 even on public routes', async () => {
    for (const authorization of ['Bearer wyt_not-a-real-token', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const res = await ctx.server.inject({ method: 'GET', url: '/api/works', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it('HEAD follows the same rules as GET', async () => {
    expect((await ctx.server.inject({ method: 'HEAD', url: '/api/users' })).statusCode).toBe(401);
    expect((await ctx.server.inject({ method: 'HEAD', url: '/api/users', headers: fx.users.licensee.headers })).statusCode).toBe(403);
    expect((await ctx.server.inject({ method: 'HEAD', url: '/api/users', headers: fx.users.admin.headers })).statusCode).toBe(200);
    expect((await ctx.server.inject({ method: 'HEAD', url: `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}/thumbnail` })).statusCode).toBe(200);
    // The master follows the work's download policy for HEAD exactly as for GET.
    const master = `/api/works/${fx.publicWork.id}/files/${fx.publicWork.sha256}`;
    for (const headers of [{}, fx.users.licensee.headers, fx.users.admin.headers]) {
      expect((await ctx.server.inject({ method: 'HEAD', url: master, headers })).statusCode).toBe((await ctx.server.inject({ method: 'GET', url: master, headers })).statusCode);
    }
  });

  it('the docs routes answer anonymously', async () => {
    for (const d of DOCS) {
      const res = await ctx.server.inject({ method: 'GET', url: d.url });
      expect(res.statusCode, d.url).toBe(d.ok);
    }
  });

  it('unknown API paths are 404 with the error shape, whoever asks', async () => {
    for (const headers of [{}, fx.users.admin.headers]) {
      const res = await ctx.server.inject({ method: 'GET', url: '/api/no-such-thing', headers });
      expect(res.statusCode).toBe(404);
      expect((res.json() as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});
