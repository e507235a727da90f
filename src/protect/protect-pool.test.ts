import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeBudget } from '../media/decode-budget.js';
import { AppError } from '../platform/errors.js';
import { fingerprintImage } from './fingerprint.js';
import { ProtectPool } from './protect-pool.js';
import { embedWatermark } from './watermark/embed.js';

const images = path.resolve(process.cwd(), '../shared/data/images');
const hasImages = fs.existsSync(path.join(images, 'kodak/kodim23.png'));
const maxPixels = 50_000_000;
// Photos (PNG, JPEG, baseline and not), greyscale, transparent portraits (hashed on white and on black), a small one.
const SAMPLES = [
  'kodak/kodim01.png', 'kodak/kodim23.png', 'skimage/camera.png', 'skimage/coins.png', 'skimage/astronaut.png',
  'skimage/hubble_deep_field.jpg', 'skimage/rocket.jpg', 'sklearn/china.jpg', 'ukbench-fixture/base_images/ukbench00120.jpg',
  'ukbench-fixture/mixed_images/ukbench00120_rotation.jpg', 'wesnoth/portraits/humans__halberdier.png', 'wesnoth/portraits/trolls__troll.png',
].map((f) => path.join(images, f));


/**
 * The longest the event loop waited while `work` ran. Tests compare the same work done here and in
 * the pool, in the same conditions: a ratio, so a busy machine slows both sides alike.
 */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await work();
  delay.disable();
  return delay.max / 1e6;
}

