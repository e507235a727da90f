/**
 * Detection: whiten the luma at ≤ WORK_SIDE short side, find the tile lattice (scale + rotation) in
 * its autocorrelation, fold the image onto one tile (averaging every repetition), find the tile's
 * phase and its dihedral orientation (90° turns, mirror) from the pilot chips, then despread the data
 * chips into soft bits for the Viterbi decoder. A payload is returned only when its CRC-24 checks.
 */
import { align, chipResponses, fold, foldParams, pilotSearch, templates } from './fold.js';
import { whiten } from './image-ops.js';
import { CHIPS, TILE, tileLayout, WORK_SIDE, type TileLayout } from './keyed-pattern.js';
import { asAppError, measure, open } from './load.js';
import { CODED_BITS, decodePayload } from './payload-code.js';
import { findLattices, type Lattice } from './sync.js';

/** Smallest short side we try to read (a 25 % copy of a 256-pixel image). */
export const MIN_DETECT_SIDE = 64;

export interface DetectOptions {
  key: Uint8Array;
  maxPixels: number;
  /**
   * Only the unresampled lattice (full-size, unrotated copies): ~50 ms instead of up to a second.
   * Enough to tell whether a file about to be marked already carries a mark under this key.
   */
  quick?: boolean;
}

export interface DetectResult {
  /** The 48-bit payload, or null when no watermark under this key could be read. */
  payload: Uint8Array | null;
  /** 0–1: ≥ 0.5 only with a CRC-valid payload; below, how strongly the key's pilot was seen. */
  confidence: number;
  /** Share of coded bits agreeing with the decoded codeword (when decoded). */
  bitAccuracy?: number;
  /** Tile period found, relative to the embedding's (1 = same framing; 2 = content twice as large). */
  scale?: number;
  /** Rotation found, in degrees (modulo 90; the 90° turns and mirroring are in `orientation`). */
  rotation?: number;
  /** Dihedral index 0–7 of the tile found (0 = upright; ≥ 4 = mirrored). */
  orientation?: number;
}

/** Fold size of the screening test. */
const SCREEN_FOLD = 64;

/** The whitened luma a detection works on, with a half-resolution copy made on first use. */
interface Signal { sig: Float32Array; w: number; h: number; half?: { sig: Float32Array; w: number; h: number } }

/** 2×2 means of a signal: screening long periods from it costs a quarter. */
function halve(sig: Float32Array, w: number, h: number): { sig: Float32Array; w: number; h: number } {
  const hw = w >> 1, hh = h >> 1;
  const out = new Float32Array(hw * hh);
  for (let y = 0; y < hh; y++) for (let x = 0; x < hw; x++) {
    const o = 2 * y * w + 2 * x;
    out[y * hw + x] = 0.25 * (sig[o]! + sig[o + 1]! + sig[o + w]! + sig[o + w + 1]!);
  }
  return { sig: out, w: hw, h: hh };
}

/**
 * Cheap coherent check of a lattice: pilot z-score on a coarse, nearest-bin fold. A period of at
 * least two pixels per screening bin is folded from the half-resolution signal.
 */
function screen(s: Signal, lat: Lattice, layout: TileLayout): number {
  const period = Math.hypot(lat.a, lat.b);
  const m = Math.min(SCREEN_FOLD, foldParams(period).m);
  const tpl = templates(layout, m, Math.max(1, Math.round((2 * m) / period)));
  if (period >= 2 * m) {
    s.half ??= halve(s.sig, s.w, s.h);
    return pilotSearch(fold(s.half.sig, s.half.w, s.half.h, { a: lat.a / 2, b: lat.b / 2, score: lat.score }, m, true), m, tpl).z;
  }
  return pilotSearch(fold(s.sig, s.w, s.h, lat, m, true), m, tpl).z;
}

export interface Attempt { result: DetectResult; z: number }

/**
 * List decoding (the 16 likeliest codewords, first with a valid CRC) gains about 1.5 dB on weak marks,
 * but multiplies the chance that noise passes the CRC. It is used only once the pilot shows a mark
 * is there: unmarked images stay below this z (measured: see bench/RESULTS.md).
 */
const LIST_DECODING_Z = 6;
const LIST_SIZE = 16;
/** Least share of coded bits a list-decoded codeword must agree with (true weak decodes: 0.74 and up). */
const MIN_LIST_ACCURACY = 0.7;

/** Try one lattice hypothesis: fold, find phase + orientation by the pilot, despread, decode. */
function attempt(sig: Float32Array, w: number, h: number, lat: Lattice, layout: TileLayout, allowList = true): Attempt {
  // Fold at a resolution the image still has: no finer than one received pixel per bin.
  const { m } = foldParams(Math.hypot(lat.a, lat.b));
  return readFold(fold(sig, w, h, lat, m), lat, layout, allowList);
}

