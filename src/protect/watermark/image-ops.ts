/** Plain-array image helpers shared by embedding and detection (single-channel Float32, row-major). */
import { scratchFloat32 } from '../scratch-planes.js';

/** Planes up to this many values (4 MB) are kept between calls: a display copy's mask and working grids. */
const KEPT_PLANE = 1024 * 1024;
const scratch = (slot: string, length: number) => scratchFloat32(`watermark-${slot}`, length, KEPT_PLANE);

/** Separable box blur with clamped edges, radius r (window 2r+1), via running sums. */
export function boxBlur(src: Float32Array, w: number, h: number, r: number, out: Float32Array = new Float32Array(w * h)): Float32Array {
  const tmp = scratch('blur-rows', w * h);
  const norm = 1 / (2 * r + 1);
  // Rows: the clamped edges apart, the window slides without bounds checks (same sums, same order).
  const inner = Math.max(0, Math.min(w, w - r - 1)), lead = Math.min(r, inner);
  let y0 = 0;
  // Four rows at once: four independent running sums keep the CPU busy (each row's sums unchanged).
  for (; y0 + 4 <= h && inner - lead > 0; y0 += 4) {
    const o0 = y0 * w, o1 = o0 + w, o2 = o1 + w, o3 = o2 + w;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = -r; k <= r; k++) {
      const c = Math.min(w - 1, Math.max(0, k));
      s0 += src[o0 + c]!; s1 += src[o1 + c]!; s2 += src[o2 + c]!; s3 += src[o3 + c]!;
    }
    let x = 0;
    for (; x < lead; x++) {
      tmp[o0 + x] = s0 * norm; tmp[o1 + x] = s1 * norm; tmp[o2 + x] = s2 * norm; tmp[o3 + x] = s3 * norm;
      s0 += src[o0 + x + r + 1]! - src[o0]!; s1 += src[o1 + x + r + 1]! - src[o1]!;
      s2 += src[o2 + x + r + 1]! - src[o2]!; s3 += src[o3 + x + r + 1]! - src[o3]!;
    }
    for (; x < inner; x++) {
      tmp[o0 + x] = s0 * norm; tmp[o1 + x] = s1 * norm; tmp[o2 + x] = s2 * norm; tmp[o3 + x] = s3 * norm;
      s0 += src[o0 + x + r + 1]! - src[o0 + x - r]!; s1 += src[o1 + x + r + 1]! - src[o1 + x - r]!;
      s2 += src[o2 + x + r + 1]! - src[o2 + x - r]!; s3 += src[o3 + x + r + 1]! - src[o3 + x - r]!;
    }
    for (; x < w; x++) {
      const l = Math.max(0, x - r);
      tmp[o0 + x] = s0 * norm; tmp[o1 + x] = s1 * norm; tmp[o2 + x] = s2 * norm; tmp[o3 + x] = s3 * norm;
      s0 += src[o0 + w - 1]! - src[o0 + l]!; s1 += src[o1 + w - 1]! - src[o1 + l]!;
      s2 += src[o2 + w - 1]! - src[o2 + l]!; s3 += src[o3 + w - 1]! - src[o3 + l]!;
    }
  }
  for (let y = y0; y < h; y++) {
    const o = y * w, last = o + w - 1;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += src[o + Math.min(w - 1, Math.max(0, k))]!;
    let x = 0;
    for (; x < lead; x++) {
      tmp[o + x] = sum * norm;
      sum += src[o + x + r + 1]! - src[o]!;
    }
    for (; x < inner; x++) {
      tmp[o + x] = sum * norm;
      sum += src[o + x + r + 1]! - src[o + x - r]!;
    }
    for (; x < w; x++) {
      tmp[o + x] = sum * norm;
      sum += src[last]! - src[o + Math.max(0, x - r)]!;
    }
  }
  // Columns are summed a row at a time (one running sum per column) so memory is read in order;
  // each column's sum sees the same additions in the same order as a column-by-column walk.
  const sums = new Float64Array(w);
  for (let k = -r; k <= r; k++) {
    const o = Math.min(h - 1, Math.max(0, k)) * w;
    for (let x = 0; x < w; x++) sums[x] = sums[x]! + tmp[o + x]!;
  }
  let y = 0;
  // Four output rows per sweep: each column's sum stays in a register between them.
  for (; y + 4 <= h; y += 4) {
    const o = y * w;
    const e0 = Math.min(h - 1, y + r + 1) * w, e1 = Math.min(h - 1, y + r + 2) * w, e2 = Math.min(h - 1, y + r + 3) * w, e3 = Math.min(h - 1, y + r + 4) * w;
    const l0 = Math.max(0, y - r) * w, l1 = Math.max(0, y + 1 - r) * w, l2 = Math.max(0, y + 2 - r) * w, l3 = Math.max(0, y + 3 - r) * w;
    for (let x = 0; x < w; x++) {
      let s = sums[x]!;
      out[o + x] = s * norm; s = s + (tmp[e0 + x]! - tmp[l0 + x]!);
      out[o + w + x] = s * norm; s = s + (tmp[e1 + x]! - tmp[l1 + x]!);
      out[o + 2 * w + x] = s * norm; s = s + (tmp[e2 + x]! - tmp[l2 + x]!);
      out[o + 3 * w + x] = s * norm; sums[x] = s + (tmp[e3 + x]! - tmp[l3 + x]!);
    }
  }
  for (; y < h; y++) {
    const o = y * w, enter = Math.min(h - 1, y + r + 1) * w, leave = Math.max(0, y - r) * w;
    for (let x = 0; x < w; x++) {
      out[o + x] = sums[x]! * norm;
      sums[x] = sums[x]! + (tmp[enter + x]! - tmp[leave + x]!);
    }
  }
  return out;
}

