import { describe, expect, it } from 'vitest';
import { seededRandom as seeded } from './holdout-split.js';
import { invertSpd } from './spd-inverse.js';

describe('invertSpd', () => {
  it('inverts a random positive-definite matrix (A · A⁻¹ = I)', () => {
    const n = 37;
    const random = seeded(7);
    const x = Array.from({ length: n * n }, () => random() - 0.5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += x[k * n + i]! * x[k * n + j]!;
      a[i * n + j] = s;
    }
    const inverse = invertSpd(a.slice(), n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * inverse[k * n + j]!;
      expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});
