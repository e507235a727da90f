import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeBudget, decodeCost } from '../../media/decode-budget.js';
import type { ImageRequest, IiifFormat, IiifQuality, PixelRect } from './image-api.js';
import { renderImageRequest, type RenderSource } from './image-render.js';
import { chooseLevel, levelRect, resizePlan } from './render-plan.js';
import { buildPyramid, pyramidLevelSizes, type PyramidInfo } from './pyramid.js';

const KODAK = path.resolve(process.cwd(), '../shared/data/images/kodak');
const haveKodak = fs.existsSync(path.join(KODAK, 'kodim05.png'));

const W = 3001, H = 2003;
let dir = '';
let gradientPixels: Buffer;
let pyramid: RenderSource & { kind: 'pyramid' };
let quadrants: RenderSource & { kind: 'pyramid' };

/** Red along x, green along y, blue constant: every pixel says where it is. */
function gradient(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([Math.round((x * 255) / (width - 1)), Math.round((y * 255) / (height - 1)), 128], (y * width + x) * 3);
    }
  }
  return data;
}

/** Four flat quadrants: red top left, green top right, blue bottom left, black bottom right. */
const QUADRANT = { tl: [255, 0, 0], tr: [0, 255, 0], bl: [0, 0, 255], br: [0, 0, 0] } as const;
function quadrantPixels(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = y < height / 2 ? (x < width / 2 ? QUADRANT.tl : QUADRANT.tr) : (x < width / 2 ? QUADRANT.bl : QUADRANT.br);
      data.set(q, (y * width + x) * 3);
    }
  }
  return data;
}

function request(region: PixelRect, size: { width: number; height: number }, more: { degrees?: number; mirror?: boolean; quality?: IiifQuality; format?: IiifFormat } = {}): ImageRequest {
  return { region, size, rotation: { degrees: more.degrees ?? 0, mirror: more.mirror ?? false }, quality: more.quality ?? 'default', format: more.format ?? 'png' };
}

async function pixels(data: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data: raw, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  return { data: raw, width: info.width, height: info.height, channels: info.channels };
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function pixelAt(img: { data: Buffer; width: number; channels: number }, x: number, y: number): number[] {
  const at = (y * img.width + x) * img.channels;
  return [...img.data.subarray(at, at + img.channels)];
}

function near(actual: number[], expected: readonly number[], tolerance = 40): boolean {
  return expected.every((v, i) => Math.abs(actual[i]! - v) <= tolerance);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-render-'));
  gradientPixels = gradient(W, H);
  const file = path.join(dir, 'gradient.tif');
  pyramid = { kind: 'pyramid', file, info: await buildPyramid({ data: gradientPixels, width: W, height: H, channels: 3 }, file, { maxPixels: 1e8 }) };
  const qFile = path.join(dir, 'quadrants.tif');
  quadrants = { kind: 'pyramid', file: qFile, info: await buildPyramid({ data: quadrantPixels(1024, 512), width: 1024, height: 512, channels: 3 }, qFile, { maxPixels: 1e8 }) };
});
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function infoOf(width: number, height: number, tileSize = 256): PyramidInfo {
  return { width, height, tileSize, bytes: 0, levels: pyramidLevelSizes(width, height, tileSize).map((s, page) => ({ ...s, page })) };
}

