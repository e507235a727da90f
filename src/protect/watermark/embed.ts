/**
 * Embedding: one keyed tile (pilot + coded payload chips) is repeated over the image at a scale tied
 * to its short side (WORK_SIDE working pixels), added equally to R, G and B (so only luma changes,
 * chroma is preserved and grayscale conversion keeps the mark), weighted by a perceptual mask and
 * scaled to a target PSNR. Work is streamed over the decoded buffer: memory ≈ the raw pixels plus
 * planes of the working grid (WORK_SIDE on the short side), and up to a display copy's size
 * (KEEP_MARK_PIXELS) the mark as doubles, so it is rendered once rather than twice.
 */
import sharp from 'sharp';
import { activityMask } from './image-ops.js';
import { chipValues, markTile, TILE, tileLayout, WORK_SIDE } from './keyed-pattern.js';
import { readFold } from './detect.js';
import { WatermarkErrors } from './errors.js';
import { asAppError, measure, open } from './load.js';
import { scratchFloat64 } from '../scratch-planes.js';
import { encodePayload } from './payload-code.js';
import { hostFold, informedChips } from './informed.js';

/** Smallest short side (pixels) we embed into: below it the tile holds too few chips per pixel. */
export const MIN_EMBED_SIDE = 128;
/** Up to a 2048 × 2048 display copy, the mark is rendered once and kept between its two passes. */
export const KEEP_MARK_PIXELS = 2048 * 2048;

export interface EmbedOptions {
  key: Uint8Array;
  payload: Uint8Array;
  /** `raw`: the marked pixels themselves (marked in place), for a caller that encodes them its own way (a pyramid). */
  format?: 'png' | 'jpeg' | 'webp' | 'raw';
  quality?: number;
  /**
   * JPEG chroma subsampling; 4:4:4 by default (issued copies). The mark lives in luma alone, so a
   * public display copy takes 4:2:0 as unmarked display copies do: 30 % less time to encode, 15 % smaller.
   */
  chromaSubsampling?: '4:4:4' | '4:2:0';
  maxPixels: number;
  /**
   * An image already marked under this key would carry two payloads that cancel out, leaving neither
   * readable; such an image is refused (`already_marked`) unless this is set.
   */
  allowMarked?: boolean;
  /** Target PSNR (dB, RGB) of the mark before output encoding; default 40.5 (acceptance is ≥ 40; rounding costs < 0.1 dB). */
  targetPsnr?: number;
}

export interface EmbedResult {
  data: Buffer;
  /** PSNR (dB) over the R, G, B channels between the input and the marked pixels, before encoding. */
  psnr: number;
  width: number;
  height: number;
}

/** Per-axis lookup for bilinear sampling: integer cells and weights for every pixel index. */
function axis(n: number, scale: number, period: number, offset: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(n), i1 = new Int32Array(n), f = new Float32Array(n);
  for (let x = 0; x < n; x++) {
    const u = (x + 0.5) * scale - offset;
    const fl = Math.floor(u);
    f[x] = u - fl;
    if (period > 0) {
      i0[x] = ((fl % period) + period) % period;
      i1[x] = (i0[x]! + 1) % period;
    } else {
      i0[x] = Math.max(0, Math.min(-period - 1, fl));
      i1[x] = Math.max(0, Math.min(-period - 1, fl + 1));
    }
  }
  return { i0, i1, f };
}

/** The tile for chip amplitudes, scaled to unit RMS. */
function normalisedTile(chips: Float32Array): Float64Array {
  const tile = markTile(chips, TILE);
  let energy = 0;
  for (const v of tile) energy += v * v;
  const rms = Math.sqrt(energy / tile.length) || 1;
  for (let i = 0; i < tile.length; i++) tile[i] = tile[i]! / rms;
  return tile;
}

/**
 * The mark along one row of a w×h grid covering the image: tile (period tied to the short side) ×
 * perceptual mask, both sampled bilinearly. Each row first blends the two tile rows and the two
 * mask rows it falls between, so a pixel costs two 1-D interpolations instead of two 2-D ones.
 */
