import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { axisTaps, KERNEL, LOBES, Resampler, TABLE_STEPS } from './resample.js';

const resampler = new Resampler();

/** Resizes a w × h RGB picture to ow × oh through the resampler (no cut). */
function resize(pixels: Uint8Array, w: number, h: number, ow: number, oh: number): Uint8Array {
  const layout = resampler.layout({ sourceLength: w, resizedLength: ow, offset: 0, out: ow }, { sourceLength: h, resizedLength: oh, offset: 0, out: oh });
  const window = resampler.window();
  for (let row = 0; row < layout.height; row++) {
    const from = ((layout.y0 + row) * w + layout.x0) * 3;
    window.set(pixels.subarray(from, from + layout.width * 3), row * layout.stride);
  }
  return Uint8Array.from(resampler.resize());
}

/** The taps as they were computed in JavaScript before they moved to WebAssembly: the same numbers are expected. */
const ONE = 1 << 14;
function referenceAxisTaps(sourceLength: number, resizedLength: number, offset: number, out: number): { taps: number; index: Int32Array; weight: Int32Array; first: number; end: number } {
  const s = sourceLength / resizedLength;
  const widen = Math.max(1, s);
  const radius = LOBES * widen;
  let taps = 2 * Math.ceil(radius);
  taps += taps & 1; // the SIMD loop takes taps in pairs
  const index = new Int32Array(out * taps);
  const weight = new Int32Array(out * taps);
  const raw = scratch(taps);
  const step = TABLE_STEPS / widen;
  const last = KERNEL.length - 1;
  let first = sourceLength;
  let end = 0;
  for (let i = 0; i < out; i++) {
    const centre = (i + offset + 0.5) * s - 0.5;
    const start = Math.floor(centre - radius) + 1;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const d = start + t - centre;
      const q = ((d < 0 ? -d : d) * step + 0.5) | 0;
      const w = q < last ? KERNEL[q]! : 0;
      raw[t] = w;
      sum += w;
    }
    const base = i * taps;
    const norm = ONE / sum;
    let total = 0;
    let largest = base;
    for (let t = 0; t < taps; t++) {
      let source = start + t;
      source = source < 0 ? 0 : source >= sourceLength ? sourceLength - 1 : source;
      const w = Math.round(raw[t]! * norm);
      index[base + t] = source;
      weight[base + t] = w;
      total += w;
      if (w > weight[largest]!) largest = base + t;
      if (w !== 0) {
        if (source < first) first = source;
        if (source >= end) end = source + 1;
      }
    }
    // Rounding must not brighten or darken: the weights sum to exactly one.
    weight[largest] = weight[largest]! + ONE - total;
  }
  const top = end - 1;
  for (let j = 0; j < index.length; j++) {
    const v = index[j]!;
    index[j] = (v < first ? first : v > top ? top : v) - first;
  }
  return { taps, index, weight, first, end };
}

let rawWeights = new Float64Array(64);
/** A reused array for one output pixel's raw weights. */
function scratch(length: number): Float64Array {
  if (rawWeights.length < length) rawWeights = new Float64Array(length);
  return rawWeights;
}


describe('the SIMD Lanczos-3 resampler', () => {
  it('computes the same taps in WebAssembly as the JavaScript it replaced, to the last weight', () => {
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const cases: [number, number, number, number][] = [[1000, 256, 0, 256], [513, 256, 0.5, 256], [256, 256, 0, 256], [7, 3, 0, 3], [100, 150, 2, 120], [1, 1, 0, 1]];
    for (let k = 0; k < 300; k++) {
      const resized = 1 + Math.floor(random() * 600);
      const source = Math.max(1, Math.round(resized * (0.5 + random() * 3.5)));
      const out = 1 + Math.floor(random() * resized);
      cases.push([source, resized, Math.floor(random() * (resized - out + 1)) + (random() < 0.3 ? random() : 0), out]);
    }
    for (const [source, resized, offset, out] of cases) {
      const ours = axisTaps(source, resized, offset, out);
      const theirs = referenceAxisTaps(source, resized, offset, out);
      const label = `${source} → ${resized} at ${offset}, ${out}`;
      expect([ours.taps, ours.first, ours.end], label).toEqual([theirs.taps, theirs.first, theirs.end]);
      expect(Buffer.from(ours.index.buffer).equals(Buffer.from(theirs.index.buffer)), label).toBe(true);
      expect(Buffer.from(ours.weight.buffer).equals(Buffer.from(theirs.weight.buffer)), label).toBe(true);
    }
  });

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

  it('lays out the taps it computes in place as axisTaps computes them, and copies rows in from the same memory', () => {
    resampler.layout({ sourceLength: 513, resizedLength: 256, offset: 0.5, out: 200 }, { sourceLength: 300, resizedLength: 171, offset: 3, out: 160 });
    const { x, y } = resampler.axes();
    for (const [ours, theirs] of [[x, axisTaps(513, 256, 0.5, 200)], [y, axisTaps(300, 171, 3, 160)]] as const) {
      expect([ours.taps, ours.first, ours.end]).toEqual([theirs.taps, theirs.first, theirs.end]);
      expect(Buffer.from(ours.index.buffer).equals(Buffer.from(theirs.index.buffer))).toBe(true);
      expect(Buffer.from(ours.weight.buffer).equals(Buffer.from(theirs.weight.buffer))).toBe(true);
    }
    // copyIn: rows from elsewhere in the memory land at their place in the window.
    resampler.layout({ sourceLength: 40, resizedLength: 40, offset: 0, out: 40 }, { sourceLength: 10, resizedLength: 10, offset: 0, out: 10 });
    const memory = new Uint8Array(resampler.sharedMemory.buffer);
    const from = memory.length - 4096;
    for (let i = 0; i < 600; i++) memory[from + i] = i % 251;
    resampler.copyIn(from, 100, 5, 2, 30, 4);
    const window = resampler.window();
    const stride = window.length / 10;
    for (let r = 0; r < 4; r++) expect([...window.subarray((2 + r) * stride + 15, (2 + r) * stride + 45)]).toEqual([...memory.subarray(from + r * 100, from + r * 100 + 30)]);
  });

  it('fits the largest resize an unaligned region may ask for in a work area, and refuses one that does not fit', () => {
    // tileRegionApplies: answers up to 512 px a side, from at most 2 × 512 + 2 level pixels per axis.
    for (const out of [512, 511, 1]) {
      const source = 2 * out + 2;
      expect(() => new Resampler().layout({ sourceLength: source, resizedLength: out, offset: 0, out }, { sourceLength: source, resizedLength: out, offset: 0, out })).not.toThrow();
    }
    expect(() => resampler.layout({ sourceLength: 4000, resizedLength: 512, offset: 0, out: 512 }, { sourceLength: 4000, resizedLength: 512, offset: 0, out: 512 })).toThrow(RangeError);
  });

  it('is what wasm/resample.ts compiles to (src/publish/iiif/resample-wasm.ts, and every other module built from wasm/, is not edited by hand)', () => {
    const check = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
