import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BLOCK_AGREEMENT_THRESHOLD, blockAgreement, GRID, lumaGrid } from './block-check.js';
import { readImageForHashing } from './image-input.js';

const KODAK = path.resolve(process.cwd(), '../shared/data/images/kodak');

async function gridOf(input: string | Buffer): Promise<Float32Array> {
  const image = await readImageForHashing(input, { maxPixels: 1e8 });
  return lumaGrid(image.luma, image.width, image.height);
}

describe('lumaGrid', () => {
  it('averages areas into a 64 × 64 grid whatever the aspect', () => {
    const luma = Float32Array.from({ length: 128 * 64 }, (_, i) => (i % 128 < 64 ? 10 : 200));
    const grid = lumaGrid(luma, 128, 64);
    expect(grid.length).toBe(GRID * GRID);
    expect(grid[0]).toBe(10);
    expect(grid[GRID - 1]).toBe(200);
  });
});

describe.skipIf(!fs.existsSync(KODAK))('blockAgreement', () => {
  it('agrees on most blocks of a copy under a caption, and on almost none of another picture', async () => {
    const file = path.join(KODAK, 'kodim05.png');
    const { width, height } = await sharp(file).metadata();
    const caption = Buffer.from(`<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><text x="50%" y="55%" text-anchor="middle" font-family="sans-serif" font-weight="bold" font-size="${height / 7}" fill="#ffffff" stroke="#000000" stroke-width="3">© someone else</text></svg>`);
    const original = await gridOf(file);
    const captioned = await gridOf(await sharp(file).composite([{ input: caption }]).jpeg({ quality: 70 }).toBuffer());
    expect(blockAgreement(original, captioned)).toBeGreaterThan(0.7);
    for (const other of ['kodim01.png', 'kodim14.png', 'kodim23.png']) {
      expect(blockAgreement(original, await gridOf(path.join(KODAK, other)))).toBeLessThan(BLOCK_AGREEMENT_THRESHOLD / 3);
    }
  });

  it('says nothing (0) about a flat original', () => {
    const flat = new Float32Array(GRID * GRID).fill(128);
    expect(blockAgreement(flat, flat)).toBe(0);
  });
});
