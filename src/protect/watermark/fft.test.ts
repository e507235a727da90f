import { describe, expect, it } from 'vitest';
import { correlateSpectra, correlateSpectraPair, fft2d, spectrum } from './fft.js';

describe('fft', () => {
  it('matches a direct DFT bin and inverts', () => {
    const w = 16, h = 8;
    const re = Float64Array.from({ length: w * h }, (_, i) => Math.sin(i * 0.37) + (i % 5));
    const orig = Float64Array.from(re);
    const im = new Float64Array(w * h);
    let dr = 0, di = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const a = -2 * Math.PI * ((3 * x) / w + (5 * y) / h);
      dr += orig[y * w + x]! * Math.cos(a); di += orig[y * w + x]! * Math.sin(a);
    }
    fft2d(re, im, w, h, false);
    expect(re[5 * w + 3]).toBeCloseTo(dr, 9);
    expect(im[5 * w + 3]).toBeCloseTo(di, 9);
    fft2d(re, im, w, h, true);
    for (let i = 0; i < orig.length; i++) expect(re[i]).toBeCloseTo(orig[i]!, 9);
  });

  it('finds a cyclic shift by cross-correlation', () => {
    const n = 32;
    const b = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const a = new Float64Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) a[((y + 3) % n) * n + ((x + 7) % n)] = b[y * n + x]!;
    const c = correlateSpectra(spectrum(a, n), spectrum(b, n), n);
    expect(c.indexOf(Math.max(...c))).toBe(3 * n + 7);
  });

  it('computes two correlations in one inverse transform exactly as two separate ones', () => {
    const n = 16;
    const noise = (seed: number) => Float64Array.from({ length: n * n }, (_, i) => (Math.sin((i + seed) * 12.9898) * 43758.5453) % 1);
    const a = spectrum(noise(1), n), b1 = spectrum(noise(2), n), b2 = spectrum(noise(3), n);
    const [c1, c2] = correlateSpectraPair(a, b1, b2, n);
    const d1 = correlateSpectra(a, b1, n), d2 = correlateSpectra(a, b2, n);
    for (let i = 0; i < n * n; i++) {
      expect(c1[i]).toBeCloseTo(d1[i]!, 9);
      expect(c2[i]).toBeCloseTo(d2[i]!, 9);
    }
  });
});
