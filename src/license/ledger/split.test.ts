import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MoneyError } from './money.js';
import { SplitError, allocate, checkCarveOuts, checkSplit, splitPayment, type CarveOut, type SplitShare } from './split.js';

/** Random basis points summing to exactly 10,000 among `n` parties, each >= 1. */
const basisPoints = (n: number): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.integer({ min: 1, max: 9_999 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 10_000];
    return points.slice(1).map((p, i) => p - points[i]!);
  });
const splitArb: fc.Arbitrary<SplitShare[]> = fc.integer({ min: 1, max: 20 }).chain(basisPoints)
  .map((bps) => bps.map((bp, i) => ({ partyId: `p${i}`, basisPoints: bp })));
// Carve-out parties come from a pool that overlaps the split's, so merging is exercised.
const carveOutsArb: fc.Arbitrary<CarveOut[]> = fc.uniqueArray(
  fc.record({ partyId: fc.constantFrom('p0', 'p1', 'fund', 'heritage', 'platform'), basisPoints: fc.integer({ min: 1, max: 3_000 }) }),
  { maxLength: 3, selector: (c) => c.partyId },
);
const amountArb = fc.integer({ min: 0, max: 1e12 });

/** Reference largest-remainder in BigInt, written the obvious way, to compare against. */
function referenceAllocate(amount: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + BigInt(w), 0n);
  const exact = weights.map((w) => BigInt(amount) * BigInt(w));
  const parts = exact.map((e) => e / total);
  let left = BigInt(amount) - parts.reduce((s, p) => s + p, 0n);
  const order = weights.map((_, i) => i).sort((a, b) => {
    const ra = exact[a]! % total;
    const rb = exact[b]! % total;
    return ra === rb ? a - b : ra > rb ? -1 : 1;
  });
  for (const i of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

describe('checkSplit', () => {
  it('accepts a split of distinct parties summing to 10,000', () => {
    expect(checkSplit([{ partyId: 'artist', basisPoints: 6000, role: 'artist' }, { partyId: 'museum', basisPoints: 3000 }, { partyId: 'fund', basisPoints: 1000 }])).toEqual([]);
    expect(checkSplit([{ partyId: 'only', basisPoints: 10_000 }])).toEqual([]);
  });

  it('reports an empty split', () => {
    expect(checkSplit([])).toEqual([{ path: [], code: 'empty', message: expect.any(String), params: {} }]);
  });

  it('reports a sum other than 10,000 with the sum', () => {
    const [issue] = checkSplit([{ partyId: 'a', basisPoints: 6000 }, { partyId: 'b', basisPoints: 3000 }]);
    expect(issue).toMatchObject({ path: [], code: 'sum_not_total', params: { sum: 9000, total: 10_000 } });
    expect(checkSplit([{ partyId: 'a', basisPoints: 6000 }, { partyId: 'b', basisPoints: 4001 }])[0]?.code).toBe('sum_not_total');
  });

  it('reports fractional, zero, negative and oversized basis points at their path', () => {
    expect(checkSplit([{ partyId: 'a', basisPoints: 5000.5 }, { partyId: 'b', basisPoints: 4999.5 }])).toMatchObject([
      { path: [0, 'basisPoints'], code: 'basis_points_not_integer' }, { path: [1, 'basisPoints'], code: 'basis_points_not_integer' },
    ]);
    expect(checkSplit([{ partyId: 'a', basisPoints: 10_000 }, { partyId: 'b', basisPoints: 0 }])).toMatchObject([{ path: [1, 'basisPoints'], code: 'basis_points_out_of_range', params: { value: 0, min: 1 } }]);
    expect(checkSplit([{ partyId: 'a', basisPoints: 12_000 }, { partyId: 'b', basisPoints: -2000 }]).map((i) => i.code)).toEqual(['basis_points_out_of_range', 'basis_points_out_of_range']);
    expect(checkSplit([{ partyId: 'a', basisPoints: Number.NaN }])[0]?.code).toBe('basis_points_not_integer');
  });

  it('reports duplicate and missing parties', () => {
    expect(checkSplit([{ partyId: 'a', basisPoints: 5000 }, { partyId: 'a', basisPoints: 5000 }])).toMatchObject([{ path: [1, 'partyId'], code: 'duplicate_party', params: { partyId: 'a', index: 1, first: 0 } }]);
    expect(checkSplit([{ partyId: ' ', basisPoints: 10_000 }])).toMatchObject([{ path: [0, 'partyId'], code: 'missing_party' }]);
    // A duplicate does not hide a wrong sum.
    expect(checkSplit([{ partyId: 'a', basisPoints: 5000 }, { partyId: 'a', basisPoints: 4000 }]).map((i) => i.code)).toEqual(['duplicate_party', 'sum_not_total']);
  });

  it('reports more parties than a split may name', () => {
    const shares = Array.from({ length: 101 }, (_, i) => ({ partyId: `p${i}`, basisPoints: i === 0 ? 9900 : 1 }));
    expect(checkSplit(shares).map((i) => i.code)).toEqual(['too_many_parties']);
  });

  it('checks carve-outs under their own path', () => {
    expect(checkCarveOuts([])).toEqual([]);
    expect(checkCarveOuts([{ partyId: 'fund', basisPoints: 500 }])).toEqual([]);
    expect(checkCarveOuts([{ partyId: 'fund', basisPoints: 0 }])).toMatchObject([{ path: ['carveOuts', 0, 'basisPoints'], code: 'basis_points_out_of_range' }]);
    expect(checkCarveOuts([{ partyId: 'a', basisPoints: 6000 }, { partyId: 'b', basisPoints: 5000 }])).toMatchObject([{ path: ['carveOuts'], code: 'carve_outs_exceed_total', params: { sum: 11_000 } }]);
  });
});

describe('allocate', () => {
  it('divides 100.00 CNY over 3333/3333/3334 bp exactly', () => {
    expect(allocate(10_000, [3333, 3333, 3334])).toEqual([3333, 3333, 3334]);
  });

  it('gives 0.01 to the largest remainder, and on a tie to the earliest position', () => {
    expect(allocate(1, [3333, 3333, 3334])).toEqual([0, 0, 1]);
    expect(allocate(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(allocate(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });

  it('divides yen, which have no minor unit', () => {
    expect(allocate(1000, [6000, 3000, 1000])).toEqual([600, 300, 100]);
    expect(allocate(7, [6000, 3000, 1000])).toEqual([4, 2, 1]);
  });

  it('gives nothing to zero weights, handles zero amounts and mirrors negative amounts', () => {
    expect(allocate(5, [0, 1, 0, 1])).toEqual([0, 3, 0, 2]);
    expect(allocate(0, [1, 2])).toEqual([0, 0]);
    expect(allocate(0, [0, 0])).toEqual([0, 0]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
  });

  it('is exact at the edge of the safe integers', () => {
    const parts = allocate(Number.MAX_SAFE_INTEGER, [3333, 3333, 3334]);
    expect(parts.reduce((s, p) => s + BigInt(p), 0n)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(parts).toEqual(referenceAllocate(Number.MAX_SAFE_INTEGER, [3333, 3333, 3334]));
  });

  it('refuses bad weights and amounts', () => {
    expect(() => allocate(1, [])).toThrow(RangeError);
    expect(() => allocate(1, [0, 0])).toThrow(RangeError);
    expect(() => allocate(1, [-1, 2])).toThrow(RangeError);
    expect(() => allocate(1, [0.5, 2])).toThrow(RangeError);
    expect(() => allocate(1.5, [1])).toThrow(MoneyError);
  });

  it('matches a reference BigInt implementation for any weights (number and BigInt paths alike)', () => {
    fc.assert(fc.property(
      fc.maxSafeNat(),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2 ** 40 })), { minLength: 1, maxLength: 20 }).filter((ws) => ws.some((w) => w > 0)),
      (amount, weights) => {
        expect(allocate(amount, weights)).toEqual(referenceAllocate(amount, weights));
      },
    ));
  });

  it('always sums to the amount, with every part >= 0 and within one unit of its exact share, deterministically', () => {
    fc.assert(fc.property(amountArb, splitArb, (amount, split) => {
      const weights = split.map((s) => s.basisPoints);
      const parts = allocate(amount, weights);
      expect(parts.reduce((s, p) => s + p, 0)).toBe(amount);
      parts.forEach((part, i) => {
        expect(part).toBeGreaterThanOrEqual(0);
        // |part - amount·bp/10,000| < 1, in integers.
        const diff = BigInt(part) * 10_000n - BigInt(amount) * BigInt(weights[i]!);
        expect(diff < 10_000n && diff > -10_000n).toBe(true);
      });
      expect(allocate(amount, [...weights])).toEqual(parts);
    }), { numRuns: 500 });
  });
});

describe('splitPayment', () => {
  const split: SplitShare[] = [
    { partyId: 'artist', basisPoints: 6000, role: 'artist' },
    { partyId: 'museum', basisPoints: 3000, role: 'institution' },
    { partyId: 'community', basisPoints: 1000, role: 'heritage_fund' },
  ];

  it('divides a payment by the split', () => {
    expect(splitPayment(12_050, split)).toEqual([
      { partyId: 'artist', minor: 7230, role: 'artist' },
      { partyId: 'museum', minor: 3615, role: 'institution' },
      { partyId: 'community', minor: 1205, role: 'heritage_fund' },
    ]);
  });

  it('takes carve-outs from the whole payment first and divides the rest by the split', () => {
    // 5 % of 1,000.00 = 50.00 to the fund; the 950.00 left goes 60/30/10.
    expect(splitPayment(100_000, split, [{ partyId: 'fund', basisPoints: 500, role: 'heritage_fund' }])).toEqual([
      { partyId: 'fund', minor: 5000, role: 'heritage_fund' },
      { partyId: 'artist', minor: 57_000, role: 'artist' },
      { partyId: 'museum', minor: 28_500, role: 'institution' },
      { partyId: 'community', minor: 9500, role: 'heritage_fund' },
    ]);
  });

  it('merges a party named in the carve-outs and the split into one line', () => {
    const lines = splitPayment(100_000, split, [{ partyId: 'community', basisPoints: 500 }]);
    expect(lines).toEqual([
      { partyId: 'community', minor: 5000 + 9500 },
      { partyId: 'artist', minor: 57_000, role: 'artist' },
      { partyId: 'museum', minor: 28_500, role: 'institution' },
    ]);
  });

  it('divides 0.01 over three parties without losing or inventing the cent', () => {
    const lines = splitPayment(1, [{ partyId: 'a', basisPoints: 3333 }, { partyId: 'b', basisPoints: 3333 }, { partyId: 'c', basisPoints: 3334 }]);
    expect(lines.map((l) => l.minor)).toEqual([0, 0, 1]);
  });

  it('refuses a bad split, bad carve-outs and bad amounts', () => {
    expect(() => splitPayment(100, [{ partyId: 'a', basisPoints: 9000 }])).toThrow(SplitError);
    const error = (() => {
      try {
        splitPayment(100, split, [{ partyId: 'x', basisPoints: 10_001 }]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SplitError);
    expect((error as SplitError).issues).toMatchObject([{ path: ['carveOuts', 0, 'basisPoints'], code: 'basis_points_out_of_range' }]);
    expect(() => splitPayment(-1, split)).toThrow(MoneyError);
    expect(() => splitPayment(0.5, split)).toThrow(MoneyError);
  });

  it('for random splits, carve-outs and amounts: lines sum to the payment, none negative, each within one unit of its exact share', () => {
    fc.assert(fc.property(amountArb, splitArb, carveOutsArb, (amount, shares, carveOuts) => {
      const lines = splitPayment(amount, shares, carveOuts);
      expect(lines.reduce((s, l) => s + l.minor, 0)).toBe(amount);
      expect(new Set(lines.map((l) => l.partyId)).size).toBe(lines.length);
      const carved = carveOuts.reduce((s, c) => s + c.basisPoints, 0);
      for (const line of lines) {
        expect(line.minor).toBeGreaterThanOrEqual(0);
        // Exact share in units of 1/10^8 of the payment: carve-out bp × 10,000 + split bp × (10,000 − carved).
        const weight = BigInt(carveOuts.filter((c) => c.partyId === line.partyId).reduce((s, c) => s + c.basisPoints * 10_000, 0)
          + shares.filter((s) => s.partyId === line.partyId).reduce((s, x) => s + x.basisPoints * (10_000 - carved), 0));
        const diff = BigInt(line.minor) * 100_000_000n - BigInt(amount) * weight;
        expect(diff < 100_000_000n && diff > -100_000_000n).toBe(true);
      }
      expect(splitPayment(amount, shares, carveOuts)).toEqual(lines);
    }), { numRuns: 500 });
  });
});