/** The k-th smallest value (0-based) of `values`, which is reordered: Hoare's selection, O(n). */
export function selectKth(values: Float32Array, k: number): number {
  let lo = 0, hi = values.length - 1;
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) { const t = values[i]!; values[i] = values[j]!; values[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

/**
 * Detection pre-filter: subtract the 3×3 local mean (the host's prediction of each pixel; the mark
 * is what it cannot predict), divide by the local energy of that residual over 5×5 so edges and busy
 * texture weigh no more than flat areas, and clip outliers.
 *
 * Measured against the earlier band-pass (3-tap smoothing minus a 5×5 mean, energy over 13×13) with
 * the true lattice on 14 hard images (transparent drawings, gravel, grass): the raw coded-bit SNR
 * after a 50 % resize rose from 0.65 to 1.2 and after a 10 % crop from 0.89 to 1.4 — a resized copy
 * keeps its mark mostly in the finest band the old filter smoothed away.
 */
export function whiten(luma: Float32Array, w: number, h: number): Float32Array {
  const low = boxBlur(luma, w, h, 1, scratch('whiten-low', w * h));
  const r = new Float32Array(w * h);
  for (let i = 0; i < r.length; i++) r[i] = luma[i]! - low[i]!;
  const sq = scratch('whiten-square', w * h);
  for (let i = 0; i < r.length; i++) sq[i] = r[i]! * r[i]!;
  const energy = boxBlur(sq, w, h, 2, scratch('whiten-energy', w * h));
  for (let i = 0; i < r.length; i++) {
    const v = r[i]! / Math.sqrt(energy[i]! + 0.25);
    r[i] = v > 3 ? 3 : v < -3 ? -3 : v;
  }
  return r;
}

/**
 * Perceptual mask: local activity (mean absolute high-pass, smoothed) mapped to a relative strength,
 * so texture carries more of the mark than flat sky. Returned values have mean ≈ 1. The range is
 * kept narrow (0.7–1.4 before normalising): the detector normalises by local energy, so energy moved
 * into texture is worth less to it; a mask of 0.35–2.5 cost 15–20 % of the detection SNR.
 */
export function activityMask(luma: Float32Array, w: number, h: number): Float32Array {
  const low = boxBlur(luma, w, h, 1, scratch('mask-low', w * h));
  const act = scratch('mask-activity', w * h);
  for (let i = 0; i < act.length; i++) act[i] = Math.abs(luma[i]! - low[i]!);
  const smooth = boxBlur(act, w, h, 3, scratch('mask-smooth', w * h));
  // The median of a regular subsample (a quarter of the values, by selection): the mask is relative
  // to it, and the plane is smooth over 7 pixels, so a finer estimate changes nothing that shows.
  const order = scratch('mask-order', Math.ceil(smooth.length / MEDIAN_STRIDE));
  for (let i = 0, j = 0; i < smooth.length; i += MEDIAN_STRIDE, j++) order[j] = smooth[i]!;
  const median = selectKth(order, order.length >> 1) + 0.5;
  const mask = new Float32Array(w * h);
  let sum = 0;
  // Floor keeps some mark in flat areas (sync needs it everywhere); cap stops edges hogging it.
  const scale = MASK_TABLE_STEPS / (MASK_RATIO_HIGH - MASK_RATIO_LOW);
  for (let i = 0; i < mask.length; i++) {
    const ratio = smooth[i]! / median;
    let m: number;
    if (ratio <= MASK_RATIO_LOW) m = 0.7;
    else if (ratio >= MASK_RATIO_HIGH) m = 1.4;
    else {
      const at = (ratio - MASK_RATIO_LOW) * scale, k = at | 0;
      m = POWER_TABLE[k]! + (at - k) * (POWER_TABLE[k + 1]! - POWER_TABLE[k]!);
    }
    mask[i] = m;
    sum += m;
  }
  const mean = sum / mask.length;
  for (let i = 0; i < mask.length; i++) mask[i] = mask[i]! / mean;
  return mask;
}

const MEDIAN_STRIDE = 4;
/** Activity ratios whose strength 0.7–1.4 is not clamped: ratio^0.3 between the two bounds. */
const MASK_RATIO_LOW = 0.7 ** (1 / 0.3), MASK_RATIO_HIGH = 1.4 ** (1 / 0.3);
/**
 * ratio^0.3 over that range, linearly interpolated: the power per value was a third of the mask's
 * time; 2,048 steps keep the interpolation within 2e-6 of it.
 */
const MASK_TABLE_STEPS = 2048;
const POWER_TABLE = (() => {
  const t = new Float64Array(MASK_TABLE_STEPS + 2);
  for (let k = 0; k < t.length; k++) t[k] = Math.min(1.4, (MASK_RATIO_LOW + (k * (MASK_RATIO_HIGH - MASK_RATIO_LOW)) / MASK_TABLE_STEPS) ** 0.3);
  return t;
})();
