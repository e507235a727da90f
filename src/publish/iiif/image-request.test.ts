/**
 * Conformance of the image request parser with the IIIF Image API 3.0 text
 * (https://iiif.io/api/image/3.0/), one describe per section. The spec's examples assume a
 * 300 × 200 full image (region 125,15,120,140 equals pct:41.6,7.5,40,70 only at that size).
 */
import { describe, expect, it } from 'vitest';
import type { ImageLimits, ImageRequest } from './image-api.js';
import { IIIF_ERROR_PARAMS, IiifRequestError, canonicalImagePath, maxSize, parseIdentifier, parseImageRequest, servedFullSize, type ServeOptions, type Size } from './image-request.js';

const SPEC_IMAGE: Size = { width: 300, height: 200 };
const ROOMY: ImageLimits = { maxWidth: 10_000, maxHeight: 10_000, maxArea: 100_000_000 };

function parse(path: string, image: Size = SPEC_IMAGE, limits: ImageLimits = ROOMY, options?: ServeOptions): ImageRequest {
  const [region = '', size = '', rotation = '', qualityFormat = ''] = path.split('/');
  return parseImageRequest({ region, size, rotation, qualityFormat }, image, limits, options);
}

/** The error code a request fails with, or 'ok'. */
function outcome(path: string, image: Size = SPEC_IMAGE, limits: ImageLimits = ROOMY, options?: ServeOptions): string {
  try {
    parse(path, image, limits, options);
    return 'ok';
  } catch (error) {
    if (error instanceof IiifRequestError) return error.code;
    throw error;
  }
}

const region = (r: string, image: Size = SPEC_IMAGE) => parse(`${r}/max/0/default.jpg`, image).region;
const size = (s: string, limits: ImageLimits = ROOMY, r = 'full', image: Size = SPEC_IMAGE) => parse(`${r}/${s}/0/default.jpg`, image, limits).size;
const limitsOf = (maxWidth: number, maxHeight = maxWidth, maxArea = maxWidth * maxHeight): ImageLimits => ({ maxWidth, maxHeight, maxArea });

