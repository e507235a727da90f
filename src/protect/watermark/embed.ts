/**
 * Embedding: one keyed tile (pilot + coded payload chips) is repeated over the image at a scale tied
 * to its short side (WORK_SIDE working pixels), added equally to R, G and B (so only luma changes,
 * chroma is preserved and grayscale conversion keeps the mark), weighted by a perceptual mask and
 * scaled to a target PSNR. Work is streamed over the decoded buffer: memory ≈ the raw pixels plus a
 * mask of at most MASK_SIDE² floats, whatever the image size.
 */
import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import { activityMask } from './image-ops.js';
import { chipValues, markTile, TILE, tileLayout, WORK_SIDE } from './keyed-pattern.js';
import { detectWatermark } from './detect.js';
import { WatermarkErrors } from './errors.js';
import { asAppError, measure, open } from './load.js';
import { encodePayload } from './payload-code.js';
import { informedChips } from './informed.js';

/** Smallest short side (pixels) we embed into: below it the tile holds too few chips per pixel. */
export const MIN_EMBED_SIDE = 128;
const MASK_SIDE = 1024;

export interface EmbedOptions {
  key: Uint8Array;
  payload: Uint8Array;
  format?: 'png' | 'jpeg' | 'webp';
  quality?: number;
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

/** Luma at a reduced grid (box average by an integer factor) for the perceptual mask. */
function maskLuma(px: Buffer, w: number, h: number, ch: number, d: number): { luma: Float32Array; mw: number; mh: number } {
  const mw = Math.ceil(w / d), mh = Math.ceil(h / d);
  const sum = new Float32Array(mw * mh), cnt = new Float32Array(mw * mh);
  const colour = ch >= 3;
  for (let y = 0; y < h; y++) {
    const my = Math.floor(y / d) * mw;
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * ch;
      const l = colour ? 0.299 * px[o]! + 0.587 * px[o + 1]! + 0.114 * px[o + 2]! : px[o]!;
      const m = my + Math.floor(x / d);
      sum[m] = sum[m]! + l; cnt[m] = cnt[m]! + 1;
    }
  }
  for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / cnt[i]!;
  return { luma: sum, mw, mh };
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

/** Mark value at every pixel of a w×h grid covering the image: tile (period tied to the short side) × mask × alpha. */
function sampler(tile: Float64Array, mask: Float32Array, mw: number, mh: number, w: number, h: number,
  alphaOf: (x: number, y: number) => number): (x: number, y: number) => number {
  const scale = WORK_SIDE / Math.min(w, h);
  const tx = axis(w, scale, TILE, 0.5), ty = axis(h, scale, TILE, 0.5);
  const mx = axis(w, mw / w, -mw, 0.5), my = axis(h, mh / h, -mh, 0.5);
  return (x, y) => {
    const fx = tx.f[x]!, fy = ty.f[y]!;
    const r0 = ty.i0[y]! * TILE, r1 = ty.i1[y]! * TILE;
    const p = (1 - fy) * ((1 - fx) * tile[r0 + tx.i0[x]!]! + fx * tile[r0 + tx.i1[x]!]!) +
      fy * ((1 - fx) * tile[r1 + tx.i0[x]!]! + fx * tile[r1 + tx.i1[x]!]!);
    const gx = mx.f[x]!, gy = my.f[y]!;
    const q0 = my.i0[y]! * mw, q1 = my.i1[y]! * mw;
    const m = (1 - gy) * ((1 - gx) * mask[q0 + mx.i0[x]!]! + gx * mask[q0 + mx.i1[x]!]!) +
      gy * ((1 - gx) * mask[q1 + mx.i0[x]!]! + gx * mask[q1 + mx.i1[x]!]!);
    return p * m * alphaOf(x, y);
  };
}

/** Embed a 48-bit payload under a 32-byte key; returns the encoded image and its PSNR. */
export async function embedWatermark(input: Buffer | string, options: EmbedOptions): Promise<EmbedResult> {
  const { width, height } = await measure(input, options.maxPixels, MIN_EMBED_SIDE);
  if (!options.allowMarked) {
    const existing = await detectWatermark(input, { key: options.key, maxPixels: options.maxPixels, quick: true });
    if (existing.payload) throw WatermarkErrors.alreadyMarked();
  }
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await open(input, options.maxPixels).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw asAppError(err);
  }
  const { data: px, info } = raw;
  const w = info.width, h = info.height, ch = info.channels;
  const colourChannels = ch >= 3 ? 3 : 1;
  const alphaAt = ch === 4 || ch === 2 ? ch - 1 : -1;

