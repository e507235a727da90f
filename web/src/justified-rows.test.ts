import { describe, expect, it } from 'vitest';
import { justifiedRows, layoutAspect } from './justified-rows';

const rowWidth = (row: { boxes: { width: number }[] }, gap: number) => row.boxes.reduce((n, b) => n + b.width, 0) + gap * (row.boxes.length - 1);

describe('justifiedRows', () => {
  it('fills every row but the last to the container width exactly, boxes keeping their aspect ratios', () => {
    const aspects = [1.5, 0.75, 1, 1.33, 0.66, 2, 1, 1.5, 0.8, 1.2, 1.77, 0.7];
    const rows = justifiedRows(aspects, { containerWidth: 1000, targetHeight: 200, gap: 8 });
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.flatMap((r) => r.boxes.map((b) => b.index))).toEqual(aspects.map((_, i) => i));
    for (const row of rows.slice(0, -1)) {
      expect(row.justified).toBe(true);
      expect(rowWidth(row, 8)).toBe(1000);
      // Near the target: a row is never squashed or stretched far from it.
      expect(row.height).toBeGreaterThan(200 / 1.5);
      expect(row.height).toBeLessThanOrEqual(300);
      for (const box of row.boxes) {
        expect(box.height).toBe(row.height);
        // Whole pixels and the rounding remainder spread: within 2px of the exact width.
        expect(Math.abs(box.width - aspects[box.index]! * row.height)).toBeLessThan(2.5);
      }
    }
  });

  it('does not stretch the last row: it keeps the target height and ends short', () => {
    const rows = justifiedRows([1, 1, 1, 1, 1, 1], { containerWidth: 1000, targetHeight: 200, gap: 10 });
    // Four squares at 200px plus gaps (830) do not fill 1000; five (1040) do, scaled down to fit.
    expect(rows).toHaveLength(2);
    expect(rows[0]!.boxes).toHaveLength(5);
    expect(rows[0]!.height).toBe(192);
    expect(rowWidth(rows[0]!, 10)).toBe(1000);
    expect(rows[1]).toEqual({ height: 200, justified: false, boxes: [{ index: 5, width: 200, height: 200 }] });
  });

  it('keeps the row whose height is nearer the target, with or without the box that overfills it', () => {
    // Four squares (800px) fall short of 1000; with a 1.2 box the row is 192px tall, without it 250: keep it.
    const rows = justifiedRows([1, 1, 1, 1, 1.2, 1], { containerWidth: 1000, targetHeight: 200, gap: 0 });
    expect(rows[0]!.boxes.map((b) => b.index)).toEqual([0, 1, 2, 3, 4]);
    expect(rows[0]!.height).toBe(192);
    // Three squares (600px) fall short of 650; a 3:1 box would squash the row to 108px, so it starts the next row.
    const narrow = justifiedRows([1, 1, 1, 3, 1], { containerWidth: 650, targetHeight: 200, gap: 0 });
    expect(narrow[0]!.boxes.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(narrow[0]!.height).toBe(217);
  });

  it('holds extreme aspect ratios to the allowed range, so a handscroll or a hanging scroll still gets a usable box', () => {
    const [row] = justifiedRows([12], { containerWidth: 360, targetHeight: 150, gap: 8 });
    expect(row!.boxes[0]).toEqual({ index: 0, width: 360, height: 120 });
    const [tall] = justifiedRows([0.1], { containerWidth: 360, targetHeight: 150, gap: 8 });
    expect(tall!.boxes[0]!.width).toBe(75);
  });

  it('caps a row that cannot be filled at 1.5× the target instead of blowing it up', () => {
    const rows = justifiedRows([0.5, 0.5, 3], { containerWidth: 1000, targetHeight: 100, gap: 0, maxAspect: 20 });
    // 0.5 + 0.5 = 100px at the target; adding the 3 gives 400 < 1000: the only row is the last, unstretched.
    expect(rows).toHaveLength(1);
    expect(rows[0]!.justified).toBe(false);
    expect(rows[0]!.height).toBe(100);
  });

  it('handles nothing to lay out, an unmeasured container and broken ratios', () => {
    expect(justifiedRows([], { containerWidth: 1000, targetHeight: 200, gap: 8 })).toEqual([]);
    expect(justifiedRows([1, 2], { containerWidth: 0, targetHeight: 200, gap: 8 })).toEqual([]);
    const rows = justifiedRows([Number.NaN, 0, -1, Infinity], { containerWidth: 1000, targetHeight: 100, gap: 0 });
    expect(rows[0]!.boxes.map((b) => b.width)).toEqual([100, 100, 100, 100]);
  });

  it('ends flush at fractional container widths and many boxes (rounding)', () => {
    const aspects = Array.from({ length: 60 }, (_, i) => 0.5 + ((i * 37) % 23) / 10);
    for (const containerWidth of [358.5, 721.3, 1199.9]) {
      const rows = justifiedRows(aspects, { containerWidth, targetHeight: 160, gap: 6 });
      for (const row of rows.filter((r) => r.justified)) expect(rowWidth(row, 6)).toBe(Math.floor(containerWidth));
      for (const row of rows) expect(rowWidth(row, 6)).toBeLessThanOrEqual(Math.floor(containerWidth));
    }
  });
});

describe('layoutAspect', () => {
  it('is the image’s ratio within the range, 1 when unknown', () => {
    expect(layoutAspect(400, 300)).toBeCloseTo(4 / 3);
    expect(layoutAspect(4000, 300)).toBe(3);
    expect(layoutAspect(100, 1000)).toBe(0.5);
    expect(layoutAspect(null, 300)).toBe(1);
    expect(layoutAspect(0, 0)).toBe(1);
  });
});