/**
 * Decode a tile folded under `lat` (at foldParams' size): phase + orientation by the pilot, despread,
 * decode. The embedder calls it on the host's own fold to see whether a mark is already there.
 */
export function readFold(folded: Float64Array, lat: Lattice, layout: TileLayout, allowList = true): Attempt {
  const period = Math.hypot(lat.a, lat.b);
  const { m, hp } = foldParams(period);
  const tpl = templates(layout, m, hp);
  const best = pilotSearch(folded, m, tpl);
  const response = chipResponses(align(folded, m, tpl, best), m, tpl);
  const soft = new Float64Array(CODED_BITS);
  for (let i = 0; i < CHIPS * CHIPS; i++) {
    const bit = layout.codedIndex[i]!;
    if (bit >= 0) soft[bit] = soft[bit]! + layout.sign[i]! * response[i]!;
  }
  let rms = 0;
  for (const v of soft) rms += v * v;
  rms = Math.sqrt(rms / CODED_BITS) || 1;
  for (let i = 0; i < CODED_BITS; i++) soft[i] = soft[i]! / rms;
  const listed = allowList && best.z >= LIST_DECODING_Z;
  const decoded = decodePayload(soft, listed ? LIST_SIZE : 1);
  // A list-decoded codeword must also agree with most received bits: one that only the CRC vouches
  // for could be a neighbour of the true codeword, naming the wrong copy.
  if (listed && decoded.payload && decoded.bitAccuracy < MIN_LIST_ACCURACY) decoded.payload = null;
  const rotation = (Math.atan2(lat.b, lat.a) * 180) / Math.PI;
  const base = { scale: period / TILE, rotation, orientation: best.t, bitAccuracy: decoded.bitAccuracy };
  if (decoded.payload) {
    const confidence = 0.5 + 0.5 * Math.min(1, Math.max(0, (decoded.bitAccuracy - 0.8) / 0.15));
    return { z: best.z, result: { payload: decoded.payload, confidence, ...base } };
  }
  return { z: best.z, result: { payload: null, confidence: 0.5 * Math.min(1, Math.max(0, (best.z - 4.5) / 4.5)) } };
}

/**
 * Coordinate ascent of `score` over small changes of a lattice's scale and angle (relative steps,
 * coarse to fine, at most `rounds` sweeps each). A score of Infinity stops the climb there.
 */
function ascend(lat: Lattice, z: number, steps: readonly number[], rounds: number, score: (candidate: Lattice) => number): { lat: Lattice; z: number } {
  let cur = lat, curZ = z;
  for (const step of steps) {
    let improved = true;
    for (let round = 0; improved && round < rounds; round++) {
      improved = false;
      for (const [ds, dt] of [[step, 0], [-step, 0], [0, step], [0, -step]] as const) {
        const c = Math.cos(dt) * (1 + ds), sn = Math.sin(dt) * (1 + ds);
        const cand = { a: cur.a * c - cur.b * sn, b: cur.a * sn + cur.b * c, score: cur.score };
        const cz = score(cand);
        if (cz === Infinity) return { lat: cand, z: cz };
        if (cz > curZ) { cur = cand; curZ = cz; improved = true; }
      }
    }
  }
  return { lat: cur, z: curZ };
}

/** A screened lattice moved to the best nearby pilot z of the cheap screen. */
function polish(s: Signal, lat: Lattice, z: number, layout: TileLayout): Lattice {
  return ascend(lat, z, [0.003, 0.0012], 3, (cand) => screen(s, cand, layout)).lat;
}

/**
 * The `count` best-screened lattices that differ from each other by more than `apart` in relative
 * period or angle (radians): neighbours of one peak would only repeat the same attempt.
 */
function distinctTop(candidates: { lat: Lattice; z: number }[], count: number, apart: number): { lat: Lattice; z: number }[] {
  const out: { lat: Lattice; z: number }[] = [];
  for (const c of [...candidates].sort((p, q) => q.z - p.z)) {
    const period = Math.hypot(c.lat.a, c.lat.b), angle = Math.atan2(c.lat.b, c.lat.a);
    const near = out.some((o) => Math.abs(Math.hypot(o.lat.a, o.lat.b) / period - 1) < apart && Math.abs(Math.atan2(o.lat.b, o.lat.a) - angle) < apart);
    if (!near) out.push(c);
    if (out.length >= count) break;
  }
  return out;
}

/**
 * A mark is clearly there (pilot z ≥ LIST_DECODING_Z) but did not decode: the coarse screening fold
 * that placed the lattice is noisy, and 0.5 % of period error drifts a chip by half its width across
 * the image. Climb the full fold's pilot z over scale and angle with plain decoding at every step,
 * then list-decode once at the top (so the CRC is not given thousands of chances).
 */
