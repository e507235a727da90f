import { describe, expect, it } from 'vitest';
import { contentBox, cropLuma } from './borders.js';

function framed(width: number, height: number, frame: { left: number; top: number; right: number; bottom: number }, border = 240): Float32Array {
  const luma = new Float32Array(width * height).fill(border);
  for (let y = frame.top; y < height - frame.bottom; y++) for (let x = frame.left; x < width - frame.right; x++) luma[y * width + x] = (x * 7 + y * 13) % 200;
  return luma;
}

describe('contentBox', () => {
  it('finds the picture inside an uneven plain frame', () => {
    const luma = framed(200, 150, { left: 16, top: 20, right: 10, bottom: 6 });
    expect(contentBox(luma, 200, 150)).toEqual({ left: 16, top: 20, width: 174, height: 124 });
  });

  it('ignores frames thinner than 1 % and images without a frame', () => {
    expect(contentBox(framed(300, 300, { left: 1, top: 1, right: 1, bottom: 1 }), 300, 300)).toBeNull();
    expect(contentBox(framed(300, 300, { left: 0, top: 0, right: 0, bottom: 0 }), 300, 300)).toBeNull();
  });

  it('returns nothing for a flat image or a frame around almost nothing', () => {
    expect(contentBox(new Float32Array(100 * 100).fill(9), 100, 100)).toBeNull();
    expect(contentBox(framed(200, 200, { left: 90, top: 90, right: 90, bottom: 90 }), 200, 200)).toBeNull();
  });

  it('crops the luma to the box', () => {
    const luma = framed(40, 40, { left: 4, top: 8, right: 0, bottom: 0 });
    const box = { left: 4, top: 8, width: 36, height: 32 };
    const crop = cropLuma(luma, 40, box);
    expect(crop.length).toBe(36 * 32);
    expect(crop[0]).toBe(luma[8 * 40 + 4]);
    expect(crop[crop.length - 1]).toBe(luma[40 * 40 - 1]);
  });
});
