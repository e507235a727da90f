import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { createTestContext, TEST_PUBLIC_URL, type TestContext } from '../support/test-app.js';
import {
  checkAgainstPattern, decode, gridPattern, patternPng, rotatedBox, squareColour, tileRequests,
  type Decoded, type Geometry, type GridPattern, type Rect,
} from './iiif-conformance/pattern.js';
import { makeUser, multipart, type TestUser } from './route-helpers.js';

/**
 * IIIF Image API 3.0 conformance at level 2, over HTTP, written from the specification
 * (https://iiif.io/api/image/3.0/, compliance levels at …/3.0/compliance/) and covering the ground
 * of the official validator (github.com/IIIF/image-validator). Every picture is a generated grid of
 * uniquely coloured squares with a corner mark, so each response is checked pixel by pixel against
 * where the spec says each source pixel must land. Section numbers (§) are the spec's.
 */
const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';
const LEVEL2_PROFILE = 'http://iiif.io/api/image/3/level2.json';
const CONTEXT = 'http://iiif.io/api/image/3/context.json';
/** Largest per-channel difference allowed: lossy formats blur, PNG only by resampling (see checkAgainstPattern). */
const TOLERANCE = { jpg: 30, webp: 30, png: 3 } as const;
type Format = keyof typeof TOLERANCE;
/** Tolerance when the server's source is itself lossy (a pyramid's JPEG tiles), whatever the output format. */
const LOSSY_SOURCE_TOLERANCE = 30;
/** The feature names of §5.7's table: nothing else may appear in extraFeatures unregistered. */
const SPEC_FEATURES = [
  'baseUriRedirect', 'canonicalLinkHeader', 'cors', 'jsonldMediaType', 'mirroring', 'profileLinkHeader', 'regionByPct',
  'regionByPx', 'regionSquare', 'rotationArbitrary', 'rotationBy90s', 'sizeByConfinedWh', 'sizeByH', 'sizeByPct', 'sizeByW',
  'sizeByWh', 'sizeUpscaling',
];

interface Info {
  '@context': string | string[];
  id: string;
  type: string;
  protocol: string;
  profile: string;
  width: number;
  height: number;
  maxWidth?: number;
  maxHeight?: number;
  maxArea?: number;
  sizes?: { width: number; height: number; type?: string }[];
  tiles?: { width: number; height?: number; scaleFactors: number[]; type?: string }[];
  extraQualities?: string[];
  extraFormats?: string[];
  extraFeatures?: string[];
}

interface TestImage {
  name: string;
  pattern: GridPattern;
  /** Path of the image service (its base URI without scheme and host). */
  base: string;
  identifier: string;
  info: Info;
  /** Served from a pyramid of JPEG tiles: even PNG answers carry JPEG's small errors. */
  lossySource: boolean;
}

interface WorkJson { id: string; version: number; metadata: Record<string, unknown>; files: { iiif: { service: string } | null }[] }

const full = (p: GridPattern): Rect => ({ x: 0, y: 0, width: p.width, height: p.height });
const upright = (region: Rect, size: { width: number; height: number }, degrees = 0, mirror = false): Geometry => ({ region, size, degrees, mirror });
const canonicalOf = (link: string | undefined) => /<([^>]+)>\s*;\s*rel="?canonical"?/.exec(link ?? '')?.[1];
const profileOf = (link: string | undefined) => /<([^>]+)>\s*;\s*rel="?profile"?/.exec(link ?? '')?.[1];

