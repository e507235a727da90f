import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { detectWatermark, embedWatermark } from './index.js';
import { tileLayout } from './keyed-pattern.js';

const images = path.resolve(process.cwd(), '../shared/data/images');
const photo = path.join(images, 'kodak/kodim23.png');
const hasImages = fs.existsSync(photo);
const key = new Uint8Array(32).map((_, i) => i * 7 + 1);
const payload = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x2a]);
const maxPixels = 50_000_000;

describe('keyed pattern', () => {
  it('depends on the key', () => {
    const a = tileLayout(key), b = tileLayout(new Uint8Array(32));
    expect(a.sign).not.toEqual(b.sign);
    expect(tileLayout(key).sign).toEqual(a.sign);
  });
});

describe('watermark', () => {
  it('rejects images with a short side under 128 px', async () => {
    const tiny = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#777' } }).png().toBuffer();
    await expect(embedWatermark(tiny, { key, payload, maxPixels })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'image_too_small');
  });

  it('refuses bytes that are not an image as corrupt_file', async () => {
    await expect(detectWatermark(Buffer.from('not an image at all'), { key, maxPixels })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'corrupt_file');
  });

  it.skipIf(!hasImages)('embeds invisibly and survives the core attacks', async () => {
    const { data, psnr, width, height } = await embedWatermark(photo, { key, payload, maxPixels });
    expect(psnr).toBeGreaterThanOrEqual(40);
    const attacks: [string, Promise<Buffer>][] = [
      ['jpeg50', sharp(data).jpeg({ quality: 50 }).toBuffer()],
      ['resize50', sharp(data).resize(Math.round(width / 2)).png().toBuffer()],
      ['crop10', sharp(data).extract({ left: 77, top: 51, width: width - 154, height: height - 102 }).png().toBuffer()],
      ['rot2', sharp(data).rotate(2).toBuffer({ resolveWithObject: true }).then((r) => sharp(r.data)
        .extract({ left: (r.info.width - width) >> 1, top: (r.info.height - height) >> 1, width, height }).png().toBuffer())],
    ];
    for (const [name, image] of attacks) {
      const r = await detectWatermark(await image, { key, maxPixels });
      expect(r.payload, name).toEqual(payload);
      expect(r.confidence, name).toBeGreaterThanOrEqual(0.5);
    }
    const wrong = await detectWatermark(data, { key: new Uint8Array(32).fill(9), maxPixels });
    expect(wrong.payload).toBeNull();
  });

  it.skipIf(!hasImages)('a 400-pixel drawing on a transparent ground survives halving, a 10 % crop and a screenshot', async () => {
    // Only the opaque half of this portrait can carry the mark, and halving leaves 200 × 200 pixels.
    const drawing = path.join(images, 'wesnoth/portraits/dwarves__guard.png');
    const { data, psnr, width, height } = await embedWatermark(drawing, { key, payload, maxPixels });
    expect(psnr).toBeGreaterThanOrEqual(40);
    const dx = Math.round(width / 10), dy = Math.round(height / 10);
    const attacks: [string, Promise<Buffer>][] = [
      ['resize50', sharp(data).resize(Math.round(width / 2)).png().toBuffer()],
      ['crop10', sharp(data).extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).png().toBuffer()],
      ['screenshot', sharp(data).flatten({ background: '#ffffff' }).extend({ top: 40, bottom: 24, left: 16, right: 16, background: '#f0f0f0' }).png().toBuffer()],
    ];
    for (const [name, image] of attacks) expect((await detectWatermark(await image, { key, maxPixels })).payload, name).toEqual(payload);
  });

  it.skipIf(!hasImages)('refuses to mark an image twice under one key; another key’s mark on top never yields a wrong payload', async () => {
    const first = await embedWatermark(photo, { key, payload, maxPixels });
    await expect(embedWatermark(first.data, { key, payload: Uint8Array.from([1, 2, 3, 4, 5, 6]), maxPixels })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'conflict' && !e.message.includes('deadbeef002a'));
    // Another archive's key: its mark goes on top and reads back; the first mark now competes with
    // it (same tile period) and reads as its own payload or as "no watermark", never as another.
    const otherKey = new Uint8Array(32).fill(3), otherPayload = Uint8Array.from([6, 5, 4, 3, 2, 1]);
    const both = await embedWatermark(first.data, { key: otherKey, payload: otherPayload, maxPixels });
    expect((await detectWatermark(both.data, { key: otherKey, maxPixels })).payload).toEqual(otherPayload);
    const under = (await detectWatermark(both.data, { key, maxPixels })).payload;
    expect(under === null || Buffer.from(under).equals(Buffer.from(payload))).toBe(true);
  });

  it.skipIf(!hasImages)('marks decoded pixels exactly as it marks the file they came from, in place, and leaves them be when it refuses', async () => {
    const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
    const fromFile = await embedWatermark(photo, { key, payload, maxPixels });
    const pixels = { data: Buffer.from(data), width: info.width, height: info.height, channels: info.channels };
    const fromPixels = await embedWatermark(pixels, { key, payload, maxPixels });
    expect(fromPixels.psnr).toBe(fromFile.psnr);
    expect((await sharp(fromPixels.data).raw().toBuffer()).equals(await sharp(fromFile.data).raw().toBuffer())).toBe(true);
    expect(pixels.data.equals(data)).toBe(false); // the caller's decode was marked, not copied
    expect((await detectWatermark(fromPixels.data, { key, maxPixels })).payload).toEqual(payload);
    // Already marked: refused without touching the pixels (the display job then stores them as they are).
    const before = Buffer.from(pixels.data);
    await expect(embedWatermark(pixels, { key, payload: Uint8Array.from([1, 2, 3, 4, 5, 6]), maxPixels })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'conflict');
    expect(pixels.data.equals(before)).toBe(true);
    await expect(embedWatermark({ data: Buffer.alloc(10), width: 300, height: 300, channels: 3 }, { key, payload, maxPixels })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'corrupt_file');
  });

  it.skipIf(!hasImages)('reports no watermark on an unmarked image', async () => {
    const r = await detectWatermark(path.join(images, 'kodak/kodim05.png'), { key, maxPixels });
    expect(r.payload).toBeNull();
    expect(r.confidence).toBeLessThan(0.5);
  });
});
