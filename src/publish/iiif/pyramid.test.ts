import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeBudget } from '../../media/decode-budget.js';
import { buildPyramid, openPyramid, pyramidLevelSizes, pyramidNeeded, PyramidSourceError, PYRAMID_MIN_LONG_SIDE } from './pyramid.js';

const KODAK = path.resolve(process.cwd(), '../shared/data/images/kodak');
const haveKodak = fs.existsSync(path.join(KODAK, 'kodim23.png'));

let dir = '';
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-pyramid-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

/** A smooth gradient (JPEG keeps it nearly exact): red along x, green along y, blue constant. */
function gradient(width: number, height: number): { data: Buffer; width: number; height: number; channels: 3 } {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      data[at] = Math.round((x * 255) / (width - 1));
      data[at + 1] = Math.round((y * 255) / (height - 1));
      data[at + 2] = 128;
    }
  }
  return { data, width, height, channels: 3 };
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('pyramid sizes (pure)', () => {
  it('halves with floor until one tile holds the level', () => {
    expect(pyramidLevelSizes(3001, 2003, 256)).toEqual([
      { width: 3001, height: 2003 }, { width: 1500, height: 1001 }, { width: 750, height: 500 }, { width: 375, height: 250 }, { width: 187, height: 125 },
    ]);
    expect(pyramidLevelSizes(200, 100, 256)).toEqual([{ width: 200, height: 100 }]);
    expect(pyramidLevelSizes(257, 10, 256)).toEqual([{ width: 257, height: 10 }, { width: 128, height: 5 }]);
  });

  it('serves images up to 2048 px on the long side from their original', () => {
    expect(pyramidNeeded(PYRAMID_MIN_LONG_SIDE, 1000)).toBe(false);
    expect(pyramidNeeded(1000, PYRAMID_MIN_LONG_SIDE + 1)).toBe(true);
    expect(pyramidNeeded(768, 512)).toBe(false);
  });
});

