/**
 * Geometric synchronisation. The mark is a periodic tile, so the whitened image's autocorrelation
 * has peaks on a square lattice whose basis vector (a, b) gives the scale (|(a,b)| / TILE) and the
 * rotation (atan2(b, a)) the image went through; cropping only shifts the phase, which the pilot
 * chips find later. Rotations by 90° and mirroring leave a square lattice unchanged and are resolved
 * by the pilot search too.
 */
import { fft2d, nextPow2 } from './fft.js';

export interface Lattice {
  /** Basis vector in working pixels; the other basis vector is (−b, a). */
  a: number;
  b: number;
  /** Lattice evidence: mean normalised autocorrelation on lattice points minus on half-points. */
  score: number;
}

/** Cyclic separable box blur of radius r on a w×h grid. */
function cyclicBoxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  const n = 2 * r + 1;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += src[o + ((k + w) % w)]!;
    for (let x = 0; x < w; x++) {
      tmp[o + x] = sum / n;
      sum += src[o + ((x + r + 1) % w)]! - src[o + ((x - r + w) % w)]!;
    }
  }
  for (let x = 0; x < w; x++) {
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += tmp[((k + h) % h) * w + x]!;
    for (let y = 0; y < h; y++) {
      out[y * w + x] = sum / n;
      sum += tmp[((y + r + 1) % h) * w + x]! - tmp[((y - r + h) % h) * w + x]!;
    }
  }
  return out;
}

/** Normalised autocorrelation of a w×h signal, cyclic over the next power-of-two size. */
function autocorrelation(sig: Float32Array, w: number, h: number): { acf: Float64Array; nw: number; nh: number } {
  const nw = nextPow2(w), nh = nextPow2(h);
  const re = new Float64Array(nw * nh), im = new Float64Array(nw * nh);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) re[y * nw + x] = sig[y * w + x]!;
  fft2d(re, im, nw, nh, false);
  const power = new Float32Array(nw * nh);
  for (let i = 0; i < re.length; i++) power[i] = re[i]! * re[i]! + im[i]! * im[i]!;
  // Spectral flattening: a periodic tile is a comb of sharp spectral lines, the image a smooth
  // spectrum. Dividing by the local mean power weights every frequency by its local SNR, so the
  // comb dominates the autocorrelation instead of the image's strong low frequencies.
  const local = cyclicBoxBlur(power, nw, nh, 4);
  for (let i = 0; i < re.length; i++) { re[i] = power[i]! / (local[i]! + 1e-9) - 1; im[i] = 0; }
  // The image border (and the zero padding) puts energy on the frequency axes; drop them.
  for (let x = 0; x < nw; x++) for (const y of [0, 1, nh - 1]) re[y * nw + x] = 0;
  for (let y = 0; y < nh; y++) for (const x of [0, 1, nw - 1]) re[y * nw + x] = 0;
  fft2d(re, im, nw, nh, true);
  // Express every lag as a z-score against the whole autocorrelation (lags near 0 excluded).
  let sum = 0, sum2 = 0, n = 0;
  for (let y = 0; y < nh; y++) for (let x = 0; x < nw; x++) {
    const dy = y < nh / 2 ? y : nh - y, dx = x < nw / 2 ? x : nw - x;
    if (dx < 8 && dy < 8) continue;
    const v = re[y * nw + x]!;
    sum += v; sum2 += v * v; n++;
  }
  const mean = sum / n, std = Math.sqrt(Math.max(sum2 / n - mean * mean, 1e-18));
  for (let i = 0; i < re.length; i++) re[i] = (re[i]! - mean) / std;
  return { acf: re, nw, nh };
}

interface AcfView { acf: Float64Array; nw: number; nh: number; maxX: number; maxY: number }

function at(v: AcfView, x: number, y: number): number {
  const xi = ((x % v.nw) + v.nw) % v.nw, yi = ((y % v.nh) + v.nh) % v.nh;
  return v.acf[yi * v.nw + xi]!;
}

/** Strongest value near (x, y) and its sub-pixel position (parabolic fit), or null if out of range. */
function peakNear(v: AcfView, x: number, y: number): { value: number; x: number; y: number } | null {
  const rx = Math.round(x), ry = Math.round(y);
  if (Math.abs(rx) > v.maxX || Math.abs(ry) > v.maxY) return null;
  let best = -Infinity, bx = rx, by = ry;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    const val = at(v, rx + dx, ry + dy);
    if (val > best) { best = val; bx = rx + dx; by = ry + dy; }
  }
  const sub = (m: number, c: number, p: number) => { const d = m - 2 * c + p; return d < 0 ? (0.5 * (m - p)) / d : 0; };
  const ox = sub(at(v, bx - 1, by), best, at(v, bx + 1, by));
  const oy = sub(at(v, bx, by - 1), best, at(v, bx, by + 1));
  return { value: best, x: bx + Math.max(-0.5, Math.min(0.5, ox)), y: by + Math.max(-0.5, Math.min(0.5, oy)) };
}

/** Least-squares fit of (a, b) to the sub-pixel peaks of lattice points |k| ≤ 3. */
function refine(v: AcfView, a: number, b: number): { a: number; b: number } {
  let sa = 0, sb = 0, sw = 0;
  for (let k1 = -3; k1 <= 3; k1++) for (let k2 = 0; k2 <= 3; k2++) {
    if (k2 === 0 && k1 <= 0) continue;
    const p = peakNear(v, k1 * a - k2 * b, k1 * b + k2 * a);
    if (!p || p.value <= 0) continue;
    const w = p.value;
    sa += w * (k1 * p.x + k2 * p.y);
    sb += w * (k1 * p.y - k2 * p.x);
    sw += w * (k1 * k1 + k2 * k2);
  }
  return sw > 0 ? { a: sa / sw, b: sb / sw } : { a, b };
}

