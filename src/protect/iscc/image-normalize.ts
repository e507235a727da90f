/**
 * Image normalisation for Image-Codes, reproducing iscc-sdk's Pillow steps on decoded RGBA
 * pixels so that our codes match the SDK's: transparency composited on white, a uniform border
 * (the top-left pixel's colour) trimmed, ITU-R 601 luma in Pillow's fixed point, and Pillow's
 * two-pass antialiased bicubic resize to 32×32 with its 8-bit intermediate rounding. libvips
 * (sharp) does each of these differently (its trim median-filters, its greyscale is linear-light,
 * its resize kernel is another), which would move Image-Code bits, so only decoding is left to it.
 */

import { HEAP_START, wasmKernels } from '../wasm-kernels.js';
import { ISCC_RESIZE_WASM_BASE64 } from './iscc-resize-wasm.js';

/** Decoded pixels: `channels` bytes per pixel, row-major. */
export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Pillow's exact rounding division by 255 (DIV255). */
function div255(a: number): number {
  const t = a + 128;
  return ((t >> 8) + t) >> 8;
}

/** RGBA → RGB over a white background, with Pillow's `paste(mask=alpha)` rounding. */
export function fillTransparencyWhite(rgba: RawPixels): RawPixels {
  if (rgba.channels === 3) return rgba;
  if (rgba.channels !== 4) throw new RangeError(`expected RGB or RGBA pixels, got ${rgba.channels} channels`);
  const n = rgba.width * rgba.height;
  const out = new Uint8Array(n * 3);
  const src = rgba.data;
  for (let i = 0; i < n; i++) {
    const a = src[i * 4 + 3]!;
    const white = 255 * (255 - a);
    for (let c = 0; c < 3; c++) out[i * 3 + c] = div255(white + src[i * 4 + c]! * a);
  }
  return { data: out, width: rgba.width, height: rgba.height, channels: 3 };
}

/**
 * Crops RGB pixels to the bounding box of the pixels that differ (in any channel) from the
 * top-left pixel; an image of one colour is kept whole, as Pillow's `crop(None)` does.
 */
export function trimBorder(rgb: RawPixels): RawPixels {
  const { data, width, height } = rgb;
  const [r0, g0, b0] = [data[0]!, data[1]!, data[2]!];
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const p = row + x * 3;
      if (data[p] !== r0 || data[p + 1] !== g0 || data[p + 2] !== b0) {
        if (y < top) top = y;
        bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  if (bottom < 0) return rgb;
  const w = right - left + 1;
  const h = bottom - top + 1;
  if (w === width && h === height) return rgb;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) out.set(data.subarray(((top + y) * width + left) * 3, ((top + y) * width + left + w) * 3), y * w * 3);
  return { data: out, width: w, height: h, channels: 3 };
}

/** RGB → grey with Pillow's `convert("L")`: (19595 R + 38470 G + 7471 B + 0x8000) >> 16. */
export function toGrey(rgb: RawPixels): RawPixels {
  const n = rgb.width * rgb.height;
  const out = new Uint8Array(n);
  const d = rgb.data;
  for (let i = 0; i < n; i++) out[i] = (d[i * 3]! * 19595 + d[i * 3 + 1]! * 38470 + d[i * 3 + 2]! * 7471 + 0x8000) >>> 16;
  return { data: out, width: rgb.width, height: rgb.height, channels: 1 };
}

const PRECISION_BITS = 32 - 8 - 2;

function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

