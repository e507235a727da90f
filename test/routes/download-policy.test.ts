import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { makeUser, multipart, photoBytes, type TestUser } from './route-helpers.js';

/**
 * "Public" does not mean "a free master": what people who do not manage a work may download follows
 * its rights (public domain and open licences: the original; in copyright: the watermarked display
 * copy), overridable per collection (inherited) and per work — in the work's JSON and on the file routes.
 */
const IN_COPYRIGHT = 'http://rightsstatements.org/vocab/InC/1.0/';
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';

interface FileJson {
  sha256: string;
  url: string | null;
  download: { kind: 'master' | 'display'; url: string } | null;
}
interface WorkJson {
  id: string;
  version: number;
  metadata: Record<string, unknown>;
  downloadPolicy: string | null;
  download: { policy: string; source: string };
  files: FileJson[];
}

describe.each(await testDialects())('download policy (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let curator: TestUser;
  let visitor: TestUser;
  let workId: string;
  let sha256: string;

  const work = async (headers: Record<string, string> = {}) => (await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}`, headers })).json() as WorkJson;
  const master = (headers: Record<string, string> = {}) => ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${sha256}`, headers });
  const setRights = async (uri: string) => {
    const current = await work(owner.headers);
    const response = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers, payload: { expectedVersion: current.version, metadata: { ...current.metadata, rights: { uri } } } });
    expect(response.statusCode).toBe(200);
  };
  const setWorkPolicy = async (downloadPolicy: string | null) => {
    const current = await work(owner.headers);
    const response = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers, payload: { expectedVersion: current.version, downloadPolicy } });
    expect(response.statusCode).toBe(200);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
    curator = await makeUser(ctx, 'curator');
    visitor = await makeUser(ctx, 'licensee', 'visitor');
    const body = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'mural.png', contentType: 'image/png', data: await photoBytes(7, 640, 480) }]);
    const upload = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    ({ workId, sha256 } = (upload.json() as { items: { workId: string; sha256: string }[] }).items[0]!);
    await ctx.app.worker.drain();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('a public work in copyright offers visitors the display copy, never the master', async () => {
    await setRights(IN_COPYRIGHT);
    const seen = await work();
    expect(seen.download).toEqual({ policy: 'display', source: 'rights' });
    expect(seen.files[0]).toMatchObject({ url: null, download: { kind: 'display', url: `/api/works/${workId}/files/${sha256}/display?download=1` } });
    const refused = await master();
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'download_restricted', key: 'file.download_restricted', params: { policy: 'display' } } });
    expect((await master(visitor.headers)).statusCode).toBe(403);
    const copy = await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${sha256}/display?download=1` });
    expect(copy.statusCode).toBe(200);
    expect(copy.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''mural\.display\.jpg$/);
    expect(copy.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('those who manage the work always get the master', async () => {
    expect((await work(owner.headers)).files[0]).toMatchObject({ url: `/api/works/${workId}/files/${sha256}`, download: { kind: 'master' } });
    const own = await master(owner.headers);
    expect(own.statusCode).toBe(200);
    // Visitors are refused this very URL: a shared cache must not keep the manager's copy for them.
    expect(own.headers['cache-control']).toBe('private, no-store');
    expect((await master(curator.headers)).statusCode).toBe(200);
  });

  it('a CC0 work offers its master to everyone', async () => {
    await setRights(CC0);
    expect((await work()).download).toEqual({ policy: 'master', source: 'rights' });
    const response = await master();
    expect(response.statusCode).toBe(200);
    expect(response.headers['etag']).toBe(`"${sha256}"`);
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('a collection override is inherited, and the work’s own override wins', async () => {
    const parent = (await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Murals' }, visibility: 'public' } })).json() as { id: string };
    const child = (await ctx.server.inject({ method: 'POST', url: '/api/collections', headers: curator.headers, payload: { name: { en: 'Cave 45' }, parentId: parent.id, visibility: 'public' } })).json() as { id: string };
    const set = await ctx.server.inject({ method: 'PATCH', url: `/api/collections/${parent.id}`, headers: curator.headers, payload: { downloadPolicy: 'none' } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ downloadPolicy: 'none' });
    const current = await work(owner.headers);
    await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: curator.headers, payload: { expectedVersion: current.version, collectionId: child.id } });

    const seen = await work();
    expect(seen.download).toEqual({ policy: 'none', source: 'collection' });
    expect(seen.files[0]).toMatchObject({ url: null, download: null });
    expect((await master()).statusCode).toBe(403);
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${sha256}/display?download=1` })).statusCode).toBe(403);
    // Viewing stays possible: the page shows the display copy.
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${workId}/files/${sha256}/display` })).statusCode).toBe(200);

    await setWorkPolicy('master');
    expect((await work()).download).toEqual({ policy: 'master', source: 'work' });
    expect((await master()).statusCode).toBe(200);
    await setWorkPolicy(null);
    expect((await work()).download.source).toBe('collection');
  });

  it('a work offered for no download gives readers no watermarked copy of its original either', async () => {
    await setWorkPolicy('none');
    const copy = (headers: Record<string, string>) => ctx.server.inject({ method: 'POST', url: `/api/works/${workId}/watermarked-copies`, headers, payload: {} });
    const refused = await copy(visitor.headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'download_restricted', params: { policy: 'none' } } });
    expect((await copy(owner.headers)).statusCode).toBe(200);
    await setWorkPolicy(null);
  });

  it('under "display" a reader’s own watermarked copy is no larger than the display copy; managers get it full size', async () => {
    const body = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'scroll.png', contentType: 'image/png', data: await photoBytes(9, 2600, 900) }]);
    const upload = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    const scroll = (upload.json() as { items: { workId: string }[] }).items[0]!;
    const size = async (headers: Record<string, string>) => {
      const response = await ctx.server.inject({ method: 'POST', url: `/api/works/${scroll.workId}/watermarked-copies`, headers, payload: {} });
      expect(response.statusCode).toBe(200);
      const { width, height } = await sharp(response.rawPayload).metadata();
      return [width, height];
    };
    expect(await size(visitor.headers)).toEqual([2048, 709]);
    expect(await size(owner.headers)).toEqual([2600, 900]);
  });

  it('an image whose display copy is not made yet does not fall back to serving its master', async () => {
    // The display job has not run (a backlog, a worker-only node that is down, a failed job): the
    // visitor must not get the unwatermarked original in the meantime, inline or otherwise.
    const body = multipart([{ name: 'visibility', value: 'public' }, { name: 'file', filename: 'fresh.png', contentType: 'image/png', data: await photoBytes(8, 640, 480) }]);
    const upload = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    const fresh = (upload.json() as { items: { workId: string; sha256: string }[] }).items[0]!;
    const current = (await ctx.server.inject({ method: 'GET', url: `/api/works/${fresh.workId}`, headers: owner.headers })).json() as WorkJson;
    const patched = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${fresh.workId}`, headers: owner.headers, payload: { expectedVersion: current.version, metadata: { ...current.metadata, rights: { uri: IN_COPYRIGHT } } } });
    expect(patched.statusCode).toBe(200);

    const seen = (await ctx.server.inject({ method: 'GET', url: `/api/works/${fresh.workId}` })).json() as WorkJson;
    expect(seen.download.policy).toBe('display');
    expect(seen.files[0]).toMatchObject({ url: null, download: null });
    const original = await ctx.server.inject({ method: 'GET', url: `/api/works/${fresh.workId}/files/${fresh.sha256}` });
    expect(original.statusCode).toBe(403);
    // The owner still gets it; once the display copy exists, visitors are offered that.
    expect((await ctx.server.inject({ method: 'GET', url: `/api/works/${fresh.workId}/files/${fresh.sha256}`, headers: owner.headers })).statusCode).toBe(200);
    await ctx.app.worker.drain();
    const later = (await ctx.server.inject({ method: 'GET', url: `/api/works/${fresh.workId}` })).json() as WorkJson;
    expect(later.files[0]).toMatchObject({ url: null, download: { kind: 'display' } });
  });

  it('refuses an unknown policy and a visitor setting one', async () => {
    const current = await work(owner.headers);
    const bad = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers, payload: { expectedVersion: current.version, downloadPolicy: 'everything' } });
    expect(bad.statusCode).toBe(400);
    const stranger = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: visitor.headers, payload: { expectedVersion: current.version, downloadPolicy: 'master' } });
    expect([403, 404]).toContain(stranger.statusCode);
  });
});
