/**
 * Small radix-2 complex FFT (in place, Float64) and a row-column 2-D version. Written here so the
 * watermark needs no native dependency; sizes are powers of two, which the callers pad to.
 */

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function tables(n: number): { cos: Float64Array; sin: Float64Array; rev: Uint32Array } {
  let t = twiddleCache.get(n);
  if (t) return t;
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  const rev = new Uint32Array(n);
  const bits = Math.log2(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  t = { cos, sin, rev };
  twiddleCache.set(n, t);
  return t;
}

/** True when n is a positive power of two. */
export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Smallest power of two ≥ n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** In-place FFT of (re, im), whose length is a power of two; the inverse is unscaled. */
export function fft1d(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (!isPow2(n)) throw new Error(`fft length ${n} is not a power of two`);
  const { cos, sin, rev } = tables(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
      const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size >> 1;
    const step = n / size;
    // Twiddle-outer order: each twiddle is loaded once per stage.
    for (let k = 0; k < half; k++) {
      const wr = cos[k * step]!;
      const wi = sign * sin[k * step]!;
      for (let a = k; a < n; a += size) {
        const b = a + half;
        const br = re[b]!, bi = im[b]!;
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        const ar = re[a]!, ai = im[a]!;
        re[b] = ar - xr; im[b] = ai - xi;
        re[a] = ar + xr; im[a] = ai + xi;
      }
    }
  }
}

/** In-place 2-D FFT of a w×h row-major complex array; the inverse divides by w·h. */
export function fft2d(re: Float64Array, im: Float64Array, w: number, h: number, inverse: boolean): void {
  const rowRe = new Float64Array(w);
  const rowIm = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    rowRe.set(re.subarray(o, o + w)); rowIm.set(im.subarray(o, o + w));
    fft1d(rowRe, rowIm, inverse);
    re.set(rowRe, o); im.set(rowIm, o);
  }
  const B = Math.min(8, w);
  const cols = Array.from({ length: B }, () => ({ re: new Float64Array(h), im: new Float64Array(h) }));
  for (let x0 = 0; x0 < w; x0 += B) {
    // Gather B neighbouring columns per row pass: one cache line serves all of them.
    for (let y = 0; y < h; y++) {
      const o = y * w + x0;
      for (let j = 0; j < B; j++) { cols[j]!.re[y] = re[o + j]!; cols[j]!.im[y] = im[o + j]!; }
    }
    for (const c of cols) fft1d(c.re, c.im, inverse);
    for (let y = 0; y < h; y++) {
      const o = y * w + x0;
      for (let j = 0; j < B; j++) { re[o + j] = cols[j]!.re[y]!; im[o + j] = cols[j]!.im[y]!; }
    }
  }
  if (inverse) {
    const s = 1 / (w * h);
    for (let i = 0; i < re.length; i++) { re[i] = re[i]! * s; im[i] = im[i]! * s; }
  }
}

export interface Spectrum { re: Float64Array; im: Float64Array }

/** 2-D spectrum of a real n×n array. */
export function spectrum(a: Float64Array, n: number): Spectrum {
  const re = Float64Array.from(a), im = new Float64Array(n * n);
  fft2d(re, im, n, n, false);
  return { re, im };
}

/** Cyclic cross-correlation c[d] = Σ a[p + d]·b[p] from the two spectra. */
export function correlateSpectra(a: Spectrum, b: Spectrum, n: number): Float64Array {
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    re[i] = a.re[i]! * b.re[i]! + a.im[i]! * b.im[i]!;
    im[i] = a.im[i]! * b.re[i]! - a.re[i]! * b.im[i]!;
  }
  fft2d(re, im, n, n, true);
  return re;
}

/**
 * Two cyclic cross-correlations (a with b1, a with b2) for the price of one inverse FFT: both are
 * real, so the second rides in the imaginary part (IFFT(P1 + i·P2) = c1 + i·c2).
 */
export function correlateSpectraPair(a: Spectrum, b1: Spectrum, b2: Spectrum, n: number): [Float64Array, Float64Array] {
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    const ar = a.re[i]!, ai = a.im[i]!;
    const p1r = ar * b1.re[i]! + ai * b1.im[i]!, p1i = ai * b1.re[i]! - ar * b1.im[i]!;
    const p2r = ar * b2.re[i]! + ai * b2.im[i]!, p2i = ai * b2.re[i]! - ar * b2.im[i]!;
    re[i] = p1r - p2i;
    im[i] = p1i + p2r;
  }
  fft2d(re, im, n, n, true);
  return [re, im];
}
