import { describe, expect, it } from 'vitest';
import { fillTransparencyWhite, horizontalPasses, normalizeImagePixels, precomputeCoeffs, resizeBicubic, toGrey, trimBorder, type RawPixels } from './image-normalize.js';

/** Seeded pixels with a uniform border of `border` px (the trim has something to find), some of them transparent. */
function pixels(seed: number, width: number, height: number, channels: 3 | 4, border: number): RawPixels {
  const data = new Uint8Array(width * height * channels);
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  const edge = [next(), next(), next()];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      const inside = x >= border && y >= border + 1 && x < width - border - 2 && y < height - border;
      for (let c = 0; c < 3; c++) data[o + c] = inside ? next() : edge[c]!;
      if (channels === 4) data[o + 3] = inside ? [0, 128, 255, 255][next() & 3]! : 255;
    }
  }
  return { data, width, height, channels };
}

/** The SDK's steps, one full-size copy each (the reference the in-place normaliser must equal). */
function stepByStep(p: RawPixels): Uint8Array {
  return resizeBicubic(toGrey(trimBorder(fillTransparencyWhite(p))), 32, 32).data;
}

describe('normalizeImagePixels reads the pixels in place', () => {
  it('equals the step-by-step Pillow normalisation for RGB and RGBA, with and without borders, at sizes around 32', () => {
    const cases: [number, number, 3 | 4, number][] = [
      [300, 200, 3, 0], [300, 200, 3, 17], [300, 200, 4, 9], [41, 97, 4, 0], [32, 32, 3, 0], [32, 80, 3, 0],
      [80, 32, 4, 0], [36, 36, 3, 2], [1, 1, 3, 0], [64, 48, 4, 30],
    ];
    cases.forEach(([w, h, ch, border], i) => {
      const p = pixels(i + 1, w, h, ch, border);
      expect(Array.from(normalizeImagePixels(p)), `${w}×${h}×${ch} border ${border}`).toEqual(Array.from(stepByStep(p)));
    });
  });

  it('keeps a one-colour image whole, as Pillow does', () => {
    const flat: RawPixels = { data: new Uint8Array(50 * 40 * 3).fill(200), width: 50, height: 40, channels: 3 };
    expect(Array.from(normalizeImagePixels(flat))).toEqual(Array.from(stepByStep(flat)));
  });

  it('treats opaque RGBA as RGB', () => {
    const rgb = pixels(7, 120, 90, 3, 5);
    const rgba = new Uint8Array(120 * 90 * 4);
    for (let i = 0; i < 120 * 90; i++) {
      rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 255;
    }
    expect(Array.from(normalizeImagePixels({ data: rgba, width: 120, height: 90, channels: 4 }))).toEqual(Array.from(normalizeImagePixels(rgb)));
  });
});

describe('the horizontal pass in WebAssembly', () => {
  it('gives the JavaScript loop’s bytes for every width, from enlarging to shrinking 500-fold', () => {
    for (const [width, outW] of [[1, 32], [7, 32], [33, 32], [300, 32], [1000, 32], [4099, 32], [16_001, 32], [257, 3]] as const) {
      const rows = 9;
      const grey = pixels(width * 7 + outW, width, rows, 3, 0).data.filter((_, i) => i % 3 === 0);
      const readRow = (y: number, dst: Uint8Array) => dst.set(grey.subarray(y * width, (y + 1) * width));
      const horiz = precomputeCoeffs(width, outW);
      const wasm = horizontalPasses(width, rows, 0, outW, horiz, readRow);
      const js = horizontalPasses(width, rows, 0, outW, horiz, readRow, true);
      expect(Buffer.from(wasm).equals(Buffer.from(js)), `${width} → ${outW}`).toBe(true);
      // Not a trivial agreement: the rows are busy (past the test image's edge columns), so the outputs vary.
      if (width > 3) expect(new Set(js).size).toBeGreaterThan(1);
    }
  });
});
