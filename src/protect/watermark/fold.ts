/**
 * The detector's view of one tile, shared with the embedder (which measures the host's contribution
 * to the same statistics): folding a whitened image onto one tile under a lattice, locating the
 * pilot, and reading every chip's response.
 */
import { correlateSpectra, correlateSpectraPair, spectrum, type Spectrum } from './fft.js';
import { CHIPS, chipValues, cyclicHighPass, markTile, TILE, type TileLayout } from './keyed-pattern.js';
import type { Lattice } from './sync.js';

/** Destination index of every source index under dihedral transform t (0–7) of an m×m tile. */
function dihedralIndex(m: number, t: number): Int32Array {
  const idx = new Int32Array(m * m);
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) {
    let u = x, v = y;
    if (t & 4) u = m - 1 - u;
    for (let r = 0; r < (t & 3); r++) [u, v] = [m - 1 - v, u];
    idx[y * m + x] = v * m + u;
  }
  return idx;
}

export interface Templates { dihedral: Int32Array[]; pilot: Spectrum[]; unit: Spectrum }
const templateCache = new WeakMap<TileLayout, Map<string, Templates>>();

/** Spectra of the pilot tile under the 8 dihedral transforms, and of one chip, for an m×m fold. */
export function templates(layout: TileLayout, m: number, hp: number): Templates {
  let byLayout = templateCache.get(layout);
  if (!byLayout) { byLayout = new Map(); templateCache.set(layout, byLayout); }
  const k = `${m}/${hp}`;
  const hit = byLayout.get(k);
  if (hit) return hit;
  const pilot = cyclicHighPass(markTile(chipValues(layout, null), m), m, hp);
  const dihedral: Int32Array[] = [], pilots: Spectrum[] = [];
  for (let t = 0; t < 8; t++) {
    const idx = dihedralIndex(m, t);
    const moved = new Float64Array(m * m);
    for (let i = 0; i < idx.length; i++) moved[idx[i]!] = pilot[i]!;
    dihedral.push(idx); pilots.push(spectrum(moved, m));
  }
  const unit = new Float32Array(CHIPS * CHIPS);
  unit[0] = 1;
  const made = { dihedral, pilot: pilots, unit: spectrum(cyclicHighPass(markTile(unit, m), m, hp), m) };
  byLayout.set(k, made);
  return made;
}

export interface PilotHit { z: number; t: number; shift: number }

/**
 * Best phase and orientation of the pilot in a folded tile, with its z-score over all shifts.
 * `upright`: only orientations 0 and 1 are tried (one inverse FFT instead of four), for the embedder,
 * which folds a copy it has just marked upright.
 */
export function pilotSearch(folded: Float64Array, m: number, tpl: Templates, upright = false): PilotHit {
  const foldedSpectrum = spectrum(folded, m);
  let best = { z: -Infinity, t: 0, shift: 0 };
  for (let t = 0; t < (upright ? 2 : 8); t += 2) {
    const pair = correlateSpectraPair(foldedSpectrum, tpl.pilot[t]!, tpl.pilot[t + 1]!, m);
    for (let j = 0; j < 2; j++) {
      const corr = pair[j]!;
      let sum = 0, sum2 = 0, max = -Infinity, arg = 0;
      for (let i = 0; i < corr.length; i++) {
        const v = corr[i]!;
        sum += v; sum2 += v * v;
        if (v > max) { max = v; arg = i; }
      }
      const mean = sum / corr.length;
      const z = (max - mean) / Math.sqrt(Math.max(sum2 / corr.length - mean * mean, 1e-12));
      if (z > best.z) best = { z, t: t + j, shift: arg };
    }
  }
  return best;
}

/** Fold resolution for a period: no finer than about one received pixel per bin. */
function foldSize(period: number): number {
  return period >= 0.9 * TILE ? 128 : period >= 0.45 * TILE ? 64 : 32;
}