function markRows(tile: Float64Array, mask: Float32Array, mw: number, mh: number, w: number, h: number): (y: number, out: Float64Array) => void {
  const scale = WORK_SIDE / Math.min(w, h);
  const tx = axis(w, scale, TILE, 0.5), ty = axis(h, scale, TILE, 0.5);
  const mx = axis(w, mw / w, -mw, 0.5), my = axis(h, mh / h, -mh, 0.5);
  const tileRow = new Float64Array(TILE), maskRow = new Float64Array(mw);
  return (y, out) => {
    const fy = ty.f[y]!, r0 = ty.i0[y]! * TILE, r1 = ty.i1[y]! * TILE;
    for (let i = 0; i < TILE; i++) tileRow[i] = (1 - fy) * tile[r0 + i]! + fy * tile[r1 + i]!;
    const gy = my.f[y]!, q0 = my.i0[y]! * mw, q1 = my.i1[y]! * mw;
    for (let i = 0; i < mw; i++) maskRow[i] = (1 - gy) * mask[q0 + i]! + gy * mask[q1 + i]!;
    const { i0: ti0, i1: ti1, f: tf } = tx, { i0: mi0, i1: mi1, f: mf } = mx;
    for (let x = 0; x < w; x++) {
      const fx = tf[x]!, gx = mf[x]!;
      out[x] = ((1 - fx) * tileRow[ti0[x]!]! + fx * tileRow[ti1[x]!]!) * ((1 - gx) * maskRow[mi0[x]!]! + gx * maskRow[mi1[x]!]!);
    }
  };
}

/** Decoded 8-bit pixels (1–4 interleaved channels: grey, grey + alpha, RGB, RGBA), upright. */
export interface RawImage { data: Buffer; width: number; height: number; channels: number }

function isRaw(input: Buffer | string | RawImage): input is RawImage {
  return typeof input === 'object' && !Buffer.isBuffer(input);
}

/** The pixels to mark: decoded from a file or encoded buffer, or taken as given. */
async function pixelsOf(input: Buffer | string | RawImage, maxPixels: number): Promise<RawImage> {
  if (isRaw(input)) {
    const { width, height, channels, data } = input;
    if (!(channels >= 1 && channels <= 4) || data.length !== width * height * channels) throw WatermarkErrors.unreadable('raw pixels do not match their stated size');
    if (width * height > maxPixels) throw WatermarkErrors.imageTooLarge(width * height, maxPixels);
    if (Math.min(width, height) < MIN_EMBED_SIDE) throw WatermarkErrors.imageTooSmall(width, height, MIN_EMBED_SIDE);
    return input;
  }
  await measure(input, maxPixels, MIN_EMBED_SIDE);
  try {
    const { data, info } = await open(input, maxPixels).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw asAppError(err);
  }
}

/**
 * Embed a 48-bit payload under a 32-byte key; returns the encoded image and its PSNR. `input` may
 * be decoded pixels (a caller that has them already saves a decode); those are marked in place,
 * and are left untouched when the embedding is refused.
 */
