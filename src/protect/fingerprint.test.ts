import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintImage, QUERY_CROPS, QUERY_TILTS, registryFingerprints, scanQueries, STORED_CROPS } from './fingerprint.js';
import { readImageForHashing } from './image-input.js';

/** A detailed RGBA picture: a textured disc on a gradient background of the given alpha. */
async function disc(file: string, backgroundAlpha: number): Promise<void> {
  const size = 256;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const inside = (x - 128) ** 2 + (y - 128) ** 2 < 100 ** 2;
      // A gradient around the disc, so the picture has no uniform frame of its own.
      pixels[i] = inside ? (x * 5 + y * 3) % 256 : x;
      pixels[i + 1] = inside ? (x * y) % 256 : y;
      pixels[i + 2] = inside ? (y * 7) % 256 : 160;
      pixels[i + 3] = inside ? 255 : backgroundAlpha;
    }
  }
  await sharp(pixels, { raw: { width: size, height: size, channels: 4 } }).png().toFile(file);
}

describe('fingerprintImage', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-fingerprint-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores the whole image, its central crops, and ISCC codes, and names them in registry entries', async () => {
    const file = path.join(dir, 'opaque.png');
    await disc(file, 255);
    const fp = await fingerprintImage(file, { maxPixels: 1e8, name: 'A disc' });
    expect(fp.crops.map((c) => c.cropPerSide)).toEqual([...STORED_CROPS]);
    expect(new Set([fp.pdq.hash, ...fp.crops.map((c) => c.hash)]).size).toBe(1 + STORED_CROPS.length);
    expect(fp.onBlack).toBeUndefined(); // an opaque alpha channel changes nothing
    expect(fp.iscc?.meta).toMatch(/^ISCC:/);
    expect(registryFingerprints(fp.pdq.hash, fp.iscc!.iscc)).toEqual([`pdq:${fp.pdq.hash}`, `iscc:${fp.iscc!.iscc.slice(5)}`]);
    expect(registryFingerprints(null, fp.iscc!.iscc)).toEqual([`iscc:${fp.iscc!.iscc.slice(5)}`]);
  });

  it('also stores the hashes on black for pictures with transparency (JPEG copies land on either)', async () => {
    const file = path.join(dir, 'cutout.png');
    await disc(file, 0);
    const fp = await fingerprintImage(file, { maxPixels: 1e8 });
    expect(fp.onBlack?.map((c) => c.cropPerSide)).toEqual([0, ...STORED_CROPS]);
    expect(fp.onBlack![0]!.hash).not.toBe(fp.pdq.hash);
  });

  it('makes the scan hashes: dihedral variants of crops, of the picture inside a frame, and tilts turned back', async () => {
    const plain = await readImageForHashing(path.join(dir, 'opaque.png'), { maxPixels: 1e8 });
    const queries = scanQueries(plain);
    const tilted = QUERY_TILTS.reduce((n, t) => n + t.crops.length, 0);
    // + 1: the upright picture with thin strokes filtered out, for overlaid captions.
    expect(queries).toHaveLength(QUERY_CROPS.length * 8 + tilted + 1);
    expect(queries.filter((q) => q.tilt !== 0).every((q) => q.transform === 'original')).toBe(true);
    const overlay = queries.filter((q) => q.nearMissOnly);
    expect(overlay).toHaveLength(1);
    // Block checks compare the unfiltered picture; the filtered hash differs from the plain one.
    const upright = queries.find((q) => q.cropPerSide === 0 && q.transform === 'original' && q.tilt === 0 && !q.nearMissOnly)!;
    expect(overlay[0]!.grid).toBe(upright.grid);
    expect(overlay[0]!.hash).not.toBe(upright.hash);
    const framedFile = path.join(dir, 'framed.png');
    await sharp(path.join(dir, 'opaque.png')).extend({ top: 40, bottom: 10, left: 20, right: 20, background: '#ffffff' }).png().toFile(framedFile);
    const framed = scanQueries(await readImageForHashing(framedFile, { maxPixels: 1e8 }));
    expect(framed).toHaveLength(2 * QUERY_CROPS.length * 8 + tilted + 1);
    const inner = framed.find((q) => q.picture.width < 1 && q.cropPerSide === 0 && q.transform === 'original')!;
    expect(inner.picture.width).toBeCloseTo(256 / 296, 2);
    expect(inner.hash).toBe(upright.hash);
  });
});