describe.skipIf(!hasImages)('fingerprinting in worker threads', () => {
  const budget = new DecodeBudget();
  const pool = new ProtectPool(2, budget);
  afterAll(() => pool.close());

  it('gives the main thread’s fingerprints bit for bit, on real images', async () => {
    const inPool = await Promise.all(SAMPLES.map((file) => pool.fingerprint({ file, maxPixels, name: 'A title' })));
    for (const [i, file] of SAMPLES.entries()) {
      const here = await fingerprintImage(file, { maxPixels, name: 'A title' });
      expect(inPool[i], file).toEqual(here);
    }
    expect(inPool.some((f) => f.onBlack)).toBe(true); // the transparent ones were hashed on black too
    expect(pool.threads).toBe(2);
  });

  it('decodes under the main thread’s decode budget and gives all of it back', async () => {
    const tight = new DecodeBudget(1); // room for one decode at a time, whatever its size
    const small = new ProtectPool(2, tight);
    try {
      await Promise.all(SAMPLES.slice(0, 4).map((file) => small.fingerprint({ file, maxPixels })));
      const stats = tight.stats();
      // Each file: one decode (plain sRGB without alpha or profile: ISCC reads the pixels PDQ decoded).
      expect(stats.granted).toBe(4);
      expect(stats.peakRunning).toBe(1);
      expect(stats.waited).toBeGreaterThan(0);
      expect(stats.inUseBytes).toBe(0);
      expect(stats.running).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('brings refusals back as the same AppError', async () => {
    const corrupt = path.join(images, 'ukbench-fixture/mixed_images/ukbench09268_corrupt.jpg');
    const [there, here] = await Promise.allSettled([pool.fingerprint({ file: corrupt, maxPixels }), fingerprintImage(corrupt, { maxPixels })]);
    expect(there.status).toBe('rejected');
    expect(here.status).toBe('rejected');
    const [a, b] = [(there as PromiseRejectedResult).reason, (here as PromiseRejectedResult).reason];
    expect(a).toBeInstanceOf(AppError);
    expect({ code: a.code, key: a.key, params: a.params }).toEqual({ code: b.code, key: b.key, params: b.params });
    await expect(pool.fingerprint({ file: SAMPLES[0]!, maxPixels: 1000 })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'image_too_large');
  });

  it('gives back the budget of a thread that dies mid-decode, and the next call gets a new thread', async () => {
    const tight = new DecodeBudget(1);
    const dying = new ProtectPool(1, tight);
    try {
      const running = dying.fingerprint({ file: SAMPLES[4]!, maxPixels });
      while (tight.stats().running === 0) await new Promise((r) => setTimeout(r, 1));
      await dying.close(); // as a crash would: the thread is gone while it holds its grant
      await expect(running).rejects.toThrow();
      expect(tight.stats()).toMatchObject({ running: 0, inUseBytes: 0 });
      await expect(dying.fingerprint({ file: SAMPLES[2]!, maxPixels })).resolves.toEqual(await fingerprintImage(SAMPLES[2]!, { maxPixels }));
    } finally {
      await dying.close();
    }
  });

  it('keeps the main thread free while it fingerprints', async () => {
    // A 3000 px photo: its hashing blocks a thread for a good fraction of a second, so the stall the
    // main thread would suffer stands far above timer noise even on a busy machine.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-fp-')), 'large.png');
    await sharp(SAMPLES[4]!).resize(3000).png({ compressionLevel: 1 }).toFile(file);
    await pool.fingerprint({ file, maxPixels });
    const here = await longestStall(() => Promise.all([fingerprintImage(file, { maxPixels }), fingerprintImage(file, { maxPixels })]));
    const inPool = await longestStall(() => Promise.all([pool.fingerprint({ file, maxPixels }), pool.fingerprint({ file, maxPixels })]));
    // On the main thread a fingerprint blocks the loop for most of its length; in the pool only moments.
    expect(inPool).toBeLessThan(here / 2);
  });
});

const photo = path.join(images, 'kodak/kodim23.png');
const key = new Uint8Array(32).map((_, i) => i * 5 + 3);
const payload = Uint8Array.from([1, 2, 3, 4, 5, 6]);

describe.skipIf(!hasImages)('embedding in worker threads', () => {
  const pool = new ProtectPool(2);
  afterAll(() => pool.close());

  it('marks exactly as the main thread does, and leaves the caller’s pixels alone', async () => {
    const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
    const pixels = { data: Buffer.from(data), width: info.width, height: info.height, channels: info.channels };
    const [inPool, again] = await Promise.all([
      pool.embed(pixels, { key, payload, maxPixels, format: 'png' }),
      pool.embed(pixels, { key, payload, maxPixels, format: 'png' }),
    ]);
    expect(pixels.data.equals(data)).toBe(true);
    const here = await embedWatermark({ ...pixels, data: Buffer.from(data) }, { key, payload, maxPixels, format: 'png' });
    expect(inPool.psnr).toBe(here.psnr);
    expect((await sharp(inPool.data).raw().toBuffer()).equals(await sharp(here.data).raw().toBuffer())).toBe(true);
    expect(again.data.equals(inPool.data)).toBe(true);
  });

  it('brings refusals back as the same AppError', async () => {
    const tiny = { data: Buffer.alloc(300 * 100 * 3, 120), width: 300, height: 100, channels: 3 };
    await expect(pool.embed(tiny, { key, payload, maxPixels })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'image_too_small' && e.key === 'watermark.image_too_small');
  });

  it('keeps the main thread free while it marks', async () => {
    const { data, info } = await sharp(photo).resize(2048).raw().toBuffer({ resolveWithObject: true });
    const pixels = () => ({ data: Buffer.from(data), width: info.width, height: info.height, channels: 3 });
    await pool.embed(pixels(), { key, payload, maxPixels, format: 'jpeg' }); // threads started and warm
    const here = await longestStall(() => embedWatermark(pixels(), { key, payload, maxPixels, format: 'jpeg' }));
    const inPool = await longestStall(() => Promise.all([pool.embed(pixels(), { key, payload, maxPixels, format: 'jpeg' }), pool.embed(pixels(), { key, payload, maxPixels, format: 'jpeg' })]));
    // On the main thread one embedding blocks it for its whole length; in the pool, the longest
    // stall (copying the pixels over, a collection) is a fraction of that.
    expect(inPool).toBeLessThan(here / 2);
  });
});

describe.skipIf(!hasImages)('one pool for both kinds of work', () => {
  it('runs embeddings and fingerprints side by side on the same threads', async () => {
    const pool = new ProtectPool(2, new DecodeBudget());
    try {
      const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
      const pixels = { data: Buffer.from(data), width: info.width, height: info.height, channels: info.channels };
      const [marked, fingerprint] = await Promise.all([pool.embed(pixels, { key, payload, maxPixels, format: 'png' }), pool.fingerprint({ file: photo, maxPixels })]);
      expect(marked.psnr).toBeGreaterThan(40);
      expect(fingerprint).toEqual(await fingerprintImage(photo, { maxPixels }));
      expect(pool.threads).toBe(2);
    } finally {
      await pool.close();
    }
  });
});
