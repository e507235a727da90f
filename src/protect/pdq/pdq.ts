/**
 * PDQ perceptual hash (Meta, 2017): a 256-bit hash of an image's low-frequency structure plus a 0–100
 * quality score. Written from the published algorithm and checked against the reference hashes in
 * ../shared/data/pdq-vectors. Every step rounds to float32 where the C++/Java reference works in
 * `float`, so the same luma buffer gives the reference's bits exactly, not just nearly.
 *
 * Pure: no IO. Decoding and colour conversion live in ../image-input.ts.
 */
import { boxPasses } from './box-passes.js';

/** A PDQ hash: 32 bytes, and the same as the 64 hex digits the upstream tools print. */
export interface PdqHash {
  hash: Uint8Array;
  hex: string;
  /** 0–100 from the count of strong gradients; below PDQ_MIN_QUALITY the hash is not worth matching. */
  quality: number;
}

/**
 * The eight symmetries of the square, named as the reference's `--pdqdih` output and test files:
 * rot90 turns counter-clockwise (bridge-2-rotate-90.jpg), flipX mirrors top to bottom, flipPlus1
 * mirrors about the main diagonal (transpose), flipMinus1 about the other.
 */
export const PDQ_TRANSFORMS = ['original', 'rot90', 'rot180', 'rot270', 'flipX', 'flipY', 'flipPlus1', 'flipMinus1'] as const;
export type PdqTransform = (typeof PDQ_TRANSFORMS)[number];

export interface PdqVariant {
  transform: PdqTransform;
  hash: Uint8Array;
  hex: string;
}

/** Meta's guidance: hashes of quality below 50 are too flat or featureless to match on. */
export const PDQ_MIN_QUALITY = 50;
/** Two PDQ hashes within this many bits are usually the same picture (Meta's suggested threshold). */
export const PDQ_MATCH_DISTANCE = 31;

// Each channel value times its luma weight: the reference's weights and products are float32.
const weighted = (w: number) => Float64Array.from({ length: 256 }, (_, v) => Math.fround(Math.fround(w) * v));
const LUMA_R_OF = weighted(0.299);
const LUMA_G_OF = weighted(0.587);
const LUMA_B_OF = weighted(0.114);
// Below this the reference returns an all-zero hash with quality 0 rather than hashing.
const MIN_HASHABLE_DIM = 5;

/** 16×64 DCT-II rows 1..16 (row 0, the DC term, carries no structure), float32 like the reference. */
const DCT = (() => {
  const scale = Math.fround(Math.sqrt(2 / 64));
  const m = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) m[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
  }
  return m;
})();

/** Luma (0.299 R + 0.587 G + 0.114 B, float32 as the reference) from interleaved 8-bit pixels; 1–2 channels are grey. */
export function lumaFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const n = width * height;
  if (pixels.length < n * channels) throw new RangeError(`pixel buffer holds ${pixels.length} bytes, need ${n * channels}`);
  const luma = new Float32Array(n);
  if (channels < 3) {
    for (let p = 0, q = 0; p < n; p++, q += channels) luma[p] = pixels[q]!;
    return luma;
  }
  // Float32 storage rounds the final sum as the reference's float arithmetic does.
  for (let p = 0, q = 0; p < n; p++, q += channels) luma[p] = Math.fround(LUMA_R_OF[pixels[q]!]! + LUMA_G_OF[pixels[q + 1]!]!) + LUMA_B_OF[pixels[q + 2]!]!;
  return luma;
}

/** The PDQ hash and quality of a row-major luma buffer (not modified). */
export function pdqHash(luma: Float32Array, width: number, height: number): PdqHash {
  return hashOf(pdqDct(luma, width, height));
}

/** The hash of a DCT (all zero when the image was too small to have one). */
function hashOf({ dct, quality }: { dct: Float32Array | null; quality: number }): PdqHash {
  const hash = dct ? bitsFromDct(dct) : new Uint8Array(32);
  return { hash, hex: pdqBytesToHex(hash), quality };
}