  const d = Math.max(1, Math.ceil(Math.min(w, h) / MASK_SIDE));
  const { luma, mw, mh } = maskLuma(px, w, h, ch, d);
  const mask = activityMask(luma, mw, mh);
  const targetMse = (255 * 255) / 10 ** ((options.targetPsnr ?? 40.5) / 10);
  const alphaOf = alphaAt >= 0 ? (x: number, y: number) => px[(y * w + x) * ch + alphaAt]! / 255 : () => 1;

  // Measure the host's interference on the detector's own grid and statistics, then bend the chips.
  const layout = tileLayout(options.key);
  const k = Math.min(1, WORK_SIDE / Math.min(w, h));
  const gw = Math.max(1, Math.round(w * k)), gh = Math.max(1, Math.round(h * k));
  let host: Buffer;
  try {
    host = await sharp(px, { raw: { width: w, height: h, channels: ch }, limitInputPixels: options.maxPixels })
      .flatten({ background: '#808080' }).resize(gw, gh, { fit: 'fill', kernel: 'cubic' }).greyscale().raw().toBuffer();
  } catch (err) {
    throw asAppError(err);
  }
  const gridMark = (chips: Float32Array): Float32Array => {
    const at = sampler(normalisedTile(chips), mask, mw, mh, gw, gh, () => 1);
    const out = new Float32Array(gw * gh);
    let e = 0;
    for (let y = 0; y < gh; y++) for (let x = 0; x < gw; x++) { const v = at(x, y); out[y * gw + x] = v; e += v * v; }
    const g = Math.sqrt(targetMse / Math.max(e / out.length, 1e-9));
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * g;
    return out;
  };
  const chips = informedChips(Float32Array.from(host), gw, gh, layout, chipValues(layout, encodePayload(options.payload)), gridMark);
  const markAt = sampler(normalisedTile(chips), mask, mw, mh, w, h, alphaOf);

  // Gain for the target PSNR over every pixel: a row subsample can alias with the tile period and
  // the mask (1024×385 came out at 36.9 dB). Clipping only lowers the real MSE.
  let e = 0, n = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const v = markAt(x, y); e += v * v; n++; }
  const gain = Math.sqrt(targetMse / Math.max(e / n, 1e-9));

  let sq = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const delta = gain * markAt(x, y);
      const o = (y * w + x) * ch;
      for (let c = 0; c < colourChannels; c++) {
        const old = px[o + c]!;
        const v = Math.max(0, Math.min(255, Math.round(old + delta)));
        px[o + c] = v;
        sq += (v - old) * (v - old);
      }
    }
  }
  const mse = sq / (w * h * colourChannels);
  const psnr = mse > 0 ? 10 * Math.log10((255 * 255) / mse) : Infinity;

  let out = sharp(px, { raw: { width: w, height: h, channels: ch }, limitInputPixels: options.maxPixels });
  const format = options.format ?? 'png';
  if (format === 'jpeg') out = out.jpeg({ quality: options.quality ?? 92, chromaSubsampling: '4:4:4' });
  else if (format === 'webp') out = out.webp({ quality: options.quality ?? 92 });
  else out = out.png({ compressionLevel: 6 });
  return { data: await out.toBuffer(), psnr, width, height };
}
