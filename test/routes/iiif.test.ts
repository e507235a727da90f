import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problems, validateAnnotationPage, validateCollection, validateManifest } from '../fixtures/iiif/presentation-validator.js';
import { testDialects } from '../support/databases.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { browse, makeUser, multipart, type TestUser } from './route-helpers.js';

/**
 * The IIIF services end to end, in process against a real database: the Image API over the three
 * ways an image is served (a large public-domain image from its pyramid, an in-copyright one as its
 * display copy, a private one only to those who manage it), manifests and collections, caching
 * headers, and a broken pyramid that is served from the original while it is rebuilt.
 */
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';
const IN_COPYRIGHT = 'http://rightsstatements.org/vocab/InC/1.0/';

/** A smooth, recognisable picture (quadrants of colour with a gradient), quick to encode at any size. */
async function picture(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const right = x >= width / 2, bottom = y >= height / 2;
      raw[o] = right ? 230 : 30;
      raw[o + 1] = bottom ? 220 : 40;
      raw[o + 2] = Math.round((255 * x) / width);
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

interface WorkJson { id: string; version: number; metadata: Record<string, unknown>; iiif: { manifest: string } | null; files: { sha256: string; iiif: { service: string } | null }[] }

describe.each(await testDialects())('IIIF services (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let other: TestUser;
  const works: Record<'big' | 'inCopyright' | 'private', WorkJson> = {} as never;
  const get = (url: string, headers: Record<string, string> = {}) => ctx.server.inject({ method: 'GET', url, headers });
  const serviceOf = (w: WorkJson) => new URL(w.files[0]!.iiif!.service).pathname;

  async function upload(name: string, bytes: Buffer, visibility: 'public' | 'private', rights: string): Promise<WorkJson> {
    const body = multipart([{ name: 'visibility', value: visibility }, { name: 'file', filename: name, contentType: 'image/jpeg', data: bytes }]);
    const response = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    const { workId } = (response.json() as { items: { workId: string }[] }).items[0]!;
    const current = (await get(`/api/works/${workId}`, owner.headers)).json() as WorkJson;
    const patched = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers, payload: { expectedVersion: current.version, metadata: { ...current.metadata, title: { en: name, 'zh-Hans': `作品 ${name}` }, rights: { uri: rights } } } });
    expect(patched.statusCode).toBe(200);
    return patched.json() as WorkJson;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await makeUser(ctx, 'creator', 'owner');
    other = await makeUser(ctx, 'creator', 'other');
    works.big = await upload('scroll.jpg', await picture(3000, 1000), 'public', CC0);
    works.inCopyright = await upload('mural.jpg', await picture(2600, 1800), 'public', IN_COPYRIGHT);
    works.private = await upload('draft.jpg', await picture(800, 600), 'private', CC0);
    await ctx.app.worker.drain();
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('names the manifest and every image service in the work JSON, as absolute URLs', async () => {
    const work = (await get(`/api/works/${works.big.id}`)).json() as WorkJson;
    expect(work.iiif?.manifest).toMatch(new RegExp(`^https?://[^/]+/iiif/3/manifests/${work.id}$`));
    expect(work.files[0]!.iiif?.service).toMatch(new RegExp(`^https?://[^/]+/iiif/3/${work.id}~${work.files[0]!.sha256.slice(0, 16)}$`));
  });

  it('redirects the base URI to info.json (303) and describes the image at level 2', async () => {
    const base = serviceOf(works.big);
    const redirect = await get(base);
    expect(redirect.statusCode).toBe(303);
    expect(redirect.headers.location).toMatch(new RegExp(`${base}/info.json$`));
    const info = await get(`${base}/info.json`);
    expect(info.statusCode).toBe(200);
    // No Accept header: JSON-LD with the profile (§5.1); plain JSON only when asked for alone.
    expect(info.headers['content-type']).toMatch(/^application\/ld\+json; ?profile=/);
    expect((await get(`${base}/info.json`, { accept: 'application/json' })).headers['content-type']).toMatch(/^application\/json/);
    expect(info.headers['access-control-allow-origin']).toBe('*');
    expect(info.headers.link).toContain('level2.json');
    const json = info.json() as Record<string, unknown>;
    expect(json).toMatchObject({ '@context': 'http://iiif.io/api/image/3/context.json', type: 'ImageService3', protocol: 'http://iiif.io/api/image', profile: 'level2', width: 3000, height: 1000 });
    expect(json.id).toBe(works.big.files[0]!.iiif!.service);
    // The pyramid's levels are the tile scale factors.
    expect((json.tiles as { scaleFactors: number[] }[])[0]!.scaleFactors).toEqual([1, 2, 4, 8, 16]);
    const ld = await get(`${base}/info.json`, { accept: 'application/ld+json' });
    expect(ld.headers['content-type']).toMatch(/^application\/ld\+json; ?profile="http:\/\/iiif\.io\/api\/image\/3\/context\.json"/);
  });

  it('renders regions, sizes, rotations, qualities and formats at exactly the size asked', async () => {
    const base = serviceOf(works.big);
    const cases: [string, number, number, string][] = [
      ['full/max/0/default.jpg', 3000, 1000, 'jpeg'],
      ['0,0,256,256/256,/0/default.jpg', 256, 256, 'jpeg'],
      ['2048,0,952,1000/119,/0/default.png', 119, 125, 'png'],
      ['pct:50,0,50,50/!200,200/90/gray.webp', 67, 200, 'webp'],
      ['square/100,100/!180/bitonal.png', 100, 100, 'png'],
      ['full/!1024,1024/0/color.jpg', 1024, 341, 'jpeg'],
    ];
    for (const [path, width, height, format] of cases) {
      const response = await get(`${base}/${path}`);
      expect(response.statusCode, path).toBe(200);
      const meta = await sharp(response.rawPayload).metadata();
      expect([meta.width, meta.height, meta.format], path).toEqual([width, height, format]);
      expect(response.headers.link, path).toMatch(/rel="canonical"/);
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
    // The right half of the picture is red: a crop from the pyramid shows it.
    const crop = await get(`${base}/2000,100,500,300/50,/0/default.png`);
    const { data } = await sharp(crop.rawPayload).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
  });

  it('zooms visitors into a pyramid that carries the public watermark, and its managers into the original', async () => {
    const scan = async (image: Buffer) => {
      const body = multipart([{ name: 'file', filename: 'seen.png', contentType: 'image/png', data: image }]);
      const res = await ctx.server.inject({ method: 'POST', url: '/api/scans', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { items: { watermark: { copy: { purpose: string; workId: string } | null } | null }[] }).items[0]!.watermark;
    };
    const view = `${serviceOf(works.big)}/full/!1500,1500/0/default.png`;
    const seen = await get(view);
    expect(seen.headers['cache-control']).toMatch(/^public/);
    expect((await scan(seen.rawPayload))?.copy).toMatchObject({ purpose: 'public', workId: works.big.id });
    const own = await get(view, owner.headers);
    expect(own.headers['cache-control']).toMatch(/^private/);
    expect((await scan(own.rawPayload))?.copy ?? null).toBeNull();
  });

  it('answers 304 to a client that holds the tile already, and serves repeats from its cache', async () => {
    const url = `${serviceOf(works.big)}/256,0,256,256/256,/0/default.jpg`;
    const first = await get(url);
    const again = await get(url, { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    const hits = ctx.app.iiifImages['deps'].cache.stats.hits;
    await get(url);
    expect(ctx.app.iiifImages['deps'].cache.stats.hits).toBe(hits + 1);
    expect(first.headers['cache-control']).toMatch(/^public/);
  });

  it('refuses malformed and unsatisfiable requests with the right status and a translatable key', async () => {
    const base = serviceOf(works.big);
    const cases: [string, number, string][] = [
      ['full/max/0/default.gif', 400, 'iiif.bad_format'],
      ['full/max/0/sepia.jpg', 400, 'iiif.bad_quality'],
      ['full/max/45x/default.jpg', 400, 'iiif.bad_rotation'],
      ['5000,0,10,10/max/0/default.jpg', 400, 'iiif.region_outside'],
      ['0,0,0,10/max/0/default.jpg', 400, 'iiif.bad_region'],
      ['full/4000,/0/default.jpg', 400, 'iiif.upscale_not_allowed'],
      ['full/full/0/default.jpg', 400, 'iiif.bad_size'],
      ['full/^9000,9000/0/default.jpg', 400, 'iiif.too_large'],
    ];
    for (const [path, status, key] of cases) {
      const response = await get(`${base}/${path}`);
      expect(response.statusCode, path).toBe(status);
      expect((response.json() as { error: { key: string } }).error.key, `${path}: ${response.body}`).toBe(key);
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('serves an in-copyright work to visitors as its display copy only, and at full size to its owner', async () => {
    const base = serviceOf(works.inCopyright);
    const visitor = (await get(`${base}/info.json`)).json() as { width: number; height: number };
    expect(Math.max(visitor.width, visitor.height)).toBe(2048);
    const full = await get(`${base}/full/max/0/default.jpg`);
    expect((await sharp(full.rawPayload).metadata()).width).toBe(2048);
    const mine = (await get(`${base}/info.json`, owner.headers)).json() as { width: number };
    expect(mine.width).toBe(2600);
    // What an owner sees is theirs: no shared cache may keep it.
    expect((await get(`${base}/info.json`, owner.headers)).headers['cache-control']).toMatch(/private/);
  });

  it('never shows a private work: 404 on every route for others, as for an unknown image', async () => {
    const base = serviceOf(works.private);
    const manifest = `/iiif/3/manifests/${works.private.id}`;
    for (const url of [base, `${base}/info.json`, `${base}/full/max/0/default.jpg`, `${base}/0,0,10,10/10,/0/default.png`, manifest]) {
      expect((await get(url)).statusCode, url).toBe(404);
      expect((await get(url, other.headers)).statusCode, url).toBe(404);
    }
    expect((await get(`${base}/info.json`, owner.headers)).statusCode).toBe(200);
    expect((await get(manifest, owner.headers)).statusCode).toBe(200);
    const unknown = ((await get(`/iiif/3/${works.private.id}~0000000000000000/info.json`)).json() as { error: { key: string } }).error;
    const hidden = ((await get(`${base}/info.json`)).json() as { error: { key: string } }).error;
    expect(hidden.key).toBe(unknown.key);
    const archive = JSON.stringify((await get('/iiif/3/collections/all')).json());
    expect(archive).not.toContain(works.private.id);
    expect(archive).toContain(works.big.id);
  });

  it('refuses identifiers that try to leave their place', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'a~b/..', `${works.big.id}~%2F`, `${works.big.id}~${'0'.repeat(100)}`]) {
      const response = await get(`/iiif/3/${id}/info.json`);
      expect([400, 404, 414], id).toContain(response.statusCode);
    }
  });

  it('publishes a manifest per work and a collection of the public archive', async () => {
    const response = await get(`/iiif/3/manifests/${works.big.id}`, { accept: 'application/ld+json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/ld\+json; ?profile="http:\/\/iiif\.io\/api\/presentation\/3\/context\.json"/);
    const manifest = response.json() as { id: string; type: string; label: Record<string, string[]>; rights: string; items: { width: number; height: number; items: { items: { body: { service: { id: string }[] } }[] }[] }[] };
    expect(manifest).toMatchObject({ type: 'Manifest', label: { en: ['scroll.jpg'], 'zh-Hans': ['作品 scroll.jpg'] }, rights: 'http://creativecommons.org/publicdomain/zero/1.0/' });
    expect(manifest.items[0]).toMatchObject({ width: 3000, height: 1000 });
    expect(manifest.items[0]!.items[0]!.items[0]!.body.service[0]!.id).toBe(works.big.files[0]!.iiif!.service);
    const archive = (await get('/iiif/3/collections/all')).json() as { type: string; items: { id: string; type: string }[] };
    expect(archive.type).toBe('Collection');
    expect(archive.items.filter((i) => i.type === 'Manifest').map((i) => i.id)).toEqual(expect.arrayContaining([manifest.id]));
    expect((await get('/iiif/3/collections/no-such')).statusCode).toBe(404);
    // What the server sends, not only what the builder makes, passes the official schema.
    for (const work of Object.values(works)) {
      const doc = (await get(`/iiif/3/manifests/${work.id}`, owner.headers)).json();
      expect(problems(validateManifest, doc), work.id).toEqual([]);
    }
    expect(problems(validateCollection, archive)).toEqual([]);
  });

  it('keeps curators\' described regions (a seal and whose it is) as W3C annotations on the canvas, and finds the work by them', async () => {
    const current = (await get(`/api/works/${works.big.id}`, owner.headers)).json() as WorkJson;
    const sha256 = current.files[0]!.sha256;
    const seal = { id: 'a1seal', type: 'seal', file: sha256, region: { x: 2700, y: 700, width: 200, height: 200 }, transcription: '乾隆御覽之寶', transcriptionLanguage: 'zh-Hant', translation: { en: 'Treasure viewed by the Qianlong Emperor' }, owner: { name: { 'zh-Hans': '乾隆帝', en: 'Qianlong Emperor' }, uri: 'https://www.wikidata.org/wiki/Q17811' } };
    const save = (annotations: unknown[]) => ctx.server.inject({ method: 'PATCH', url: `/api/works/${works.big.id}`, headers: owner.headers, payload: { expectedVersion: current.version, metadata: { ...current.metadata, annotations } } });
    // Outside the image, on a file the work does not have, or twice the same id: refused, naming the field.
    const outside = await save([{ ...seal, region: { x: 2900, y: 0, width: 200, height: 10 } }]);
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('annotations.0.region');
    expect((await save([{ ...seal, file: 'a'.repeat(64) }])).body).toContain('annotations.0.file');
    expect((await save([seal, seal])).statusCode).toBe(400);
    expect((await save([seal])).statusCode).toBe(200);

    const manifest = (await get(`/iiif/3/manifests/${works.big.id}`)).json() as { items: { id: string; annotations?: { id: string; type: string }[] }[] };
    const ref = manifest.items[0]!.annotations![0]!;
    expect(ref.type).toBe('AnnotationPage');
    const page = await get(new URL(ref.id).pathname);
    expect(page.statusCode).toBe(200);
    const json = page.json() as { items: { target: string; motivation: string; body: { value?: string; purpose: string; language?: string; source?: string }[] }[] };
    expect(json.items[0]!.target).toBe(`${manifest.items[0]!.id}#xywh=2700,700,200,200`);
    expect(json.items[0]!.motivation).toBe('supplementing');
    expect(json.items[0]!.body).toEqual(expect.arrayContaining([
      expect.objectContaining({ value: '乾隆御覽之寶', language: 'zh-Hant', purpose: 'describing' }),
      expect.objectContaining({ value: 'Qianlong Emperor', purpose: 'identifying' }),
      expect.objectContaining({ source: 'https://www.wikidata.org/wiki/Q17811', purpose: 'identifying' }),
    ]));
    expect(problems(validateAnnotationPage, json)).toEqual([]);
    expect(problems(validateManifest, manifest)).toEqual([]);
    // A search for the seal's owner finds the work.
    for (const q of ['乾隆帝', 'Qianlong', '乾隆御覽之寶']) expect((await browse(ctx, `q=${encodeURIComponent(q)}`)).items.map((i) => i.id), q).toContain(works.big.id);
    expect((await get(`/iiif/3/manifests/${works.big.id}/annotations/2`)).statusCode).toBe(404);
    expect((await get(`/iiif/3/manifests/${works.private.id}/annotations/1`)).statusCode).toBe(404);
  });

  it('serves a broken pyramid from the original and rebuilds it', async () => {
    const sha256 = works.big.files[0]!.sha256;
    const row = await ctx.app.database.db.selectFrom('iiif_pyramids').selectAll().where('source_sha256', '=', sha256).where('variant', '=', 'original').executeTakeFirstOrThrow();
    const file = path.join(ctx.app.config.dataDir, row.path);
    const bytes = fs.readFileSync(file);
    // Garbage over the middle of the file (the tiles), same length: only decoding finds it.
    bytes.fill(0x5a, Math.floor(bytes.length / 3), Math.floor(bytes.length / 3) + 4096);
    fs.writeFileSync(file, bytes);
    expect(await ctx.app.pyramids.intact(sha256)).toBe(false);
    // The scheduled check finds it without any request touching the damaged tile.
    expect(await ctx.app.pyramids.verifyAll()).toEqual({ checked: 4, broken: 1, orphaned: 0 }); // original and public pyramids of both large images
    expect(await ctx.app.database.db.selectFrom('iiif_pyramids').select('source_sha256').where('source_sha256', '=', sha256).where('variant', '=', 'original').executeTakeFirst()).toBeUndefined();
    await ctx.app.worker.drain();
    expect(await ctx.app.pyramids.verifyAll()).toEqual({ checked: 4, broken: 0, orphaned: 0 });
    const rowOf = () => ctx.app.database.db.selectFrom('iiif_pyramids').select('source_sha256').where('source_sha256', '=', sha256).where('variant', '=', 'original').executeTakeFirst();
    // Unaligned JPEG regions (rendered from the stored tiles, outside sharp) over the whole
    // picture: the one that reads the damage fails to decode, is served from the original, and
    // the pyramid is dropped for its rebuild.
    fs.writeFileSync(file, bytes);
    for (let y = 0; y < 1000; y += 256) {
      for (let x = 0; x < 3000; x += 256) {
        const w = Math.min(256, 3000 - x) - 7, h = Math.min(256, 1000 - y) - 5;
        const region = await get(`${serviceOf(works.big)}/${x + 7},${y + 5},${w},${h}/${w},/0/default.jpg`, owner.headers);
        expect(region.statusCode, `${x},${y}`).toBe(200);
      }
    }
    expect(await rowOf()).toBeUndefined();
    await ctx.app.worker.drain();
    expect(await ctx.app.pyramids.intact(sha256)).toBe(true);
    fs.writeFileSync(file, bytes);
    // Every full-size tile of the original pyramid (its owner's), rendered (PNG: aligned JPEG tiles
    // are sent as stored, undecoded, and their damage is the scheduled check's to find, as above):
    // whichever holds the damage fails to decode, and is served from the original.
    for (let y = 0; y < 1000; y += 256) {
      for (let x = 0; x < 3000; x += 256) {
        const w = Math.min(256, 3000 - x), h = Math.min(256, 1000 - y);
        const tile = await get(`${serviceOf(works.big)}/${x},${y},${w},${h}/${w},/0/default.png`, owner.headers);
        expect(tile.statusCode, `${x},${y}`).toBe(200);
      }
    }
    await ctx.app.worker.drain();
    expect(await ctx.app.pyramids.intact(sha256)).toBe(true);
  });

  it('deletes the pyramids of an original that has left the blob store', async () => {
    // An image no work holds any more is removed by gc; its pyramids must not stay on disk for ever.
    const sha256 = works.inCopyright.files[0]!.sha256;
    const rows = await ctx.app.database.db.selectFrom('iiif_pyramids').selectAll().where('source_sha256', '=', sha256).execute();
    expect(rows).toHaveLength(2);
    await ctx.app.blobs.remove(sha256);
    expect(await ctx.app.pyramids.verifyAll()).toMatchObject({ orphaned: 2 });
    for (const row of rows) expect(fs.existsSync(path.join(ctx.app.config.dataDir, row.path))).toBe(false);
    expect(await ctx.app.database.db.selectFrom('iiif_pyramids').selectAll().where('source_sha256', '=', sha256).execute()).toEqual([]);
  });
});