/** All eight dihedral hashes, derived from one DCT as the reference does (cheaper than re-hashing turned pixels). */
export function pdqDihedralHashes(luma: Float32Array, width: number, height: number): { quality: number; variants: PdqVariant[] } {
  const { dct, quality } = pdqDct(luma, width, height);
  const aux = new Float32Array(256);
  const variants = PDQ_TRANSFORMS.map((transform) => {
    const hash = dct ? bitsFromDct(transformDct(dct, transform, aux)) : new Uint8Array(32);
    return { transform, hash, hex: pdqBytesToHex(hash) };
  });
  return { quality, variants };
}

/**
 * The hash of the centre of the image with `fractionPerSide` cut from each of the four sides, so a
 * stored fingerprint can also match copies that were cropped (0.1 and 0.2 are the usual choices).
 */
export function pdqOfCentralCrop(luma: Float32Array, width: number, height: number, fractionPerSide: number): PdqHash {
  const { x0, y0, w, h } = centralCropRect(width, height, fractionPerSide);
  // The crop is read in place by the WebAssembly passes; copied out only for the JavaScript ones.
  return hashOf(pdqDctOfRect(luma, width, height, x0, y0, w, h));
}

function centralCropRect(width: number, height: number, fractionPerSide: number): { x0: number; y0: number; w: number; h: number } {
  if (!(fractionPerSide >= 0 && fractionPerSide < 0.5)) throw new RangeError(`fractionPerSide must be in [0, 0.5), got ${fractionPerSide}`);
  const x0 = Math.round(width * fractionPerSide);
  const y0 = Math.round(height * fractionPerSide);
  return { x0, y0, w: width - 2 * x0, h: height - 2 * y0 };
}

/** The luma of the centre of an image with `fractionPerSide` cut from each of the four sides. */
export function centralCrop(luma: Float32Array, width: number, height: number, fractionPerSide: number): { luma: Float32Array; width: number; height: number } {
  const { x0, y0, w, h } = centralCropRect(width, height, fractionPerSide);
  return { luma: cropOf(luma, width, x0, y0, w, h), width: w, height: h };
}

function cropOf(luma: Float32Array, width: number, x0: number, y0: number, w: number, h: number): Float32Array {
  const crop = new Float32Array(w * h);
  for (let y = 0; y < h; y++) crop.set(luma.subarray((y + y0) * width + x0, (y + y0) * width + x0 + w), y * w);
  return crop;
}

/**
 * The 16×16 DCT coefficients (row-major) and quality: the shared core of every hash above. Returns
 * no coefficients for images under 5 px on a side, which the reference also declines to hash.
 */
export function pdqDct(luma: Float32Array, width: number, height: number): { dct: Float32Array | null; quality: number } {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new RangeError(`bad size ${width}×${height}`);
  if (luma.length < width * height) throw new RangeError(`luma holds ${luma.length} values, need ${width}×${height}`);
  return pdqDctOfRect(luma, width, height, 0, 0, width, height);
}

/** `pdqDct` of the w × h rectangle at (x0, y0) of a stride-wide plane. */
function pdqDctOfRect(luma: Float32Array, stride: number, rows: number, x0: number, y0: number, width: number, height: number): { dct: Float32Array | null; quality: number } {
  if (width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM) return { dct: null, quality: 0 };
  const windowAlongRows = jaroszWindow(width);
  const windowAlongCols = jaroszWindow(height);
  // Two X,Y box passes approximate a tent filter (Jarosz, "Fast Image Convolutions", 2001): three in
  // WebAssembly, the last only at the 64 sampled columns.
  const whole = x0 === 0 && y0 === 0 && width === stride && height === rows;
  const a = boxPasses(luma, stride, { x0, y0, width, height }, windowAlongRows, windowAlongCols)
    ?? boxPassesInJs(whole ? luma : cropOf(luma, stride, x0, y0, width, height), width, height, windowAlongRows, windowAlongCols);
  const small = lastPassSampled(a, width, height, windowAlongCols);
  return { dct: dct64To16(small), quality: qualityOf(small) };
}

