/**
 * Channel code for the watermark payload: 48 payload bits + CRC-24 (OpenPGP polynomial), protected
 * by a K=7, rate-1/3 convolutional code (generators 133, 171, 165 octal) with soft-decision Viterbi.
 * The CRC is what turns "some bits" into "this copy": a wrong decode passes it with p ≈ 6·10⁻⁸.
 */

export const PAYLOAD_BYTES = 6;
export const PAYLOAD_BITS = PAYLOAD_BYTES * 8;
const CRC_BITS = 24;
const INFO_BITS = PAYLOAD_BITS + CRC_BITS;
const K = 7;
const TAIL = K - 1;
const GENERATORS = [0o133, 0o171, 0o165];
const RATE = GENERATORS.length;
const STATES = 1 << (K - 1);
/** Number of coded bits the tile has to carry. */
export const CODED_BITS = (INFO_BITS + TAIL) * RATE;

/** CRC-24/OpenPGP of the bytes. */
export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

function parity(x: number): number {
  x ^= x >> 16; x ^= x >> 8; x ^= x >> 4; x ^= x >> 2; x ^= x >> 1;
  return x & 1;
}

function infoBits(payload: Uint8Array): Uint8Array {
  const bits = new Uint8Array(INFO_BITS + TAIL);
  for (let i = 0; i < PAYLOAD_BITS; i++) bits[i] = (payload[i >> 3]! >> (7 - (i & 7))) & 1;
  const crc = crc24(payload);
  for (let i = 0; i < CRC_BITS; i++) bits[PAYLOAD_BITS + i] = (crc >> (CRC_BITS - 1 - i)) & 1;
  return bits; // the last TAIL bits stay 0 to flush the encoder
}

function convEncode(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(bits.length * RATE);
  let state = 0; // the last K-1 input bits, newest in the high bit
  for (let i = 0; i < bits.length; i++) {
    const reg = (bits[i]! << (K - 1)) | state;
    for (let g = 0; g < RATE; g++) out[i * RATE + g] = parity(reg & GENERATORS[g]!);
    state = reg >> 1;
  }
  return out;
}

/** Payload (6 bytes) → coded bits (0/1), CODED_BITS long. */
export function encodePayload(payload: Uint8Array): Uint8Array {
  if (payload.length !== PAYLOAD_BYTES) throw new Error(`payload must be ${PAYLOAD_BYTES} bytes`);
  return convEncode(infoBits(payload));
}

export interface DecodedPayload {
  /** The payload when the CRC checks, else null. */
  payload: Uint8Array | null;
  /** Share of coded bits whose received sign agrees with the re-encoded decision. */
  bitAccuracy: number;
}

/** Soft values (positive = bit 0, magnitude = reliability) → payload via Viterbi + CRC check. */
export function decodePayload(soft: Float64Array): DecodedPayload {
  if (soft.length !== CODED_BITS) throw new Error(`expected ${CODED_BITS} soft values`);
  const steps = CODED_BITS / RATE;
  // Branch outputs for every (state, input) pair, as ±1 per generator.
  const outSign = new Int8Array(STATES * 2 * RATE);
  for (let s = 0; s < STATES; s++) {
    for (let b = 0; b < 2; b++) {
      const reg = (b << (K - 1)) | s;
      for (let g = 0; g < RATE; g++) outSign[(s * 2 + b) * RATE + g] = parity(reg & GENERATORS[g]!) ? -1 : 1;
    }
  }
  let metric = new Float64Array(STATES).fill(-Infinity);
  metric[0] = 0;
  let next = new Float64Array(STATES);
  const from = new Uint8Array(steps * STATES); // predecessor state's dropped bit, per step and state
  for (let t = 0; t < steps; t++) {
    next.fill(-Infinity);
    for (let s = 0; s < STATES; s++) {
      const m = metric[s]!;
      if (m === -Infinity) continue;
      for (let b = 0; b < 2; b++) {
        let branch = 0;
        const o = (s * 2 + b) * RATE;
        for (let g = 0; g < RATE; g++) branch += outSign[o + g]! * soft[t * RATE + g]!;
        const ns = ((b << (K - 1)) | s) >> 1;
        const cand = m + branch;
        if (cand > next[ns]!) { next[ns] = cand; from[t * STATES + ns] = s & 1; }
      }
    }
    [metric, next] = [next, metric];
  }
  // Trace back from the zero state (the tail flushed the encoder).
  const bits = new Uint8Array(steps);
  let state = 0;
  for (let t = steps - 1; t >= 0; t--) {
    bits[t] = (state >> (K - 2)) & 1;
    state = ((state << 1) & (STATES - 1)) | from[t * STATES + state]!;
  }
  const recoded = convEncode(bits);
  let agree = 0;
  for (let i = 0; i < CODED_BITS; i++) if ((soft[i]! < 0 ? 1 : 0) === recoded[i]) agree++;
  const payload = new Uint8Array(PAYLOAD_BYTES);
  for (let i = 0; i < PAYLOAD_BITS; i++) payload[i >> 3]! |= bits[i]! << (7 - (i & 7));
  let crc = 0;
  for (let i = 0; i < CRC_BITS; i++) crc = (crc << 1) | bits[PAYLOAD_BITS + i]!;
  let tailClean = true;
  for (let i = INFO_BITS; i < steps; i++) if (bits[i]) tailClean = false;
  const ok = tailClean && crc === crc24(payload);
  return { payload: ok ? payload : null, bitAccuracy: agree / CODED_BITS };
}
