import { describe, expect, it } from 'vitest';
import { buildList, RecentExposure, relevanceScales, SCALE_AT, tradeOffAt, type ItemSpace } from './list-builder.js';

/**
 * 40 items in four categories; popularity falls with the index inside each category. The person
 * knows category 0 only; relevance favours category 0, then 1.
 */
function fixture() {
  const n = 40;
  const categories = Array.from({ length: n }, (_, i) => [i % 4]);
  const popularity = Array.from({ length: n }, (_, i) => 100 - 2 * i);
  const tail = Uint8Array.from({ length: n }, (_, i) => (i >= 8 ? 1 : 0));
  const space: ItemSpace = { itemCount: n, userCount: 100, popularity, tail, categories, similarity: (a, b) => (categories[a]![0] === categories[b]![0] ? 1 : 0) };
  const relevance = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 10 : i % 4 === 1 ? 6 : 1) - i * 0.05);
  const seen = new Uint8Array(n);
  seen[0] = 1;
  seen[4] = 1;
  return { space, relevance, seen, history: [0, 4] };
}

describe('buildList', () => {
  it('at 0 is the relevance model alone, never repeating what the person saw', () => {
    const { space, relevance, seen, history } = fixture();
    const list = buildList(space, { relevance, seen, history, slider: 0, size: 5 }).map((p) => p.item);
    expect(list).toEqual([8, 12, 16, 20, 24]);
  });

  it('widens the list as the slider moves: more categories, more of the long tail', () => {
    const { space, relevance, seen, history } = fixture();
    const at = (slider: number) => buildList(space, { relevance, seen, history, slider, size: 8 });
    const categories = (slider: number) => new Set(at(slider).map((p) => p.item % 4)).size;
    expect(categories(0)).toBe(1);
    expect(categories(0.5)).toBeGreaterThan(1);
    expect(categories(1)).toBeGreaterThanOrEqual(categories(0.5));
    for (const slider of [0, 0.25, 0.5, 0.75, 1]) {
      const list = at(slider);
      expect(list).toHaveLength(8);
      expect(new Set(list.map((p) => p.item)).size).toBe(8);
      expect(list.some((p) => seen[p.item] === 1)).toBe(false);
    }
  });

  it('explains each pick: the item it is near, or a category the person has not explored', () => {
    const { space, relevance, seen, history } = fixture();
    const list = buildList(space, { relevance, seen, history, slider: 1, size: 8 });
    const fresh = list.find((p) => p.item % 4 !== 0)!;
    expect(fresh.reason).toEqual({ kind: 'unexplored-category', category: fresh.item % 4 });
    const near = list.find((p) => p.item % 4 === 0)!;
    expect(['because', 'long-tail']).toContain(near.reason.kind);
    expect('item' in near.reason && [0, 4]).toContain((near.reason as { item: number }).item);
  });

  it('orders the list by the model\'s relevance, so exploring costs the lower places', () => {
    const { space, relevance, seen, history } = fixture();
    const list = buildList(space, { relevance, seen, history, slider: 1, size: 8 }).map((p) => relevance[p.item]!);
    expect(list).toEqual([...list].sort((a, b) => b - a));
  });

  it('maps the slider to weights that grow with it and keep places for exploration past the middle', () => {
    expect(tradeOffAt(0, 10)).toEqual({ popularityDiscount: 0, pool: 10, diversity: 0, calibration: 0, exploreSlots: 0, exposureBonus: 0 });
    expect(tradeOffAt(0.5, 10).exploreSlots).toBe(0);
    expect(tradeOffAt(1, 10).exploreSlots).toBe(3);
    expect(tradeOffAt(7, 10)).toEqual(tradeOffAt(1, 10));
  });

  it('returns nothing when everything was seen', () => {
    const { space, relevance, history } = fixture();
    expect(buildList(space, { relevance, seen: new Uint8Array(40).fill(1), history, slider: 0.5, size: 5 })).toEqual([]);
  });

  it('spreads lists over works no recent list showed, and forgets what fell out of the window', () => {
    const { space, relevance, seen, history } = fixture();
    const exposure = new RecentExposure(40, 5, 3);
    const shared: ItemSpace = { ...space, exposure };
    const lists = [0, 1, 2].map(() => buildList(shared, { relevance, seen, history, slider: 0.5, size: 5 }).map((p) => p.item));
    // The same person thrice: without the window the three lists are identical.
    const alone = buildList(space, { relevance, seen, history, slider: 0.5, size: 5 }).map((p) => p.item);
    expect(lists[0]).toEqual(alone);
    expect(new Set(lists.flat()).size).toBeGreaterThan(new Set(lists[0]).size);
    for (const item of lists.flat()) expect(exposure.fresh(item)).toBe(false);
    // Three more lists push the first three out of a window of three.
    for (let k = 0; k < 3; k++) exposure.record([39]);
    for (const item of lists.flat()) expect(exposure.fresh(item)).toBe(item === 39 ? false : true);
    // At 0 the list is the model's alone, whatever was shown.
    expect(buildList(shared, { relevance, seen, history, slider: 0, size: 5 }).map((p) => p.item)).toEqual([8, 12, 16, 20, 24]);
  });

  it('sizes the window to about as many places as the catalogue has works', () => {
    expect(new RecentExposure(10_000, 10).windowLists).toBe(1000);
    expect(new RecentExposure(50, 10).windowLists).toBe(100);
  });

  it('measures one relevance scale over people, so a weak signal explores further than a strong one', () => {
    const { space, relevance, seen, history } = fixture();
    const scales = relevanceScales(space.popularity, [{ relevance, seen }, { relevance: relevance.map((v) => v * 3), seen }]);
    expect(scales).toHaveLength(SCALE_AT.length);
    // Unseen best at slider 0: item 8 (10 − 0.4); the second person scores three times higher.
    expect(scales[0]).toBeCloseTo(2 * (10 - 0.4), 9);
    for (let k = 1; k < scales.length; k++) expect(scales[k]).toBeLessThan(scales[k - 1]!);
    const scaled: ItemSpace = { ...space, relevanceScales: scales };
    const categories = (factor: number) => new Set(buildList(scaled, { relevance: relevance.map((v) => v * factor), seen, history, slider: 0.5, size: 8 }).map((p) => p.item % 4)).size;
    expect(categories(0.05)).toBeGreaterThan(categories(20));
    expect(relevanceScales(space.popularity, [])).toEqual([]);
    expect(relevanceScales(space.popularity, [{ relevance: new Float64Array(40), seen }])).toEqual([]);
  });
});