/**
 * The three full passes in JavaScript: for planes too large for the WebAssembly memory, and as the
 * reference the WebAssembly passes are tested against. The caller's buffer is only read (crops reuse
 * it); the passes ping-pong between two planes of their own.
 */
export function boxPassesInJs(luma: Float32Array, width: number, height: number, windowAlongRows: number, windowAlongCols: number): Float32Array {
  const a = new Float32Array(width * height);
  const b = new Float32Array(width * height);
  const sums = new Float64Array(width); // holds float32 values; float64 storage saves conversions
  boxAlongRows(luma, a, width, height, windowAlongRows);
  boxAlongCols(a, b, width, height, windowAlongCols, sums);
  boxAlongRows(b, a, width, height, windowAlongRows);
  return a;
}

/** Bits that differ between two 256-bit hashes. */
export function hammingDistance256(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== 32 || b.length !== 32) throw new RangeError('PDQ hashes are 32 bytes');
  let d = 0;
  for (let i = 0; i < 32; i++) d += POPCOUNT[a[i]! ^ b[i]!]!;
  return d;
}

/** Lower-case hex of a 32-byte hash, in the order the upstream tools print it. */
export function pdqBytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses the 64 hex digits the upstream tools print (either case) into 32 bytes. */
export function pdqHexToBytes(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError(`a PDQ hash is 64 hex digits, got "${hex.slice(0, 80)}"`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

const POPCOUNT = (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >> 1]!;
  return t;
})();

/** Half the size of one 64th of the dimension (rounded up): two passes then span a full output cell. */
export function jaroszWindow(dimension: number): number {
  return Math.floor((dimension + 127) / 128);
}

// Box passes follow the reference's `box1DFloat`: a running float32 sum, the window growing from
// half size at the start and shrinking at the end. With x the sample entering the window, the
// sample x - window leaves it and output x - half + 1 is written.

/** One box pass along every row, four rows at a time: four independent sums keep the CPU busy. */
function boxAlongRows(src: Float32Array, dst: Float32Array, width: number, height: number, window: number): void {
  const half = (window + 2) >> 1;
  for (let y = 0; y < height; y += 4) {
    // A short last group repeats its last row; the repeat writes the same values again.
    const r0 = y * width;
    const r1 = Math.min(y + 1, height - 1) * width;
    const r2 = Math.min(y + 2, height - 1) * width;
    const r3 = Math.min(y + 3, height - 1) * width;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let count = 0;
    for (let x = 0; x < window; x++) {
      s0 = Math.fround(s0 + src[r0 + x]!); s1 = Math.fround(s1 + src[r1 + x]!);
      s2 = Math.fround(s2 + src[r2 + x]!); s3 = Math.fround(s3 + src[r3 + x]!);
      count++;
      const o = x - half + 1;
      if (o >= 0) {
        dst[r0 + o] = s0 / count; dst[r1 + o] = s1 / count;
        dst[r2 + o] = s2 / count; dst[r3 + o] = s3 / count;
      }
    }
    for (let x = window, o = window - half + 1; x < width; x++, o++) {
      const l = x - window;
      s0 = Math.fround(Math.fround(s0 + src[r0 + x]!) - src[r0 + l]!); s1 = Math.fround(Math.fround(s1 + src[r1 + x]!) - src[r1 + l]!);
      s2 = Math.fround(Math.fround(s2 + src[r2 + x]!) - src[r2 + l]!); s3 = Math.fround(Math.fround(s3 + src[r3 + x]!) - src[r3 + l]!);
      dst[r0 + o] = s0 / count; dst[r1 + o] = s1 / count;
      dst[r2 + o] = s2 / count; dst[r3 + o] = s3 / count;
    }
    for (let x = width, o = width - half + 1; x < width + half - 1; x++, o++) {
      const l = x - window;
      s0 = Math.fround(s0 - src[r0 + l]!); s1 = Math.fround(s1 - src[r1 + l]!);
      s2 = Math.fround(s2 - src[r2 + l]!); s3 = Math.fround(s3 - src[r3 + l]!);
      count--;
      dst[r0 + o] = s0 / count; dst[r1 + o] = s1 / count;
      dst[r2 + o] = s2 / count; dst[r3 + o] = s3 / count;
    }
  }
}

