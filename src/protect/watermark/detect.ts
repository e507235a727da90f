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

export interface DetectOptions { key: Uint8Array; maxPixels: number }

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

/** Cheap coherent check of a lattice: pilot z-score on a coarse fold. */
function screen(sig: Float32Array, w: number, h: number, lat: Lattice, layout: TileLayout): number {
  const period = Math.hypot(lat.a, lat.b);
  const m = Math.min(64, foldParams(period).m);
  const hp = Math.max(1, Math.round((2 * m) / period));
  return pilotSearch(fold(sig, w, h, lat, m, true), m, templates(layout, m, hp)).z;
}

interface Attempt { result: DetectResult; z: number }

/** Try one lattice hypothesis: fold, find phase + orientation by the pilot, despread, decode. */
function attempt(sig: Float32Array, w: number, h: number, lat: Lattice, layout: TileLayout): Attempt {
  const period = Math.hypot(lat.a, lat.b);
  // Fold at a resolution the image still has: no finer than one received pixel per bin.
  const { m, hp } = foldParams(period);
  const folded = fold(sig, w, h, lat, m);
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
  const decoded = decodePayload(soft);
  const rotation = (Math.atan2(lat.b, lat.a) * 180) / Math.PI;
  const base = { scale: period / TILE, rotation, orientation: best.t, bitAccuracy: decoded.bitAccuracy };
  if (decoded.payload) {
    const confidence = 0.5 + 0.5 * Math.min(1, Math.max(0, (decoded.bitAccuracy - 0.8) / 0.15));
    return { z: best.z, result: { payload: decoded.payload, confidence, ...base } };
  }
  return { z: best.z, result: { payload: null, confidence: 0.5 * Math.min(1, Math.max(0, (best.z - 4.5) / 4.5)) } };
}

/** Coordinate ascent on the pilot z-score over small scale and angle changes. */
function polish(sig: Float32Array, w: number, h: number, lat: Lattice, z: number, layout: TileLayout): Lattice {
  let cur = lat, curZ = z;
  for (const step of [0.003, 0.0012]) {
    let improved = true;
    for (let round = 0; improved && round < 3; round++) {
      improved = false;
      for (const [ds, dt] of [[step, 0], [-step, 0], [0, step], [0, -step]] as const) {
        const c = Math.cos(dt) * (1 + ds), sn = Math.sin(dt) * (1 + ds);
        const cand = { a: cur.a * c - cur.b * sn, b: cur.a * sn + cur.b * c, score: cur.score };
        const cz = screen(sig, w, h, cand, layout);
        if (cz > curZ) { cur = cand; curZ = cz; improved = true; }
      }
    }
  }
  return cur;
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
  // Periods from a 4× downscale of the mark (short side 128) up to a 20 % crop (1/0.6 larger).
  const minPeriod = Math.max(20, (TILE * Math.min(w, h)) / WORK_SIDE / 1.6);
  const maxPeriod = Math.min((TILE * Math.min(w, h)) / WORK_SIDE / 0.55, Math.min(w, h) * 0.75);
  const layout = tileLayout(options.key);
  let best: Attempt | null = null;
  const tryLattice = (lat: Lattice): DetectResult | null => {
    const a = attempt(sig, w, h, lat, layout);
    if (!best || a.z > best.z) best = a;
    return a.result.payload ? a.result : null;
  };
  // The no-resampling lattice (nominal period, upright) covers every attack that keeps the framing
  // (compression, filtering, colour changes, aspect-kept resizing, 90° turns): try it as it is.
  const nominal: Lattice = { a: (TILE * Math.min(w, h)) / WORK_SIDE, b: 0, score: 0 };
  const direct = tryLattice(nominal);
  if (direct) return direct;
  // The autocorrelation is a weak (quadratic) statistic on busy images, so take many lattice
  // candidates and rank them by the coherent pilot test, which is far more sensitive.
  const ranked = [nominal, ...findLattices(sig, w, h, minPeriod, maxPeriod, 16)]
    .map((lat) => ({ lat, z: screen(sig, w, h, lat, layout) }))
    .sort((p, q) => q.z - p.z);
  for (const { lat: start, z: z0 } of ranked.slice(0, 3)) {
    const found = tryLattice(polish(sig, w, h, start, z0, layout));
    if (found) return found;
  }
  // Rotations that keep the canvas keep the period: scan the angle at the nominal period.
  const turns: { lat: Lattice; z: number }[] = [];
  for (let deg = -6; deg <= 6.01; deg += 0.25) {
    if (Math.abs(deg) < 0.1) continue;
    const t = (deg * Math.PI) / 180;
    const lat = { a: nominal.a * Math.cos(t), b: nominal.a * Math.sin(t), score: 0 };
    turns.push({ lat, z: screen(sig, w, h, lat, layout) });
  }
  turns.sort((p, q) => q.z - p.z);
  for (const { lat: start, z: z0 } of turns.slice(0, 1)) {
    const found = tryLattice(polish(sig, w, h, start, z0, layout));
    if (found) return found;
  }
  // Crops and added frames (screenshots) change the short side, hence the period, not the angle:
  // scan the period upright with the pilot, which sees marks the autocorrelation misses.
  const periods: { lat: Lattice; z: number }[] = [];
  for (let f = 0.7; f <= 1.7; f *= 1.005) {
    if (Math.abs(f - 1) < 0.01) continue;
    const lat = { a: nominal.a * f, b: 0, score: 0 };
    periods.push({ lat, z: screen(sig, w, h, lat, layout) });
  }
  periods.sort((p, q) => q.z - p.z);
  for (const { lat: start, z: z0 } of periods.slice(0, 1)) {
    const found = tryLattice(polish(sig, w, h, start, z0, layout));
    if (found) return found;
  }
  return best ? (best as Attempt).result : { payload: null, confidence: 0 };
}
