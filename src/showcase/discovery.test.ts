import { describe, expect, it } from 'vitest';
import { discoverySeed, seededFractions } from './discovery.js';

describe('discovery draws', () => {
  it('are the same for the same seed and differ for another', () => {
    const a = seededFractions(discoverySeed(new Date('2026-12-06T23:59:00Z'), 'x'), 16);
    expect(seededFractions('2026-12-06|x', 16)).toEqual(a);
    expect(seededFractions('2026-12-07|x', 16)).not.toEqual(a);
    expect(seededFractions('2026-12-06|y', 16)).not.toEqual(a);
  });

  it('lie in [0, 1) and spread over it', () => {
    const draws = seededFractions('spread', 2000);
    expect(draws.every((f) => f >= 0 && f < 1)).toBe(true);
    const buckets = new Array<number>(10).fill(0);
    for (const f of draws) buckets[Math.floor(f * 10)]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(140);
  });
});