describe('4.1 region', () => {
  it.each([
    // The spec's examples 1–6.
    ['full', { x: 0, y: 0, width: 300, height: 200 }],
    ['square', { x: 50, y: 0, width: 200, height: 200 }],
    ['125,15,120,140', { x: 125, y: 15, width: 120, height: 140 }],
    ['pct:41.6,7.5,40,70', { x: 125, y: 15, width: 120, height: 140 }],
    ['125,15,200,200', { x: 125, y: 15, width: 175, height: 185 }],
    ['pct:41.6,7.5,66.6,100', { x: 125, y: 15, width: 175, height: 185 }],
    // Edges and small regions.
    ['0,0,1,1', { x: 0, y: 0, width: 1, height: 1 }],
    ['299,199,1,1', { x: 299, y: 199, width: 1, height: 1 }],
    ['299,0,10,10', { x: 299, y: 0, width: 1, height: 10 }],
    ['0,0,300,200', { x: 0, y: 0, width: 300, height: 200 }],
    ['0,0,9999999999,9999999999', { x: 0, y: 0, width: 300, height: 200 }],
    ['007,0,10,10', { x: 7, y: 0, width: 10, height: 10 }],
    ['pct:0,0,100,100', { x: 0, y: 0, width: 300, height: 200 }],
    ['pct:0,0,250,250', { x: 0, y: 0, width: 300, height: 200 }],
    ['pct:50,50,50,50', { x: 150, y: 100, width: 150, height: 100 }],
    ['pct:0,0,0.01,0.01', { x: 0, y: 0, width: 1, height: 1 }],
    ['pct:99.9,99.9,10,10', { x: 299, y: 199, width: 1, height: 1 }],
    ['pct:0.5000000000,0,1.1234567891,100', { x: 2, y: 0, width: 3, height: 200 }],
  ])('%s', (r, expected) => {
    expect(region(r)).toEqual(expected);
  });

  it.each([
    [{ width: 300, height: 200 }, { x: 50, y: 0, width: 200, height: 200 }],
    [{ width: 200, height: 300 }, { x: 0, y: 50, width: 200, height: 200 }],
    [{ width: 301, height: 200 }, { x: 50, y: 0, width: 200, height: 200 }],
    [{ width: 250, height: 250 }, { x: 0, y: 0, width: 250, height: 250 }],
    [{ width: 1, height: 1000 }, { x: 0, y: 499, width: 1, height: 1 }],
  ])('square on %o is the centred square of the short side', (image, expected) => {
    expect(region('square', image)).toEqual(expected);
  });

  it('rounds percent edges, so adjacent percent regions meet without a seam or an overlap', () => {
    const third = '33.3333333333';
    const a = region(`pct:0,0,${third},100`, { width: 1000, height: 10 });
    const b = region(`pct:${third},0,${third},100`, { width: 1000, height: 10 });
    expect(a.x + a.width).toBe(b.x);
    expect([a.width, b.width]).toEqual([333, 334]);
  });

  it.each([
    '300,0,1,1', '0,200,1,1', '1000,1000,10,10', '9999999999,0,1,1', 'pct:100,0,10,10', 'pct:0,100,1,1', 'pct:150,150,10,10',
  ])('%s is entirely outside: region_outside', (r) => {
    expect(outcome(`${r}/max/0/default.jpg`)).toBe('iiif.region_outside');
  });

  it.each([
    '0,0,0,10', '0,0,10,0', '0,0,0,0', 'pct:0,0,0,10', 'pct:0,0,10,0.0',
    '', 'FULL', 'Full', 'full ', ' full', 'squares', 'square,', 'max',
    '0,0,10', '0,0,10,10,10', '0,0,10,10,', ',0,10,10', '0,,10,10', '-1,0,10,10', '0,0,-10,10',
    '1.5,0,10,10', '0,0,1e2,10', '+1,0,10,10', '0x1,0,10,10', '0, 0,10,10', '0,0,10,10\n',
    '12345678901,0,1,1', '１,0,10,10', '٠,0,10,10', 'NaN,0,1,1', 'Infinity,0,1,1',
    'pct:', 'pct:1,2,3', 'pct:-1,0,10,10', 'pct:.5,0,10,10', 'pct:5.,0,10,10', 'PCT:0,0,10,10', 'pct: 0,0,10,10',
    'pct:1e1,0,10,10', 'pct:Infinity,0,1,1', 'pct:0,0,1.12345678901,1', 'pct:12345678901,0,1,1', 'pct:pct:0,0,1,1',
  ])('%j is malformed or empty: bad_region', (r) => {
    expect(outcome(`${r}/max/0/default.jpg`)).toBe('iiif.bad_region');
  });
});

