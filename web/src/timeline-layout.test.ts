import { describe, expect, it } from 'vitest';
import { bandSegments, countShade, dynastyTree, spanYears } from './timeline-layout';

const total = (segments: { widthPercent: number }[]) => segments.reduce((n, s) => n + s.widthPercent, 0);

describe('bandSegments', () => {
  it('gives long dynasties proportionally more width, adding up to the whole band', () => {
    const segments = bandSegments(
      [
        { key: 'ming', earliest: 1368, latest: 1644 },
        { key: 'qing', earliest: 1644, latest: 1911 },
      ],
      { presentYear: 2026, minShare: 0.05 },
    );
    expect(segments.map((s) => s.key)).toEqual(['ming', 'qing']);
    expect(total(segments)).toBeCloseTo(100, 9);
    expect(segments[0]!.widthPercent / segments[1]!.widthPercent).toBeCloseTo(276 / 267, 9);
  });

  it('keeps a short dynasty at the minimum width and shares the rest by years', () => {
    const segments = bandSegments(
      [
        { key: 'zhou', earliest: -1046, latest: -256 },
        { key: 'qin', earliest: -221, latest: -206 },
        { key: 'han', earliest: -206, latest: 220 },
      ],
      { presentYear: 2026, minShare: 0.1 },
    );
    const [zhou, qin, han] = segments;
    expect(qin!.widthPercent).toBeCloseTo(10, 9);
    expect(total(segments)).toBeCloseTo(100, 9);
    expect(zhou!.widthPercent / han!.widthPercent).toBeCloseTo(790 / 426, 9);
  });

  it('repeats until no segment is below the minimum after the others shrink', () => {
    // Alone, b (100 of 1110 years) is above 10 %; once a and c are floored at 10 % it would fall below.
    const segments = bandSegments(
      [
        { key: 'a', earliest: 0, latest: 5 },
        { key: 'b', earliest: 0, latest: 100 },
        { key: 'c', earliest: 0, latest: 5 },
        { key: 'd', earliest: 0, latest: 1000 },
      ],
      { presentYear: 2026, minShare: 0.1 },
    );
    for (const s of segments) expect(s.widthPercent).toBeGreaterThanOrEqual(10 - 1e-9);
    expect(total(segments)).toBeCloseTo(100, 9);
  });

  it('makes every segment equal when the minimum cannot be kept for all', () => {
    const spans = Array.from({ length: 30 }, (_, i) => ({ key: String(i), earliest: 0, latest: i + 1 }));
    const segments = bandSegments(spans, { presentYear: 2026, minShare: 0.05 });
    for (const s of segments) expect(s.widthPercent).toBeCloseTo(100 / 30, 9);
  });

  it('ends a dynasty still going at the present year, and has nothing for nothing', () => {
    expect(spanYears({ key: 'prc', earliest: 1949, latest: 2100 }, 2026)).toBe(77);
    expect(spanYears({ key: 'x', earliest: 1000, latest: 1000 }, 2026)).toBe(1);
    expect(bandSegments([], { presentYear: 2026 })).toEqual([]);
  });
});

describe('countShade', () => {
  it('is 0 without works and grows by square root up to 1', () => {
    expect(countShade(0, 100)).toBe(0);
    expect(countShade(5, 0)).toBe(0);
    expect(countShade(25, 100)).toBeCloseTo(0.5, 9);
    expect(countShade(100, 100)).toBe(1);
  });
});

describe('dynastyTree', () => {
  it('nests parts under their dynasty in order, adding up their works and keys', () => {
    const tree = dynastyTree([
      { key: 'zhou', parent: null, count: 1 },
      { key: 'western-zhou', parent: 'zhou', count: 2 },
      { key: 'eastern-zhou', parent: 'zhou', count: 0 },
      { key: 'spring-autumn', parent: 'eastern-zhou', count: 4 },
      { key: 'qin', parent: null, count: 0 },
    ]);
    expect(tree.map((n) => n.dynasty.key)).toEqual(['zhou', 'qin']);
    expect(tree[0]!.total).toBe(7);
    expect(tree[0]!.keys).toEqual(['zhou', 'western-zhou', 'eastern-zhou', 'spring-autumn']);
    expect(tree[0]!.parts[1]!.parts[0]!.dynasty.key).toBe('spring-autumn');
    expect(tree[1]).toMatchObject({ total: 0, keys: ['qin'], parts: [] });
  });
});
