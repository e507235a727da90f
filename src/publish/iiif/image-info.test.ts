/**
 * Conformance of info.json with IIIF Image API 3.0 section 5 (https://iiif.io/api/image/3.0/#5-image-information),
 * and its agreement with the parser: whatever info.json promises (sizes, tiles) must be served.
 */
import { describe, expect, it } from 'vitest';
import type { ImageLimits } from './image-api.js';
import { IIIF_IMAGE_CONTEXT, imageInfo, type ImageInfo, type ImageInfoInput } from './image-info.js';
import { parseImageRequest, type ResolutionCap } from './image-request.js';

const ID = 'https://museum.example/iiif/3/work1~0123456789abcdef';
const ROOMY: ImageLimits = { maxWidth: 10_000, maxHeight: 10_000, maxArea: 100_000_000 };

const info = (over: Partial<ImageInfoInput> = {}): ImageInfo =>
  imageInfo({ id: ID, width: 768, height: 512, limits: ROOMY, tileSize: 256, ...over });

/** Parses `path` against the image an info.json describes, with the same limits and cap. */
function served(path: string, input: ImageInfoInput): boolean {
  const [region = '', size = '', rotation = '', qualityFormat = ''] = path.split('/');
  const limits = input.limits ?? { maxWidth: Number.MAX_SAFE_INTEGER, maxHeight: Number.MAX_SAFE_INTEGER, maxArea: Number.MAX_SAFE_INTEGER };
  parseImageRequest({ region, size, rotation, qualityFormat }, input, limits, { resolutionCap: input.resolutionCap ?? null });
  return true;
}

describe('5.2 technical properties', () => {
  it('has the required properties, @context first', () => {
    const doc = info();
    expect(Object.keys(doc)[0]).toBe('@context');
    expect(doc).toMatchObject({
      '@context': 'http://iiif.io/api/image/3/context.json', id: ID, type: 'ImageService3',
      protocol: 'http://iiif.io/api/image', profile: 'level2', width: 768, height: 512,
    });
    expect(IIIF_IMAGE_CONTEXT).toBe('http://iiif.io/api/image/3/context.json');
  });

  it('states the spec example\'s limits (6000 × 4000 under 3000 × 2000 and 4 MP) after width and height', () => {
    const doc = info({ width: 6000, height: 4000, limits: { maxWidth: 3000, maxHeight: 2000, maxArea: 4_000_000 } });
    expect(doc).toMatchObject({ width: 6000, height: 4000, maxWidth: 3000, maxHeight: 2000, maxArea: 4_000_000 });
    expect(Object.keys(doc).slice(5, 10)).toEqual(['width', 'height', 'maxWidth', 'maxHeight', 'maxArea']);
  });

  it('states no limits when there are none, and then offers no upscaling (which needs maxWidth or maxArea)', () => {
    const doc = info({ limits: null });
    expect(doc).not.toHaveProperty('maxWidth');
    expect(doc).not.toHaveProperty('maxHeight');
    expect(doc).not.toHaveProperty('maxArea');
    expect(doc.extraFeatures).not.toContain('sizeUpscaling');
  });

  it('with upscaling, always states maxWidth and maxHeight (they bound ^ sizes), and maxArea only when it bites harder', () => {
    const doc = info({ limits: { maxWidth: 4000, maxHeight: 4000, maxArea: 16_000_000 } });
    expect(doc.extraFeatures).toContain('sizeUpscaling');
    expect(doc).toMatchObject({ maxWidth: 4000, maxHeight: 4000 });
    expect(doc).not.toHaveProperty('maxArea');
    expect(info({ limits: { maxWidth: 4000, maxHeight: 4000, maxArea: 1_000_000 } }).maxArea).toBe(1_000_000);
  });

  it('never writes undefined keys', () => {
    const doc = info({ limits: null });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(Object.values(doc).includes(undefined)).toBe(false);
  });

  it.each(['/iiif/3/x', 'museum.example/iiif/3/x', `${ID}/`, 'ftp://museum.example/x', 'https://'])('refuses the id %j', (id) => {
    expect(() => info({ id })).toThrow(RangeError);
  });

  it('refuses an impossible image or tile size', () => {
    expect(() => info({ width: 0 })).toThrow(RangeError);
    expect(() => info({ tileSize: 0 })).toThrow(RangeError);
    expect(() => info({ scaleFactors: [0, 1] })).toThrow(RangeError);
    expect(() => info({ scaleFactors: [] })).toThrow(RangeError);
  });
});

