/**
 * A second, local opinion for near misses. PDQ is a global hash: a caption or logo laid over a
 * fifth of a picture can move it 32–46 bits, just past the match radius, although most of the
 * picture is untouched. For candidates in that band, both pictures are reduced to a 64 × 64 grid
 * and compared block by block (8 × 8 blocks of 8 × 8 cells, normalised cross-correlation): a copy
 * under an overlay agrees on most of its textured blocks (0.83–0.97 measured on the benchmark's
 * text overlays), unrelated pictures on almost none (≤ 0.06).
 */
export const GRID = 64;
const BLOCK = 8;
/** Share of textured blocks that must agree for a near miss to count as a match. */
export const BLOCK_AGREEMENT_THRESHOLD = 0.5;

/** The picture resampled to GRID × GRID by area averaging (aspect ignored, as PDQ ignores it). */
export function lumaGrid(luma: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(GRID * GRID);
  for (let gy = 0; gy < GRID; gy++) {
    const y0 = Math.floor((gy * height) / GRID);
    const y1 = Math.max(y0 + 1, Math.floor(((gy + 1) * height) / GRID));
    for (let gx = 0; gx < GRID; gx++) {
      const x0 = Math.floor((gx * width) / GRID);
      const x1 = Math.max(x0 + 1, Math.floor(((gx + 1) * width) / GRID));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += luma[y * width + x]!;
      out[gy * GRID + gx] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/**
 * The share of the original's textured blocks that the suspect reproduces (correlation above 0.7
 * and a similar mean). Flat blocks of the original say nothing and are left out; 0 when all are flat.
 */
export function blockAgreement(original: Float32Array, suspect: Float32Array): number {
  let agree = 0;
  let textured = 0;
  const n = BLOCK * BLOCK;
  for (let by = 0; by < GRID / BLOCK; by++) {
    for (let bx = 0; bx < GRID / BLOCK; bx++) {
      let sa = 0;
      let sb = 0;
      for (let y = 0; y < BLOCK; y++) {
        for (let x = 0; x < BLOCK; x++) {
          const i = (by * BLOCK + y) * GRID + bx * BLOCK + x;
          sa += original[i]!;
          sb += suspect[i]!;
        }
      }
      const ma = sa / n;
      const mb = sb / n;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let y = 0; y < BLOCK; y++) {
        for (let x = 0; x < BLOCK; x++) {
          const i = (by * BLOCK + y) * GRID + bx * BLOCK + x;
          const da = original[i]! - ma;
          const db = suspect[i]! - mb;
          sab += da * db;
          saa += da * da;
          sbb += db * db;
        }
      }
      if (saa < n * 16) continue; // standard deviation under 4 grey levels: flat
      textured++;
      if (sab / Math.sqrt(saa * sbb + 1e-9) > 0.7 && Math.abs(ma - mb) < 40) agree++;
    }
  }
  return textured === 0 ? 0 : agree / textured;
}
