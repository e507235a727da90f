import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { EmbedPool } from './embed-pool.js';
import { embedWatermark } from './embed.js';

const photo = path.resolve(process.cwd(), '../shared/data/images/kodak/kodim23.png');
const hasImages = fs.existsSync(photo);
const key = new Uint8Array(32).map((_, i) => i * 5 + 3);
const payload = Uint8Array.from([1, 2, 3, 4, 5, 6]);
const maxPixels = 50_000_000;

describe.skipIf(!hasImages)('embedding in worker threads', () => {
  const pool = new EmbedPool(2);
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
    // The longest the event loop waited, for the same work here and in the pool, in the same
    // conditions: a ratio, so a busy machine slows both sides alike.
    const longestStall = async (work: () => Promise<unknown>) => {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      await work();
      delay.disable();
      return delay.max / 1e6;
    };
    const here = await longestStall(() => embedWatermark(pixels(), { key, payload, maxPixels, format: 'jpeg' }));
    const inPool = await longestStall(() => Promise.all([pool.embed(pixels(), { key, payload, maxPixels, format: 'jpeg' }), pool.embed(pixels(), { key, payload, maxPixels, format: 'jpeg' })]));
    // On the main thread one embedding blocks it for its whole length; in the pool, the longest
    // stall (copying the pixels over, a collection) is a fraction of that.
    expect(inPool).toBeLessThan(here / 2);
  });
});