/** The same pass down every column, swept a row at a time so memory is read in order. */
function boxAlongCols(src: Float32Array, dst: Float32Array, width: number, height: number, window: number, sums: Float64Array): void {
  const half = (window + 2) >> 1;
  sums.fill(0, 0, width);
  let count = 0;
  for (let y = 0; y < height + half - 1; y++) {
    // Steady state, four rows at once: each column's sum stays in a register across them.
    if (y >= window && y >= half - 1 && y + 3 < height) {
      const a0 = y * width, b0 = (y - window) * width, o0 = (y - half + 1) * width;
      for (let x = 0; x < width; x++) {
        const s0 = Math.fround(Math.fround(sums[x]! + src[a0 + x]!) - src[b0 + x]!);
        const s1 = Math.fround(Math.fround(s0 + src[a0 + width + x]!) - src[b0 + width + x]!);
        const s2 = Math.fround(Math.fround(s1 + src[a0 + 2 * width + x]!) - src[b0 + 2 * width + x]!);
        const s3 = Math.fround(Math.fround(s2 + src[a0 + 3 * width + x]!) - src[b0 + 3 * width + x]!);
        sums[x] = s3;
        dst[o0 + x] = s0 / count; dst[o0 + width + x] = s1 / count;
        dst[o0 + 2 * width + x] = s2 / count; dst[o0 + 3 * width + x] = s3 / count;
      }
      y += 3;
      continue;
    }
    const ri = y < height ? y * width : -1; // the row entering the window, if any
    const li = y >= window ? (y - window) * width : -1; // the row leaving it, if any
    const oi = (y - half + 1) * width; // the row written, once the window is half full
    count += (ri >= 0 ? 1 : 0) - (li >= 0 ? 1 : 0);
    // One loop per case, no test per pixel: the same float32 steps in the same order as one general loop.
    if (ri >= 0 && li >= 0 && oi >= 0) {
      for (let x = 0; x < width; x++) {
        const s = Math.fround(Math.fround(sums[x]! + src[ri + x]!) - src[li + x]!);
        sums[x] = s;
        dst[oi + x] = s / count;
      }
    } else if (ri >= 0 && li < 0) {
      if (oi >= 0) {
        for (let x = 0; x < width; x++) {
          const s = Math.fround(sums[x]! + src[ri + x]!);
          sums[x] = s;
          dst[oi + x] = s / count;
        }
      } else {
        for (let x = 0; x < width; x++) sums[x] = Math.fround(sums[x]! + src[ri + x]!);
      }
    } else {
      for (let x = 0; x < width; x++) {
        let s = sums[x]!;
        if (ri >= 0) s = Math.fround(s + src[ri + x]!);
        if (li >= 0) s = Math.fround(s - src[li + x]!);
        sums[x] = s;
        if (oi >= 0) dst[oi + x] = s / count;
      }
    }
  }
}

/**
 * The last box pass down the columns and the 64×64 decimation, computed only for the 64 columns
 * the decimation samples (the centres of a 64×64 grid): each column's running sum takes the same
 * float32 steps as in `boxAlongCols`, so the samples are bit for bit those of the full pass, at a
 * 64th of a megapixel image's work.
 */
