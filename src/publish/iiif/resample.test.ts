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

  it('equals a plain reference of the same fixed-point passes at every size, whatever the kernels\' blocks leave over', () => {
    // Vertical pass then horizontal, each rounding (+ 2^13) >> 14 and clamping, as the kernels do.
    const reference = (pixels: Uint8Array, w: number, h: number, ow: number, oh: number) => {
      const x = axisTaps(w, ow, 0, ow);
      const y = axisTaps(h, oh, 0, oh);
      const clamp = (v: number) => Math.min(255, Math.max(0, v >> 14));
      const rows = new Uint8Array(oh * w * 3);
      for (let j = 0; j < oh; j++)
        for (let i = 0; i < w * 3; i++) {
          let acc = 1 << 13;
          for (let t = 0; t < y.taps; t++) acc += y.weight[j * y.taps + t]! * pixels[(y.first + y.index[j * y.taps + t]!) * w * 3 + i]!;
          rows[j * w * 3 + i] = clamp(acc);
        }
      const out = new Uint8Array(oh * ow * 3);
      for (let j = 0; j < oh; j++)
        for (let i = 0; i < ow; i++)
          for (let c = 0; c < 3; c++) {
            let acc = 1 << 13;
            for (let t = 0; t < x.taps; t++) acc += x.weight[i * x.taps + t]! * rows[(j * w + x.first + x.index[i * x.taps + t]!) * 3 + c]!;
            out[(j * ow + i) * 3 + c] = clamp(acc);
          }
      return out;
    };
    let seed = 5;
    const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24);
    const sizes: [number, number, number, number][] = [];
    for (let ow = 1; ow <= 13; ow++) for (let oh = 1; oh <= 13; oh++) sizes.push([ow, oh, ow, oh], [ow + 5, 2 * oh + 3, ow, oh]);
    sizes.push([300, 200, 97, 61], [513, 300, 256, 149], [40, 9, 40, 9]);
    for (const [w, h, ow, oh] of sizes) {
      const picture = Uint8Array.from({ length: w * h * 3 }, () => noise());
      expect(Buffer.from(resize(picture, w, h, ow, oh)).equals(Buffer.from(reference(picture, w, h, ow, oh))), `${w}×${h} → ${ow}×${oh}`).toBe(true);
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
