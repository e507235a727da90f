import { describe, expect, it } from 'vitest';
import { boxPasses } from './box-passes.js';
import { boxPassesInJs, jaroszWindow } from './pdq.js';

/** Luma-like values with float32 fractions, from a fixed seed. */
function plane(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.fround((s / 2 ** 32) * 255.7);
  }
  return out;
}

describe('PDQ box passes in WebAssembly', () => {
  it('give the JavaScript passes bit for bit, at every size class, edge and window', () => {
    const sizes = [[5, 5], [6, 7], [64, 64], [129, 130], [257, 131], [131, 257], [768, 512], [1023, 771], [2048, 40], [3, 2048].reverse()];
    let seed = 1;
    for (const [w, h] of sizes) {
      for (const [wr, wc] of [[jaroszWindow(w!), jaroszWindow(h!)], [1, 1], [3, 2], [Math.min(w!, 9), Math.min(h!, 5)]]) {
        const luma = plane(w! * h!, seed++);
        const js = Float32Array.from(boxPassesInJs(luma, w!, h!, wr!, wc!));
        const wasm = boxPasses(luma, w!, { x0: 0, y0: 0, width: w!, height: h! }, wr!, wc!);
        expect(wasm, `${w}×${h} windows ${wr}/${wc}`).not.toBeNull();
        // Compared as bits: equal floats, not merely close ones.
        expect(Buffer.from(new Uint8Array(wasm!.buffer, wasm!.byteOffset, wasm!.byteLength)).equals(Buffer.from(js.buffer)), `${w}×${h} windows ${wr}/${wc}`).toBe(true);
      }
    }
  });

  it('reads a rectangle of a larger plane as it reads the same pixels copied out', () => {
    const w = 301, h = 203, luma = plane(w * h, 99);
    for (const [x0, y0, cw, ch] of [[15, 10, 271, 183], [0, 20, 301, 100], [30, 0, 200, 203]] as const) {
      const copy = new Float32Array(cw * ch);
      for (let y = 0; y < ch; y++) copy.set(luma.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + cw), y * cw);
      const js = Float32Array.from(boxPassesInJs(copy, cw, ch, jaroszWindow(cw), jaroszWindow(ch)));
      const wasm = boxPasses(luma, w, { x0, y0, width: cw, height: ch }, jaroszWindow(cw), jaroszWindow(ch))!;
      expect(Buffer.from(new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength)).equals(Buffer.from(js.buffer))).toBe(true);
    }
  });

  it('leaves planes above its limit to JavaScript', () => {
    expect(boxPasses(new Float32Array(1), 4097, { x0: 0, y0: 0, width: 4097, height: 1025 }, 33, 9)).toBeNull();
  });
});