describe('4.2 size', () => {
  it.each([
    // The spec's examples (full 300 × 200 image; ^max assumes maxWidth 360, max assumes 200).
    ['max', limitsOf(200), { width: 200, height: 133 }],
    ['^max', limitsOf(360), { width: 360, height: 240 }],
    ['150,', ROOMY, { width: 150, height: 100 }],
    ['^360,', ROOMY, { width: 360, height: 240 }],
    [',150', ROOMY, { width: 225, height: 150 }],
    ['^,240', ROOMY, { width: 360, height: 240 }],
    ['pct:50', ROOMY, { width: 150, height: 100 }],
    ['^pct:120', ROOMY, { width: 360, height: 240 }],
    ['225,100', ROOMY, { width: 225, height: 100 }],
    ['^360,360', ROOMY, { width: 360, height: 360 }],
    ['!225,100', ROOMY, { width: 150, height: 100 }],
    ['^!360,360', ROOMY, { width: 360, height: 240 }],
    // Around them.
    ['max', ROOMY, { width: 300, height: 200 }],
    ['^max', limitsOf(200), { width: 200, height: 133 }],
    ['^max', limitsOf(1000, 1000, 240_000), { width: 600, height: 400 }],
    ['^150,', ROOMY, { width: 150, height: 100 }],
    ['^pct:50', ROOMY, { width: 150, height: 100 }],
    ['^225,100', ROOMY, { width: 225, height: 100 }],
    ['^400,100', ROOMY, { width: 400, height: 100 }],
    ['300,', ROOMY, { width: 300, height: 200 }],
    [',200', ROOMY, { width: 300, height: 200 }],
    ['pct:100', ROOMY, { width: 300, height: 200 }],
    ['pct:0.01', ROOMY, { width: 1, height: 1 }],
    ['pct:33.3', ROOMY, { width: 100, height: 67 }],
    ['1,', ROOMY, { width: 1, height: 1 }],
    ['1,1', ROOMY, { width: 1, height: 1 }],
    ['!300,200', ROOMY, { width: 300, height: 200 }],
    ['!150,100', ROOMY, { width: 150, height: 100 }],
    ['!1000,1000', ROOMY, { width: 300, height: 200 }],
    ['^!1000,1000', ROOMY, { width: 1000, height: 667 }],
    ['!1000,1000', limitsOf(100), { width: 100, height: 67 }],
    ['^!1000,1000', limitsOf(500, 300), { width: 450, height: 300 }],
    ['!10,1000', ROOMY, { width: 10, height: 7 }],
    ['0150,', ROOMY, { width: 150, height: 100 }],
  ])('%s with limits %o', (s, limits, expected) => {
    expect(size(s, limits)).toEqual(expected);
  });

  it.each([
    // Derived sides use Math.round and never fall below 1 pixel.
    ['10,', { width: 1000, height: 1 }, { width: 10, height: 1 }],
    [',1', { width: 1000, height: 1 }, { width: 1000, height: 1 }],
    ['1,', { width: 1, height: 1000 }, { width: 1, height: 1000 }],
    ['5,', { width: 7, height: 3 }, { width: 5, height: 2 }],
    ['4,', { width: 7, height: 3 }, { width: 4, height: 2 }],
    ['max', { width: 1, height: 1 }, { width: 1, height: 1 }],
  ])('%s on a %o region', (s, image, expected) => {
    expect(size(s, ROOMY, 'full', image)).toEqual(expected);
  });

  it('applies to the extracted region, not the full image', () => {
    expect(size('90,', ROOMY, '125,15,120,140')).toEqual({ width: 90, height: 105 });
    expect(size('max', ROOMY, 'square')).toEqual({ width: 200, height: 200 });
    expect(outcome('125,15,120,140/121,/0/default.jpg')).toBe('iiif.upscale_not_allowed');
  });

  it('max keeps the aspect ratio inside maxWidth, maxHeight and maxArea', () => {
    expect(size('max', limitsOf(10_000, 150), 'full', { width: 200, height: 300 })).toEqual({ width: 100, height: 150 });
    const limits = limitsOf(10_000, 10_000, 1_000_000);
    const m = size('max', limits, 'full', { width: 4000, height: 3000 });
    expect(m.width * m.height).toBeLessThanOrEqual(1_000_000);
    expect(m.height).toBe(Math.round((m.width * 3) / 4));
    const next = { width: m.width + 1, height: Math.round(((m.width + 1) * 3) / 4) };
    expect(next.width * next.height).toBeGreaterThan(1_000_000);
    expect(maxSize({ width: 20_000, height: 10_000 }, limitsOf(10_000, 10_000, 50_000_000), false)).toEqual({ width: 10_000, height: 5_000 });
  });

  it.each([
    '301,', ',201', 'pct:101', 'pct:100.5', '301,200', '300,201', '9999999999,',
  ])('%s above the region without ^: upscale_not_allowed', (s) => {
    expect(outcome(`full/${s}/0/default.jpg`)).toBe('iiif.upscale_not_allowed');
  });

  it('the spec\'s "pct:120" example without ^ is an error in 3.0', () => {
    expect(outcome('full/pct:120/0/default.jpg')).toBe('iiif.upscale_not_allowed');
  });

  it.each([
    ['^5000,', limitsOf(1000)],
    ['^,5000', limitsOf(1000)],
    ['^1000,1000', limitsOf(1000, 1000, 999_999)],
    ['^pct:1000', limitsOf(2000)],
    ['^9999999999,9999999999', ROOMY],
    ['250,', limitsOf(200)],
    ['300,200', limitsOf(300, 199)],
    ['pct:100', limitsOf(300, 200, 59_999)],
  ])('%s over limits %o: too_large', (s, limits) => {
    expect(outcome(`full/${s}/0/default.jpg`, SPEC_IMAGE, limits)).toBe('iiif.too_large');
  });

  it('reports the limits with a too_large error', () => {
    const error = (() => {
      try { parse('full/^5000,/0/default.jpg', SPEC_IMAGE, limitsOf(1000)); } catch (e) { return e; }
      return null;
    })();
    expect(error).toBeInstanceOf(IiifRequestError);
    expect((error as IiifRequestError).params).toMatchObject({ width: 5000, height: 3333, maxWidth: 1000 });
  });

  it('never refuses max, ^max or !w,h for the limits: they shrink to fit', () => {
    const limits = limitsOf(64, 32, 1000);
    for (const s of ['max', '^max', '!1000,1000', '^!1000,1000']) {
      const got = size(s, limits);
      expect(got.width <= 64 && got.height <= 32 && got.width * got.height <= 1000).toBe(true);
    }
  });

  it.each([
    'full', '^full', '0,', ',0', '0,0', '0,10', '!0,10', '!10,0', 'pct:0', '^pct:0', '^0,', 'pct:0.0',
    '', ',', '^', '^^max', '!max', '!150,', '!,100', '!^150,100', '^!', '!', 'max,', 'MAX', 'Max', ' max',
    'pct:', 'pct:-5', 'pct:1e2', 'pct:.5', 'pct:5.', 'pct:50%', 'PCT:50', 'pct:12345678901', 'pct:50,',
    '150,,', '150,100,', ' 150,', '150 ,', '150.5,', '-150,', '+150,', '1e2,', '0x10,', '12345678901,', '١٥٠,', 'w,h',
  ])('%j is malformed: bad_size', (s) => {
    expect(outcome(`full/${s}/0/default.jpg`)).toBe('iiif.bad_size');
  });

  it('says how to ask for the whole region when given the 2.x "full"', () => {
    expect(() => parse('full/full/0/default.jpg')).toThrow(/max/);
  });
});