function lastPassSampled(src: Float32Array, width: number, height: number, window: number): Float32Array {
  const cols = new Int32Array(64);
  for (let j = 0; j < 64; j++) cols[j] = Math.trunc(((j + 0.5) * width) / 64);
  const filtered = new Float32Array(height * 64);
  const sums = new Float64Array(64);
  const half = (window + 2) >> 1;
  let count = 0;
  for (let y = 0; y < height + half - 1; y++) {
    const ri = y < height ? y * width : -1; // the row entering the window, if any
    const li = y >= window ? (y - window) * width : -1; // the row leaving it, if any
    const o = y - half + 1; // the row written, once the window is half full
    count += (ri >= 0 ? 1 : 0) - (li >= 0 ? 1 : 0);
    for (let j = 0; j < 64; j++) {
      const x = cols[j]!;
      let s = sums[j]!;
      if (ri >= 0) s = Math.fround(s + src[ri + x]!);
      if (li >= 0) s = Math.fround(s - src[li + x]!);
      sums[j] = s;
      if (o >= 0) filtered[o * 64 + j] = s / count;
    }
  }
  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++) out.set(filtered.subarray(Math.trunc(((i + 0.5) * height) / 64) * 64, Math.trunc(((i + 0.5) * height) / 64) * 64 + 64), i * 64);
  return out;
}

/** The reference's heuristic: strong neighbour differences, each quantised to a percentage, summed / 90. */
function qualityOf(m: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) sum += Math.abs(Math.trunc(Math.fround(Math.fround(Math.fround(m[i * 64 + j]! - m[(i + 1) * 64 + j]!) * 100) / 255)));
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) sum += Math.abs(Math.trunc(Math.fround(Math.fround(Math.fround(m[i * 64 + j]! - m[i * 64 + j + 1]!) * 100) / 255)));
  }
  return Math.min(100, Math.trunc(sum / 90));
}

/** B = D·A·Dᵀ, keeping only the 16×16 lowest non-DC frequencies; float32 sums in the reference's order. */
function dct64To16(a: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = Math.fround(s + Math.fround(DCT[i * 64 + k]! * a[k * 64 + j]!));
      t[i * 64 + j] = s;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = Math.fround(s + Math.fround(t[i * 64 + k]! * DCT[j * 64 + k]!));
      b[i * 16 + j] = s;
    }
  }
  return b;
}

/**
 * The DCT of a turned or mirrored image is the original's with some coefficients negated (odd
 * frequencies change sign under a flip) and, for the four diagonal symmetries, transposed.
 */
function transformDct(a: Float32Array, transform: PdqTransform, out: Float32Array): Float32Array {
  const transpose = transform === 'rot90' || transform === 'rot270' || transform === 'flipPlus1' || transform === 'flipMinus1';
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let negate: boolean;
      switch (transform) {
        case 'original': case 'flipPlus1': negate = false; break;
        case 'rot90': case 'flipY': negate = (j & 1) === 0; break;
        case 'rot270': case 'flipX': negate = (i & 1) === 0; break;
        case 'rot180': case 'flipMinus1': negate = ((i + j) & 1) === 1; break;
      }
      const v = a[i * 16 + j]!;
      out[transpose ? j * 16 + i : i * 16 + j] = negate ? -v : v;
    }
  }
  return out;
}

/**
 * One bit per coefficient: above the median or not. Bit i·16+j lands in 16-bit word i; the words
 * print from 15 down to 0, big-endian, which is the byte order used here.
 */
function bitsFromDct(dct: Float32Array): Uint8Array {
  // The reference's Torben median returns the 128th smallest of the 256 (the lower median); so does this.
  const median = dct.slice().sort()[127]!;
  const out = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    let word = 0;
    for (let j = 0; j < 16; j++) if (dct[i * 16 + j]! > median) word |= 1 << j;
    out[2 * (15 - i)] = word >>> 8;
    out[2 * (15 - i) + 1] = word & 0xff;
  }
  return out;
}