export interface Coeffs {
  ksize: number;
  /** Per output pixel: first input index and number of taps. */
  bounds: Int32Array;
  /** Fixed-point weights, `ksize` per output pixel. */
  kk: Int32Array;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the bicubic filter (support 2). */
export function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const weights = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      weights[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? weights[x]! / ww : weights[x]!;
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * (1 << PRECISION_BITS)) : Math.trunc(0.5 + k * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Pillow's `Image.resize(size, BICUBIC)` for 8-bit grey: horizontal pass (only over the rows the
 * vertical pass reads) into an 8-bit image, then the vertical pass.
 */
export function resizeBicubic(grey: RawPixels, outW: number, outH: number): RawPixels {
  const { data, width, height } = grey;
  if (width === outW && height === outH) return grey;
  const out = resizeGreyRows(width, height, outW, outH, (y, dst) => dst.set(data.subarray(y * width, (y + 1) * width)));
  return { data: out.data, width: outW, height: out.height, channels: 1 };
}

/**
 * The resize above over rows supplied one at a time by `readRow` (grey bytes of row y), so the
 * source never has to exist whole: only the rows the vertical pass reads are asked for.
 */
function resizeGreyRows(width: number, height: number, outW: number, outH: number, readRow: (y: number, dst: Uint8Array) => void): { data: Uint8Array; height: number } {
  const vert = precomputeCoeffs(height, outH);
  const yFirst = vert.bounds[0]!;
  const yLast = vert.bounds[outH * 2 - 2]! + vert.bounds[outH * 2 - 1]!;
  const rows = yLast - yFirst;
  const half = 1 << (PRECISION_BITS - 1);

  let tmp: Uint8Array;
  if (width !== outW) {
    const horiz = precomputeCoeffs(width, outW);
    tmp = horizontalPasses(width, rows, yFirst, outW, horiz, readRow);
  } else {
    tmp = new Uint8Array(width * rows);
    for (let y = 0; y < rows; y++) readRow(y + yFirst, tmp.subarray(y * width, (y + 1) * width));
  }
  for (let i = 0; i < outH; i++) vert.bounds[i * 2]! -= yFirst;
  // As in Pillow, the vertical pass is skipped only when the source height is already right.
  if (height === outH) return { data: tmp, height: rows };

  const out = new Uint8Array(outW * outH);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = vert.bounds[yy * 2]!;
    const taps = vert.bounds[yy * 2 + 1]!;
    const k = yy * vert.ksize;
    for (let xx = 0; xx < outW; xx++) {
      let ss = half;
      for (let y = 0; y < taps; y++) ss += tmp[(y + ymin) * outW + xx]! * vert.kk[k + y]!;
      out[yy * outW + xx] = clip8(ss);
    }
  }
  return { data: out, height: outH };
}

/** Work above this many bytes of WebAssembly memory (a row some 10 million pixels long) is done in JavaScript. */
const WASM_MAX_BYTES = 256 * 1024 * 1024;
const arena = wasmKernels<{ horizontalPass(line: number, bounds: number, kk: number, ksize: number, outW: number, out: number): void }>(ISCC_RESIZE_WASM_BASE64);

/**
 * The horizontal pass over `rows` rows from yFirst, into outW bytes each: in WebAssembly SIMD
 * (wasm/iscc-resize.ts, the same integers) unless `inJs` or the work is too large for its memory.
 */
export function horizontalPasses(width: number, rows: number, yFirst: number, outW: number, horiz: Coeffs, readRow: (y: number, dst: Uint8Array) => void, inJs = false): Uint8Array {
  const tmp = new Uint8Array(outW * rows);
  const kkBytes = horiz.kk.length * 4, boundsBytes = horiz.bounds.length * 4, lineBytes = (width + 8 + 15) & ~15;
  const bytes = kkBytes + boundsBytes + lineBytes + outW * rows;
  if (!inJs && bytes <= WASM_MAX_BYTES) {
    const { kernels, memory } = arena(bytes);
    const kk = HEAP_START, bounds = kk + kkBytes, lineAt = bounds + boundsBytes, out = lineAt + lineBytes;
    new Int32Array(memory.buffer, kk, horiz.kk.length).set(horiz.kk);
    new Int32Array(memory.buffer, bounds, horiz.bounds.length).set(horiz.bounds);
    const line = new Uint8Array(memory.buffer, lineAt, width);
    for (let y = 0; y < rows; y++) {
      readRow(y + yFirst, line);
      kernels.horizontalPass(lineAt, bounds, kk, horiz.ksize, outW, out + y * outW);
    }
    tmp.set(new Uint8Array(memory.buffer, out, outW * rows));
    return tmp;
  }
  const half = 1 << (PRECISION_BITS - 1);
  const line = new Uint8Array(width);
  for (let y = 0; y < rows; y++) {
    readRow(y + yFirst, line);
    for (let xx = 0; xx < outW; xx++) {
      const xmin = horiz.bounds[xx * 2]!;
      const taps = horiz.bounds[xx * 2 + 1]!;
      const k = xx * horiz.ksize;
      let ss = half;
      for (let x = 0; x < taps; x++) ss += line[xmin + x]! * horiz.kk[k + x]!;
      tmp[y * outW + xx] = clip8(ss);
    }
  }
  return tmp;
}

/** Decoded pixels handed over a row at a time (from memory, or from a file read in pieces). */
export interface PixelRows {
  width: number;
  height: number;
  channels: 3 | 4;
  /** Row y, `width × channels` bytes; valid until the next call. */
  row(y: number): Uint8Array;
}