describe('5.3 sizes', () => {
  it('lists the pyramid\'s whole-image sizes, smallest first, down to one tile', () => {
    expect(info().sizes).toEqual([{ width: 192, height: 128 }, { width: 384, height: 256 }, { width: 768, height: 512 }]);
  });

  it.each([
    [{ width: 1, height: 1 }, [{ width: 1, height: 1 }]],
    [{ width: 256, height: 256 }, [{ width: 256, height: 256 }]],
    [{ width: 257, height: 100 }, [{ width: 128, height: 50 }, { width: 257, height: 100 }]],
    [{ width: 10_000, height: 1 }, [1, 2, 4, 8, 16, 32, 64].reverse().map((s) => ({ width: Math.floor(10_000 / s), height: 1 }))],
  ])('%o', (image, sizes) => {
    expect(info(image).sizes).toEqual(sizes);
  });

  it('leaves out sizes above the limits', () => {
    const doc = info({ width: 6000, height: 4000, limits: { maxWidth: 3000, maxHeight: 2000, maxArea: 4_000_000 } });
    expect(doc.sizes.every((s) => s.width <= 3000 && s.height <= 2000 && s.width * s.height <= 4_000_000)).toBe(true);
    expect(doc.sizes.at(-1)).toEqual({ width: 1500, height: 1000 });
  });

  it.each([
    { width: 768, height: 512, limits: ROOMY },
    { width: 6000, height: 4000, limits: { maxWidth: 3000, maxHeight: 2000, maxArea: 4_000_000 } },
    { width: 4099, height: 257, limits: null },
    { width: 6000, height: 4000, limits: ROOMY, resolutionCap: { maxWidth: 2048, maxHeight: 2048 } },
  ])('every listed size is served as full/w,h/0/default.jpg (%o)', (over) => {
    const input = { id: ID, tileSize: 256, ...over };
    for (const s of imageInfo(input).sizes) expect(served(`full/${s.width},${s.height}/0/default.jpg`, input)).toBe(true);
  });
});

describe('5.4 tiles', () => {
  it('scale factors 1, 2, 4, … until the whole image fits in one tile', () => {
    expect(info().tiles).toEqual([{ width: 256, scaleFactors: [1, 2, 4] }]);
    expect(info({ width: 513, height: 10 }).tiles[0]!.scaleFactors).toEqual([1, 2, 4]);
    expect(info({ width: 512, height: 10 }).tiles[0]!.scaleFactors).toEqual([1, 2]);
    expect(info({ width: 100, height: 100 }).tiles[0]!.scaleFactors).toEqual([1]);
  });

  it('takes given scale factors once each, ascending', () => {
    expect(info({ scaleFactors: [4, 1, 2, 2] }).tiles).toEqual([{ width: 256, scaleFactors: [1, 2, 4] }]);
  });

  it('shrinks the tile when the limits are smaller, so tiles stay servable (spec 5.2)', () => {
    expect(info({ limits: { maxWidth: 200, maxHeight: 300, maxArea: 1_000_000 } }).tiles[0]!.width).toBe(200);
    expect(info({ limits: { maxWidth: 1000, maxHeight: 1000, maxArea: 10_000 } }).tiles[0]!.width).toBe(100);
  });

  it.each([
    { width: 768, height: 512, limits: ROOMY },
    { width: 1001, height: 333, limits: { maxWidth: 200, maxHeight: 200, maxArea: 40_000 } },
    { width: 6000, height: 4000, limits: ROOMY, resolutionCap: { maxWidth: 1500, maxHeight: 1500 } },
  ])('every tile it describes is served (%o)', (over) => {
    const input = { id: ID, tileSize: 256, ...over };
    const doc = imageInfo(input);
    const { width: tw, scaleFactors } = doc.tiles[0]!;
    for (const s of scaleFactors) {
      for (let y = 0; y < doc.height; y += tw * s) {
        for (let x = 0; x < doc.width; x += tw * s) {
          const w = Math.min(tw * s, doc.width - x), h = Math.min(tw * s, doc.height - y);
          expect(served(`${x},${y},${w},${h}/${Math.ceil(w / s)},${Math.ceil(h / s)}/0/default.jpg`, input)).toBe(true);
        }
      }
    }
  });
});

describe('resolution cap', () => {
  const cap: ResolutionCap = { maxWidth: 2048, maxHeight: 2048 };

  it('describes the capped image: its size, its pyramid, and no upscaling', () => {
    const doc = info({ width: 6000, height: 4000, resolutionCap: cap });
    expect([doc.width, doc.height]).toEqual([2048, 1365]);
    expect(doc.sizes.at(-1)).toEqual({ width: 2048, height: 1365 });
    expect(doc.tiles[0]!.scaleFactors).toEqual([1, 2, 4, 8]);
    expect(doc.extraFeatures).not.toContain('sizeUpscaling');
    // Roomy limits do not bite on the capped image and nothing else needs them stated.
    expect(doc).not.toHaveProperty('maxWidth');
    expect(doc).not.toHaveProperty('maxArea');
  });

  it('changes nothing when the image is within the cap', () => {
    expect(info({ resolutionCap: cap })).toEqual(info());
  });
});

describe('5.7 extra functionality', () => {
  it('lists the qualities, formats and features beyond level 2', () => {
    const doc = info();
    expect(doc.extraQualities).toEqual(['color', 'gray', 'bitonal']);
    expect(doc.extraFormats).toEqual(['png', 'webp']);
    expect([...doc.extraFeatures].sort()).toEqual([
      'baseUriRedirect', 'canonicalLinkHeader', 'cors', 'jsonldMediaType', 'mirroring', 'profileLinkHeader', 'regionSquare', 'rotationArbitrary', 'sizeUpscaling',
    ]);
  });

  it('lists only qualities and formats the parser accepts', () => {
    const doc = info();
    for (const q of doc.extraQualities) expect(served(`full/max/0/${q}.jpg`, { id: ID, width: 768, height: 512, limits: ROOMY, tileSize: 256 })).toBe(true);
    for (const f of doc.extraFormats) expect(served(`full/max/0/default.${f}`, { id: ID, width: 768, height: 512, limits: ROOMY, tileSize: 256 })).toBe(true);
  });
});
