/**
 * Small geometric operations on a luma plane, for the extra hashes a scan tries (turning a tilted
 * copy back). They work on a reduced copy: PDQ reads 64×64 anyway.
 */

/** A copy no larger than `maxSide` on its long side (box average over whole source pixels). */
export function shrinkLuma(luma: Float32Array, width: number, height: number, maxSide: number): { luma: Float32Array; width: number; height: number } {
  const factor = Math.ceil(Math.max(width, height) / maxSide);
  if (factor <= 1) return { luma, width, height };
  const w = Math.floor(width / factor);
  const h = Math.floor(height / factor);
  const out = new Float32Array(w * h);
  const area = factor * factor;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * width + x * factor;
        for (let dx = 0; dx < factor; dx++) sum += luma[row + dx]!;
      }
      out[y * w + x] = sum / area;
    }
  }
  return { luma: out, width: w, height: h };
}

/**
 * The plane turned by `degrees` (counter-clockwise, as image editors' positive angles) about its
 * centre on a canvas of the same size, bilinear; uncovered corners take the mean value so they add
 * no edges of their own.
 */
export function rotateLuma(luma: Float32Array, width: number, height: number, degrees: number): Float32Array {
  const out = new Float32Array(width * height);
  let mean = 0;
  for (let i = 0; i < luma.length; i++) mean += luma[i]!;
  mean /= luma.length;
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // The source point that lands on (x, y): the inverse rotation.
      const dx = x - cx;
      const dy = y - cy;
      const sx = cos * dx - sin * dy + cx;
      const sy = sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) {
        out[y * width + x] = mean;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * width + x0;
      out[y * width + x] = (luma[i]! * (1 - fx) + luma[i + 1]! * fx) * (1 - fy) + (luma[i + width]! * (1 - fx) + luma[i + width + 1]! * fx) * fy;
    }
  }
  return out;
}

/** The eight symmetries of the square, named as PDQ names its dihedral hashes (rot90 turns counter-clockwise; flipX mirrors top to bottom). */
export type Dihedral = 'original' | 'rot90' | 'rot180' | 'rot270' | 'flipX' | 'flipY' | 'flipPlus1' | 'flipMinus1';

/**
 * The plane under one symmetry, pixel for pixel. PDQ can derive these hashes from one DCT, but on
 * fine textures those derived hashes drift up to ~40 bits from hashing the turned pixels, so scans
 * turn the pixels for the whole-image queries.
 */
export function dihedralLuma(luma: Float32Array, width: number, height: number, transform: Dihedral): { luma: Float32Array; width: number; height: number } {
  if (transform === 'original') return { luma, width, height };
  const swap = transform === 'rot90' || transform === 'rot270' || transform === 'flipPlus1' || transform === 'flipMinus1';
  const w = swap ? height : width;
  const h = swap ? width : height;
  const out = new Float32Array(w * h);
  // For each output pixel (x, y): the input pixel it comes from.
  const source: (x: number, y: number) => number = {
    rot90: (x: number, y: number) => x * width + (width - 1 - y),
    rot180: (x: number, y: number) => (height - 1 - y) * width + (width - 1 - x),
    rot270: (x: number, y: number) => (height - 1 - x) * width + y,
    flipX: (x: number, y: number) => (height - 1 - y) * width + x,
    flipY: (x: number, y: number) => y * width + (width - 1 - x),
    flipPlus1: (x: number, y: number) => x * width + y,
    flipMinus1: (x: number, y: number) => (height - 1 - x) * width + (width - 1 - y),
  }[transform];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = luma[source(x, y)]!;
  return { luma: out, width: w, height: h };
}

/**
 * Median filter of radius r (window (2r+1)², edges clamped) on a luma plane, with values rounded to
 * whole grey levels: a sliding 256-bin histogram per row (Huang's method). Strokes thinner than the
 * window — overlaid captions, watermark text, logos' outlines — vanish; broad shapes stay.
 */
export function medianLuma(luma: Float32Array, width: number, height: number, r: number): Float32Array {
  const out = new Float32Array(width * height);
  const level = (x: number, y: number) => {
    const v = Math.round(luma[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))]!);
    return v < 0 ? 0 : v > 255 ? 255 : v;
  };
  const histogram = new Int32Array(256);
  const half = ((2 * r + 1) ** 2 + 1) >> 1;
  for (let y = 0; y < height; y++) {
    histogram.fill(0);
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) histogram[level(dx, y + dy)]!++;
    for (let x = 0; x < width; x++) {
      if (x > 0) {
        for (let dy = -r; dy <= r; dy++) {
          histogram[level(x - r - 1, y + dy)]!--;
          histogram[level(x + r, y + dy)]!++;
        }
      }
      let seen = 0, v = 0;
      while ((seen += histogram[v]!) < half) v++;
      out[y * width + x] = v;
    }
  }
  return out;
}