describe('4.3 rotation', () => {
  it.each([
    ['0', 0, false], ['90', 90, false], ['180', 180, false], ['270', 270, false], ['22.5', 22.5, false],
    ['360', 0, false], ['!0', 0, true], ['!180', 180, true], ['!345', 345, true], ['!360', 0, true],
    ['0.5', 0.5, false], ['359.9999999999', 359.9999999999, false], ['007', 7, false], ['90.0', 90, false],
    ['22.123456789', 22.123456789, false], ['360.0', 0, false], ['0000000360', 0, false],
  ])('%s', (r, degrees, mirror) => {
    expect(parse(`full/max/${r}/default.jpg`).rotation).toEqual({ degrees, mirror });
  });

  it.each([
    '', '-1', '361', '360.1', '360.0000000001', '9999999999', 'abc', '1e2', '+90', ' 90', '90 ', '!', '!!90', '!-90',
    '.5', '5.', '0x5A', 'Infinity', 'NaN', '90deg', '٩٠', '12345678901', '1.12345678901', '90,0', '-0', '!+1', '^90',
  ])('%j: bad_rotation', (r) => {
    expect(outcome(`full/max/${r}/default.jpg`)).toBe('iiif.bad_rotation');
  });
});

describe('4.4 quality', () => {
  it.each(['default', 'color', 'gray', 'bitonal'] as const)('%s', (quality) => {
    expect(parse(`full/max/0/${quality}.jpg`).quality).toBe(quality);
  });

  it.each(['native.jpg', 'grey.jpg', 'colour.jpg', 'Default.jpg', 'DEFAULT.JPG', '.jpg', ' default.jpg', 'grey.tif', 'default-jpg'])(
    '%j: bad_quality', (qf) => {
      expect(outcome(`full/max/0/${qf}`)).toBe('iiif.bad_quality');
    });
});