export async function embedWatermark(input: Buffer | string | RawImage, options: EmbedOptions): Promise<EmbedResult> {
  const { data: px, width: w, height: h, channels: ch } = await pixelsOf(input, options.maxPixels);
  const raw = { width: w, height: h, channels: ch as 1 | 2 | 3 | 4 };
  const colourChannels = ch >= 3 ? 3 : 1;
  const alphaAt = ch === 4 || ch === 2 ? ch - 1 : -1;

  // The host as the detector sees it (luma at its working size), measured once: it answers whether
  // a mark is already there and how the host interferes with the new one.
  const layout = tileLayout(options.key);
  const k = Math.min(1, WORK_SIDE / Math.min(w, h));
  const gw = Math.max(1, Math.round(w * k)), gh = Math.max(1, Math.round(h * k));
  let hostLuma: Buffer;
  try {
    hostLuma = await sharp(px, { raw, limitInputPixels: options.maxPixels })
      .flatten({ background: '#808080' }).resize(gw, gh, { fit: 'fill', kernel: 'cubic' }).greyscale().raw().toBuffer();
  } catch (err) {
    throw asAppError(err);
  }
  const host = hostFold(Float32Array.from(hostLuma), gw, gh);
  // Two payloads under one key cancel out, leaving neither readable. This is the detector's quick
  // path (the unresampled lattice) on the same pixels, without decoding them again.
  if (!options.allowMarked && readFold(host.folded, host.lattice, layout).result.payload) throw WatermarkErrors.alreadyMarked();

  // The mask is measured on the same working grid: its smoothing spans ~1 % of the short side
  // whatever the size, and the frame is not read again for it.
  const mask = activityMask(host.luma, gw, gh);
  const targetMse = (255 * 255) / 10 ** ((options.targetPsnr ?? 40.5) / 10);

  // Measure the host's interference on the detector's own grid and statistics, then bend the chips.
  const gridMark = (chips: Float32Array): Float32Array => {
    const row = markRows(normalisedTile(chips), mask, gw, gh, gw, gh);
    const line = new Float64Array(gw);
    const out = new Float32Array(gw * gh);
    let e = 0;
    for (let y = 0; y < gh; y++) {
      row(y, line);
      for (let x = 0; x < gw; x++) { const v = line[x]!; out[y * gw + x] = v; e += v * v; }
    }
    const g = Math.sqrt(targetMse / Math.max(e / out.length, 1e-9));
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * g;
    return out;
  };
  const chips = informedChips(host, layout, chipValues(layout, encodePayload(options.payload)), gridMark);
  const markRow = markRows(normalisedTile(chips), mask, gw, gh, w, h);
  // Display-sized images keep the mark of every pixel between the two passes (8 bytes a pixel);
  // larger ones render it twice rather than hold a frame of doubles.
  // The plane is reused from one embedding to the next (scratch-planes.ts): it is only used between two awaits.
  const kept = w * h <= KEEP_MARK_PIXELS ? scratchFloat64('watermark-kept-mark', w * h, KEEP_MARK_PIXELS) : null;
  const line = new Float64Array(w);

  // Gain for the target PSNR over every pixel: a row subsample can alias with the tile period and
  // the mask (1024×385 came out at 36.9 dB). Clipping only lowers the real MSE.
  let e = 0;
  for (let y = 0; y < h; y++) {
    const row = kept ? kept.subarray(y * w, (y + 1) * w) : line;
    markRow(y, row);
    if (alphaAt >= 0) for (let x = 0, o = y * w * ch + alphaAt; x < w; x++, o += ch) row[x] = row[x]! * (px[o]! / 255);
    for (let x = 0; x < w; x++) e += row[x]! * row[x]!;
  }
  const gain = Math.sqrt(targetMse / Math.max(e / (w * h), 1e-9));

  // A clamped byte view rounds and clips on store (ties aside, as Math.round then clamping did).
  const out8 = new Uint8ClampedArray(px.buffer, px.byteOffset, px.byteLength);
  let sq = 0;
  for (let y = 0; y < h; y++) {
    let row = line;
    if (kept) row = kept.subarray(y * w, (y + 1) * w);
    else {
      markRow(y, line);
      if (alphaAt >= 0) for (let x = 0, o = y * w * ch + alphaAt; x < w; x++, o += ch) line[x] = line[x]! * (px[o]! / 255);
    }
    for (let x = 0, o = y * w * ch; x < w; x++, o += ch) {
      const delta = gain * row[x]!;
      for (let c = 0; c < colourChannels; c++) {
        const old = px[o + c]!;
        out8[o + c] = old + delta;
        const d = out8[o + c]! - old;
        sq += d * d;
      }
    }
  }
  const mse = sq / (w * h * colourChannels);
  const psnr = mse > 0 ? 10 * Math.log10((255 * 255) / mse) : Infinity;

  if (options.format === 'raw') return { data: px, psnr, width: w, height: h };
  let out = sharp(px, { raw, limitInputPixels: options.maxPixels });
  const format = options.format ?? 'png';
  if (format === 'jpeg') out = out.jpeg({ quality: options.quality ?? 92, chromaSubsampling: options.chromaSubsampling ?? '4:4:4' });
  else if (format === 'webp') out = out.webp({ quality: options.quality ?? 92 });
  else out = out.png({ compressionLevel: 6 });
  return { data: await out.toBuffer(), psnr, width: w, height: h };
}