describe('chooseLevel (pure)', () => {
  const info = infoOf(12000, 8000); // levels 12000, 6000, 3000, 1500, 750, 375, 187 wide
  const full = { x: 0, y: 0, width: 12000, height: 8000 };

  it('reads a small view of the whole image from a small level', () => {
    expect(chooseLevel(info, { region: full, size: { width: 256, height: 171 } }).index).toBe(5); // 375 ≥ 256 > 187
    expect(chooseLevel(info, { region: full, size: { width: 1024, height: 683 } }).index).toBe(3); // 1500 ≥ 1024 > 750
    expect(chooseLevel(info, { region: full, size: { width: 12000, height: 8000 } }).index).toBe(0);
    expect(chooseLevel(info, { region: full, size: { width: 187, height: 125 } }).index).toBe(6);
  });

  it('reads an aligned tile from the level of its scale factor, at exactly one tile', () => {
    // Tile (column 2, row 1) at scale factor 4: region 2048,1024 of 1024×1024 full pixels, 256 px out.
    const choice = chooseLevel(info, { region: { x: 2048, y: 1024, width: 1024, height: 1024 }, size: { width: 256, height: 256 } });
    expect(choice.index).toBe(2);
    expect(choice.rect).toEqual({ x: 512, y: 256, width: 256, height: 256 });
  });

  it('allows one pixel of slack for ceil-sized requests at levels that lost an odd column', () => {
    const odd = infoOf(3001, 2003);
    // A viewer asks for ceil(3001 / 16) = 188 px; level 4 holds 187 of them.
    const choice = chooseLevel(odd, { region: { x: 0, y: 0, width: 3001, height: 2003 }, size: { width: 188, height: 126 } });
    expect(choice.index).toBe(4);
    expect(choice.rect).toEqual({ x: 0, y: 0, width: 187, height: 125 });
    // Two pixels more than the level holds is a real enlargement: the next level up.
    expect(chooseLevel(odd, { region: { x: 0, y: 0, width: 3001, height: 2003 }, size: { width: 190, height: 127 } }).index).toBe(3);
  });

  it('uses the full image for enlargements and for anisotropic scales takes the finer axis', () => {
    expect(chooseLevel(info, { region: { x: 10, y: 10, width: 100, height: 100 }, size: { width: 400, height: 400 } }).index).toBe(0);
    // x needs 1/4, y only 1/16: the level must satisfy both.
    expect(chooseLevel(info, { region: { x: 0, y: 0, width: 4000, height: 4000 }, size: { width: 1000, height: 250 } }).index).toBe(2);
  });

  it('rounds the rect outward and clamps it to the level', () => {
    expect(levelRect({ x: 5, y: 7, width: 10, height: 3 }, 4, 4, { width: 100, height: 100 })).toEqual({ x: 1, y: 1, width: 3, height: 2 });
    expect(levelRect({ x: 2990, y: 0, width: 11, height: 16 }, 16, 16, { width: 187, height: 125 })).toEqual({ x: 186, y: 0, width: 1, height: 1 });
  });

  it('plans a resize then an exact cut, and no cut for aligned rects', () => {
    expect(resizePlan({ x: 0, y: 0, width: 256, height: 256 }, { x0: 0, y0: 0, x1: 256, y1: 256 }, { width: 256, height: 256 })).toEqual({ resize: { width: 256, height: 256 }, cut: null });
    // Exact region 10.5…20.5 (10 px) in a rect 10…21, shown at 20 px: resize 11 → 22, cut from 1.
    expect(resizePlan({ x: 10, y: 0, width: 11, height: 10 }, { x0: 10.5, y0: 0, x1: 20.5, y1: 10 }, { width: 20, height: 20 })).toEqual({ resize: { width: 22, height: 20 }, cut: { x: 1, y: 0, width: 20, height: 20 } });
    // Clamped at the edge (no margin): stretched instead.
    expect(resizePlan({ x: 0, y: 0, width: 187, height: 125 }, { x0: 0, y0: 0, x1: 187.5625, y1: 125.1875 }, { width: 188, height: 126 }).cut).toBeNull();
  });
});

