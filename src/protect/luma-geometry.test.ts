import { describe, expect, it } from 'vitest';
import { dihedralLuma, medianLuma, rotateLuma, shrinkLuma } from './luma-geometry.js';

describe('luma geometry', () => {
  it('shrinks by whole-pixel box averages to at most the size asked', () => {
    const luma = Float32Array.from({ length: 8 * 4 }, (_, i) => i % 8); // columns 0..7
    const small = shrinkLuma(luma, 8, 4, 4);
    expect([small.width, small.height]).toEqual([4, 2]);
    expect([...small.luma.subarray(0, 4)]).toEqual([0.5, 2.5, 4.5, 6.5]);
    expect(shrinkLuma(luma, 8, 4, 8).luma).toBe(luma); // already small enough: untouched
  });

  it('turns about the centre, and turning back restores the middle', () => {
    const w = 64;
    const h = 48;
    const luma = Float32Array.from({ length: w * h }, (_, i) => ((i % w) * 3 + Math.floor(i / w) * 5) % 97);
    const there = rotateLuma(luma, w, h, 4);
    const back = rotateLuma(there, w, h, -4);
    let error = 0;
    let n = 0;
    for (let y = 12; y < h - 12; y++) for (let x = 12; x < w - 12; x++, n++) error += Math.abs(back[y * w + x]! - luma[y * w + x]!);
    expect(error / n).toBeLessThan(6); // bilinear twice blurs a little; a wrong centre or sign would be far off
    expect(rotateLuma(luma, w, h, 0)[5 * w + 7]).toBeCloseTo(luma[5 * w + 7]!);
    // Corners uncovered by the turn take the mean value.
    const mean = luma.reduce((s, v) => s + v, 0) / luma.length;
    expect(rotateLuma(luma, w, h, 30)[0]).toBeCloseTo(mean);
  });

  it('maps pixels under the eight symmetries as PDQ names them, and each undoes its inverse', () => {
    // 3 × 2:  a b c / d e f
    const luma = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const view = (t: Parameters<typeof dihedralLuma>[3]) => {
      const r = dihedralLuma(luma, 3, 2, t);
      return [r.width, r.height, ...r.luma];
    };
    expect(view('rot90')).toEqual([2, 3, 3, 6, 2, 5, 1, 4]); // counter-clockwise: the right column comes up top
    expect(view('rot270')).toEqual([2, 3, 4, 1, 5, 2, 6, 3]);
    expect(view('rot180')).toEqual([3, 2, 6, 5, 4, 3, 2, 1]);
    expect(view('flipX')).toEqual([3, 2, 4, 5, 6, 1, 2, 3]);
    expect(view('flipY')).toEqual([3, 2, 3, 2, 1, 6, 5, 4]);
    expect(view('flipPlus1')).toEqual([2, 3, 1, 4, 2, 5, 3, 6]);
    expect(view('flipMinus1')).toEqual([2, 3, 6, 3, 5, 2, 4, 1]);
    const turned = dihedralLuma(luma, 3, 2, 'rot90');
    expect([...dihedralLuma(turned.luma, turned.width, turned.height, 'rot270').luma]).toEqual([...luma]);
  });

  it('median filtering removes a thin stroke and keeps a broad edge', () => {
    const w = 40, h = 30;
    // Left half dark, right half light, and a 2-pixel white line across the dark half.
    const luma = Float32Array.from({ length: w * h }, (_, i) => {
      const x = i % w, y = Math.floor(i / w);
      if (x < 20 && (y === 10 || y === 11)) return 255;
      return x < 20 ? 40 : 200;
    });
    const out = medianLuma(luma, w, h, 3);
    expect(out[10 * w + 5]).toBe(40); // the stroke is gone
    expect(out[11 * w + 10]).toBe(40);
    expect(out[20 * w + 5]).toBe(40); // flat areas unchanged
    expect(out[20 * w + 35]).toBe(200);
    expect(out[20 * w + 17]).toBe(40); // the edge stays where it was
    expect(out[20 * w + 22]).toBe(200);
  });
});