describe('buildPyramid', () => {
  it('writes one page per level, as libvips sizes them, and reads them back from the header', async () => {
    const out = path.join(dir, 'gradient.tif');
    const source = gradient(3001, 2003);
    const info = await buildPyramid(source, out, { maxPixels: 10_000_000 });
    const expected = pyramidLevelSizes(3001, 2003, 256).map((s, page) => ({ ...s, page }));
    expect(info).toEqual({ width: 3001, height: 2003, levels: expected, tileSize: 256, bytes: fs.statSync(out).size });
    expect(await openPyramid(out)).toEqual(info);
    expect(fs.existsSync(`${out}.part`)).toBe(false);

    const meta = await sharp(out).metadata();
    expect(meta).toMatchObject({ format: 'tiff', pages: expected.length, space: 'srgb', channels: 3, depth: 'uchar' });
    // Levels are top-level pages, not SubIFDs: `page` opens them, `subifd` finds nothing.
    for (const level of expected) {
      const page = await sharp(out, { page: level.page }).metadata();
      expect([page.width, page.height]).toEqual([level.width, level.height]);
    }
    await expect(sharp(out, { subifd: 0 }).metadata()).rejects.toThrow(/SUBIFD/i);
  });

  it('stores level k as the full image shrunk by 2^k (pixels checked against a box shrink)', async () => {
    const out = path.join(dir, 'level.tif');
    const source = gradient(1200, 900);
    await buildPyramid(source, out, { maxPixels: 10_000_000 });
    const level2 = await sharp(out, { page: 2 }).raw().toBuffer({ resolveWithObject: true });
    expect([level2.info.width, level2.info.height]).toEqual([300, 225]);
    const direct = await sharp(source.data, { raw: source }).resize(300, 225, { kernel: 'cubic' }).raw().toBuffer();
    expect(meanAbsDiff(level2.data, direct)).toBeLessThan(2);
  });

  it('honours the tile size and reads it back', async () => {
    const out = path.join(dir, 'tiles128.tif');
    const info = await buildPyramid(gradient(600, 400), out, { maxPixels: 10_000_000, tileSize: 128 });
    expect(info.tileSize).toBe(128);
    expect(info.levels.map((l) => l.width)).toEqual([600, 300, 150, 75]);
  });

  it('leaves no file when the source is corrupt, and keeps an existing pyramid untouched', async () => {
    const png = await sharp(gradient(800, 600).data, { raw: { width: 800, height: 600, channels: 3 } }).png().toBuffer();
    const truncated = path.join(dir, 'truncated.png');
    fs.writeFileSync(truncated, png.subarray(0, Math.floor(png.length / 2)));
    const out = path.join(dir, 'corrupt.tif');
    await expect(buildPyramid(truncated, out, { maxPixels: 10_000_000 })).rejects.toBeInstanceOf(PyramidSourceError);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.part`)).toBe(false);

    const kept = path.join(dir, 'kept.tif');
    fs.writeFileSync(kept, 'previous');
    await expect(buildPyramid(truncated, kept, { maxPixels: 10_000_000 })).rejects.toBeInstanceOf(PyramidSourceError);
    expect(fs.readFileSync(kept, 'utf8')).toBe('previous');
  });

  it('refuses a source over the pixel limit (file and raw) without writing', async () => {
    const file = path.join(dir, 'big.png');
    await sharp(gradient(800, 600).data, { raw: { width: 800, height: 600, channels: 3 } }).png().toFile(file);
    const out = path.join(dir, 'big.tif');
    await expect(buildPyramid(file, out, { maxPixels: 100_000 })).rejects.toThrow(/pixel limit/);
    await expect(buildPyramid(gradient(800, 600), out, { maxPixels: 100_000 })).rejects.toThrow(/above the limit/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('applies EXIF orientation and flattens transparency onto white', async () => {
    // 40×20 red on the left, transparent on the right; orientation 6 means "turn 90° clockwise to view".
    const raw = Buffer.alloc(40 * 20 * 4);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) raw.set([255, 0, 0, 255], (y * 40 + x) * 4);
    const file = path.join(dir, 'oriented.png');
    await sharp(raw, { raw: { width: 40, height: 20, channels: 4 } }).withMetadata({ orientation: 6 }).png().toFile(file);
    const out = path.join(dir, 'oriented.tif');
    const info = await buildPyramid(file, out, { maxPixels: 10_000 });
    expect([info.width, info.height]).toEqual([20, 40]);
    const { data, info: px } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect(px.channels).toBe(3);
    const at = (x: number, y: number) => [...data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    // After the turn the red half is on top, the flattened (white) half below.
    expect(at(10, 5)[0]).toBeGreaterThan(200);
    expect(at(10, 5)[1]).toBeLessThan(60);
    expect(Math.min(...at(10, 34))).toBeGreaterThan(240);
  });

  it('converts 16-bit sources to 8 bits', async () => {
    const file = path.join(dir, 'deep.png');
    await sharp(gradient(600, 400).data, { raw: { width: 600, height: 400, channels: 3 } }).toColourspace('rgb16').png().toFile(file);
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    const out = path.join(dir, 'deep.tif');
    await buildPyramid(file, out, { maxPixels: 10_000_000 });
    expect(await sharp(out).metadata()).toMatchObject({ depth: 'uchar', space: 'srgb', channels: 3 });
  });

  it('runs under the decode budget it is given', async () => {
    const budget = new DecodeBudget(64 * 1024 * 1024);
    await buildPyramid(gradient(600, 400), path.join(dir, 'budget.tif'), { maxPixels: 10_000_000, budget });
    expect(budget.stats().granted).toBe(1);
    expect(budget.stats().inUseBytes).toBe(0);
  });
});

describe.skipIf(!haveKodak)('buildPyramid with real images (../shared/data/images/kodak)', () => {
  it('converts an embedded ICC profile to sRGB', async () => {
    const original = path.join(KODAK, 'kodim23.png');
    const p3 = path.join(dir, 'p3.png');
    await sharp(original).withIccProfile('p3').png().toFile(p3);
    const out = path.join(dir, 'p3.tif');
    await buildPyramid(p3, out, { maxPixels: 10_000_000 });
    const srgb = await sharp(original).raw().toBuffer();
    const unconverted = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    const pyramid = await sharp(out).raw().toBuffer();
    // The P3 numbers differ from the sRGB ones; the pyramid's match sRGB up to JPEG's loss.
    expect(meanAbsDiff(unconverted, srgb)).toBeGreaterThan(3);
    expect(meanAbsDiff(pyramid, srgb)).toBeLessThan(2);
    expect((await sharp(out).metadata()).hasProfile).toBe(false);
  });
});