describe('renderImageRequest from a pyramid', () => {
  it('answers exactly the requested size for many requests', async () => {
    const cases: [PixelRect, { width: number; height: number }, number][] = [
      [{ x: 0, y: 0, width: W, height: H }, { width: 256, height: 171 }, 0],
      [{ x: 0, y: 0, width: W, height: H }, { width: 188, height: 126 }, 0],
      [{ x: 0, y: 0, width: W, height: H }, { width: 1024, height: 683 }, 90],
      [{ x: 1024, y: 1024, width: 1024, height: 979 }, { width: 256, height: 245 }, 0],
      [{ x: 2048, y: 1024, width: 953, height: 979 }, { width: 239, height: 245 }, 180],
      [{ x: 17, y: 33, width: 999, height: 555 }, { width: 256, height: 142 }, 270],
      [{ x: 1500, y: 1000, width: 3, height: 2 }, { width: 1, height: 1 }, 0],
      [{ x: 1500, y: 1000, width: 10, height: 7 }, { width: 300, height: 210 }, 0],
      [{ x: 2999, y: 2001, width: 2, height: 2 }, { width: 5, height: 3 }, 90],
      [{ x: 100, y: 100, width: 700, height: 300 }, { width: 200, height: 300 }, 0],
    ];
    for (const [region, size, degrees] of cases) {
      for (const format of ['jpg', 'png', 'webp'] as const) {
        const out = await renderImageRequest(pyramid, request(region, size, { degrees, format }));
        const meta = await sharp(out.data).metadata();
        const swap = degrees === 90 || degrees === 270;
        expect([meta.width, meta.height], `${JSON.stringify({ region, size, degrees, format })}`).toEqual(swap ? [size.height, size.width] : [size.width, size.height]);
        expect(meta.format).toBe(format === 'jpg' ? 'jpeg' : format);
        expect(out.mediaType).toBe({ jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' }[format]);
      }
    }
  });

  it('matches the same crop made directly from the source pixels', async () => {
    const cases: [PixelRect, { width: number; height: number }][] = [
      [{ x: 0, y: 0, width: W, height: H }, { width: 256, height: 171 }], // a small level
      [{ x: 512, y: 256, width: 1024, height: 1024 }, { width: 256, height: 256 }], // an aligned tile at factor 4
      [{ x: 333, y: 777, width: 1111, height: 555 }, { width: 300, height: 150 }], // unaligned, scaled
      [{ x: 1234, y: 567, width: 300, height: 200 }, { width: 300, height: 200 }], // full resolution
      [{ x: 2001, y: 1003, width: 1000, height: 1000 }, { width: 251, height: 251 }], // runs to the corner
    ];
    for (const [region, size] of cases) {
      const out = await pixels((await renderImageRequest(pyramid, request(region, size))).data);
      const direct = await sharp(gradientPixels, { raw: { width: W, height: H, channels: 3 } })
        .extract({ left: region.x, top: region.y, width: region.width, height: region.height })
        .resize(size.width, size.height, { fit: 'fill' })
        .raw().toBuffer();
      expect(meanAbsDiff(out.data, direct), JSON.stringify(region)).toBeLessThan(1.5);
    }
  });

  it('serves an aligned tile and a listed size as the level stores them, without resampling', async () => {
    // Tile (1, 1) at scale factor 2 (level 1 is 1500×1001), and the whole of level 3 (375×250).
    const tile = await pixels((await renderImageRequest(pyramid, request({ x: 512, y: 512, width: 512, height: 512 }, { width: 256, height: 256 }))).data);
    const stored = await sharp(pyramid.file, { page: 1 }).extract({ left: 256, top: 256, width: 256, height: 256 }).raw().toBuffer();
    expect(tile.data.equals(stored)).toBe(true);
    const small = await pixels((await renderImageRequest(pyramid, request({ x: 0, y: 0, width: W, height: H }, { width: 375, height: 250 }))).data);
    expect(small.data.equals(await sharp(pyramid.file, { page: 3 }).raw().toBuffer())).toBe(true);
  });

  it('reads an aligned tile from its level under a budget sized from that tile', async () => {
    const budget = new DecodeBudget(1024 * 1024 * 1024);
    const tile = request({ x: 1024, y: 1024, width: 1024, height: 979 }, { width: 256, height: 245 }, { format: 'jpg' });
    await renderImageRequest(pyramid, tile, { budget });
    const whole = decodeCost({ width: W, height: H, channels: 3, depth: 'uchar', format: 'tiff', progressive: false, orientation: 1 });
    expect(budget.stats().granted).toBe(1);
    expect(budget.stats().peakInUseBytes).toBeLessThan(whole / 2);
    expect(budget.stats().peakInUseBytes).toBeLessThan(12 * 1024 * 1024);
  });

  it('mirrors before rotating, with the quadrants where the Image API puts them', async () => {
    const region = { x: 0, y: 0, width: 1024, height: 512 };
    const size = { width: 256, height: 128 };
    const corners = async (degrees: number, mirror: boolean) => {
      const img = await pixels((await renderImageRequest(quadrants, request(region, size, { degrees, mirror }))).data);
      const m = 8;
      return { img, tl: pixelAt(img, m, m), tr: pixelAt(img, img.width - m, m), bl: pixelAt(img, m, img.height - m), br: pixelAt(img, img.width - m, img.height - m) };
    };
    const plain = await corners(0, false);
    expect([near(plain.tl, QUADRANT.tl), near(plain.tr, QUADRANT.tr), near(plain.bl, QUADRANT.bl), near(plain.br, QUADRANT.br)]).toEqual([true, true, true, true]);
    const mirrored = await corners(0, true);
    expect([near(mirrored.tl, QUADRANT.tr), near(mirrored.tr, QUADRANT.tl), near(mirrored.bl, QUADRANT.br)]).toEqual([true, true, true]);
    // 90° clockwise: what was bottom left comes to the top left.
    const r90 = await corners(90, false);
    expect([r90.img.width, r90.img.height]).toEqual([128, 256]);
    expect([near(r90.tl, QUADRANT.bl), near(r90.tr, QUADRANT.tl), near(r90.br, QUADRANT.tr), near(r90.bl, QUADRANT.br)]).toEqual([true, true, true, true]);
    const r180 = await corners(180, false);
    expect([near(r180.tl, QUADRANT.br), near(r180.br, QUADRANT.tl)]).toEqual([true, true]);
    const r270 = await corners(270, false);
    expect([near(r270.tl, QUADRANT.tr), near(r270.bl, QUADRANT.tl)]).toEqual([true, true]);
    // Mirror then 90°: the mirrored bottom left (black) comes to the top left.
    const m90 = await corners(90, true);
    expect([near(m90.tl, QUADRANT.br), near(m90.tr, QUADRANT.tr)]).toEqual([true, true]);
  });

  it('turns and mirrors a region that needs a sub-pixel cut the same way', async () => {
    // Unaligned at factor 2: the cut after the resize runs in a second pipeline before the turn.
    const region = { x: 1, y: 3, width: 1021, height: 507 };
    const size = { width: 255, height: 127 };
    const img = await pixels((await renderImageRequest(quadrants, request(region, size, { degrees: 90, mirror: true }))).data);
    expect([img.width, img.height]).toEqual([127, 255]);
    expect(near(pixelAt(img, 5, 5), QUADRANT.br)).toBe(true);
    expect(near(pixelAt(img, 121, 5), QUADRANT.tr)).toBe(true);
  });

  it('fills the corners of arbitrary turns with white (jpg) or transparency (png, webp)', async () => {
    const region = { x: 0, y: 0, width: 1024, height: 512 };
    const size = { width: 200, height: 100 };
    const jpg = await pixels((await renderImageRequest(quadrants, request(region, size, { degrees: 30, format: 'jpg' }))).data);
    expect(jpg.channels).toBe(3);
    expect(jpg.width).toBeGreaterThan(200);
    expect(Math.min(...pixelAt(jpg, 1, 1))).toBeGreaterThan(235);
    for (const format of ['png', 'webp'] as const) {
      const img = await pixels((await renderImageRequest(quadrants, request(region, size, { degrees: 30, format }))).data);
      expect(img.channels).toBe(4);
      expect(pixelAt(img, 1, 1)[3]).toBe(0);
      const centre = pixelAt(img, Math.floor(img.width / 2), Math.floor(img.height / 2));
      expect(centre[3]).toBe(255);
    }
  });

  it('makes gray with equal channels and bitonal with only black and white', async () => {
    const region = { x: 100, y: 100, width: 2000, height: 1500 };
    const size = { width: 200, height: 150 };
    for (const format of ['jpg', 'png', 'webp'] as const) {
      const gray = await sharp((await renderImageRequest(pyramid, request(region, size, { quality: 'gray', format }))).data).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      let spread = 0;
      for (let i = 0; i < gray.data.length; i += gray.info.channels) {
        spread = Math.max(spread, Math.abs(gray.data[i]! - gray.data[i + 1]!), Math.abs(gray.data[i]! - gray.data[i + 2]!));
      }
      // JPEG and PNG store one grey band; WebP always stores YUV, whose neutral chroma decodes within a step.
      expect(spread, format).toBeLessThanOrEqual(format === 'webp' ? 1 : 0);
    }
    for (const format of ['png', 'webp'] as const) {
      const bitonal = await pixels((await renderImageRequest(pyramid, request(region, size, { quality: 'bitonal', format, degrees: 10 }))).data);
      const values = new Set<number>();
      for (let i = 0; i < bitonal.data.length; i += bitonal.channels) values.add(bitonal.data[i]!);
      expect([...values].sort((a, b) => a - b)).toEqual([0, 255]);
    }
  });
});

describe.skipIf(!haveKodak)('renderImageRequest from an original (../shared/data/images/kodak)', () => {
  const file = path.join(KODAK, 'kodim05.png');
  const original: RenderSource = { kind: 'original', file, width: 768, height: 512, maxPixels: 1e7 };

  it('crops and scales as sharp does directly, exactly at the requested size', async () => {
    const cases: [PixelRect, { width: number; height: number }][] = [
      [{ x: 0, y: 0, width: 768, height: 512 }, { width: 768, height: 512 }],
      [{ x: 0, y: 0, width: 768, height: 512 }, { width: 150, height: 100 }],
      [{ x: 100, y: 50, width: 300, height: 200 }, { width: 123, height: 77 }],
      [{ x: 700, y: 500, width: 68, height: 12 }, { width: 136, height: 24 }],
    ];
    for (const [region, size] of cases) {
      const out = await pixels((await renderImageRequest(original, request(region, size))).data);
      expect([out.width, out.height]).toEqual([size.width, size.height]);
      const direct = await sharp(file).extract({ left: region.x, top: region.y, width: region.width, height: region.height })
        .resize(size.width, size.height, { fit: 'fill' }).raw().toBuffer();
      expect(meanAbsDiff(out.data, direct)).toBeLessThan(0.5);
    }
  });

  it('uses upright coordinates for an original with EXIF orientation, shrinking a JPEG on load', async () => {
    const turned = path.join(dir, 'turned.jpg');
    // Stored 768×512 with orientation 8 ("turn 90° anticlockwise to view"): upright it is 512×768.
    await sharp(file).jpeg({ quality: 95 }).withMetadata({ orientation: 8 }).toFile(turned);
    const source: RenderSource = { kind: 'original', file: turned, width: 512, height: 768, maxPixels: 1e7 };
    const whole = await pixels((await renderImageRequest(source, request({ x: 0, y: 0, width: 512, height: 768 }, { width: 64, height: 96 }))).data);
    expect([whole.width, whole.height]).toEqual([64, 96]);
    const upright = await sharp(file).rotate(270).extract({ left: 100, top: 200, width: 200, height: 100 }).raw().toBuffer();
    const crop = await pixels((await renderImageRequest(source, request({ x: 100, y: 200, width: 200, height: 100 }, { width: 200, height: 100 }))).data);
    expect(meanAbsDiff(crop.data, upright)).toBeLessThan(4);
  });

  it('flattens transparency onto white as pyramids do', async () => {
    const alpha = path.join(dir, 'alpha.png');
    await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(alpha);
    const out = await pixels((await renderImageRequest({ kind: 'original', file: alpha, width: 32, height: 32, maxPixels: 1e6 }, request({ x: 0, y: 0, width: 32, height: 32 }, { width: 16, height: 16 }))).data);
    expect(out.channels).toBe(3);
    expect(pixelAt(out, 8, 8)).toEqual([255, 255, 255]);
  });

  it('refuses an original over its pixel limit', async () => {
    await expect(renderImageRequest({ ...original, maxPixels: 1000 } as RenderSource, request({ x: 0, y: 0, width: 768, height: 512 }, { width: 10, height: 7 }))).rejects.toThrow(/pixel limit/);
  });
});
