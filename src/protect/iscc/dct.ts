/** Discrete cosine transform (DCT-II, unnormalised), recursive as in Nayuki's fast DCT. */

/** DCT of a vector whose length is a power of two. */
export function algDct(v: readonly number[]): number[] {
  const n = v.length;
  if (n === 1) return [v[0]!];
  if (n === 0 || n % 2 !== 0) throw new RangeError('DCT input length must be a power of two');
  const half = n / 2;
  const alpha: number[] = new Array<number>(half);
  const beta: number[] = new Array<number>(half);
  for (let i = 0; i < half; i++) {
    const x = v[i]!;
    const y = v[n - 1 - i]!;
    alpha[i] = x + y;
    beta[i] = (x - y) / (Math.cos(((i + 0.5) * Math.PI) / n) * 2.0);
  }
  const a = algDct(alpha);
  const b = algDct(beta);
  const out: number[] = [];
  for (let i = 0; i < half - 1; i++) out.push(a[i]!, b[i]! + b[i + 1]!);
  out.push(a[half - 1]!, b[half - 1]!);
  return out;
}
