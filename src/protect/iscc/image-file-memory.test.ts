/**
 * Issue 10, item 8: the Image-Code of a huge image is made without holding its frame in memory
 * (a 24 KB PNG may declare 196 megapixels), and gives the same code as the in-memory path.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFilePixels } from './image-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'iscc-memory-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Seeded noise inside a plain border, as raw pixels. */
function framed(width: number, height: number, channels: 3 | 4, border: number): Buffer {
  const out = Buffer.alloc(width * height * channels, 240);
  let s = 7;
  for (let y = border; y < height - border; y++) {
    for (let x = border + 3; x < width - border; x++) {
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
      if (channels === 4 && (x + y) % 3 === 0) out[o + 3] = 255;
    }
  }
  return out;
}

describe('Image-Codes of images too large to hold in memory', () => {
  it('reads them from a decoded copy on disk and gets the same pixels as in memory', async () => {
    const cases: { name: string; make: () => Sharp }[] = [
      { name: 'rgb.png', make: () => sharp(framed(301, 203, 3, 11), { raw: { width: 301, height: 203, channels: 3 } }).png() },
      { name: 'rgba.png', make: () => sharp(framed(180, 260, 4, 7), { raw: { width: 180, height: 260, channels: 4 } }).png() },
      { name: 'turned.jpg', make: () => sharp(framed(320, 200, 3, 0), { raw: { width: 320, height: 200, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }) },
      { name: 'grey.png', make: () => sharp(framed(150, 150, 3, 20), { raw: { width: 150, height: 150, channels: 3 } }).greyscale().png() },
    ];
    for (const { name, make } of cases) {
      const file = path.join(dir, name);
      await make().toFile(file);
      const inMemory = await imageFilePixels(file);
      const throughDisk = await imageFilePixels(file, undefined, { inMemoryMaxBytes: 0 });
      expect(Array.from(throughDisk), name).toEqual(Array.from(inMemory));
    }
  });

  it('refuses corrupt files the same way on both paths', async () => {
    const file = path.join(dir, 'truncated.png');
    const whole = await sharp(framed(400, 300, 3, 0), { raw: { width: 400, height: 300, channels: 3 } }).png().toBuffer();
    await writeFile(file, whole.subarray(0, whole.length / 2));
    await expect(imageFilePixels(file, undefined, { inMemoryMaxBytes: 0 })).rejects.toMatchObject({ code: 'corrupt_file' });
    await expect(imageFilePixels(file)).rejects.toMatchObject({ code: 'corrupt_file' });
  });

  it('keeps peak memory far below the frame for a 64-megapixel PNG (it held four copies of it)', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'huge.png');
    await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#f0f0f0' } }).png({ compressionLevel: 9 }).toFile(file);
    const script = path.join(dir, 'measure.mts');
    const module = path.join(path.dirname(fileURLToPath(import.meta.url)), 'image-file.ts');
    await writeFile(script, `
      import fs from 'node:fs';
      const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      const { imageFilePixels } = await import(${JSON.stringify(module)});
      await imageFilePixels(${JSON.stringify(path.join(dir, 'rgb.png'))}); // loads sharp and libvips first
      const before = hwm();
      await imageFilePixels(${JSON.stringify(file)}, 200_000_000);
      console.log(JSON.stringify({ before, after: hwm() }));
    `);
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', cwd: process.cwd() });
    const { before, after } = JSON.parse(out.trim().split('\n').pop()!) as { before: number; after: number };
    const frame = 8000 * 8000 * 3; // 192 MB of RGB; the old path peaked at over 500 MB above its start
    expect(after - before).toBeLessThan(frame / 2);
  });
});