function refineLattice(sig: Float32Array, w: number, h: number, lat: Lattice, z: number, layout: TileLayout, seen: (a: Attempt) => void): DetectResult | null {
  let found: DetectResult | null = null;
  const top = ascend(lat, z, [0.003, 0.001], 4, (cand) => {
    const a = attempt(sig, w, h, cand, layout, false);
    seen(a);
    if (!a.result.payload) return a.z;
    found = a.result;
    return Infinity;
  });
  if (found) return found;
  if (top.lat === lat) return null; // the start was already list-decoded
  const last = attempt(sig, w, h, top.lat, layout);
  seen(last);
  return last.result.payload ? last.result : null;
}

/** Look for a watermark under `key`; payload is null ("no watermark") unless its CRC checks. */
export async function detectWatermark(input: Buffer | string, options: DetectOptions): Promise<DetectResult> {
  const { width, height } = await measure(input, options.maxPixels, MIN_DETECT_SIDE);
  const short = Math.min(width, height);
  const k = Math.min(1, WORK_SIDE / short);
  const w = Math.max(1, Math.round(width * k)), h = Math.max(1, Math.round(height * k));
  let luma: Buffer;
  try {
    luma = await open(input, options.maxPixels).flatten({ background: '#808080' })
      .resize(w, h, { fit: 'fill', kernel: 'cubic' }).greyscale().raw().toBuffer();
  } catch (err) {
    throw asAppError(err);
  }
  const sig = whiten(Float32Array.from(luma), w, h);
  const signal: Signal = { sig, w, h };
  // Periods from a 4× downscale of the mark (short side 128) up to a 20 % crop (1/0.6 larger).
  const minPeriod = Math.max(20, (TILE * Math.min(w, h)) / WORK_SIDE / 1.6);
  const maxPeriod = Math.min((TILE * Math.min(w, h)) / WORK_SIDE / 0.55, Math.min(w, h) * 0.75);
  const layout = tileLayout(options.key);
  let best: Attempt | null = null;
  const tryLattice = (lat: Lattice): DetectResult | null => {
    const a = attempt(sig, w, h, lat, layout);
    if (!best || a.z > best.z) best = a;
    if (a.result.payload) return a.result;
    return a.z >= LIST_DECODING_Z && !options.quick ? refineLattice(sig, w, h, lat, a.z, layout, (b) => { if (!best || b.z > best.z) best = b; }) : null;
  };
  // The no-resampling lattice (nominal period, upright) covers every attack that keeps the framing
  // (compression, filtering, colour changes, aspect-kept resizing, 90° turns): try it as it is.
  const nominal: Lattice = { a: (TILE * Math.min(w, h)) / WORK_SIDE, b: 0, score: 0 };
  const direct = tryLattice(nominal);
  if (direct || options.quick) return direct ?? (best as Attempt | null)?.result ?? { payload: null, confidence: 0 };
  // The autocorrelation is a weak (quadratic) statistic on busy images, so take many lattice
  // candidates and rank them by the coherent pilot test, which is far more sensitive.
  const ranked = [nominal, ...findLattices(sig, w, h, minPeriod, maxPeriod, 16)]
    .map((lat) => ({ lat, z: screen(signal, lat, layout) }))
    .sort((p, q) => q.z - p.z);
  for (const { lat: start, z: z0 } of ranked.slice(0, 3)) {
    const found = tryLattice(polish(signal, start, z0, layout));
    if (found) return found;
  }
  // Rotations that keep the canvas keep the period: scan the angle at the nominal period.
  const turns: { lat: Lattice; z: number }[] = [];
  for (let deg = -6; deg <= 6.01; deg += 0.25) {
    if (Math.abs(deg) < 0.1) continue;
    const t = (deg * Math.PI) / 180;
    const lat = { a: nominal.a * Math.cos(t), b: nominal.a * Math.sin(t), score: 0 };
    turns.push({ lat, z: screen(signal, lat, layout) });
  }
  for (const { lat: start, z: z0 } of distinctTop(turns, 2, 0.75 * Math.PI / 180)) {
    const found = tryLattice(polish(signal, start, z0, layout));
    if (found) return found;
  }
  // Crops and added frames (screenshots) change the short side, hence the period, not the angle:
  // scan the period upright with the pilot, which sees marks the autocorrelation misses.
  const periods: { lat: Lattice; z: number }[] = [];
  for (let f = 0.7; f <= 1.7; f *= 1.005) {
    if (Math.abs(f - 1) < 0.01) continue;
    const lat = { a: nominal.a * f, b: 0, score: 0 };
    periods.push({ lat, z: screen(signal, lat, layout) });
  }
  for (const { lat: start, z: z0 } of distinctTop(periods, 3, 0.02)) {
    const found = tryLattice(polish(signal, start, z0, layout));
    if (found) return found;
  }
  return best ? (best as Attempt).result : { payload: null, confidence: 0 };
}
