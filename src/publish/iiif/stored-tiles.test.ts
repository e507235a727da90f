import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRequest } from './image-api.js';
import { buildPyramid, type PyramidInfo } from './pyramid.js';
import { readStoredPages, readStoredTile, storedTileOf, type StoredPage } from './stored-tiles.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-stored-tiles-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tileRequest = (x: number, y: number, w: number, h: number, size: number, over: Partial<ImageRequest> = {}): ImageRequest => ({
  region: { x, y, width: w, height: h }, size: { width: size, height: size }, rotation: { degrees: 0, mirror: false }, quality: 'default', format: 'jpg', ...over,
});

describe('stored JPEG tiles of a pyramid, sent without decoding', () => {
  const width = 1100, height = 700;
  const file = path.join(dir, 'p.tif');
  let info: PyramidInfo;
  let pages: StoredPage[];

  beforeAll(async () => {
    // Structure in both directions, so a wrong tile or wrong tables show.
    const raw = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      const x = i % width, y = Math.floor(i / width);
      raw[3 * i] = x % 256;
      raw[3 * i + 1] = y % 256;
      raw[3 * i + 2] = (x * y) % 251;
    }
    info = await buildPyramid({ data: raw, width, height, channels: 3 }, file, { maxPixels: 10_000_000 });
    pages = (await readStoredPages(file))!;
  });

  it('reads every level\'s tile table from the file\'s directory', () => {
    expect(pages.map((p) => [p.width, p.height])).toEqual(info.levels.map((l) => [l.width, l.height]));
    expect(pages[0]!.offsets).toHaveLength(5 * 3);
  });

  it('gives, for an aligned interior tile, a JPEG that decodes to exactly the pixels libvips reads there', async () => {
    for (const [k, x, y] of [[0, 256, 256], [0, 512, 0], [1, 512, 0]] as const) {
      const scale = 2 ** k;
      const tile = storedTileOf(info, pages, tileRequest(x, y, 256 * scale, 256 * scale, 256));
      expect(tile, `${k} ${x},${y}`).not.toBeNull();
      const jpeg = await readStoredTile(file, tile!);
      const [a, b] = await Promise.all([
        sharp(jpeg).raw().toBuffer({ resolveWithObject: true }),
        sharp(file, { page: k }).extract({ left: x / scale, top: y / scale, width: 256, height: 256 }).raw().toBuffer(),
      ]);
      expect([a.info.width, a.info.height]).toEqual([256, 256]);
      expect(a.data.equals(b)).toBe(true);
    }
  });

  it('declines everything that is not exactly one stored interior tile', () => {
    const cases: ImageRequest[] = [
      tileRequest(1024, 0, 76, 256, 256), // an edge tile: padded in the file
      tileRequest(0, 512, 256, 188, 256),
      tileRequest(128, 0, 256, 256, 256), // off the grid
      tileRequest(0, 0, 256, 256, 128), // resized
      tileRequest(0, 0, 256, 256, 256, { format: 'png' }),
      tileRequest(0, 0, 256, 256, 256, { quality: 'gray' }),
      tileRequest(0, 0, 256, 256, 256, { rotation: { degrees: 90, mirror: false } }),
      tileRequest(0, 0, 256, 256, 256, { rotation: { degrees: 0, mirror: true } }),
      tileRequest(0, 0, 512, 512, 512),
    ];
    for (const req of cases) expect(storedTileOf(info, pages, req), JSON.stringify(req)).toBeNull();
  });

  it('gives no index for files it cannot serve from directly', async () => {
    const png = path.join(dir, 'flat.tif');
    await sharp({ create: { width: 300, height: 300, channels: 3, background: '#888' } }).tiff({ tile: true, compression: 'lzw' }).toFile(png);
    expect(await readStoredPages(png)).toBeNull();
    const junk = path.join(dir, 'junk.tif');
    fs.writeFileSync(junk, Buffer.from('II*\0\xff\xff\xff\x7f', 'latin1'));
    expect(await readStoredPages(junk)).toBeNull();
  });
});
