import { describe, expect, it } from 'vitest';
import { levelsPresent, markerRadius, mostlyChinese, placesAtLevel } from './map-scale';

describe('markerRadius', () => {
  it('grows with the square root of the count between the minimum and the maximum', () => {
    const range = { min: 4, max: 24 };
    expect(markerRadius(100, 100, range)).toBe(24);
    expect(markerRadius(25, 100, range)).toBeCloseTo(4 + 20 * 0.5, 9);
    // Four times the works: twice the radius above the minimum, four times the area of that part.
    expect((markerRadius(64, 100, range) - 4) / (markerRadius(16, 100, range) - 4)).toBeCloseTo(2, 9);
  });

  it('never leaves the range', () => {
    expect(markerRadius(0, 100)).toBe(5);
    expect(markerRadius(1, 0)).toBe(5);
    expect(markerRadius(500, 100)).toBe(28);
  });
});

describe('mostlyChinese', () => {
  it('weighs places by their works', () => {
    expect(mostlyChinese([{ key: 'cn-330100', count: 30 }, { key: 'jp', count: 10 }, { key: 'us', count: 10 }])).toBe(true);
    expect(mostlyChinese([{ key: 'cn', count: 5 }, { key: 'jp', count: 10 }])).toBe(false);
    expect(mostlyChinese([])).toBe(false);
  });
});

describe('placesAtLevel', () => {
  const places = [
    { key: 'cn-330100', level: 'prefecture' as const, parent: 'cn-330000', count: 3 },
    { key: 'cn-330200', level: 'prefecture' as const, parent: 'cn-330000', count: 1 },
    { key: 'cn-330000', level: 'province' as const, parent: 'cn', count: 2 },
    { key: 'cn-110000', level: 'province' as const, parent: 'cn', count: 0 },
    { key: 'cn', level: 'country' as const, parent: null, count: 1 },
    { key: 'jp', level: 'country' as const, parent: null, count: 4 },
  ];
  const counts = (level: 'country' | 'province' | 'prefecture') => placesAtLevel(places, level).map((p) => [p.key, p.count]);

  it('adds the works under a place into it at coarser levels', () => {
    expect(counts('country')).toEqual([['cn', 7], ['jp', 4]]);
    expect(counts('province')).toEqual([['cn-330000', 6], ['jp', 4], ['cn', 1]]);
    expect(counts('prefecture')).toEqual([['jp', 4], ['cn-330100', 3], ['cn-330000', 2], ['cn', 1], ['cn-330200', 1]]);
  });

  it('keeps the place data and names the levels present', () => {
    expect(placesAtLevel(places, 'country')[0]).toMatchObject({ key: 'cn', level: 'country', parent: null });
    expect(levelsPresent(places)).toEqual(['country', 'province', 'prefecture']);
    expect(levelsPresent([{ level: 'country' }])).toEqual(['country']);
  });
});