describe('4.5 format', () => {
  it.each(['jpg', 'png', 'webp'] as const)('%s', (format) => {
    expect(parse(`full/max/0/default.${format}`).format).toBe(format);
  });

  it.each([
    // Valid IIIF formats this service does not offer.
    'default.tif', 'default.gif', 'default.jp2', 'default.pdf',
    'default.jpeg', 'default.JPG', 'default.PNG', 'default.', 'default', 'default.jpg.png', 'default.webp2', 'default.jpg ', 'default.jpg%00',
  ])('%j: bad_format', (qf) => {
    expect(outcome(`full/max/0/${qf}`)).toBe('iiif.bad_format');
  });
});

describe('4.6 order of checks', () => {
  it('reports syntax errors of any segment before what the image makes of the request', () => {
    expect(outcome('1000,1000,10,10/max/0/default.tif')).toBe('iiif.bad_format');
    expect(outcome('full/1000,/abc/default.jpg')).toBe('iiif.bad_rotation');
    expect(outcome('full/^5000,/0/grey.jpg', SPEC_IMAGE, limitsOf(1000))).toBe('iiif.bad_quality');
  });

  it('checks the region, then the size, in URI order', () => {
    expect(outcome('1000,1000,10,10/1000,/0/default.jpg')).toBe('iiif.region_outside');
    expect(outcome('x/y/z/w')).toBe('iiif.bad_region');
  });
});

describe('4.8 canonical URI syntax', () => {
  const canonical = (path: string, image: Size = SPEC_IMAGE, limits: ImageLimits = ROOMY) =>
    canonicalImagePath(parse(path, image, limits), image, limits);

  it.each([
    ['full/max/0/default.jpg', 'full/max/0/default.jpg'],
    ['square/max/0/default.jpg', '50,0,200,200/max/0/default.jpg'],
    ['pct:41.6,7.5,40,70/max/0/default.jpg', '125,15,120,140/max/0/default.jpg'],
    ['125,15,200,200/max/0/default.jpg', '125,15,175,185/max/0/default.jpg'],
    ['0,0,300,200/300,/0/default.jpg', 'full/max/0/default.jpg'],
    ['pct:0,0,100,100/pct:100/360/default.png', 'full/max/0/default.png'],
    ['full/150,/0/default.jpg', 'full/150,100/0/default.jpg'],
    ['full/,150/0/default.jpg', 'full/225,150/0/default.jpg'],
    ['full/!225,100/0/default.jpg', 'full/150,100/0/default.jpg'],
    ['full/^pct:120/0/default.jpg', 'full/^360,240/0/default.jpg'],
    ['full/^150,/0/default.jpg', 'full/150,100/0/default.jpg'],
    ['full/^300,200/0/default.jpg', 'full/max/0/default.jpg'],
    ['full/^301,200/0/default.jpg', 'full/^301,200/0/default.jpg'],
    ['full/^400,100/0/default.jpg', 'full/^400,100/0/default.jpg'],
    ['125,15,120,140/90,/!345/gray.jpg', '125,15,120,140/90,105/!345/gray.jpg'],
    ['full/max/!90/color.webp', 'full/max/!90/color.webp'],
    ['full/max/22.50/default.png', 'full/max/22.5/default.png'],
    ['full/max/007/default.jpg', 'full/max/7/default.jpg'],
    ['full/max/90.0/default.jpg', 'full/max/90/default.jpg'],
    ['full/max/!360/default.jpg', 'full/max/!0/default.jpg'],
    ['full/max/0.0000000001/default.jpg', 'full/max/0.0000000001/default.jpg'],
    ['full/max/0.5/bitonal.jpg', 'full/max/0.5/bitonal.jpg'],
  ])('%s → %s', (path, expected) => {
    expect(canonical(path)).toBe(expected);
  });

  it('is max or ^max when the size is the (upscaled) maximum under the limits', () => {
    expect(canonical('full/max/0/default.jpg', SPEC_IMAGE, limitsOf(200))).toBe('full/max/0/default.jpg');
    expect(canonical('full/200,133/0/default.jpg', SPEC_IMAGE, limitsOf(200))).toBe('full/max/0/default.jpg');
    expect(canonical('full/^max/0/default.jpg', SPEC_IMAGE, limitsOf(200))).toBe('full/max/0/default.jpg');
    expect(canonical('full/^max/0/default.jpg', SPEC_IMAGE, limitsOf(360))).toBe('full/^max/0/default.jpg');
    expect(canonical('full/^pct:120/0/default.jpg', SPEC_IMAGE, limitsOf(360))).toBe('full/^max/0/default.jpg');
    expect(canonical('square/max/0/default.jpg', { width: 200, height: 200 })).toBe('full/max/0/default.jpg');
  });

  it.each([
    'full/max/0/default.jpg', 'square/pct:50/90/gray.png', 'pct:10,20,30,40/!50,50/!22.5/bitonal.webp', '10,10,5000,5000/^!400,400/180/default.jpg',
    '299,199,1,1/^10,10/0/default.jpg', 'full/^max/0/color.jpg', '0,0,150,200/,100/270/default.jpg', 'pct:0,0,0.01,0.01/max/0.25/default.jpg',
  ])('canonical form of %s parses to the same request and is a fixed point', (path) => {
    const first = parse(path);
    const path2 = canonicalImagePath(first, SPEC_IMAGE, ROOMY);
    expect(parse(path2)).toEqual(first);
    expect(canonicalImagePath(parse(path2), SPEC_IMAGE, ROOMY)).toBe(path2);
  });
});

