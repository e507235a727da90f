/**
 * Key → tile layout. A 32-byte key is stretched (HMAC-SHA256 per purpose, then a ChaCha20 keystream)
 * into: a ±1 spreading sign per chip, the set of pilot chips (known to the detector, used for
 * synchronisation) and an interleaved assignment of the other chips to coded bits.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { CODED_BITS } from './payload-code.js';

/** Short side, in working pixels, that the tile period is defined against. */
export const WORK_SIDE = 512;
/** Tile side in working pixels (the image is worked on at a 512-pixel short side). */
export const TILE = 128;
/** Chip side in working pixels: one ±1 symbol per CHIP×CHIP cell. */
export const CHIP = 4;
/** Chips per tile side. */
export const CHIPS = TILE / CHIP;
const PILOT_CHIPS = 320;
/** Box radius (working pixels) of the high-pass that shapes the mark into the mid band. */
export const SHAPE_RADIUS = 2;

export interface TileLayout {
  /** Spreading sign (±1) of each chip, row-major CHIPS×CHIPS. */
  sign: Int8Array;
  /** For each chip: the coded bit it carries, or -1 for a pilot chip. */
  codedIndex: Int16Array;
}

/** Deterministic bytes from the key for one purpose (`label`). */
export function keyStream(key: Uint8Array, label: string, bytes: number): Buffer {
  const subKey = createHmac('sha256', key).update(`wenyuan-watermark/v1/${label}`).digest();
  const cipher = createCipheriv('chacha20', subKey, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(bytes));
}

/**
 * Layouts of the last few keys. An instance uses one key, and keeping its layout object keeps the
 * detector's FFT templates (cached per layout) warm: rebuilding them cost ~40 ms per embed.
 */
const layoutCache = new Map<string, TileLayout>();
const LAYOUT_CACHE_SIZE = 8;

/** The tile layout for a key: pilot positions, spreading signs and the bit interleaver (shared, do not modify). */
export function tileLayout(key: Uint8Array): TileLayout {
  const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
  let layout = layoutCache.get(id);
  if (!layout) {
    layout = makeLayout(key);
    if (layoutCache.size >= LAYOUT_CACHE_SIZE) layoutCache.delete(layoutCache.keys().next().value!);
    layoutCache.set(id, layout);
  }
  return layout;
}

function makeLayout(key: Uint8Array): TileLayout {
  const n = CHIPS * CHIPS;
  const bytes = keyStream(key, 'layout', n * 5);
  const sign = new Int8Array(n);
  for (let i = 0; i < n; i++) sign[i] = bytes[i]! & 1 ? 1 : -1;
  // Keyed Fisher–Yates shuffle of chip positions: the first PILOT_CHIPS are pilots, the rest carry
  // coded bits round-robin, so each bit's copies land far apart (burst damage is spread out).
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const r = bytes.readUInt32LE(n + i * 4) % (i + 1);
    const t = order[i]!; order[i] = order[r]!; order[r] = t;
  }
  const codedIndex = new Int16Array(n).fill(-1);
  for (let k = PILOT_CHIPS; k < n; k++) codedIndex[order[k]!] = (k - PILOT_CHIPS) % CODED_BITS;
  return { sign, codedIndex };
}

/** Chip amplitudes (±1): pilots carry their sign, data chips sign × (1 − 2·bit). */
export function chipValues(layout: TileLayout, coded: Uint8Array | null): Float32Array {
  const out = new Float32Array(layout.sign.length);
  for (let i = 0; i < out.length; i++) {
    const c = layout.codedIndex[i]!;
    if (c < 0) out[i] = layout.sign[i]!;
    else out[i] = coded ? layout.sign[i]! * (coded[c] ? -1 : 1) : 0;
  }
  return out;
}

/**
 * Render chip amplitudes into an m×m tile (m = TILE at full size, smaller for down-scaled detection)
 * with a cyclic bilinear (tent) kernel centred on each chip: smooth, so it survives resampling and
 * JPEG better than hard-edged blocks.
 */
export function renderTile(chips: Float32Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  const cell = m / CHIPS;
  for (let y = 0; y < m; y++) {
    const cy = (y + 0.5) / cell - 0.5;
    const y0 = Math.floor(cy), fy = cy - y0;
    const r0 = ((y0 % CHIPS) + CHIPS) % CHIPS, r1 = (r0 + 1) % CHIPS;
    for (let x = 0; x < m; x++) {
      const cx = (x + 0.5) / cell - 0.5;
      const x0 = Math.floor(cx), fx = cx - x0;
      const c0 = ((x0 % CHIPS) + CHIPS) % CHIPS, c1 = (c0 + 1) % CHIPS;
      out[y * m + x] =
        (1 - fy) * ((1 - fx) * chips[r0 * CHIPS + c0]! + fx * chips[r0 * CHIPS + c1]!) +
        fy * ((1 - fx) * chips[r1 * CHIPS + c0]! + fx * chips[r1 * CHIPS + c1]!);
    }
  }
  return out;
}

/** Cyclic high-pass of an m×m tile: subtract its (2r+1)² box mean (a row pass, then a column pass). */
export function cyclicHighPass(t: Float64Array, m: number, r: number): Float64Array {
  const rows = new Float64Array(m * m);
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) {
    let s = 0;
    for (let d = -r; d <= r; d++) s += t[y * m + ((x + d + m) % m)]!;
    rows[y * m + x] = s;
  }
  const out = new Float64Array(m * m);
  const n = (2 * r + 1) ** 2;
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) {
    let s = 0;
    for (let d = -r; d <= r; d++) s += rows[((y + d + m) % m) * m + x]!;
    out[y * m + x] = t[y * m + x]! - s / n;
  }
  return out;
}

/**
 * The mark as embedded, at m×m: chips rendered smooth, then high-passed. Low frequencies are where
 * image content is strongest and the detector's whitening discards them anyway; spending the PSNR
 * budget there would be wasted, so the tile's energy is moved into the mid band.
 */
export function markTile(chips: Float32Array, m: number): Float64Array {
  return cyclicHighPass(renderTile(chips, m), m, Math.max(1, Math.round((SHAPE_RADIUS * m) / TILE)));
}
