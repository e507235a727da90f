import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { buildPyramid } from '../../src/publish/iiif/pyramid.js';
import { listFiles, SHARED_DATA, tempDir } from '../support.js';

/**
 * Raw RGB pixels of a `width × height` mosaic of 16 × 16 cells of the given images, each cut to
 * 768 × 512 (every other one mirrored, so the cells repeat less visibly): varied photographic
 * content at any size up to 12,288 × 8,192, for the IIIF benchmarks.
 */
export async function kodakMosaic(files: string[], width: number, height: number): Promise<Buffer> {
  const tiles = await Promise.all(files.map((f, i) => {
    const image = sharp(f).resize(768, 512, { fit: 'cover' }).removeAlpha();
    return (i % 2 ? image.flop() : image).raw().toBuffer();
  }));
  const inputs = Array.from({ length: 256 }, (_, i) => ({
    input: tiles[(i * 7) % tiles.length]!, raw: { width: 768, height: 512, channels: 3 as const }, left: (i % 16) * 768, top: Math.floor(i / 16) * 512,
  }));
  const whole = await sharp({ create: { width: 16 * 768, height: 16 * 512, channels: 3, background: '#000' } }).composite(inputs).raw().toBuffer();
  return sharp(whole, { raw: { width: 16 * 768, height: 16 * 512, channels: 3 } }).extract({ left: 0, top: 0, width, height }).raw().toBuffer();
}

/**
 * The pyramid file a render benchmark reads: `file` when given, else the 12,000 × 8,000 kodak
 * mosaic's pyramid built in a temporary directory (removed when the process exits).
 */
export async function benchPyramid(file: string | undefined, prefix: string): Promise<string> {
  if (file) return path.resolve(file);
  const dir = tempDir(prefix);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const built = path.join(dir, 'k12000.tif');
  const data = await kodakMosaic(listFiles(path.join(SHARED_DATA, 'images/kodak'), ['.png']), 12_000, 8_000);
  await buildPyramid({ data, width: 12_000, height: 8_000, channels: 3 }, built, { maxPixels: 2_000_000_000 });
  return built;
}