describe('tiles (implementation notes 3)', () => {
  // The tile algorithm of the implementation notes; every tile must be accepted and be canonical as is.
  function* tiles(image: Size, tile: number, scale: number) {
    for (let y = 0; y < image.height; y += tile * scale) {
      for (let x = 0; x < image.width; x += tile * scale) {
        const w = Math.min(tile * scale, image.width - x), h = Math.min(tile * scale, image.height - y);
        yield { x, y, w, h, ws: Math.ceil(w / scale), hs: Math.ceil(h / scale) };
      }
    }
  }

  it.each([
    [{ width: 768, height: 512 }, [1, 2, 4]],
    [{ width: 1001, height: 333 }, [1, 2, 4, 8]],
    [{ width: 257, height: 4099 }, [1, 2, 4, 8, 16, 32]],
  ])('every tile of a %o image at scale factors %o is served at its size', (image, factors) => {
    for (const s of factors) {
      for (const t of tiles(image, 256, s)) {
        const req = parse(`${t.x},${t.y},${t.w},${t.h}/${t.ws},${t.hs}/0/default.jpg`, image);
        expect(req.region).toEqual({ x: t.x, y: t.y, width: t.w, height: t.h });
        expect(req.size).toEqual({ width: t.ws, height: t.hs });
        const whole = t.w === image.width && t.h === image.height;
        expect(canonicalImagePath(req, image, ROOMY)).toBe(`${whole ? 'full' : `${t.x},${t.y},${t.w},${t.h}`}/${s === 1 ? 'max' : `${t.ws},${t.hs}`}/0/default.jpg`);
        // The 2.x-style `w,` form viewers still send is accepted too, its height derived.
        expect(parse(`${t.x},${t.y},${t.w},${t.h}/${t.ws},/0/default.jpg`, image).size.width).toBe(t.ws);
      }
    }
  });
});

