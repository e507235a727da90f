import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.js';
import { PDQ_MAX_SIDE, readImageForHashing } from './image-input.js';
import { hammingDistance256, PDQ_MIN_QUALITY, pdqHash } from './pdq/pdq.js';

const VECTORS = path.resolve(process.cwd(), '../shared/data/pdq-vectors/data');
const haveVectors = existsSync(VECTORS);
if (!haveVectors) console.warn(`PDQ test images not found at ${VECTORS}; skipping the tests that read them`);
const BRIDGE = path.join(VECTORS, 'reg-test-input/dih/bridge-1-original.jpg');
const LIMIT = { maxPixels: 50e6 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

const solid = (width: number, height: number, background: string, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } });

/** A real PNG header that declares `width × height` over a 1×1 image's data: a decompression bomb. */
async function bombPng(width: number, height: number): Promise<Buffer> {
  const png = await solid(1, 1, '#000').png().toBuffer();
  // Bytes 16..23 are IHDR width and height; the chunk CRC (bytes 29..32) covers type + data (12..28).
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('readImageForHashing', () => {
  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = await bombPng(30000, 30000);
    const t0 = performance.now();
    expect(await codeOf(readImageForHashing(bomb, { maxPixels: 100e6 }))).toBe(
      'image_too_large: image declares 30000×30000 = 900.0 megapixels, above the limit of 100.0 megapixels',
    );
    expect(performance.now() - t0).toBeLessThan(1000);
    const big = await solid(2000, 1000, '#345').png().toBuffer();
    expect(await codeOf(readImageForHashing(big, { maxPixels: 1e6 }))).toMatch(/^image_too_large: image declares 2000×1000 = 2.0 megapixels/);
  });

  it('refuses corrupt, truncated and non-image input with clear codes', async () => {
    const jpeg = await solid(400, 300, '#808080').composite([{ input: await solid(100, 100, '#f00').png().toBuffer(), left: 50, top: 50 }]).jpeg().toBuffer();
    expect(await codeOf(readImageForHashing(jpeg.subarray(0, Math.floor(jpeg.length / 2)), LIMIT))).toMatch(/^corrupt_file: image cannot be decoded/);
    expect(await codeOf(readImageForHashing(Buffer.from('this is not an image at all, just text'), LIMIT))).toMatch(/^unsupported_media: /);
    await expect(readImageForHashing('/nonexistent/file.jpg', LIMIT)).rejects.toThrow(/missing/);
  });

  it('flattens transparency onto white and gives 3-channel sRGB', async () => {
    const clear = await solid(100, 80, '#00000000', 4).png().toBuffer();
    const img = await readImageForHashing(clear, LIMIT);
    expect([img.width, img.height, img.rgb.length, img.luma.length, img.pages, img.format]).toEqual([100, 80, 24000, 8000, 1, 'png']);
    expect(Math.min(...img.luma)).toBeCloseTo(255, 3);
  });

  it('scores a flat single-colour image below the match floor', async () => {
    const img = await readImageForHashing(await solid(640, 480, '#3a6ea5').jpeg().toBuffer(), LIMIT);
    expect(pdqHash(img.luma, img.width, img.height).quality).toBeLessThan(PDQ_MIN_QUALITY);
  });

  it('reads 16-bit and greyscale images as 8-bit sRGB', async () => {
    const deep = await solid(120, 90, '#c08040').toColourspace('rgb16').png().toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    const img = await readImageForHashing(deep, LIMIT);
    expect(Array.from(img.rgb.subarray(0, 3))).toEqual([0xc0, 0x80, 0x40]);
    const grey = await readImageForHashing(await solid(90, 90, '#777').toColourspace('b-w').png().toBuffer(), LIMIT);
    expect([grey.rgb.length, Math.round(grey.luma[0]!)]).toEqual([90 * 90 * 3, 0x77]);
  });

  it('takes the first frame of an animated GIF and the first page of a TIFF, and counts them', async () => {
    const frames = await Promise.all(['#fff', '#000', '#f00'].map((c) => solid(96, 72, c).png().toBuffer()));
    const gif = await sharp(frames, { join: { animated: true } }).gif().toBuffer();
    const tiff = await sharp(frames, { join: { animated: true } }).tiff().toBuffer();
    for (const [file, format] of [[gif, 'gif'], [tiff, 'tiff']] as const) {
      const img = await readImageForHashing(file, LIMIT);
      expect([img.format, img.pages, img.width, img.height, img.originalWidth, img.originalHeight]).toEqual([format, 3, 96, 72, 96, 72]);
      expect(Math.min(...img.luma)).toBeGreaterThan(250); // the white first frame only
    }
  });
});

