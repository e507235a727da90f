import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { axisTaps, Resampler } from './resample.js';

/** Resizes a w × h RGB picture to ow × oh through the resampler (no cut). */
function resize(pixels: Uint8Array, w: number, h: number, ow: number, oh: number): Uint8Array {
  const r = new Resampler();
  const x = axisTaps(w, ow, 0, ow);
  const y = axisTaps(h, oh, 0, oh);
  const window = r.window(x.end - x.first, y.end - y.first, x, y);
  for (let row = y.first; row < y.end; row++) {
    const from = (row * w + x.first) * 3;
    window.pixels.set(pixels.subarray(from, from + (x.end - x.first) * 3), (row - y.first) * window.stride);
  }
  return Uint8Array.from(r.resize());
}

describe('the SIMD Lanczos-3 resampler', () => {
  it('has weights that sum to exactly one for every output pixel, shrinking or not', () => {
    for (const [from, to] of [[1000, 256], [513, 256], [256, 256], [300, 299], [7, 3], [100, 150]] as const) {
      const axis = axisTaps(from, to, 0, to);
      expect(axis.taps % 2).toBe(0);
      for (let i = 0; i < to; i++) {
        let sum = 0;
        for (let t = 0; t < axis.taps; t++) sum += axis.weight[i * axis.taps + t]!;
        expect(sum).toBe(1 << 14);
      }
      expect(axis.first).toBeGreaterThanOrEqual(0);
      expect(axis.end).toBeLessThanOrEqual(from);
    }
  });

  it('copies a 1:1 axis exactly and keeps a flat colour flat', () => {
    const w = 67, h = 45;
    const picture = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
    expect(Buffer.from(resize(picture, w, h, w, h)).equals(Buffer.from(picture))).toBe(true);
    const flat = new Uint8Array(300 * 200 * 3).fill(173);
    expect(resize(flat, 300, 200, 97, 61).every((v) => v === 173)).toBe(true);
  });

  it('gives what sharp (libvips, Lanczos-3) gives, to within rounding, on stripes, edges and noise', async () => {
    const w = 300, h = 200;
    let seed = 9;
    const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24);
    const pictures = [
      Uint8Array.from({ length: w * h * 3 }, (_, i) => ((Math.floor(i / 3) % w) % 2 ? 255 : 0)),
      Uint8Array.from({ length: w * h * 3 }, (_, i) => ((Math.floor(i / 3) % w) < 150 ? 0 : 255)),
      Uint8Array.from({ length: w * h * 3 }, () => noise()),
    ];
    for (const picture of pictures) {
      for (const [ow, oh] of [[150, 100], [97, 61], [256, 171], [300, 200]] as const) {
        const ours = resize(picture, w, h, ow, oh);
        const theirs = await sharp(picture, { raw: { width: w, height: h, channels: 3 } }).resize(ow, oh, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
        let sum = 0;
        for (let i = 0; i < ours.length; i++) sum += Math.abs(ours[i]! - theirs[i]!);
        expect(sum / ours.length, `${ow} × ${oh}`).toBeLessThan(1);
      }
    }
  });

  it('is what wasm/resample.ts compiles to (src/publish/iiif/resample-wasm.ts is not edited by hand)', () => {
    const check = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