/** Rows of pixels held in memory. */
export function rowsOf(pixels: RawPixels): PixelRows {
  const { data, width, height, channels } = pixels;
  if (channels !== 3 && channels !== 4) throw new RangeError(`expected RGB or RGBA pixels, got ${channels} channels`);
  const stride = width * channels;
  return { width, height, channels, row: (y) => data.subarray(y * stride, (y + 1) * stride) };
}

/**
 * iscc-sdk's `image_normalize` after EXIF orientation: 1024 grey pixels (32×32, row-major). The
 * same steps as `fillTransparencyWhite` → `trimBorder` → `toGrey` → `resizeBicubic`, computed on
 * the decoded RGB or RGBA in place: a 196 MP image would otherwise take three more buffers of
 * its size (filled RGB, cropped RGB, grey) on top of its decoded pixels.
 */
export function normalizeImagePixels(pixels: RawPixels): Uint8Array {
  return normalizePixelRows(rowsOf(pixels));
}

/** `normalizeImagePixels` over rows read one at a time: memory stays a few rows, whatever the size. */
export function normalizePixelRows(src: PixelRows): Uint8Array {
  const rgb = new Uint8Array(3);
  const box = borderBox(src, rgb);
  return resizeGreyRows(box.width, box.height, 32, 32, (y, dst) => {
    const row = src.row(box.top + y);
    if (src.channels === 3) {
      // The hot loop of huge opaque images, kept free of calls.
      for (let x = 0, o = box.left * 3; x < box.width; x++, o += 3) dst[x] = (row[o]! * 19595 + row[o + 1]! * 38470 + row[o + 2]! * 7471 + 0x8000) >>> 16;
      return;
    }
    for (let x = 0; x < box.width; x++) {
      filled(row, box.left + x, src.channels, rgb);
      dst[x] = (rgb[0]! * 19595 + rgb[1]! * 38470 + rgb[2]! * 7471 + 0x8000) >>> 16;
    }
  }).data;
}

/** The colour of pixel x of a row, transparency filled with white (Pillow's rounding), into `rgb`. */
function filled(row: Uint8Array, x: number, channels: 3 | 4, rgb: Uint8Array): void {
  const o = x * channels;
  if (channels === 3 || row[o + 3] === 255) {
    rgb[0] = row[o]!; rgb[1] = row[o + 1]!; rgb[2] = row[o + 2]!;
    return;
  }
  const a = row[o + 3]!;
  const white = 255 * (255 - a);
  for (let c = 0; c < 3; c++) rgb[c] = div255(white + row[o + c]! * a);
}

interface Box { left: number; top: number; width: number; height: number }

/**
 * `trimBorder`'s box without copying: the bounds of the pixels whose colour (transparency filled
 * with white) differs from the top-left pixel's, or the whole image when none does. Rows and
 * columns are scanned from the edges inwards, so a photo (no border) costs a few rows, not a pass
 * over every pixel.
 */
function borderBox(src: PixelRows, rgb: Uint8Array): Box {
  const { width, height, channels } = src;
  filled(src.row(0), 0, channels, rgb);
  const [r0, g0, b0] = [rgb[0]!, rgb[1]!, rgb[2]!];
  const differs = (row: Uint8Array, x: number): boolean => {
    const o = x * channels;
    // Opaque pixels need no filling: compare their bytes directly (the common case, and fast).
    if (channels === 3 || row[o + 3] === 255) return row[o] !== r0 || row[o + 1] !== g0 || row[o + 2] !== b0;
    filled(row, x, channels, rgb);
    return rgb[0] !== r0 || rgb[1] !== g0 || rgb[2] !== b0;
  };
  const rowDiffers = (y: number): boolean => {
    const row = src.row(y);
    if (channels === 3) {
      for (let o = 0; o < row.length; o += 3) if (row[o] !== r0 || row[o + 1] !== g0 || row[o + 2] !== b0) return true;
      return false;
    }
    for (let x = 0; x < width; x++) if (differs(row, x)) return true;
    return false;
  };
  let top = 0;
  while (top < height && !rowDiffers(top)) top++;
  if (top === height) return { left: 0, top: 0, width, height };
  let bottom = height - 1;
  while (!rowDiffers(bottom)) bottom--;
  let left = width;
  let right = -1;
  for (let y = top; y <= bottom; y++) {
    const row = src.row(y);
    let x = 0;
    while (x < left && !differs(row, x)) x++;
    if (x < left) left = x;
    let z = width - 1;
    while (z > right && !differs(row, z)) z--;
    if (z > right) right = z;
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}
