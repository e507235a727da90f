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

/** Branch outputs for every (state, input) pair, as ±1 per generator. */
const OUT_SIGN = (() => {
  const out = new Int8Array(STATES * 2 * RATE);
  for (let s = 0; s < STATES; s++) {
    for (let b = 0; b < 2; b++) {
      const reg = (b << (K - 1)) | s;
      for (let g = 0; g < RATE; g++) out[(s * 2 + b) * RATE + g] = parity(reg & GENERATORS[g]!) ? -1 : 1;
    }
  }
  return out;
})();

/**
 * The `list` most likely input sequences ending in the zero state (parallel list Viterbi): each state
 * keeps its `list` best survivors, ranked by path metric, with back pointers to (state, rank).
 */
function listViterbi(soft: Float64Array, list: number): Uint8Array[] {
  const steps = CODED_BITS / RATE;
  let metric = new Float64Array(STATES * list).fill(-Infinity);
  metric[0] = 0;
  let next = new Float64Array(STATES * list);
  // Per step, state and rank: the predecessor's dropped low bit and its rank.
  const fromBit = new Uint8Array(steps * STATES * list);
  const fromRank = new Uint8Array(steps * STATES * list);
  const candMetric = new Float64Array(2 * list), candBit = new Uint8Array(2 * list), candRank = new Uint8Array(2 * list);
  for (let t = 0; t < steps; t++) {
    next.fill(-Infinity);
    for (let ns = 0; ns < STATES; ns++) {
      const b = ns >> (K - 2); // the input bit that leads into ns
      let n = 0;
      for (let d = 0; d < 2; d++) {
        const ps = ((ns << 1) & (STATES - 1)) | d;
        const o = (ps * 2 + b) * RATE;
        let branch = 0;
        for (let g = 0; g < RATE; g++) branch += OUT_SIGN[o + g]! * soft[t * RATE + g]!;
        for (let r = 0; r < list; r++) {
          const m = metric[ps * list + r]!;
          if (m === -Infinity) break; // ranks are sorted: the rest are empty too
          candMetric[n] = m + branch; candBit[n] = d; candRank[n] = r; n++;
        }
      }
      // Keep the `list` best candidates, best first (n ≤ 2·list: selection is cheap).
      for (let r = 0; r < list && r < n; r++) {
        let bi = r;
        for (let j = r + 1; j < n; j++) if (candMetric[j]! > candMetric[bi]!) bi = j;
        if (bi !== r) {
          [candMetric[r], candMetric[bi]] = [candMetric[bi]!, candMetric[r]!];
          [candBit[r], candBit[bi]] = [candBit[bi]!, candBit[r]!];
          [candRank[r], candRank[bi]] = [candRank[bi]!, candRank[r]!];
        }
        const at = ns * list + r;
        next[at] = candMetric[r]!;
        fromBit[t * STATES * list + at] = candBit[r]!;
        fromRank[t * STATES * list + at] = candRank[r]!;
      }
    }
    [metric, next] = [next, metric];
  }
  // Trace back from the zero state (the tail flushed the encoder), one path per surviving rank.
  const paths: Uint8Array[] = [];
  for (let rank = 0; rank < list && metric[rank]! > -Infinity; rank++) {
    const bits = new Uint8Array(steps);
    let state = 0, r = rank;
    for (let t = steps - 1; t >= 0; t--) {
      bits[t] = (state >> (K - 2)) & 1;
      const at = t * STATES * list + state * list + r;
      const d = fromBit[at]!;
      r = fromRank[at]!;
      state = ((state << 1) & (STATES - 1)) | d;
    }
    paths.push(bits);
  }
  return paths;
}

/**
 * Soft values (positive = bit 0, magnitude = reliability) → payload via (list) Viterbi + CRC check.
 * With `list` > 1 the decoder walks the `list` most likely codewords and takes the first whose CRC
 * checks (CRC-aided list decoding: about 1.5 dB better on weak marks); each extra candidate is one more
 * chance for noise to pass the CRC (2⁻²⁴ each), so callers use it only when a mark is clearly present.
 */
export function decodePayload(soft: Float64Array, list = 1): DecodedPayload {
  if (soft.length !== CODED_BITS) throw new Error(`expected ${CODED_BITS} soft values`);
  const paths = listViterbi(soft, Math.max(1, Math.min(255, Math.floor(list))));
  let first: DecodedPayload | null = null;
  for (const bits of paths) {
    const recoded = convEncode(bits);
    let agree = 0;
    for (let i = 0; i < CODED_BITS; i++) if ((soft[i]! < 0 ? 1 : 0) === recoded[i]) agree++;
    const payload = new Uint8Array(PAYLOAD_BYTES);
    for (let i = 0; i < PAYLOAD_BITS; i++) payload[i >> 3]! |= bits[i]! << (7 - (i & 7));
    let crc = 0;
    for (let i = 0; i < CRC_BITS; i++) crc = (crc << 1) | bits[PAYLOAD_BITS + i]!;
    let tailClean = true;
    for (let i = INFO_BITS; i < bits.length; i++) if (bits[i]) tailClean = false;
    if (tailClean && crc === crc24(payload)) return { payload, bitAccuracy: agree / CODED_BITS };
    first ??= { payload: null, bitAccuracy: agree / CODED_BITS };
  }
  return first ?? { payload: null, bitAccuracy: 0 };
}