describe('resolution cap (a work viewable only at display size)', () => {
  const ORIGINAL: Size = { width: 6000, height: 4000 };
  const cap: ServeOptions = { resolutionCap: { maxWidth: 1500, maxHeight: 1500 } };

  it('serves the original as if it were scaled down to fit the cap', () => {
    expect(servedFullSize(ORIGINAL, cap.resolutionCap)).toEqual({ width: 1500, height: 1000 });
    expect(servedFullSize(ORIGINAL, { maxWidth: 10_000, maxHeight: 10_000 })).toEqual(ORIGINAL);
    expect(servedFullSize(ORIGINAL, { maxWidth: 10_000, maxHeight: 10_000, maxArea: 600_000 })).toEqual({ width: 948, height: 632 });
    expect(servedFullSize(ORIGINAL, null)).toEqual(ORIGINAL);
  });

  it('maps regions onto the original\'s pixels and sizes stay in the capped image', () => {
    expect(parse('full/max/0/default.jpg', ORIGINAL, ROOMY, cap)).toMatchObject({ region: { x: 0, y: 0, width: 6000, height: 4000 }, size: { width: 1500, height: 1000 } });
    expect(parse('0,0,256,256/256,256/0/default.jpg', ORIGINAL, ROOMY, cap)).toMatchObject({ region: { x: 0, y: 0, width: 1024, height: 1024 }, size: { width: 256, height: 256 } });
    expect(parse('1280,768,256,256/max/0/default.jpg', ORIGINAL, ROOMY, cap)).toMatchObject({ region: { x: 5120, y: 3072, width: 880, height: 928 }, size: { width: 220, height: 232 } });
  });

  it('refuses every size above the capped region: 400 without ^, 501 (upscale_unsupported) with it', () => {
    expect(outcome('full/1501,/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('iiif.upscale_not_allowed');
    expect(outcome('0,0,100,100/max/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('ok');
    expect(outcome('0,0,100,100/101,/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('iiif.upscale_not_allowed');
    expect(outcome('0,0,100,100/^400,/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('iiif.upscale_unsupported');
    expect(outcome('full/^max/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('iiif.upscale_unsupported');
    expect(outcome('full/^!2000,2000/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('iiif.upscale_unsupported');
    expect(outcome('full/^1500,/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('ok');
    expect(outcome('1500,0,1,1/max/0/default.jpg', ORIGINAL, ROOMY, cap)).toBe('iiif.region_outside');
  });

  it('gives no request more than the cap\'s share of the original\'s pixels', () => {
    const ratio = 1500 / 6000;
    for (const path of ['full/max/0/default.jpg', '0,0,1,1/max/0/default.jpg', 'square/max/0/default.jpg', '700,300,64,64/64,64/0/default.jpg', 'pct:0,0,1,1/max/0/default.jpg']) {
      const { region: r, size: s } = parse(path, ORIGINAL, ROOMY, cap);
      expect(s.width).toBeLessThanOrEqual(Math.ceil(r.width * ratio));
      expect(s.height).toBeLessThanOrEqual(Math.ceil(r.height * ratio));
    }
  });

  it('tiles of the capped image cover the original exactly, and their canonical paths are the tiles', () => {
    const original: Size = { width: 1000, height: 750 };
    const options: ServeOptions = { resolutionCap: { maxWidth: 300, maxHeight: 300 } };
    expect(servedFullSize(original, options.resolutionCap)).toEqual({ width: 300, height: 225 });
    let area = 0;
    for (let y = 0; y < 225; y += 7) {
      let right = 0;
      for (let x = 0; x < 300; x += 7) {
        const path = `${x},${y},7,7/max/0/default.jpg`;
        const req = parse(path, original, ROOMY, options);
        expect(req.region.x).toBe(right);
        right = req.region.x + req.region.width;
        area += req.region.width * req.region.height;
        const w = Math.min(7, 300 - x), h = Math.min(7, 225 - y);
        expect(canonicalImagePath(req, original, ROOMY, options)).toBe(`${x},${y},${w},${h}/max/0/default.jpg`);
      }
      expect(right).toBe(1000);
    }
    expect(area).toBe(1000 * 750);
  });

  it('has the capped image as its canonical full region', () => {
    const req = parse('pct:0,0,100,100/1500,1000/0/default.jpg', ORIGINAL, ROOMY, cap);
    expect(canonicalImagePath(req, ORIGINAL, ROOMY, cap)).toBe('full/max/0/default.jpg');
  });
});

describe('3 identifier', () => {
  it.each(['abc', 'A-z_09', 'work123~0123456789abcdef', 'x~f', 'a'.repeat(64), `${'a'.repeat(64)}~${'f'.repeat(64)}`, '-', '_~0'])(
    '%s is accepted as is', (id) => {
      expect(parseIdentifier(id)).toBe(id);
    });

  it.each([
    '', '.', '..', 'a.b', 'a/b', 'a\\b', '%2F', 'a%2Fb', '../etc/passwd', '..%2F..', 'a~', '~abc', 'a~ABC', 'a~g', 'a~~b', 'a~0~1',
    'a'.repeat(65), `a~${'0'.repeat(65)}`, 'é', '文渊', 'a b', 'a\n', 'a\0', 'a\u202e', ' a', 'a?b', 'a#b', 'a:b', 'info.json', 'a\t',
  ])('%j is refused', (id) => {
    expect(parseIdentifier(id)).toBeNull();
  });
});

describe('errors', () => {
  it.each([
    ['x/max/0/default.jpg', ROOMY], ['0,0,0,1/max/0/default.jpg', ROOMY], ['500,0,1,1/max/0/default.jpg', ROOMY],
    ['full/x/0/default.jpg', ROOMY], ['full/0,/0/default.jpg', ROOMY], ['full/301,/0/default.jpg', ROOMY], ['full/pct:101/0/default.jpg', ROOMY],
    ['full/^301,/0/default.jpg', limitsOf(300)], ['full/max/x/default.jpg', ROOMY], ['full/max/0/x.jpg', ROOMY], ['full/max/0/default.x', ROOMY],
  ] as const)('%s carries exactly the parameters its code declares', (path, limits) => {
    try {
      parse(path, SPEC_IMAGE, limits);
      expect.unreachable();
    } catch (error) {
      if (!(error instanceof IiifRequestError)) throw error;
      expect(Object.keys(error.params).sort()).toEqual([...IIIF_ERROR_PARAMS[error.code]].sort());
      expect(error.message).not.toBe('');
    }
  });

  it('carries the upscale_unsupported parameters too', () => {
    const e = (() => {
      try { parse('full/^2000,/0/default.jpg', { width: 6000, height: 4000 }, ROOMY, { resolutionCap: { maxWidth: 1500, maxHeight: 1500 } }); } catch (error) { return error; }
      return null;
    })();
    expect(e).toBeInstanceOf(IiifRequestError);
    expect(Object.keys((e as IiifRequestError).params).sort()).toEqual([...IIIF_ERROR_PARAMS['iiif.upscale_unsupported']].sort());
  });

  it('keeps a long malformed segment out of its message and parameters', () => {
    try {
      parse(`${'9'.repeat(5000)}/max/0/default.jpg`);
      expect.unreachable();
    } catch (error) {
      if (!(error instanceof IiifRequestError)) throw error;
      expect(String(error.params.region).length).toBeLessThanOrEqual(101);
      expect(error.message.length).toBeLessThan(300);
    }
  });
});

describe('programming errors', () => {
  it('throws RangeError, not a request error, for an impossible image or limits', () => {
    expect(() => parse('full/max/0/default.jpg', { width: 0, height: 10 })).toThrow(RangeError);
    expect(() => parse('full/max/0/default.jpg', { width: 1.5, height: 10 })).toThrow(RangeError);
    expect(() => parse('full/max/0/default.jpg', SPEC_IMAGE, { maxWidth: 0, maxHeight: 10, maxArea: 10 })).toThrow(RangeError);
    expect(() => parse('full/max/0/default.jpg', SPEC_IMAGE, { maxWidth: 10, maxHeight: 10, maxArea: 0 })).toThrow(RangeError);
  });
});