/** Fold the whitened image onto an m×m tile under lattice (scale s, angle θ), bilinear splatting. */
export function fold(sig: Float32Array, w: number, h: number, lat: Lattice, m: number, nearest = false): Float64Array {
  const acc = new Float64Array(m * m), wt = new Float64Array(m * m);
  const period = Math.hypot(lat.a, lat.b);
  const k = m / period;
  const c = (lat.a / period) * k, s = (lat.b / period) * k;
  if (nearest) {
    // Coarse screening fold: step the tile coordinates incrementally along each row (|c|, |s| < m).
    for (let y = 0; y < h; y++) {
      let u = s * y, q = c * y;
      u -= Math.floor(u / m) * m; q -= Math.floor(q / m) * m;
      const o = y * w;
      for (let x = 0; x < w; x++) {
        const v = sig[o + x]!;
        if (v !== 0) {
          let iu = (u + 0.5) | 0, iq = (q + 0.5) | 0;
          if (iu >= m) iu -= m;
          if (iq >= m) iq -= m;
          acc[iq * m + iu]! += v; wt[iq * m + iu]! += 1;
        }
        u += c; q -= s;
        if (u >= m) u -= m; else if (u < 0) u += m;
        if (q >= m) q -= m; else if (q < 0) q += m;
      }
    }
    return centred(acc, wt);
  }
  if (lat.b === 0 && lat.a > 0) return foldUpright(sig, w, h, k, m, acc, wt);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = sig[y * w + x]!;
    if (v === 0) continue;
    // Inverse rotation then scale to tile bins.
    let u = c * x + s * y, q = -s * x + c * y;
    u -= Math.floor(u / m) * m; q -= Math.floor(q / m) * m;
    const u0 = Math.floor(u), q0 = Math.floor(q), fu = u - u0, fq = q - q0;
    const u1 = (u0 + 1) % m, q1 = (q0 + 1) % m;
    const a = (1 - fu) * (1 - fq), b = fu * (1 - fq), cc = (1 - fu) * fq, d = fu * fq;
    acc[q0 * m + u0]! += a * v; wt[q0 * m + u0]! += a;
    acc[q0 * m + u1]! += b * v; wt[q0 * m + u1]! += b;
    acc[q1 * m + u0]! += cc * v; wt[q1 * m + u0]! += cc;
    acc[q1 * m + u1]! += d * v; wt[q1 * m + u1]! += d;
  }
  return centred(acc, wt);
}

/**
 * The bilinear fold for an unrotated lattice (the embedder's, and the detector's first try): the
 * tile coordinate of a column depends on x only and that of a row on y only, so both come from
 * per-axis tables. Same arithmetic as the general case, so the same result to the bit.
 */
function foldUpright(sig: Float32Array, w: number, h: number, k: number, m: number, acc: Float64Array, wt: Float64Array): Float64Array {
  const axis = (n: number) => {
    const i0 = new Int32Array(n), i1 = new Int32Array(n), f = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let u = k * i;
      u -= Math.floor(u / m) * m;
      const u0 = Math.floor(u);
      i0[i] = u0; i1[i] = (u0 + 1) % m; f[i] = u - u0;
    }
    return { i0, i1, f };
  };
  const ax = axis(w), ay = axis(h);
  for (let y = 0; y < h; y++) {
    const fq = ay.f[y]!, r0 = ay.i0[y]! * m, r1 = ay.i1[y]! * m, o = y * w;
    for (let x = 0; x < w; x++) {
      const v = sig[o + x]!;
      if (v === 0) continue;
      const fu = ax.f[x]!, u0 = ax.i0[x]!, u1 = ax.i1[x]!;
      const a = (1 - fu) * (1 - fq), b = fu * (1 - fq), cc = (1 - fu) * fq, d = fu * fq;
      acc[r0 + u0]! += a * v; wt[r0 + u0]! += a;
      acc[r0 + u1]! += b * v; wt[r0 + u1]! += b;
      acc[r1 + u0]! += cc * v; wt[r1 + u0]! += cc;
      acc[r1 + u1]! += d * v; wt[r1 + u1]! += d;
    }
  }
  return centred(acc, wt);
}

/** Per-bin mean of the splatted values, minus the overall mean. */
function centred(acc: Float64Array, wt: Float64Array): Float64Array {
  let mean = 0;
  for (let i = 0; i < acc.length; i++) { acc[i] = wt[i]! > 0 ? acc[i]! / wt[i]! : 0; mean += acc[i]!; }
  mean /= acc.length;
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! - mean;
  return acc;
}

/** Re-index a folded tile so it is upright and at phase 0, given the pilot's orientation and shift. */
export function align(folded: Float64Array, m: number, tpl: Templates, hit: PilotHit): Float64Array {
  // folded(p + shift) ≈ D_t(pilot)(p), so the upright tile is tile(i) = folded(idx_t(i) + shift).
  const idx = tpl.dihedral[hit.t]!;
  const sx = hit.shift % m, sy = Math.floor(hit.shift / m);
  const aligned = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) {
    const q = idx[i]!;
    aligned[i] = folded[(((q / m) | 0) + sy) % m * m + ((q % m) + sx) % m]!;
  }
  return aligned;
}

/** Matched-filter response of every chip (row-major CHIPS×CHIPS) in an upright, phase-0 fold. */
export function chipResponses(aligned: Float64Array, m: number, tpl: Templates): Float64Array {
  const response = correlateSpectra(spectrum(aligned, m), tpl.unit, m);
  const cell = m / CHIPS;
  const out = new Float64Array(CHIPS * CHIPS);
  for (let i = 0; i < out.length; i++) out[i] = response[Math.floor(i / CHIPS) * cell * m + (i % CHIPS) * cell]!;
  return out;
}

/** Fold size and the detector's extra high-pass radius for a tile period (working pixels). */
export function foldParams(period: number): { m: number; hp: number } {
  const m = foldSize(period);
  return { m, hp: Math.max(1, Math.round((2 * m) / period)) };
}