describe.skipIf(!haveVectors)('readImageForHashing on the PDQ test images', () => {
  it('refuses an image too small to fingerprint unless the caller lowers the floor', async () => {
    const wee = path.join(VECTORS, 'misc-images/wee.jpg');
    expect(await codeOf(readImageForHashing(wee, LIMIT))).toBe('image_too_small: image is 34×42 px; at least 64 px on the shorter side is needed to fingerprint it');
    // PDQ itself scores it 100 (pixels are repeated onto the 64×64 grid), which is why size is checked.
    const img = await readImageForHashing(wee, { ...LIMIT, minSide: 1 });
    expect(pdqHash(img.luma, img.width, img.height).quality).toBe(100);
  });

  it('hashes every colour mode of the bridge photo within 10 bits of the original, or refuses it clearly', async () => {
    const base = await readImageForHashing(BRIDGE, LIMIT);
    const reference = pdqHash(base.luma, base.width, base.height);
    const dir = path.join(VECTORS, 'misc-images/modes');
    const report: string[] = [];
    for (const name of readdirSync(dir).filter((f) => !f.endsWith('.md'))) {
      try {
        const img = await readImageForHashing(path.join(dir, name), LIMIT);
        const h = pdqHash(img.luma, img.width, img.height);
        const d = hammingDistance256(h.hash, reference.hash);
        report.push(`${name} ${d}`);
        expect(d, name).toBeLessThanOrEqual(10);
        expect(h.quality, name).toBe(100);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        report.push(`${name} ${error.code}`);
      }
    }
    console.info(`PDQ distance of each colour mode to the original (bits): ${report.join(', ')}`);
  });

  it('applies EXIF orientation, so a sideways-stored photo hashes like the upright one', async () => {
    const base = await readImageForHashing(BRIDGE, LIMIT);
    // Orientation 6 means "turn 90° clockwise to display", so store the pixels turned the other way.
    const sideways = await sharp(BRIDGE).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    const img = await readImageForHashing(sideways, LIMIT);
    expect([img.width, img.height]).toEqual([1600, 1004]);
    expect(hammingDistance256(pdqHash(img.luma, img.width, img.height).hash, pdqHash(base.luma, base.width, base.height).hash)).toBeLessThanOrEqual(10);
    const phone = await readImageForHashing(path.join(VECTORS, 'reg-test-input/exif-rotn/exif-rotn-6.jpg'), LIMIT);
    expect([phone.originalWidth, phone.originalHeight, phone.width, phone.height]).toEqual([3024, 4032, 1536, PDQ_MAX_SIDE]);
  });

  it('reads a file path and the same bytes in a buffer alike', async () => {
    const fromPath = await readImageForHashing(BRIDGE, LIMIT);
    const fromBuffer = await readImageForHashing(readFileSync(BRIDGE), LIMIT);
    expect(Buffer.from(fromBuffer.rgb).equals(Buffer.from(fromPath.rgb))).toBe(true);
    expect([fromPath.originalWidth, fromPath.originalHeight, fromPath.format]).toEqual([1600, 1004, 'jpeg']);
  });
});