/** 3×3 max filter of the autocorrelation (separable, cyclic), standardised: lattice points tolerate ±1 px. */
function pooled(v: AcfView): Float32Array {
  const { nw, nh, acf } = v;
  const rows = new Float32Array(nw * nh), out = new Float32Array(nw * nh);
  for (let y = 0; y < nh; y++) {
    const o = y * nw;
    for (let x = 0; x < nw; x++) {
      rows[o + x] = Math.max(acf[o + ((x + nw - 1) % nw)]!, acf[o + x]!, acf[o + ((x + 1) % nw)]!);
    }
  }
  // Standardise per 4-pixel ring of lag length: short lags still carry image correlation and
  // would otherwise favour small periods.
  const rings = Math.ceil(Math.hypot(nw, nh) / 8) + 1;
  const sum = new Float64Array(rings), sum2 = new Float64Array(rings), cnt = new Float64Array(rings);
  const ring = new Uint16Array(nw * nh);
  for (let y = 0; y < nh; y++) {
    const up = ((y + nh - 1) % nh) * nw, mid = y * nw, down = ((y + 1) % nh) * nw;
    const dy = y < nh / 2 ? y : nh - y;
    for (let x = 0; x < nw; x++) {
      const m = Math.max(rows[up + x]!, rows[mid + x]!, rows[down + x]!);
      const dx = x < nw / 2 ? x : nw - x;
      const r = Math.floor(Math.hypot(dx, dy) / 4);
      out[mid + x] = m; ring[mid + x] = r;
      sum[r]! += m; sum2[r]! += m * m; cnt[r]! += 1;
    }
  }
  for (let i = 0; i < out.length; i++) {
    const r = ring[i]!, n = cnt[r]!, mean = sum[r]! / n;
    out[i] = (out[i]! - mean) / Math.sqrt(Math.max(sum2[r]! / n - mean * mean, 1e-12));
  }
  return out;
}

const LATTICE_POINTS: [number, number][] = [];
for (let k2 = 0; k2 <= 3; k2++) for (let k1 = -3; k1 <= 3; k1++) if (k2 > 0 || k1 > 0) LATTICE_POINTS.push([k1, k2]);
// Half-lattice points: strong there means (a, b) is twice the true period.
const HALF_POINTS: [number, number][] = [[0.5, 0], [0, 0.5], [0.5, 0.5], [-0.5, 0.5], [1.5, 0], [0, 1.5]];

function latticeScore(p: Float32Array, v: AcfView, a: number, b: number): number {
  let on = 0, n = 0, off = 0, nOff = 0;
  const look = (k1: number, k2: number): number | null => {
    const x = Math.round(k1 * a - k2 * b), y = Math.round(k1 * b + k2 * a);
    if (Math.abs(x) > v.maxX || Math.abs(y) > v.maxY) return null;
    return p[((y + v.nh) % v.nh) * v.nw + ((x + v.nw) % v.nw)]!;
  };
  for (const [k1, k2] of LATTICE_POINTS) { const q = look(k1, k2); if (q !== null) { on += q; n++; } }
  for (const [k1, k2] of HALF_POINTS) { const q = look(k1, k2); if (q !== null) { off += q; nOff++; } }
  if (n < 2) return -Infinity;
  return on / Math.sqrt(n) - (nOff ? Math.max(0, off / nOff) * Math.sqrt(n) : 0);
}

/**
 * Candidate tile lattices in a whitened w×h image, best first: a grid search over period
 * (minPeriod…maxPeriod working pixels, 0.3 % steps) and angle (±maxAngle degrees, 0.1° steps)
 * scoring the pooled autocorrelation on 24 lattice points, then a sub-pixel least-squares refit.
 */
export function findLattices(sig: Float32Array, w: number, h: number, minPeriod: number, maxPeriod: number, count = 6, maxAngle = 7): Lattice[] {
  const { acf, nw, nh } = autocorrelation(sig, w, h);
  const view: AcfView = { acf, nw, nh, maxX: Math.min(nw / 2 - 2, Math.floor(w * 0.8)), maxY: Math.min(nh / 2 - 2, Math.floor(h * 0.8)) };
  const pool = pooled(view);
  const found: { P: number; t: number; score: number }[] = [];
  let floor = -Infinity;
  for (let P = minPeriod; P <= maxPeriod; P *= 1.003) {
    for (let deg = -maxAngle; deg <= maxAngle + 1e-9; deg += 0.1) {
      const t = (deg * Math.PI) / 180;
      const score = latticeScore(pool, view, P * Math.cos(t), P * Math.sin(t));
      if (score <= floor) continue;
      found.push({ P, t, score });
      if (found.length >= 256) {
        found.sort((p, q) => q.score - p.score);
        found.length = 128;
        floor = found[127]!.score;
      }
    }
  }
  found.sort((p, q) => q.score - p.score);
  const out: Lattice[] = [];
  for (const f of found) {
    if (out.some((l) => Math.abs(Math.hypot(l.a, l.b) / f.P - 1) < 0.03 && Math.abs(Math.atan2(l.b, l.a) - f.t) < 0.02)) continue;
    const fit = refine(view, f.P * Math.cos(f.t), f.P * Math.sin(f.t));
    out.push({ ...fit, score: f.score });
    if (out.length >= count) break;
  }
  return out;
}
