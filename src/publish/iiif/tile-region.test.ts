import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRequest } from './image-api.js';
import { renderImageRequest } from './image-render.js';
import { buildPyramid, type PyramidInfo } from './pyramid.js';
import { readStoredPages, type StoredPage } from './stored-tiles.js';
import { TileRegionPool } from './tile-region-pool.js';
import { allocateRenderMemory, tileRegionApplies, TileRegionRenderer, type TileRegionSource } from './tile-region.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-tile-region-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const request = (x: number, y: number, w: number, h: number, width: number, height: number, over: Partial<ImageRequest> = {}): ImageRequest => ({
  region: { x, y, width: w, height: h }, size: { width, height }, rotation: { degrees: 0, mirror: false }, quality: 'default', format: 'jpg', ...over,
});

/** Mean and largest absolute difference of two JPEGs' decoded samples. */
async function difference(a: Buffer, b: Buffer): Promise<{ mean: number; max: number; size: [number, number] }> {
  const [pa, pb] = await Promise.all([sharp(a).raw().toBuffer({ resolveWithObject: true }), sharp(b).raw().toBuffer({ resolveWithObject: true })]);
  expect([pa.info.width, pa.info.height]).toEqual([pb.info.width, pb.info.height]);
  let sum = 0, max = 0;
  for (let i = 0; i < pa.data.length; i++) {
    const d = Math.abs(pa.data[i]! - pb.data[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / pa.data.length, max, size: [pa.info.width, pa.info.height] };
}

// A random generator with a seed, so a failure repeats.
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('unaligned regions rendered from the stored tiles, outside sharp', () => {
  const width = 3000, height = 2000;
  const file = path.join(dir, 'p.tif');
  let info: PyramidInfo;
  let pages: StoredPage[];
  let source: TileRegionSource;
  const renderer = new TileRegionRenderer(8 * 1024 * 1024);

  beforeAll(async () => {
    // A photograph-like picture: smooth gradients, fine stripes, hard edges and noise.
    const raw = Buffer.alloc(width * height * 3);
    const random = seeded(7);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = 3 * (y * width + x);
        const stripes = Math.floor(x / 3) % 2 ? 60 : 0;
        const block = (Math.floor(x / 97) + Math.floor(y / 61)) % 2 ? 90 : 0;
        raw[i] = (x * 255) / width * 0.6 + stripes + random() * 30;
        raw[i + 1] = (y * 255) / height * 0.6 + block;
        raw[i + 2] = 128 + 100 * Math.sin((x + y) / 40) * 0.8 + random() * 20;
      }
    }
    info = await buildPyramid({ data: raw, width, height, channels: 3 }, file, { maxPixels: 10_000_000 });
    pages = (await readStoredPages(file))!;
    source = { key: 'p', fd: fs.openSync(file, 'r'), info, pages };
  });
  afterAll(() => fs.closeSync(source.fd));

  const sharpAnswer = async (req: ImageRequest) => (await renderImageRequest({ kind: 'pyramid', file, info }, req)).data;

  it('gives what sharp gives, within JPEG noise, for 120 random regions at every level, edges included', async () => {
    const random = seeded(42);
    let ours = 0;
    let jpegItself = 0;
    let count = 0;
    for (let n = 0; n < 120; n++) {
      const w = Math.max(8, Math.floor(random() ** 2 * width * 0.8));
      const h = Math.max(8, Math.floor(w * (0.5 + random())));
      const x = Math.floor(random() * width), y = Math.floor(random() * height);
      const region = { x, y, width: Math.min(w, width - x), height: Math.min(h, height - y) };
      const out = Math.min(256, region.width);
      const req = request(region.x, region.y, region.width, region.height, out, Math.max(1, Math.round((out * region.height) / region.width)));
      if (!tileRegionApplies(info, pages, req)) continue;
      const theirs = await sharpAnswer(req);
      const d = await difference(renderer.render(source, req), theirs);
      expect(d.size).toEqual([req.size.width, req.size.height]);
      expect(d.mean, JSON.stringify(req)).toBeLessThan(4);
      ours += d.mean;
      // What sharp's own JPEG encoding changes in the same answer (its lossless twin).
      jpegItself += (await difference(theirs, await sharpAnswer({ ...req, format: 'png' }))).mean;
      count++;
    }
    expect(count).toBeGreaterThan(100);
    // The two renderers differ by less than JPEG at q85 changes an answer by itself.
    expect(ours / count).toBeLessThan(jpegItself / count);
  });

  it('takes regions at the right and bottom edges, 1:1 regions of the full resolution and tiny ones', async () => {
    const cases = [
      request(width - 300, height - 200, 300, 200, 150, 100), // the corner, halved
      request(2900, 100, 100, 700, 37, 259),
      request(1000, 1000, 256, 256, 256, 256), // 1:1 off the grid
      request(13, 7, 3, 2, 3, 2), // tiny, 1:1
      request(0, 0, width, height, 480, 320), // the whole picture, small
    ];
    for (const req of cases) {
      expect(tileRegionApplies(info, pages, req), JSON.stringify(req)).toBe(true);
      const d = await difference(renderer.render(source, req), await sharpAnswer(req));
      expect(d.mean, JSON.stringify(req)).toBeLessThan(2.5);
    }
  });

  it('leaves to sharp what it does not do: other formats and qualities, turns, large answers, enlargements, no stored tiles', () => {
    const base = request(100, 100, 500, 400, 250, 200);
    expect(tileRegionApplies(info, pages, base)).toBe(true);
    expect(tileRegionApplies(info, pages, { ...base, format: 'png' })).toBe(false);
    expect(tileRegionApplies(info, pages, { ...base, format: 'webp' })).toBe(false);
    expect(tileRegionApplies(info, pages, { ...base, quality: 'gray' })).toBe(false);
    expect(tileRegionApplies(info, pages, { ...base, quality: 'bitonal' })).toBe(false);
    expect(tileRegionApplies(info, pages, { ...base, rotation: { degrees: 90, mirror: false } })).toBe(false);
    expect(tileRegionApplies(info, pages, { ...base, rotation: { degrees: 0, mirror: true } })).toBe(false);
    expect(tileRegionApplies(info, pages, request(0, 0, width, height, 600, 400))).toBe(false);
    expect(tileRegionApplies(info, pages, request(100, 100, 200, 100, 400, 200))).toBe(false); // ^ enlarged
    expect(tileRegionApplies(info, pages, request(0, 0, width, height, 500, 20))).toBe(false); // squeezed far more on one axis
    expect(tileRegionApplies(info, null, base)).toBe(false);
  });

  it('fails, rather than answering wrong pixels, on a pyramid whose tiles are damaged', async () => {
    const broken = path.join(dir, 'broken.tif');
    const bytes = fs.readFileSync(file);
    const page = pages[0]!;
    // Zero the middle of one tile's data.
    const index = 5;
    bytes.fill(0, page.offsets[index]! + 20, page.offsets[index]! + page.byteCounts[index]! - 2);
    fs.writeFileSync(broken, bytes);
    const fd = fs.openSync(broken, 'r');
    try {
      const damaged: TileRegionSource = { key: 'broken', fd, info, pages };
      const req = request(5 * 256 + 10, 10, 200, 200, 200, 200);
      let failed = false;
      let answer: Buffer | null = null;
      try {
        answer = renderer.render(damaged, req);
      } catch {
        failed = true;
      }
      // libjpeg-turbo reads zeros as valid, flat data in some tiles: then the answer must at least differ from the good one.
      if (!failed) expect((await difference(answer!, renderer.render(source, req))).mean).toBeGreaterThan(1);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('reads tiles another renderer decoded into the memory they share, and decodes again what was forgotten', () => {
    const memory = allocateRenderMemory(8 * 1024 * 1024, 2);
    const first = new TileRegionRenderer(memory, 0), second = new TileRegionRenderer(memory, 1);
    const req = request(700, 500, 900, 600, 256, 171);
    const answer = first.render(source, req);
    expect(first.decoded.stats.misses).toBeGreaterThan(3);
    expect(second.render(source, req).equals(answer)).toBe(true);
    expect(second.decoded.stats).toMatchObject({ misses: 0, hits: first.decoded.stats.misses });
    second.forget(source.key);
    expect(first.render(source, req).equals(answer)).toBe(true);
    expect(first.decoded.stats.misses).toBe(2 * second.decoded.stats.hits);
    // No memory for decoded tiles (WENYUAN_IIIF_DECODED_TILES_MB=0): each tile decoded for the answer alone.
    expect(new TileRegionRenderer(0).render(source, req).equals(answer)).toBe(true);
  });

  it('renders through the pool of threads, each request answered, and a missing file rejected', async () => {
    const pool = new TileRegionPool(8 * 1024 * 1024, 2);
    try {
      const random = seeded(3);
      const reqs = Array.from({ length: 40 }, () => {
        const x = Math.floor(random() * (width - 600)), y = Math.floor(random() * (height - 400));
        return request(x, y, 600, 400, 256, 171);
      });
      const answers = await Promise.all(reqs.map((req) => pool.render('p', file, info, req)));
      for (let i = 0; i < reqs.length; i += 8) {
        expect(answers[i]!.equals(renderer.render(source, reqs[i]!))).toBe(true);
      }
      await expect(pool.render('gone', path.join(dir, 'missing.tif'), info, reqs[0]!)).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });

  it('rejects, rather than throws, when the threads\' memory cannot be made (the caller then renders with sharp)', async () => {
    const pool = new TileRegionPool(8 * 1024 ** 3, 1); // past WebAssembly's 4 GiB
    try {
      let thrown: unknown = null;
      const answer = (() => {
        try {
          return pool.render('p', file, info, request(100, 100, 600, 400, 256, 171));
        } catch (error) {
          thrown = error;
          return null;
        }
      })();
      expect(thrown).toBeNull();
      await expect(answer).rejects.toThrow(RangeError);
    } finally {
      await pool.close();
    }
  });

  it('names each pyramid to a thread once, and goes on past the number of names a thread keeps', async () => {
    const pool = new TileRegionPool(8 * 1024 * 1024, 1);
    try {
      const req = request(100, 100, 600, 400, 256, 171);
      const expected = renderer.render(source, req);
      // 1,030 keys for one file: past KNOWN_PER_THREAD (1,024) the thread is told to forget them all.
      for (let k = 0; k < 1030; k++) expect((await pool.render(`k${k}`, file, info, req)).equals(expected)).toBe(true);
      expect((await pool.render('k0', file, info, req)).equals(expected)).toBe(true);
      pool.forget('k1029');
      expect((await pool.render('k1029', file, info, req)).equals(expected)).toBe(true);
    } finally {
      await pool.close();
    }
  }, 60_000);

  // Linux names a deleted file's open descriptors in /proc: the file a rebuilt pyramid replaced must not stay held.
  it.skipIf(process.platform !== 'linux')('lets go of a pyramid file no request has read for a while', async () => {
    const copy = path.join(dir, 'replaced.tif');
    fs.copyFileSync(file, copy);
    const held = () => fs.readdirSync('/proc/self/fd').some((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(copy);
      } catch {
        return false;
      }
    });
    const pool = new TileRegionPool(8 * 1024 * 1024, 1, 300);
    try {
      await pool.render('replaced', copy, info, request(10, 10, 600, 400, 256, 171));
      fs.rmSync(copy);
      expect(held()).toBe(true);
      const until = Date.now() + 5000;
      while (held() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(held()).toBe(false);
    } finally {
      await pool.close();
    }
  });
});
