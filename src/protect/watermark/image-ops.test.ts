import { describe, expect, it } from 'vitest';
import { boxBlur } from './image-ops.js';

/** The plain walk boxBlur replaced (row by row, then column by column): its sums, in its order. */
function plainBoxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h), norm = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++) {
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += src[y * w + Math.min(w - 1, Math.max(0, k))]!;
    for (let x = 0; x < w; x++) {
      tmp[y * w + x] = sum * norm;
      sum += src[y * w + Math.min(w - 1, x + r + 1)]! - src[y * w + Math.max(0, x - r)]!;
    }
  }
  for (let x = 0; x < w; x++) {
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += tmp[Math.min(h - 1, Math.max(0, k)) * w + x]!;
    for (let y = 0; y < h; y++) {
      out[y * w + x] = sum * norm;
      sum += tmp[Math.min(h - 1, y + r + 1) * w + x]! - tmp[Math.max(0, y - r) * w + x]!;
    }
  }
  return out;
}

describe('boxBlur', () => {
  it('gives the plain walk’s values bit for bit, at every size, edge and radius', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 255;
    for (let w = 1; w <= 23; w++) {
      for (let h = 1; h <= 23; h += 2) {
        for (const r of [1, 2, 3, 7]) {
          const src = Float32Array.from({ length: w * h }, random);
          expect(Buffer.from(boxBlur(src, w, h, r).buffer), `${w}×${h} r=${r}`).toEqual(Buffer.from(plainBoxBlur(src, w, h, r).buffer));
        }
      }
    }
  });
});
