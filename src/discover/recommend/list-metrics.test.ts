import { describe, expect, it } from 'vitest';
import { calibrationKl, categoryDistribution, giniOfExposure, intraListDiversity, longTailItems, ndcgAt, novelty, precisionAt, recallAt } from './list-metrics.js';

describe('list metrics', () => {
  const relevant = new Set([3, 7]);

  it('scores accuracy at a cut-off', () => {
    expect(precisionAt([3, 1, 7, 9], relevant, 4)).toBe(0.5);
    expect(recallAt([3, 1, 9], relevant, 3)).toBe(0.5);
    // Hits at ranks 1 and 3 against an ideal of ranks 1 and 2.
    expect(ndcgAt([3, 1, 7], relevant, 3)).toBeCloseTo((1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAt([1, 2], relevant, 2)).toBe(0);
    expect(ndcgAt([7, 3], relevant, 2)).toBe(1);
  });

  it('measures diversity, novelty and calibration', () => {
    expect(intraListDiversity([1, 2, 3], (a, b) => (a + b === 3 ? 0 : 1))).toBeCloseTo(2 / 3, 12);
    expect(novelty([0, 1], [50, 1], 100)).toBeCloseTo((1 + Math.log2(100)) / 2, 12);
    const p = categoryDistribution([0, 1, 2, 3], (i) => [i % 2]);
    expect(calibrationKl(p, p)).toBeCloseTo(0, 12);
    const skewed = categoryDistribution([0, 2], (i) => [i % 2]);
    expect(calibrationKl(p, skewed)).toBeGreaterThan(0.4);
  });

  it('measures exposure: Gini 0 when even, near 1 when one item takes everything', () => {
    expect(giniOfExposure([5, 5, 5, 5])).toBeCloseTo(0, 12);
    expect(giniOfExposure([0, 0, 0, 0, 0, 0, 0, 0, 0, 100])).toBeCloseTo(0.9, 12);
  });

  it('splits the catalogue into a 20 % head and an 80 % tail by popularity', () => {
    const tail = longTailItems([10, 0, 50, 3, 1, 2, 7, 0, 0, 4]);
    expect([...tail].filter((t) => t === 0)).toHaveLength(2);
    expect(tail[2]).toBe(0);
    expect(tail[0]).toBe(0);
  });
});