describe.each(await testDialects())('IIIF Image API 3.0 conformance (%s)', (dialect) => {
  let ctx: TestContext;
  let owner: TestUser;
  let other: TestUser;
  const img = {} as Record<'square' | 'wide' | 'large' | 'hidden', TestImage>;

  const get = (url: string, headers: Record<string, string> = {}) => ctx.server.inject({ method: 'GET', url, headers });

  async function upload(name: string, pattern: GridPattern, visibility: 'public' | 'private'): Promise<TestImage> {
    const body = multipart([{ name: 'visibility', value: visibility }, { name: 'file', filename: `${name}.png`, contentType: 'image/png', data: await patternPng(pattern) }]);
    const response = await ctx.server.inject({ method: 'POST', url: '/api/uploads', headers: { ...owner.headers, ...body.headers }, payload: body.payload });
    expect(response.statusCode, response.body).toBe(200);
    const { workId } = (response.json() as { items: { workId: string }[] }).items[0]!;
    const current = (await get(`/api/works/${workId}`, owner.headers)).json() as WorkJson;
    // CC0: everyone is served the full resolution (not the display copy), as a public IIIF server would.
    const patched = await ctx.server.inject({ method: 'PATCH', url: `/api/works/${workId}`, headers: owner.headers, payload: { expectedVersion: current.version, metadata: { ...current.metadata, title: { en: name }, rights: { uri: CC0 } } } });
    expect(patched.statusCode, patched.body).toBe(200);
    const service = (patched.json() as WorkJson).files[0]!.iiif!.service;
    const base = new URL(service).pathname;
    return { name, pattern, base, identifier: decodeURIComponent(base.slice('/iiif/3/'.length)), info: undefined as never, lossySource: Math.max(pattern.width, pattern.height) > 2048 };
  }

  beforeAll(async () => {
    // The protocol, pixel for pixel: public copies unmarked here (the marked public tiles are
    // test/routes/iiif.test.ts's), so visitors get the originals of these public-domain images.
    ctx = await createTestContext(dialect, { watermarkPublicCopies: false });
    owner = await makeUser(ctx, 'creator', 'owner');
    other = await makeUser(ctx, 'creator', 'other');
    img.square = await upload('square', gridPattern(1000, 1000, 100), 'public');
    img.wide = await upload('wide', gridPattern(1200, 800, 100), 'public');
    // Long side over 2048: served from a tiled pyramid rather than the original.
    img.large = await upload('large', gridPattern(5000, 3000, 500), 'public');
    img.hidden = await upload('hidden', gridPattern(300, 200, 100), 'private');
    await ctx.app.worker.drain();
    for (const key of ['square', 'wide', 'large'] as const) {
      const response = await get(`${img[key].base}/info.json`);
      expect(response.statusCode, response.body).toBe(200);
      img[key].info = response.json() as Info;
    }
  }, 180_000);
  afterAll(async () => ctx?.close());

  /** GETs `{base}/{path}`, expects 200 and decodes the picture. */
  async function picture(image: TestImage, path: string, headers: Record<string, string> = {}): Promise<Decoded> {
    const response = await get(`${image.base}/${path}`, headers);
    expect(response.statusCode, `${image.name}/${path}: ${response.body.slice(0, 300)}`).toBe(200);
    return decode(response.rawPayload);
  }

  /** The picture at `path` is exactly `size` (after rotation) and shows the pattern where `geometry` puts it. */
  async function expectPattern(image: TestImage, path: string, geometry: Geometry, out: { width: number; height: number }, options: { sizeSlack?: number; samples?: number } = {}): Promise<Decoded> {
    const decoded = await picture(image, path);
    const slack = options.sizeSlack ?? 0;
    const label = `${image.name}/${path}`;
    if (slack === 0) expect([decoded.width, decoded.height], label).toEqual([out.width, out.height]);
    else {
      expect(Math.abs(decoded.width - out.width), `${label}: width ${decoded.width}, expected ${out.width}±${slack}`).toBeLessThanOrEqual(slack);
      expect(Math.abs(decoded.height - out.height), `${label}: height ${decoded.height}, expected ${out.height}±${slack}`).toBeLessThanOrEqual(slack);
    }
    const format = path.slice(path.lastIndexOf('.') + 1) as Format;
    const lossy = format !== 'png' || image.lossySource;
    const tolerance = image.lossySource ? LOSSY_SOURCE_TOLERANCE : TOLERANCE[format];
    const check = checkAgainstPattern(image.pattern, geometry, decoded, { tolerance, lossy, ...(options.samples ? { samples: options.samples } : {}) });
    expect(check.checked, `${label}: too few points away from edges to judge`).toBeGreaterThanOrEqual(4);
    expect(check.mismatches, `${label}: ${check.mismatchCount}/${check.checked} sampled pixels wrong`).toEqual([]);
    return decoded;
  }

  /** Every way `url` departs from answering one of `statuses` with CORS (collected, so one run names them all). */
  async function statusProblems(url: string, statuses: number[], init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {}): Promise<string[]> {
    const response = await ctx.server.inject({ method: init.method ?? 'GET', url, headers: init.headers ?? {} });
    const problems: string[] = [];
    if (!statuses.includes(response.statusCode)) problems.push(`${url} → ${response.statusCode}, expected ${statuses.join(' or ')}: ${response.body.slice(0, 160)}`);
    if (response.headers['access-control-allow-origin'] !== '*') problems.push(`${url} → ${response.statusCode} without Access-Control-Allow-Origin: *`);
    return problems;
  }

  async function expectStatus(image: TestImage, path: string, statuses: number[]): Promise<void> {
    const response = await get(`${image.base}/${path}`);
    expect(statuses, `${image.name}/${path} → ${response.statusCode} ${response.body.slice(0, 200)}`).toContain(response.statusCode);
    expect(response.headers['access-control-allow-origin'], `CORS on ${path}`).toBe('*');
  }

  describe('base URI and image information (§2, §5)', () => {
    it('redirects the base URI to info.json with 303 (§2: RECOMMENDED; baseUriRedirect is level 2)', async () => {
      for (const image of [img.square, img.large]) {
        const response = await get(image.base);
        expect(response.statusCode).toBe(303);
        expect(response.headers.location).toBe(`${TEST_PUBLIC_URL}${image.base}/info.json`);
        expect(response.headers['access-control-allow-origin']).toBe('*');
        expect((await get(new URL(String(response.headers.location)).pathname)).statusCode).toBe(200);
      }
    });

    it('has every required property, with @context first and id the base URI the client used (§5.2)', async () => {
      for (const [key, pattern] of [['square', [1000, 1000]], ['wide', [1200, 800]], ['large', [5000, 3000]]] as const) {
        const response = await get(`${img[key].base}/info.json`);
        const info = response.json() as Info;
        expect(Object.keys(info)[0]).toBe('@context');
        const context = info['@context'];
        expect(Array.isArray(context) ? context.at(-1) : context).toBe(CONTEXT);
        expect(info.id).toBe(`${TEST_PUBLIC_URL}${img[key].base}`);
        expect(info).toMatchObject({ type: 'ImageService3', protocol: 'http://iiif.io/api/image', profile: 'level2', width: pattern[0], height: pattern[1] });
        for (const n of [info.width, info.height, info.maxWidth, info.maxHeight, info.maxArea]) if (n !== undefined) expect(Number.isSafeInteger(n) && n > 0).toBe(true);
        if (info.maxHeight !== undefined) expect(info.maxWidth, 'maxWidth MUST be given with maxHeight').toBeDefined();
        if (info.extraFeatures?.includes('sizeUpscaling')) expect(info.maxWidth ?? info.maxArea, 'sizeUpscaling MUST come with maxWidth or maxArea (§5.7)').toBeDefined();
        for (const feature of info.extraFeatures ?? []) expect(SPEC_FEATURES, feature).toContain(feature);
        for (const quality of info.extraQualities ?? []) expect(['color', 'gray', 'bitonal']).toContain(quality);
        for (const format of info.extraFormats ?? []) expect(['tif', 'png', 'gif', 'jp2', 'pdf', 'webp']).toContain(format);
        for (const size of info.sizes ?? []) expect(size.type ?? 'Size').toBe('Size');
        const tileShapes = (info.tiles ?? []).map((t) => `${t.width}x${t.height ?? t.width}`);
        expect(new Set(tileShapes).size, 'tile shapes MUST be unique (§5.4)').toBe(tileShapes.length);
        const factors = (info.tiles ?? []).flatMap((t) => t.scaleFactors);
        expect(new Set(factors).size, 'a scale factor SHOULD appear once (§5.4)').toBe(factors.length);
        for (const f of factors) expect(Number.isSafeInteger(f) && f >= 1).toBe(true);
      }
    });

    it('lists only sizes and tiles within its own limits (§5.2: servers MUST ensure this)', () => {
      for (const { info } of [img.square, img.wide, img.large]) {
        const maxWidth = info.maxWidth ?? Infinity, maxHeight = info.maxHeight ?? info.maxWidth ?? Infinity, maxArea = info.maxArea ?? Infinity;
        const shapes = [...(info.sizes ?? []), ...(info.tiles ?? []).map((t) => ({ width: t.width, height: t.height ?? t.width }))];
        for (const s of shapes) expect(s.width <= maxWidth && s.height <= maxHeight && s.width * s.height <= maxArea, JSON.stringify(s)).toBe(true);
      }
    });

    it('answers JSON-LD when asked and plain JSON when asked (§5.1; jsonldMediaType is level 2)', async () => {
      const url = `${img.square.base}/info.json`;
      const ld = await get(url, { accept: 'application/ld+json' });
      expect(ld.headers['content-type']).toMatch(/^application\/ld\+json;\s*profile="http:\/\/iiif\.io\/api\/image\/3\/context\.json"/);
      const json = await get(url, { accept: 'application/json' });
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.json()).toEqual(ld.json());
      expect(ld.headers['access-control-allow-origin']).toBe('*');
    });

    it('answers JSON-LD to a request without Accept (§5.1: the Content-Type SHOULD be application/ld+json)', async () => {
      const response = await get(`${img.square.base}/info.json`);
      expect(response.headers['content-type']).toMatch(/^application\/ld\+json;\s*profile="http:\/\/iiif\.io\/api\/image\/3\/context\.json"/);
    });
  });

  describe('sizes and tiles promised by info.json are served (§5.3, §5.4, implementation notes §3)', () => {
    it('serves every listed size as full/w,h/0/default.jpg at exactly that size', async () => {
      for (const image of [img.square, img.wide, img.large]) {
        expect(image.info.sizes?.length, image.name).toBeGreaterThan(0);
        for (const size of image.info.sizes!) {
          // The largest sizes of the large image are big encodes; their dimensions say enough.
          if (size.width * size.height > 2_000_000) {
            const response = await get(`${image.base}/full/${size.width},${size.height}/0/default.jpg`);
            expect(response.statusCode).toBe(200);
            const meta = await sharp(response.rawPayload).metadata();
            expect([meta.width, meta.height]).toEqual([size.width, size.height]);
            continue;
          }
          await expectPattern(image, `full/${size.width},${size.height}/0/default.jpg`, upright(full(image.pattern), size), size, { samples: 12 });
        }
      }
    });

    it.each([['square'], ['wide']] as const)('serves every tile of the %s image at every scale factor, at exactly the size of the tile algorithm', async (key) => {
      const image = img[key];
      for (const tiles of image.info.tiles!) {
        const shape = { width: tiles.width, height: tiles.height ?? tiles.width };
        for (const s of tiles.scaleFactors) {
          for (const tile of tileRequests(image.info.width, image.info.height, shape, s)) {
            const r = tile.region;
            await expectPattern(image, `${r.x},${r.y},${r.width},${r.height}/${tile.size.width},${tile.size.height}/0/default.jpg`, upright(r, tile.size), tile.size, { samples: 8 });
          }
        }
      }
    });

    it('serves tiles of the large (pyramid) image at every scale factor: all at coarse scales, edges and a diagonal at fine ones', async () => {
      const image = img.large;
      const tiles = image.info.tiles![0]!;
      const shape = { width: tiles.width, height: tiles.height ?? tiles.width };
      expect(Math.max(...tiles.scaleFactors) * Math.max(shape.width, shape.height)).toBeGreaterThanOrEqual(Math.max(image.info.width, image.info.height) / 2);
      for (const s of tiles.scaleFactors) {
        const all = tileRequests(image.info.width, image.info.height, shape, s);
        const columns = Math.ceil(image.info.width / (shape.width * s));
        const sample = all.length <= 24 ? all : all.filter((_, k) => {
          const n = k % columns, m = Math.floor(k / columns);
          const lastRow = (m + 1) * shape.height * s >= image.info.height;
          return n === m || n === columns - 1 || lastRow || k % 17 === 5;
        });
        for (const tile of sample) {
          const r = tile.region;
          await expectPattern(image, `${r.x},${r.y},${r.width},${r.height}/${tile.size.width},${tile.size.height}/0/default.jpg`, upright(r, tile.size), tile.size, { samples: 8 });
        }
      }
    });
  });

  describe('size limits (§5.2 maxWidth, maxHeight, maxArea; §4.2)', () => {
    it('states the limits that bound ^ upscaling, and ^max fills them without exceeding any (§4.2 ^max)', async () => {
      for (const image of [img.square, img.wide]) {
        const { info } = image;
        const maxWidth = info.maxWidth ?? Infinity, maxHeight = info.maxHeight ?? info.maxWidth ?? Infinity, maxArea = info.maxArea ?? Infinity;
        expect(Math.min(maxWidth, maxArea), 'upscaling offered: a limit is stated').toBeLessThan(Infinity);
        const response = await get(`${image.base}/full/^max/0/default.jpg`);
        expect(response.statusCode).toBe(200);
        const { width = 0, height = 0 } = await sharp(response.rawPayload).metadata();
        expect(width <= maxWidth && height <= maxHeight && width * height <= maxArea, `${width}×${height}`).toBe(true);
        // "scaled to the maximum size permitted": a pixel more each way would break a limit.
        expect(width + 1 > maxWidth || height + 1 > maxHeight || (width + 1) * (height + 1) > maxArea, `${width}×${height} is not the largest allowed`).toBe(true);
        expect(Math.abs(width / height - info.width / info.height)).toBeLessThan(0.01);
      }
    });

    it('refuses, with 400, any ^ size beyond a stated limit (§4.2: MUST NOT be greater than the server-imposed limits)', async () => {
      const { info } = img.square;
      const maxWidth = info.maxWidth!, maxHeight = info.maxHeight ?? maxWidth, maxArea = info.maxArea ?? maxWidth * maxHeight;
      const side = Math.floor(Math.sqrt(maxArea)) + 1;
      for (const size of [`^${maxWidth + 1},`, `^,${maxHeight + 1}`, `^${maxWidth + 1},10`, `^${side},${side}`, `^pct:${Math.ceil((100 * (maxWidth + 1)) / info.width)}`]) {
        await expectStatus(img.square, `full/${size}/0/default.jpg`, [400]);
      }
    });

    it('fits ^!w,h to the limits instead of refusing it (§4.2 ^!w,h: "not larger than w, h, or server-imposed limits")', async () => {
      const { info } = img.square;
      const response = await get(`${img.square.base}/full/^!20000,20000/0/default.jpg`);
      expect(response.statusCode).toBe(200);
      const { width = 0, height = 0 } = await sharp(response.rawPayload).metadata();
      expect(width <= (info.maxWidth ?? Infinity) && height <= (info.maxHeight ?? info.maxWidth ?? Infinity) && width * height <= (info.maxArea ?? Infinity), `${width}×${height}`).toBe(true);
      expect(width).toBe(height);
    });
  });

  describe('region (§4.1)', () => {
    it('cuts full, x,y,w,h and pct: regions showing exactly those pixels', async () => {
      const s = img.square, w = img.wide, l = img.large;
      const cases: [TestImage, string, Rect][] = [
        [s, 'full', full(s.pattern)],
        [w, 'full', full(w.pattern)],
        [s, '13,13,74,74', { x: 13, y: 13, width: 74, height: 74 }],
        [s, '125,15,120,140', { x: 125, y: 15, width: 120, height: 140 }],
        [s, '513,713,174,74', { x: 513, y: 713, width: 174, height: 74 }],
        [w, '1050,650,150,150', { x: 1050, y: 650, width: 150, height: 150 }],
        [s, 'pct:41.6,7.5,40,70', { x: 416, y: 75, width: 400, height: 700 }],
        [s, 'pct:31,51,9,9', { x: 310, y: 510, width: 90, height: 90 }],
        [w, 'pct:25,25,50,50', { x: 300, y: 200, width: 600, height: 400 }],
        [w, 'pct:0.5,12.5,10.25,37.5', { x: 6, y: 100, width: 123, height: 300 }],
        [l, '2400,1400,300,300', { x: 2400, y: 1400, width: 300, height: 300 }],
        [l, 'pct:10,10,20,20', { x: 500, y: 300, width: 1000, height: 600 }],
      ];
      for (const [image, region, rect] of cases) {
        // pct: regions convert to pixels with implementation-specific rounding: a pixel either way.
        const slack = region.startsWith('pct:') ? 1 : 0;
        const size = rect.width * rect.height > 1_000_000 ? `${Math.round(rect.width / 4)},` : 'max';
        const out = size === 'max' ? { width: rect.width, height: rect.height } : { width: Math.round(rect.width / 4), height: Math.round(rect.height / 4) };
        await expectPattern(image, `${region}/${size}/0/default.png`, upright(rect, out), out, { sizeSlack: slack });
      }
    });

    it('answers square with a square of the short side, somewhere along the long side (§4.1 square; level 2)', async () => {
      await expectPattern(img.square, 'square/max/0/default.png', upright(full(img.square.pattern), { width: 1000, height: 1000 }), { width: 1000, height: 1000 });
      const decoded = await picture(img.wide, 'square/max/0/default.png');
      expect([decoded.width, decoded.height]).toEqual([800, 800]);
      const offsets = [];
      for (let x = 0; x <= 400; x++) {
        const check = checkAgainstPattern(img.wide.pattern, upright({ x, y: 0, width: 800, height: 800 }, { width: 800, height: 800 }), decoded, { tolerance: TOLERANCE.png, samples: 16 });
        if (check.mismatchCount === 0 && check.checked > 100) offsets.push(x);
      }
      expect(offsets.length, 'the square shows no 800×800 window of the image').toBeGreaterThan(0);
    });

    it('crops a region partly outside the image at its edge, adding no space (§4.1: SHOULD)', async () => {
      await expectPattern(img.square, '900,850,200,200/max/0/default.png', upright({ x: 900, y: 850, width: 100, height: 150 }, { width: 100, height: 150 }), { width: 100, height: 150 });
      await expectPattern(img.wide, 'pct:50,50,60,60/max/0/default.png', upright({ x: 600, y: 400, width: 600, height: 400 }, { width: 600, height: 400 }), { width: 600, height: 400 });
      await expectPattern(img.large, '4800,2900,1000,1000/max/0/default.jpg', upright({ x: 4800, y: 2900, width: 200, height: 100 }, { width: 200, height: 100 }), { width: 200, height: 100 });
      await expectPattern(img.square, 'pct:0,0,200,150/200,/0/default.png', upright(full(img.square.pattern), { width: 200, height: 200 }), { width: 200, height: 200 });
      // Size applies to the extracted (cropped) region: 100×100 here, so 100, is its full size and 200, upscales.
      await expectPattern(img.square, '900,900,200,200/100,/0/default.png', upright({ x: 900, y: 900, width: 100, height: 100 }, { width: 100, height: 100 }), { width: 100, height: 100 });
      await expectStatus(img.square, '900,900,200,200/200,/0/default.png', [400]);
    });

    it('refuses with 400 a region entirely outside the image or of zero width or height (§4.1: SHOULD)', async () => {
      for (const region of ['1000,0,10,10', '0,1000,10,10', '5000,5000,1,1', 'pct:100,0,10,10', 'pct:0,100,10,10', 'pct:150,150,10,10', '0,0,0,10', '0,0,10,0', '10,10,0,0', 'pct:0,0,0,10', 'pct:10,10,10,0']) {
        await expectStatus(img.square, `${region}/max/0/default.jpg`, [400]);
      }
    });

    it('refuses malformed regions with 400 (validator: random region gives 400)', async () => {
      for (const region of ['abcdef', 'Full', '1,2,3', '1,2,3,4,5', '-1,0,10,10', '0,-1,10,10', '1.5,0,10,10', '0,0,10.5,10', 'pct:', 'pct:a,b,c,d', 'pct:-1,0,10,10', 'pct:1,2,3', 'squares', '0,0,10,10,', ',0,0,10,10', '0x0,10,10']) {
        await expectStatus(img.square, `${region}/max/0/default.jpg`, [400]);
      }
    });
  });

  describe('size (§4.2)', () => {
    it('scales to max, w,, ,h, pct:n, w,h and !w,h exactly, keeping the picture in place', async () => {
      const s = img.square, w = img.wide;
      const cases: [TestImage, string, string, Rect, { width: number; height: number }][] = [
        [s, 'full', 'max', full(s.pattern), { width: 1000, height: 1000 }],
        [s, 'full', '500,', full(s.pattern), { width: 500, height: 500 }],
        [s, 'full', ',250', full(s.pattern), { width: 250, height: 250 }],
        [s, 'full', 'pct:50', full(s.pattern), { width: 500, height: 500 }],
        [s, 'full', 'pct:25.5', full(s.pattern), { width: 255, height: 255 }],
        [s, 'full', '300,200', full(s.pattern), { width: 300, height: 200 }],
        [s, 'full', '!300,200', full(s.pattern), { width: 200, height: 200 }],
        [s, 'full', '!2000,500', full(s.pattern), { width: 500, height: 500 }],
        [w, 'full', 'max', full(w.pattern), { width: 1200, height: 800 }],
        [w, 'full', '600,', full(w.pattern), { width: 600, height: 400 }],
        [w, 'full', ',400', full(w.pattern), { width: 600, height: 400 }],
        [w, 'full', 'pct:25', full(w.pattern), { width: 300, height: 200 }],
        [w, 'full', '240,400', full(w.pattern), { width: 240, height: 400 }],
        [w, 'full', '!300,300', full(w.pattern), { width: 300, height: 200 }],
        [w, 'full', '!600,100', full(w.pattern), { width: 150, height: 100 }],
        [s, '100,200,300,300', '150,', { x: 100, y: 200, width: 300, height: 300 }, { width: 150, height: 150 }],
        [w, 'pct:10,10,50,50', ',200', { x: 120, y: 80, width: 600, height: 400 }, { width: 300, height: 200 }],
        [s, '0,0,100,100', '50,50', { x: 0, y: 0, width: 100, height: 100 }, { width: 50, height: 50 }],
      ];
      for (const [image, region, size, rect, out] of cases) {
        await expectPattern(image, `${region}/${size}/0/default.png`, upright(rect, out), out);
      }
    });

    it('keeps the aspect ratio within a pixel when only one side is given (§4.2: "as closely as possible")', async () => {
      for (const [size, exact] of [['700,', [700, 466.67]], [',500', [750, 500]], ['pct:33', [396, 264]], ['!500,500', [500, 333.33]]] as const) {
        const decoded = await picture(img.wide, `full/${size}/0/default.jpg`);
        expect(Math.abs(decoded.width - exact[0]), `${size}: ${decoded.width}×${decoded.height}`).toBeLessThan(1);
        expect(Math.abs(decoded.height - exact[1]), `${size}: ${decoded.width}×${decoded.height}`).toBeLessThan(1);
      }
    });

    it('answers !w,h larger than the region with the region at full size, not upscaled (§4.2 !w,h: "not larger than the extracted region")', async () => {
      await expectPattern(img.square, 'full/!2000,3000/0/default.jpg', upright(full(img.square.pattern), { width: 1000, height: 1000 }), { width: 1000, height: 1000 }, { samples: 12 });
    });

    it('upscales every ^ form within the limits (sizeUpscaling is in extraFeatures)', async () => {
      expect(img.square.info.extraFeatures).toContain('sizeUpscaling');
      const s = img.square;
      const small = { x: 0, y: 0, width: 100, height: 100 };
      const cases: [string, string, Rect, { width: number; height: number }][] = [
        ['full', '^1500,', full(s.pattern), { width: 1500, height: 1500 }],
        ['full', '^,1200', full(s.pattern), { width: 1200, height: 1200 }],
        ['full', '^pct:150', full(s.pattern), { width: 1500, height: 1500 }],
        ['full', '^1200,1100', full(s.pattern), { width: 1200, height: 1100 }],
        ['full', '^!2000,1500', full(s.pattern), { width: 1500, height: 1500 }],
        ['full', '^!2000,500', full(s.pattern), { width: 500, height: 500 }],
        ['full', '^500,', full(s.pattern), { width: 500, height: 500 }],
        ['0,0,100,100', '^400,', small, { width: 400, height: 400 }],
        ['0,0,100,100', '^pct:300', small, { width: 300, height: 300 }],
        ['0,0,100,100', '^,250', small, { width: 250, height: 250 }],
        ['0,0,100,100', '^300,150', small, { width: 300, height: 150 }],
      ];
      for (const [region, size, rect, out] of cases) {
        await expectPattern(s, `${region}/${size}/0/default.jpg`, upright(rect, out), out, { samples: 16 });
      }
      // ^max of a small region: scaled up until a limit is met (here maxWidth/maxArea, far above 100 px).
      const max = await picture(s, '0,0,100,100/^max/0/default.jpg');
      expect(max.width).toBe(max.height);
      expect(max.width).toBeGreaterThan(100);
    });

    it('refuses sizes that would upscale without ^ with 400 (§4.2; validator size_noup)', async () => {
      for (const [region, size] of [['full', '1100,'], ['full', ',1100'], ['full', 'pct:101'], ['full', 'pct:200'], ['full', '1100,1100'], ['full', '1000,1001'], ['0,0,100,100', '101,'], ['0,0,100,100', '100,101']]) {
        await expectStatus(img.square, `${region}/${size}/0/default.jpg`, [400]);
      }
    });

    it('refuses malformed sizes with 400 (§4.2; validator: random size gives 400, size full gives no image in 3.0)', async () => {
      for (const size of ['abcdef', 'full', '0,', ',0', '0,0', '0,10', 'pct:0', 'pct:-5', 'pct:', '!0,10', '!10,', '10,10,10', '^', '^^max', '^full', '1.5,', 'max,', '!,', 'w,h', '-10,']) {
        await expectStatus(img.square, `full/${size}/0/default.jpg`, [400]);
      }
    });

    it('rounds a derived side below one pixel up to 1 rather than refusing it (§4.2 says SHOULD 400; a deliberate choice)', async () => {
      // Viewers ask for edge tiles as `w,`: a 1000 × 1 strip scaled to `10,` derives a height of 0.01.
      // Refusing it would leave a blank tile, so the derived side becomes 1 pixel; a side the client
      // states itself is never allowed to be 0 (the malformed-size test above).
      for (const [path, width, height] of [['0,0,1000,1/10,/0/default.png', 10, 1], ['0,0,1,1000/,10/0/default.png', 1, 10], ['0,0,1,1/pct:50/0/default.png', 1, 1]] as const) {
        const response = await get(`${img.square.base}/${path}`);
        expect(response.statusCode, path).toBe(200);
        const meta = await sharp(response.rawPayload).metadata();
        expect([meta.width, meta.height], path).toEqual([width, height]);
      }
    });
  });

  describe('rotation and mirroring (§4.3; rotationBy90s is level 2, mirroring and rotationArbitrary are extra features)', () => {
    it('turns by 0, 90, 180 and 270 clockwise, moving every square where it belongs (validator rot_full_basic)', async () => {
      for (const image of [img.square, img.wide]) {
        const size = image === img.square ? { width: 400, height: 400 } : { width: 600, height: 400 };
        for (const degrees of [0, 90, 180, 270]) {
          const out = degrees % 180 === 0 ? size : { width: size.height, height: size.width };
          await expectPattern(image, `full/${size.width},${size.height}/${degrees}/default.png`, upright(full(image.pattern), size, degrees), out);
        }
      }
    });

    it('mirrors on the vertical axis before turning (validator rot_mirror, rot_mirror_180)', async () => {
      expect(img.square.info.extraFeatures).toContain('mirroring');
      for (const image of [img.square, img.wide]) {
        const size = image === img.square ? { width: 400, height: 400 } : { width: 600, height: 400 };
        for (const degrees of [0, 90, 180, 270]) {
          const out = degrees % 180 === 0 ? size : { width: size.height, height: size.width };
          await expectPattern(image, `full/${size.width},${size.height}/!${degrees}/default.png`, upright(full(image.pattern), size, degrees, true), out);
        }
      }
      // Mirroring a mark: square (0,0)'s corner mark ends at the top right of the top-right square.
      const mirrored = await picture(img.square, '0,0,100,100/max/!0/default.png');
      expect(mirrored.pixel(95, 5).slice(0, 3)).toEqual([0, 0, 0]);
      expect(mirrored.pixel(5, 5).slice(0, 3)).toEqual([...squareColour(img.square.pattern, 0, 0)]);
    });

    it('turns a region, not the image (validator rot_region_basic), after scaling it (§4.6 order)', async () => {
      const cases: [TestImage, string, Rect, { width: number; height: number }, number, boolean][] = [
        [img.square, '313,413,76,76/max/180', { x: 313, y: 413, width: 76, height: 76 }, { width: 76, height: 76 }, 180, false],
        [img.square, '125,15,120,140/90,/!345', { x: 125, y: 15, width: 120, height: 140 }, { width: 90, height: 105 }, 345, true],
        [img.wide, '100,0,400,200/200,/90', { x: 100, y: 0, width: 400, height: 200 }, { width: 200, height: 100 }, 90, false],
        [img.large, '1000,500,1000,500/200,/270', { x: 1000, y: 500, width: 1000, height: 500 }, { width: 200, height: 100 }, 270, false],
      ];
      for (const [image, path, rect, size, degrees, mirror] of cases) {
        const box = rotatedBox(size.width, size.height, degrees);
        const out = { width: Math.round(box.width), height: Math.round(box.height) };
        await expectPattern(image, `${path}/default.png`, upright(rect, size, degrees, mirror), out, { sizeSlack: degrees % 90 === 0 ? 0 : 1 });
      }
    });

    it('turns by any angle, answering the bounding box of the turned image, unscaled, with no extra space (§4.3)', async () => {
      expect(img.square.info.extraFeatures).toContain('rotationArbitrary');
      const cases: [TestImage, string, { width: number; height: number }, number, boolean][] = [
        [img.square, '400,', { width: 400, height: 400 }, 22.5, false],
        [img.square, '400,', { width: 400, height: 400 }, 45, false],
        [img.wide, '300,', { width: 300, height: 200 }, 30, false],
        [img.wide, '300,', { width: 300, height: 200 }, 120.5, true],
        [img.square, '400,', { width: 400, height: 400 }, 359.9, false],
        [img.wide, '300,', { width: 300, height: 200 }, 0.5, false],
      ];
      for (const [image, size, scaled, degrees, mirror] of cases) {
        const box = rotatedBox(scaled.width, scaled.height, degrees);
        await expectPattern(image, `full/${size}/${mirror ? '!' : ''}${degrees}/default.png`, upright(full(image.pattern), scaled, degrees, mirror), { width: Math.round(box.width), height: Math.round(box.height) }, { sizeSlack: 1 });
      }
    });

    it('fills the corners around an arbitrarily turned PNG with transparency (§4.3: RECOMMENDED)', async () => {
      const decoded = await picture(img.square, 'full/400,/45/default.png');
      expect(decoded.hasAlpha).toBe(true);
      expect(decoded.pixel(1, 1)[3]).toBe(0);
      expect(decoded.pixel(Math.floor(decoded.width / 2), Math.floor(decoded.height / 2))[3]).toBe(255);
    });

    it('accepts decimal rotations in the spec\'s float form, and refuses malformed or out-of-range rotations with 400 (§4.3, §4.7)', async () => {
      for (const rotation of ['90.0', '0.25', '!22.5', '180.000']) await expectStatus(img.square, `full/100,/${rotation}/default.png`, [200]);
      for (const rotation of ['361', '-90', '-0.5', 'abc', '!!90', '1e2', '90deg', '!-5', '360.1', '!', '9O', '90,0', '0x10']) {
        await expectStatus(img.square, `full/100,/${rotation}/default.jpg`, [400]);
      }
    });
  });

  describe('quality (§4.4; color and gray are level 2, bitonal an extra quality)', () => {
    it('lists the qualities it offers in extraQualities', () => {
      expect(img.square.info.extraQualities).toEqual(expect.arrayContaining(['color', 'gray']));
    });

    it('serves default and color with every colour in place (validator quality_color)', async () => {
      for (const [quality, format] of [['default', 'png'], ['color', 'png'], ['color', 'jpg']] as const) {
        const decoded = await expectPattern(img.square, `full/500,/0/${quality}.${format}`, upright(full(img.square.pattern), { width: 500, height: 500 }), { width: 500, height: 500 });
        expect(decoded.channels, `${quality}.${format} is in colour`).toBeGreaterThanOrEqual(3);
      }
    });

    it('serves gray: every pixel gray, light where the picture is light (validator quality_grey)', async () => {
      for (const format of ['png', 'jpg', 'webp'] as const) {
        const decoded = await picture(img.square, `full/500,/0/gray.${format}`);
        const slack = format === 'png' ? 0 : 3;
        for (let b = 0; b < decoded.height; b += 7) {
          for (let a = 0; a < decoded.width; a += 7) {
            const [r, g, bl] = decoded.pixel(a, b);
            expect(Math.max(Math.abs(r - g), Math.abs(g - bl), Math.abs(r - bl)), `gray.${format} (${a},${b}) = ${r},${g},${bl}`).toBeLessThanOrEqual(slack);
          }
        }
        // Square (0,0) is dark, (9,9) light, the corner mark black: a gray rendering of this picture, not of another.
        const dark = decoded.pixel(30, 30)[0], light = decoded.pixel(480, 480)[0], mark = decoded.pixel(3, 3)[0];
        expect(light - dark, `gray.${format}`).toBeGreaterThan(100);
        expect(mark, `gray.${format}`).toBeLessThan(dark);
      }
    });

    it('serves bitonal: only black and white, following the picture (validator quality_bitonal)', async () => {
      expect(img.square.info.extraQualities).toContain('bitonal');
      const png = await picture(img.square, 'full/500,/0/bitonal.png');
      const seen = new Set<number>();
      for (let b = 0; b < png.height; b++) {
        for (let a = 0; a < png.width; a++) {
          const [r, g, bl] = png.pixel(a, b);
          expect(r === g && g === bl && (r === 0 || r === 255), `bitonal.png (${a},${b}) = ${r},${g},${bl}`).toBe(true);
          seen.add(r);
        }
      }
      expect([...seen].sort()).toEqual([0, 255]);
      expect(png.pixel(30, 30)[0]).toBe(0);
      expect(png.pixel(480, 480)[0]).toBe(255);
      // JPEG cannot keep exact levels at edges; nearly every pixel is still at an extreme.
      const jpg = await picture(img.square, 'full/500,/0/bitonal.jpg');
      let extreme = 0;
      for (let b = 0; b < jpg.height; b++) for (let a = 0; a < jpg.width; a++) { const v = jpg.pixel(a, b)[0]; if (v < 16 || v > 239) extreme++; }
      expect(extreme / (jpg.width * jpg.height)).toBeGreaterThan(0.95);
    });

    it('refuses unknown qualities with 400 (§4.4: SHOULD; validator: random quality gives 400)', async () => {
      for (const quality of ['grey', 'sepia', 'native', 'colour', 'Default', 'GRAY', 'bitonal2', 'xyzzyx']) {
        await expectStatus(img.square, `full/100,/0/${quality}.jpg`, [400]);
      }
    });
  });

  describe('format (§4.5; jpg and png are level 2, webp an extra format)', () => {
    it('serves jpg, png and webp with their media types and decodable bodies showing the picture', async () => {
      expect(img.square.info.extraFormats).toEqual(expect.arrayContaining(['png', 'webp']));
      const signatures: Record<Format, [string, (b: Buffer) => boolean, string]> = {
        jpg: ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, 'jpeg'],
        png: ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'png'],
        webp: ['image/webp', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP', 'webp'],
      };
      for (const format of ['jpg', 'png', 'webp'] as const) {
        const response = await get(`${img.wide.base}/full/600,/0/default.${format}`);
        expect(response.statusCode).toBe(200);
        const [type, magic, sharpFormat] = signatures[format];
        expect(response.headers['content-type']).toBe(type);
        expect(magic(response.rawPayload), `${format} signature`).toBe(true);
        expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length);
        expect((await sharp(response.rawPayload).metadata()).format).toBe(sharpFormat);
        await expectPattern(img.wide, `full/600,/0/default.${format}`, upright(full(img.wide.pattern), { width: 600, height: 400 }), { width: 600, height: 400 });
      }
    });

    it('refuses formats it does not offer, and unknown ones, with 400 (§4.5: SHOULD; validator: random format gives 400)', async () => {
      const offered = ['jpg', ...(img.square.info.extraFormats ?? [])];
      for (const format of ['tif', 'gif', 'jp2', 'pdf', 'jpeg', 'JPG', 'xyz', 'webp2', 'svg'].filter((f) => !offered.includes(f))) {
        await expectStatus(img.square, `full/100,/0/default.${format}`, [400]);
      }
      // No format at all does not match the URI template (§2.1): an error, never a picture or a crash.
      await expectStatus(img.square, 'full/100,/0/default', [400, 404]);
      await expectStatus(img.square, 'full/100,/0/default.', [400, 404]);
    });
  });

  describe('HTTP: CORS, link headers, caching, methods (§4.8, §6, §7)', () => {
    it('sends Access-Control-Allow-Origin on every response, errors included (§7.1; cors is level 2: "provided on all responses")', async () => {
      const base = img.square.base;
      const urls: [string, number][] = [
        [base, 303], [`${base}/info.json`, 200], [`${base}/full/100,/0/default.jpg`, 200],
        [`${base}/full/100,/0/sepia.jpg`, 400], [`${base}/full/1100,/0/default.jpg`, 400], [`${base}/full/^99999,/0/default.jpg`, 400],
        ['/iiif/3/no-such-image/info.json', 404], ['/iiif/3/no-such-image/full/max/0/default.jpg', 404], ['/iiif/3/no-such-image', 404],
        [`${img.hidden.base}/info.json`, 404],
        // Paths under the service that match no route (an unescaped slash, a trailing segment) and a URL the router cannot decode.
        ['/iiif/3/a/b/info.json', 404], [`${base}/full/max/0/default.jpg/extra`, 404], ['/iiif/3/%/info.json', 400],
      ];
      const problems: string[] = [];
      for (const [url, status] of urls) problems.push(...(await statusProblems(url, [status], { headers: { origin: 'https://viewer.example' } })));
      const info = await get(`${base}/info.json`);
      problems.push(...(await statusProblems(`${base}/info.json`, [304], { headers: { 'if-none-match': String(info.headers.etag) } })));
      problems.push(...(await statusProblems(`${base}/info.json`, [200], { method: 'HEAD' })));
      expect(problems).toEqual([]);
    });

    it('answers a CORS preflight (§7: servers SHOULD support OPTIONS as part of the preflight pattern)', async () => {
      for (const url of [`${img.square.base}/info.json`, `${img.square.base}/full/100,/0/default.jpg`]) {
        const response = await ctx.server.inject({ method: 'OPTIONS', url, headers: { origin: 'https://viewer.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept' } });
        expect(response.statusCode, `OPTIONS ${url}`).toBeLessThan(300);
        expect(response.headers['access-control-allow-origin'], `OPTIONS ${url}`).toBeDefined();
      }
    });

    it('names the level 2 profile in a Link header on image responses (§6; profileLinkHeader in extraFeatures)', async () => {
      expect(img.square.info.extraFeatures).toContain('profileLinkHeader');
      for (const path of ['full/max/0/default.jpg', '0,0,256,256/256,/0/default.png', 'full/200,/90/gray.webp']) {
        const response = await get(`${img.square.base}/${path}`);
        expect(profileOf(response.headers.link as string), path).toBe(LEVEL2_PROFILE);
      }
      expect(profileOf((await get(`${img.square.base}/info.json`)).headers.link as string)).toBe(LEVEL2_PROFILE);
    });

    it('gives a canonical Link in the §4.8 form, which is itself a valid request for the same picture (canonicalLinkHeader)', async () => {
      expect(img.square.info.extraFeatures).toContain('canonicalLinkHeader');
      const s = img.square, w = img.wide;
      const cases: [TestImage, string, string | RegExp][] = [
        [s, 'full/max/0/default.jpg', 'full/max/0/default.jpg'],
        [s, 'square/max/0/default.jpg', 'full/max/0/default.jpg'],
        [s, '0,0,1000,1000/1000,/0/default.jpg', 'full/max/0/default.jpg'],
        [s, 'pct:0,0,100,100/500,/0/default.jpg', 'full/500,500/0/default.jpg'],
        [s, 'full/pct:50/0/default.png', 'full/500,500/0/default.png'],
        [s, 'full/!300,200/90.0/default.jpg', 'full/200,200/90/default.jpg'],
        [s, 'full/,200/22.50/default.png', 'full/200,200/22.5/default.png'],
        [s, '100,100,200,200/^400,/!0/default.png', '100,100,200,200/^400,400/!0/default.png'],
        [s, 'pct:50,50,60,60/max/0/default.jpg', '500,500,500,500/max/0/default.jpg'],
        [s, 'full/^500,/0/default.jpg', 'full/500,500/0/default.jpg'],
        [w, 'square/200,/0/default.jpg', /^\d+,0,800,800\/200,200\/0\/default\.jpg$/],
        [w, 'full/!2400,2400/0/default.webp', 'full/max/0/default.webp'],
        [s, 'full/200,/0/gray.jpg', 'full/200,200/0/gray.jpg'],
      ];
      for (const [image, path, expected] of cases) {
        const response = await get(`${image.base}/${path}`);
        expect(response.statusCode, path).toBe(200);
        const canonical = canonicalOf(response.headers.link as string);
        expect(canonical, `${path}: Link ${String(response.headers.link)}`).toBeDefined();
        const prefix = `${TEST_PUBLIC_URL}${image.base}/`;
        expect(canonical!.startsWith(prefix), `${canonical} is not under ${prefix}`).toBe(true);
        const tail = canonical!.slice(prefix.length);
        if (typeof expected === 'string') expect(tail, path).toBe(expected);
        else expect(tail, path).toMatch(expected);
        const again = await get(new URL(canonical!).pathname);
        expect(again.statusCode, canonical).toBe(200);
        expect(canonicalOf(again.headers.link as string), `the canonical of ${canonical}`).toBe(canonical);
        const [first, second] = await Promise.all([decode(response.rawPayload), decode(again.rawPayload)]);
        expect([second.width, second.height]).toEqual([first.width, first.height]);
        for (let k = 0; k < 50; k++) {
          const a = (k * 37) % first.width, b = (k * 53) % first.height;
          expect(second.pixel(a, b), `${canonical} (${a},${b})`).toEqual(first.pixel(a, b));
        }
      }
    });

    it('answers If-None-Match with the current ETag by 304 without a body, and a stale one by 200 (§7.2: 304 as per HTTP)', async () => {
      for (const url of [`${img.square.base}/info.json`, `${img.square.base}/full/200,/0/default.jpg`, `${img.large.base}/0,0,1024,1024/256,256/0/default.jpg`]) {
        const first = await get(url);
        const etag = String(first.headers.etag);
        expect(etag, url).toMatch(/^(W\/)?"[^"]*"$/);
        const cached = await get(url, { 'if-none-match': etag });
        expect(cached.statusCode, url).toBe(304);
        expect(cached.rawPayload.length, url).toBe(0);
        expect(cached.headers.etag, url).toBe(etag);
        expect((await get(url, { 'if-none-match': '"something-else"' })).statusCode, url).toBe(200);
        expect((await get(url, { 'if-none-match': `"something-else", ${etag}` })).statusCode, url).toBe(304);
      }
      const jpg = await get(`${img.square.base}/full/200,/0/default.jpg`);
      const png = await get(`${img.square.base}/full/200,/0/default.png`);
      expect(jpg.headers.etag).not.toBe(png.headers.etag);
    });

    it('compares If-None-Match weakly, so a W/ tag from a proxy still gets 304 (RFC 9110 §13.1.2)', async () => {
      const url = `${img.square.base}/full/200,/0/default.jpg`;
      const etag = String((await get(url)).headers.etag);
      const weak = etag.startsWith('W/') ? etag : `W/${etag}`;
      expect((await get(url, { 'if-none-match': weak })).statusCode).toBe(304);
    });

    it('answers HEAD like GET without a body (§7: RECOMMENDED)', async () => {
      const head = (url: string) => ctx.server.inject({ method: 'HEAD', url });
      const info = await head(`${img.square.base}/info.json`);
      expect(info.statusCode).toBe(200);
      expect(info.headers['content-type']).toMatch(/json/);
      expect(info.rawPayload.length).toBe(0);
      expect(info.headers['access-control-allow-origin']).toBe('*');
      const image = await head(`${img.square.base}/full/200,/0/default.png`);
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.rawPayload.length).toBe(0);
      expect((await head(img.square.base)).statusCode).toBe(303);
      expect((await head(`${img.square.base}/full/max/0/sepia.jpg`)).statusCode).toBe(400);
      expect((await head('/iiif/3/no-such-image/info.json')).statusCode).toBe(404);
    });

    it('describes errors in words (§7.3: RECOMMENDED human-readable body)', async () => {
      for (const path of ['full/max/0/sepia.jpg', 'full/1100,/0/default.jpg', '1000,0,10,10/max/0/default.jpg']) {
        const response = await get(`${img.square.base}/${path}`);
        expect(response.body.length, path).toBeGreaterThan(10);
      }
    });
  });

  describe('identifiers (§3, §9)', () => {
    it('serves the same image when the identifier is percent-encoded (validator id_escaped)', async () => {
      const escaped = [...img.square.identifier].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
      const info = await get(`/iiif/3/${escaped}/info.json`);
      expect(info.statusCode).toBe(200);
      expect((info.json() as Info).width).toBe(1000);
      await expectPattern({ ...img.square, base: `/iiif/3/${escaped}` }, 'full/200,/0/default.jpg', upright(full(img.square.pattern), { width: 200, height: 200 }), { width: 200, height: 200 });
    });

    it('answers 404 (or 400) for unknown, slash-bearing, unescaped and hostile identifiers, never 500 (validator id_error_*)', async () => {
      const cases: [string, number[]][] = [
        ['a%2Fb', [404]],
        ['0d6a6b4e-8a3f-11ee-b9d1-0242ac120002', [404]],
        [`${img.square.identifier}%2Fextra`, [404]],
        [`${encodeURIComponent(img.square.identifier)}%2F..%2F..`, [404]],
        ['[frob]', [400, 404]],
        ['%5Bfrob%5D', [400, 404]],
        ['%E6%96%87%E6%B8%8A', [400, 404]],
        ['..%2F..%2Fetc%2Fpasswd', [400, 404]],
        ['%00', [400, 404]],
        ['%', [400, 404]],
        ['%zz', [400, 404]],
        ['x'.repeat(300), [400, 404, 414]],
        [`${img.square.identifier.split('~')[0]}~`, [404]],
        [`${img.square.identifier}0`, [404]],
        [img.square.identifier.toUpperCase(), [404]],
      ];
      const problems: string[] = [];
      for (const [identifier, statuses] of cases) {
        for (const url of [`/iiif/3/${identifier}/info.json`, `/iiif/3/${identifier}/full/max/0/default.jpg`, `/iiif/3/${identifier}`]) {
          problems.push(...(await statusProblems(url, statuses)));
        }
      }
      // An unescaped slash splits the identifier: the path is no longer an image request (validator id_error_escapedslash sends it escaped).
      problems.push(...(await statusProblems('/iiif/3/a/b/info.json', [400, 404])));
      expect(problems).toEqual([]);
    });
  });

  describe('access', () => {
    it('hides a private work\'s image (404) from visitors and other creators, and serves it to its owner', async () => {
      const base = img.hidden.base;
      const paths = [base, `${base}/info.json`, `${base}/full/max/0/default.png`, `${base}/0,0,100,100/50,/0/default.jpg`];
      for (const url of paths) {
        expect((await get(url)).statusCode, `anonymous ${url}`).toBe(404);
        expect((await get(url, other.headers)).statusCode, `other ${url}`).toBe(404);
      }
      expect((await get(base, owner.headers)).statusCode).toBe(303);
      const info = await get(`${base}/info.json`, owner.headers);
      expect(info.statusCode).toBe(200);
      expect(info.json()).toMatchObject({ width: 300, height: 200 });
      const owned = await get(`${base}/full/max/0/default.png`, owner.headers);
      expect(owned.statusCode).toBe(200);
      const decoded = await decode(owned.rawPayload);
      const check = checkAgainstPattern(img.hidden.pattern, upright(full(img.hidden.pattern), { width: 300, height: 200 }), decoded, { tolerance: TOLERANCE.png });
      expect(check.mismatches).toEqual([]);
      // What only the owner sees must not sit in a shared cache.
      expect(String(owned.headers['cache-control'])).not.toMatch(/public/);
    });
  });
});
