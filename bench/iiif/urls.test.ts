import { describe, expect, it } from 'vitest';
import { alignedTilePaths, seededRandom, shuffled, unalignedPaths } from './urls.js';

describe('IIIF bench request lists', () => {
  it('lists every tile of every level, cut at the edges, at the size OpenSeadragon asks', () => {
    const paths = alignedTilePaths(12_000, 8_000);
    // 47×32 + 24×16 + 12×8 + 6×4 + 3×2 + 2×1 + 1 tiles (levels down to 188×125).
    expect(paths).toHaveLength(1504 + 384 + 96 + 24 + 6 + 2 + 1);
    expect(paths[0]).toBe('0,0,256,256/256,/0/default.jpg');
    expect(paths).toContain('11776,7936,224,64/224,/0/default.jpg');
    expect(paths).toContain('8192,4096,3808,3904/238,/0/default.jpg');
    expect(paths[paths.length - 1]).toBe('0,0,12000,8000/188,/0/default.jpg');
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('keeps unaligned regions inside the image and is the same on every run', () => {
    const a = unalignedPaths(12_000, 8_000, 500, seededRandom(1));
    expect(a).toEqual(unalignedPaths(12_000, 8_000, 500, seededRandom(1)));
    for (const p of a) {
      const [x, y, w, h] = p.split('/')[0]!.split(',').map(Number) as [number, number, number, number];
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(12_000);
      expect(y + h).toBeLessThanOrEqual(8_000);
      expect(w).toBeGreaterThanOrEqual(300);
    }
  });

  it('shuffles without losing or repeating an item', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const out = shuffled(items, seededRandom(3));
    expect(out).not.toEqual(items);
    expect([...out].sort((x, y) => x - y)).toEqual(items);
  });
});
