/**
 * The inverse of a symmetric positive-definite matrix (row-major, n × n, overwritten), by Cholesky:
 * A = L Lᵀ, then A⁻¹ = L⁻ᵀ L⁻¹. Every inner loop runs along a row, so it streams through memory;
 * about n³/2 multiply-adds in all. Throws when the matrix is not positive definite.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new RangeError(`expected ${n * n} entries, got ${a.length}`);
  // Cholesky–Banachiewicz: L row by row, each entry a dot product of two rows already done.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let sum = a[ri + j]!;
      for (let k = 0; k < j; k++) sum -= a[ri + k]! * a[rj + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new RangeError(`matrix is not positive definite (pivot ${i} is ${sum})`);
        a[ri + i] = Math.sqrt(sum);
      } else {
        a[ri + j] = sum / a[rj + j]!;
      }
    }
  }
  // Y = L⁻¹ (lower), row by row: y_i = (e_i − Σ_{k<i} L_ik y_k) / L_ii.
  const y = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const l = a[ri + k]!;
      if (l === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) y[ri + j]! -= l * y[rk + j]!;
    }
    y[ri + i]! += 1;
    const d = 1 / a[ri + i]!;
    for (let j = 0; j <= i; j++) y[ri + j]! *= d;
  }
  // A⁻¹ = Yᵀ Y = Σ_k y_kᵀ y_k: rank-one updates of the lower triangle, then mirrored.
  a.fill(0);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let p = 0; p <= k; p++) {
      const v = y[rk + p]!;
      if (v === 0) continue;
      const rp = p * n;
      for (let q = 0; q <= p; q++) a[rp + q]! += v * y[rk + q]!;
    }
  }
  for (let p = 0; p < n; p++) for (let q = 0; q < p; q++) a[q * n + p] = a[p * n + q]!;
  return a;
}
