/** Plain-array image helpers shared by embedding and detection (single-channel Float32, row-major). */

/** Separable box blur with clamped edges, radius r (window 2r+1), via running sums. */
export function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += src[o + Math.min(w - 1, Math.max(0, k))]!;
    for (let x = 0; x < w; x++) {
      tmp[o + x] = sum * norm;
      sum += src[o + Math.min(w - 1, x + r + 1)]! - src[o + Math.max(0, x - r)]!;
    }
  }
  for (let x = 0; x < w; x++) {
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += tmp[Math.min(h - 1, Math.max(0, k)) * w + x]!;
    for (let y = 0; y < h; y++) {
      out[y * w + x] = sum * norm;
      sum += tmp[Math.min(h - 1, y + r + 1) * w + x]! - tmp[Math.max(0, y - r) * w + x]!;
    }
  }
  return out;
}

/** Separable [1 2 1]/4 smoothing with clamped edges. */
function binomial3(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) tmp[o + x] = 0.25 * src[o + Math.max(0, x - 1)]! + 0.5 * src[o + x]! + 0.25 * src[o + Math.min(w - 1, x + 1)]!;
  }
  for (let y = 0; y < h; y++) {
    const up = Math.max(0, y - 1) * w, mid = y * w, down = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) out[mid + x] = 0.25 * tmp[up + x]! + 0.5 * tmp[mid + x]! + 0.25 * tmp[down + x]!;
  }
  return out;
}

/**
 * Detection pre-filter: remove the image's low frequencies (the mark lives above them), then divide
 * by local activity so strong edges and busy texture do not outvote the rest, and clip outliers.
 */
export function whiten(luma: Float32Array, w: number, h: number): Float32Array {
  // Band-pass: the mark sits between ~1/10 and ~1/4 cycles per pixel; above that is only texture
  // and noise, below it image content. A 3-tap binomial smooth minus a 5×5 box mean keeps the band.
  const low = boxBlur(luma, w, h, 2);
  const r = binomial3(luma, w, h);
  for (let i = 0; i < r.length; i++) r[i] = r[i]! - low[i]!;
  const sq = new Float32Array(w * h);
  for (let i = 0; i < r.length; i++) sq[i] = r[i]! * r[i]!;
  const energy = boxBlur(sq, w, h, 6);
  for (let i = 0; i < r.length; i++) {
    const v = r[i]! / Math.sqrt(energy[i]! + 0.25);
    r[i] = v > 3 ? 3 : v < -3 ? -3 : v;
  }
  return r;
}

/**
 * Perceptual mask: local activity (mean absolute high-pass, smoothed) mapped to a relative strength,
 * so texture carries more of the mark than flat sky. Returned values have mean ≈ 1.
 */
export function activityMask(luma: Float32Array, w: number, h: number): Float32Array {
  const low = boxBlur(luma, w, h, 1);
  const act = new Float32Array(w * h);
  for (let i = 0; i < act.length; i++) act[i] = Math.abs(luma[i]! - low[i]!);
  const smooth = boxBlur(act, w, h, 3);
  const sorted = Float32Array.from(smooth).sort();
  const median = sorted[sorted.length >> 1]! + 0.5;
  const mask = new Float32Array(w * h);
  let sum = 0;
  for (let i = 0; i < mask.length; i++) {
    // Floor keeps some mark in flat areas (sync needs it everywhere); cap stops edges hogging it.
    const m = Math.min(2.5, Math.max(0.35, Math.sqrt(smooth[i]! / median)));
    mask[i] = m;
    sum += m;
  }
  const mean = sum / mask.length;
  for (let i = 0; i < mask.length; i++) mask[i] = mask[i]! / mean;
  return mask;
}
